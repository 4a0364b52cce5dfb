"""``corridor atlas``: browse, check and export the reference atlas."""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.tree import Tree

from corridor.atlas import Atlas, AtlasError, atlas_file_paths
from corridor.atlas.countries import country_name
from corridor.atlas.export import EXPORTABLE, feature_collection, to_csv
from corridor.atlas.geometry import geodesic_length_km, to_shape
from corridor.atlas.loader import check_atlas
from corridor.atlas.models import Asset, Chokepoint, Country, Dispute, Mechanism
from corridor.atlas.queries import find_assets, find_countries, find_disputes, find_mechanisms
from corridor.commands.context import invocation
from corridor.commands.output import JsonOption, err, fail, out, print_json, print_table

app = typer.Typer(
    help="The reference atlas: countries and their Belt zones and Road routes, security "
    "mechanisms, the threat taxonomy, chokepoints, disputes and infrastructure assets.",
    no_args_is_help=True,
)

YearOption = Annotated[
    int | None, typer.Option("--year", help="Membership as it stood in this year (default: now).")
]


@app.callback()
def _choose_atlas(
    ctx: typer.Context,
    atlas_dir: Annotated[
        Path | None,
        typer.Option(
            "--atlas-dir",
            help="A directory of edited atlas files that overlay the bundled ones "
            "(default: $CORRIDOR_ATLAS_DIR). Make one with `corridor atlas copy DIR`.",
            file_okay=False,
        ),
    ] = None,
) -> None:
    if atlas_dir is not None:
        invocation(ctx).atlas_dir = atlas_dir


def _atlas(ctx: typer.Context) -> Atlas:
    try:
        return invocation(ctx).atlas()
    except AtlasError as exc:
        raise fail(f"{exc}\n(run `corridor atlas check` for every problem)") from exc


# --------------------------------------------------------------------------- overview


def overview_data(atlas: Atlas) -> dict[str, Any]:
    """Counts per kind and the countries of each Belt zone and Road route."""

    def members(table: dict[str, frozenset[str]], regions: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": key,
                "name": regions[key].name,
                "countries": sorted(codes),
                "count": len(codes),
            }
            for key, codes in table.items()
        ]

    return {
        "atlas_version": atlas.version,
        "counts": atlas.counts(),
        "belt_zones": members(atlas.zone_countries, atlas.belt_zones),
        "road_routes": members(atlas.route_countries, atlas.road_routes),
        "assets_by_kind": _count_by(a.kind.value for a in atlas.assets.values()),
        "mechanisms_by_kind": _count_by(m.kind.value for m in atlas.mechanisms.values()),
    }


def _count_by(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def print_overview(atlas: Atlas) -> None:
    """The atlas at a glance: what it holds and the seeds' zones and routes."""
    data = overview_data(atlas)
    print_table(
        [{"kind": k, "count": v} for k, v in data["counts"].items()],
        ["kind", "count"],
        title=f"Atlas {atlas.version}: what it holds",
    )
    for section, title in (
        ("belt_zones", "Belt zones (seed 000, footnote 1)"),
        ("road_routes", "Road routes (seed 000, footnote 2)"),
    ):
        rows = [
            {
                "zone": item["name"],
                "n": item["count"],
                "countries": ", ".join(country_name(c) for c in item["countries"]),
            }
            for item in data[section]
        ]
        print_table(rows, ["zone", "n", "countries"], title=title)
    print_table(
        [{"kind": k, "count": v} for k, v in data["assets_by_kind"].items()],
        ["kind", "count"],
        title="Infrastructure assets by kind",
    )


@app.command()
def overview(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """What the atlas holds: counts per kind, the Belt zones and Road routes with countries.

    Example: corridor atlas overview
    """
    atlas = _atlas(ctx)
    if as_json:
        print_json(overview_data(atlas))
    else:
        print_overview(atlas)


# --------------------------------------------------------------------------- lists


def _country_row(atlas: Atlas, country: Country) -> dict[str, Any]:
    return {
        "code": country.alpha3,
        "name": country.name,
        "belt_zone": country.belt_zone,
        "road_routes": list(country.road_routes),
        "mechanisms": sorted(m.id for m in atlas.mechanisms_of(country.alpha3)),
    }


@app.command()
def countries(
    ctx: typer.Context,
    zone: Annotated[str | None, typer.Option(help="Belt zone: core, extension, radiation.")] = None,
    route: Annotated[
        str | None,
        typer.Option(
            help="Road route: southeast_asia, south_asia_persian_gulf, red_sea_indian_ocean_west."
        ),
    ] = None,
    member_of: Annotated[
        str | None, typer.Option("--member-of", help="Members of a mechanism, e.g. SCO.")
    ] = None,
    year: YearOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also countries in no zone or route.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Countries (ISO 3166-1) with their Belt zone, Road routes and mechanisms.

    Example: corridor atlas countries --zone core
    Example: corridor atlas countries --member-of GUAM --year 2000
    """
    atlas = _atlas(ctx)
    classified_only = not show_all and zone is None and route is None and member_of is None
    try:
        found = find_countries(
            atlas,
            zone=zone,
            route=route,
            member_of=member_of,
            year=year,
            classified_only=classified_only,
        )
    except KeyError as exc:
        raise fail(str(exc.args[0])) from exc
    rows = [_country_row(atlas, c) for c in found]
    columns = ["code", "name", "belt_zone", "road_routes", "mechanisms"]
    print_table(rows, columns, title="Countries", as_json=as_json)
    if classified_only and not as_json:
        err.print("[dim]countries in no zone or route are hidden; --all shows them[/dim]")


def _years(start: int | None, end: int | None) -> str:
    if start is None and end is None:
        return ""
    return f"{start or '?'}-{end}" if end else f"{start or '?'}-"


def _mechanism_row(atlas: Atlas, mechanism: Mechanism, year: int | None) -> dict[str, Any]:
    return {
        "id": mechanism.id,
        "name": mechanism.name,
        "kind": mechanism.kind.value,
        "binding": mechanism.binding.value,
        "years": _years(mechanism.founded, mechanism.ended),
        "members": len(atlas.member_states(mechanism, year)),
        "domains": atlas.broadest_domains(mechanism.domains),
    }


@app.command()
def mechanisms(
    ctx: typer.Context,
    member: Annotated[
        str | None, typer.Option(help="Only those this country (ISO alpha-3) belongs to.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option(help="Only those covering this threat class, e.g. terrorism.")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="alliance, security_organization, regional_organization, forum, "
            "law_enforcement, counter_piracy, dialogue."
        ),
    ] = None,
    year: YearOption = None,
    as_json: JsonOption = False,
) -> None:
    """Security mechanisms with kind, how binding, years, member count and domains.

    Example: corridor atlas mechanisms --member KAZ --domain terrorism
    Example: corridor atlas mechanisms --member UZB --year 2003
    """
    atlas = _atlas(ctx)
    try:
        found = find_mechanisms(atlas, member=member, domain=domain, kind=kind, year=year)
    except KeyError as exc:
        raise fail(f"{exc.args[0]} (see `corridor atlas threats`)") from exc
    rows = [_mechanism_row(atlas, m, year) for m in found]
    columns = ["id", "name", "kind", "binding", "years", "members", "domains"]
    print_table(rows, columns, title="Security mechanisms", as_json=as_json)


def _asset_row(asset: Asset) -> dict[str, Any]:
    return {
        "id": asset.id,
        "name": asset.name,
        "kind": asset.kind.value,
        "criticality": asset.criticality.value,
        "status": asset.status,
        "countries": list(asset.countries),
        "length_km": round(geodesic_length_km(to_shape(asset.geometry))),
        "operator": asset.operator,
    }


@app.command()
def assets(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option(
            help="pipeline (oil or gas), oil_pipeline, gas_pipeline, railway, port, "
            "dry_port, border_crossing, sea_lane, economic_corridor."
        ),
    ] = None,
    country: Annotated[str | None, typer.Option(help="Only assets in this country.")] = None,
    criticality: Annotated[str | None, typer.Option(help="core, important or ordinary.")] = None,
    status: Annotated[
        str | None, typer.Option(help="operating, construction, proposed, mothballed, ...")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Infrastructure assets: pipelines, railways, ports, crossings, sea lanes, corridors.

    Example: corridor atlas assets --kind pipeline --country KAZ
    """
    atlas = _atlas(ctx)
    found = find_assets(atlas, kind=kind, country=country, criticality=criticality, status=status)
    columns = ["id", "name", "kind", "criticality", "status", "countries", "length_km"]
    print_table([_asset_row(a) for a in found], columns, title="Assets", as_json=as_json)


def _chokepoint_row(point: Chokepoint) -> dict[str, Any]:
    return {
        "id": point.id,
        "name": point.name,
        "longitude": point.longitude,
        "latitude": point.latitude,
        "searoute_passage": point.searoute_passage,
        "coastal_states": list(point.coastal_states),
        "figures": [f"{f.label}: {f.value:g} {f.unit}" for f in point.figures],
    }


@app.command()
def chokepoints(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Straits and canals the sea lanes depend on, with the figures the seeds quote.

    Example: corridor atlas chokepoints --json
    """
    atlas = _atlas(ctx)
    rows = [_chokepoint_row(c) for c in atlas.chokepoints.values()]
    columns = ["id", "name", "coastal_states", "searoute_passage", "figures"]
    print_table(rows, columns, title="Chokepoints", as_json=as_json)


def _dispute_row(dispute: Dispute) -> dict[str, Any]:
    return {
        "id": dispute.id,
        "name": dispute.name,
        "category": dispute.category,
        "kind": dispute.kind.value,
        "parties": list(dispute.parties),
        "since": dispute.since,
    }


@app.command()
def disputes(
    ctx: typer.Context,
    party: Annotated[str | None, typer.Option(help="Only those involving this country.")] = None,
    kind: Annotated[str | None, typer.Option(help="land or maritime.")] = None,
    category: Annotated[str | None, typer.Option(help="dispute or hot_spot.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Territorial and maritime disputes and hot spots the seeds name.

    Example: corridor atlas disputes --party KGZ
    """
    atlas = _atlas(ctx)
    found = find_disputes(atlas, party=party, kind=kind, category=category)
    columns = ["id", "name", "category", "kind", "parties", "since"]
    print_table([_dispute_row(d) for d in found], columns, title="Disputes", as_json=as_json)


@app.command()
def threats(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The threat taxonomy: traditional and non-traditional classes with stable ids.

    Example: corridor atlas threats
    """
    atlas = _atlas(ctx)
    if as_json:
        print_json([t.model_dump(mode="json") for t in atlas.threats.values()])
        return

    def grow(node: Tree, parent: str | None) -> None:
        for threat in atlas.threats.values():
            if threat.parent == parent:
                grow(node.add(f"[bold]{threat.id}[/bold]  {threat.name}"), threat.id)

    root = Tree("Threat taxonomy")
    grow(root, None)
    out.print(root)


# --------------------------------------------------------------------------- one record


def _detail(atlas: Atlas, kind: str, record: Any) -> dict[str, Any]:
    if isinstance(record, Country):
        data = record.model_dump(mode="json")
        data["mechanisms"] = sorted(m.id for m in atlas.mechanisms_of(record.alpha3))
        data["assets"] = sorted(a.id for a in atlas.assets.values() if record.alpha3 in a.countries)
        data["disputes"] = sorted(
            d.id for d in atlas.disputes.values() if record.alpha3 in d.parties
        )
        return {"record_type": kind, **data}
    data = {"record_type": kind, **record.model_dump(mode="json", exclude_none=True)}
    if isinstance(record, Asset):
        shape = to_shape(record.geometry)
        data["length_km"] = round(geodesic_length_km(shape), 1)
        data["vertices"] = len(shape.coords) if hasattr(shape, "coords") else None
        data["bounds"] = [round(v, 4) for v in shape.bounds]
        data.pop("geometry")
    if kind in ("belt zone", "road route", "region"):
        from corridor.atlas.catalog import resolve_region

        data["resolved_countries"] = sorted(resolve_region(record, atlas.regions, atlas.mechanisms))
    return data


def _render_detail(data: dict[str, Any]) -> None:
    title = f"{data.get('name', data.get('id'))} [dim]({data['record_type']})[/dim]"
    lines = []
    for key, value in data.items():
        if key in ("members", "observers", "partners", "meetings", "figures") and value:
            continue
        text = ", ".join(str(v) for v in value) if isinstance(value, list) else value
        lines.append(f"[bold]{key}[/bold]: {text}")
    out.print(Panel("\n".join(lines), title=title, title_align="left"))
    for role in ("members", "observers", "partners"):
        if data.get(role):
            rows = [
                {
                    "party": m.get("country") or m.get("mechanism"),
                    "name": country_name(m["country"]) if m.get("country") else "",
                    "joined": m.get("joined"),
                    "left": m.get("left"),
                    "note": m.get("note"),
                }
                for m in data[role]
            ]
            print_table(rows, ["party", "name", "joined", "left", "note"], title=role)
    if data.get("meetings"):
        rows = [
            {
                "when": f"{m['year']}-{m['month']:02d}",
                "countries": m["country_count"],
                "organizations": ", ".join(m.get("organizations", [])) or m["organization_count"],
                "outcomes": "; ".join(m.get("outcomes", [])),
            }
            for m in data["meetings"]
        ]
        print_table(rows, ["when", "countries", "organizations", "outcomes"], title="meetings")
    if data.get("figures"):
        rows = [
            {"figure": f["label"], "value": f"{f['value']:g} {f['unit']}", "source": f["source"]}
            for f in data["figures"]
        ]
        print_table(rows, ["figure", "value", "source"], title="figures")


@app.command()
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A country code, mechanism, asset, chokepoint, dispute, threat, zone or route id.",
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Everything the atlas knows about one record, with its sources.

    Example: corridor atlas show GUAM
    Example: corridor atlas show KAZ
    Example: corridor atlas show cagp-line-a --json
    """
    atlas = _atlas(ctx)
    matches = atlas.find(record_id)
    if not matches:
        raise fail(f"no atlas record has the id {record_id!r}")
    details = [_detail(atlas, kind, record) for kind, record in matches]
    if as_json:
        print_json(details[0] if len(details) == 1 else details)
        return
    for data in details:
        _render_detail(data)


# --------------------------------------------------------------------------- files


class ExportFormat(StrEnum):
    geojson = "geojson"
    csv = "csv"


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="geojson or csv.")] = (
        ExportFormat.geojson
    ),
    layers: Annotated[
        list[str] | None,
        typer.Option(
            "--layer",
            help="assets, chokepoints or disputes; repeat for several (default: all three).",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Export places as GeoJSON (for QGIS, kepler.gl, geopandas) or CSV with WKT geometry.

    Example: corridor atlas export --format geojson --layer assets -o assets.geojson
    """
    atlas = _atlas(ctx)
    chosen = layers or list(EXPORTABLE)
    unknown = [layer for layer in chosen if layer not in EXPORTABLE]
    if unknown:
        raise fail(f"unknown layer {unknown[0]!r}; choose from {', '.join(EXPORTABLE)}")
    if fmt is ExportFormat.geojson:
        import json

        text = json.dumps(feature_collection(atlas, chosen), ensure_ascii=False)
    else:
        text = to_csv(atlas, chosen)
    if output is None:
        print(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")


@app.command()
def check(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="Directory of edited atlas files (default: --atlas-dir, else the bundled atlas).",
            file_okay=False,
            exists=True,
        ),
    ] = None,
    geography: Annotated[
        bool, typer.Option(help="Also check that assets lie in the countries they claim.")
    ] = True,
) -> None:
    """Validate atlas files: one line per problem naming file, line, entry and field.

    Exits 1 if anything is wrong, so it can guard a commit or a CI job.

    Example: corridor atlas copy my-atlas && $EDITOR my-atlas/mechanisms.yaml &&
    corridor atlas check my-atlas
    """
    target = directory or ctx.obj
    problems = check_atlas(target, geography=geography)
    for problem in problems:
        print(problem)
    sys.stdout.flush()
    checked = f"{target} over the bundled atlas" if target else "the bundled atlas"
    if problems:
        err.print(f"[red]{len(problems)} problems[/red] in {checked}")
        raise typer.Exit(1)
    err.print(f"[green]valid[/green]: {checked}")


@app.command()
def copy(
    destination: Annotated[Path, typer.Argument(help="Directory to create or fill.")],
    force: Annotated[bool, typer.Option(help="Overwrite files that exist.")] = False,
) -> None:
    """Copy the bundled atlas files to a directory, to edit and use with --atlas-dir.

    Example: corridor atlas copy my-atlas
    """
    destination.mkdir(parents=True, exist_ok=True)
    for path in sorted(atlas_file_paths().values()):
        target = destination / path.name
        if target.exists() and not force:
            raise fail(f"{target} exists; use --force to overwrite")
        shutil.copyfile(path, target)
        err.print(f"copied {path.name}")
    err.print(f"edit the files, then: corridor atlas --atlas-dir {destination} check")


@app.command("map")
def draw_map(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="PNG file to write.")] = Path(
        "corridor-atlas.png"
    ),
) -> None:
    """Draw the atlas as a PNG: Belt zones, assets by kind, chokepoints, disputes.

    Example: corridor atlas map -o atlas.png
    """
    from corridor.maps import draw_atlas_map

    atlas = _atlas(ctx)
    err.print(f"wrote {draw_atlas_map(atlas, output)}")
