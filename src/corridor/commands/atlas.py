"""``corridor atlas``: browse, check and export the reference atlas.

Each command parses its options, calls one use case of :mod:`corridor.atlas.services`
and renders the result; the library (pydantic, shapely, pyproj) loads inside the command.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.options import AtlasDirOption, CountryOption, ForceOption, OutputOption
from corridor.commands.output import JsonOption, note, out, print_json, print_table

if TYPE_CHECKING:
    from corridor.atlas.catalog import Atlas
    from corridor.atlas.services import RecordDetail

app = typer.Typer(
    help="The reference atlas: countries and their Belt zones and Road routes, security "
    "mechanisms, the threat taxonomy, chokepoints, disputes and infrastructure assets.\n\n"
    "Example: corridor atlas overview",
    no_args_is_help=True,
)

YearOption = Annotated[
    int | None, typer.Option("--year", help="Membership as it stood in this year (default: now).")
]


def _hidden_countries(flag: str) -> Any:
    """An old spelling of ``--country`` kept working but out of the help (the library
    resolves the names)."""
    return typer.Option(flag, hidden=True, help="The old name of --country.")


@app.callback()
def _choose_atlas(atlas_dir: AtlasDirOption = None) -> None:
    """The same --atlas-dir as on `corridor` itself, where atlas users look for it."""
    if atlas_dir is not None:
        current().atlas_dir = atlas_dir


def _atlas() -> Atlas:
    return current().atlas()


# --------------------------------------------------------------------------- overview


def print_overview(atlas: Atlas) -> None:
    """The atlas at a glance: what it holds and the seeds' zones and routes."""
    from corridor.atlas.countries import country_name
    from corridor.atlas.services import overview

    data = overview(atlas)
    print_table(
        [{"kind": k, "count": v} for k, v in data.counts.items()],
        ["kind", "count"],
        title=f"Atlas {data.atlas_version}: what it holds",
    )
    for regions, title in (
        (data.belt_zones, "Belt zones (seed 000, footnote 1)"),
        (data.road_routes, "Road routes (seed 000, footnote 2)"),
    ):
        rows = [
            {
                "zone": region.name,
                "n": region.count,
                "countries": ", ".join(country_name(c) for c in region.countries),
            }
            for region in regions
        ]
        print_table(rows, ["zone", "n", "countries"], title=title)
    print_table(
        [{"kind": k, "count": v} for k, v in data.assets_by_kind.items()],
        ["kind", "count"],
        title="Infrastructure assets by kind",
    )


@app.command()
def overview(as_json: JsonOption = False) -> None:
    """What the atlas holds: counts per kind, the Belt zones and Road routes with countries.

    Example: corridor atlas overview
    Example: corridor atlas overview --json
    """
    atlas = _atlas()
    if as_json:
        from corridor.atlas.services import overview as atlas_overview

        print_json(asdict(atlas_overview(atlas)))
    else:
        print_overview(atlas)


# --------------------------------------------------------------------------- lists


@app.command()
def countries(
    zone: Annotated[
        str | None, typer.Option(help="Belt zone: core, extension or radiation.")
    ] = None,
    route: Annotated[
        str | None,
        typer.Option(
            help="Road route: southeast_asia, south_asia_persian_gulf, red_sea_indian_ocean_west."
        ),
    ] = None,
    member_of: Annotated[
        str | None,
        typer.Option("--member-of", metavar="MECHANISM", help="Members of a mechanism, e.g. SCO."),
    ] = None,
    year: YearOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also countries in no zone or route.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Countries (ISO 3166-1) with their Belt zone, Road routes and mechanisms.

    Example: corridor atlas countries --zone core
    Example: corridor atlas countries --route south_asia_persian_gulf --json
    Example: corridor atlas countries --member-of GUAM --year 2000
    """
    from corridor.atlas.services import countries as find

    found = find(
        _atlas(), zone=zone, route=route, member_of=member_of, year=year, everywhere=show_all
    )
    rows = [asdict(c) for c in found.countries]
    columns = ["code", "name", "belt_zone", "road_routes", "mechanisms"]
    print_table(rows, columns, title="Countries", as_json=as_json)
    if found.hidden and not as_json:
        note(f"{found.hidden} countries in no zone or route are hidden; --all shows them")


def _years(start: int, end: int | None) -> str:
    return f"{start}-{end}" if end else f"{start}-"


@app.command()
def mechanisms(
    country: CountryOption = None,
    member: Annotated[list[str] | None, _hidden_countries("--member")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="alliance, security_organization, regional_organization, forum, "
            "law_enforcement, counter_piracy, dialogue."
        ),
    ] = None,
    domain: Annotated[
        str | None,
        typer.Option(
            help="Only those covering this threat class, e.g. terrorism (`corridor atlas threats`)."
        ),
    ] = None,
    year: YearOption = None,
    as_json: JsonOption = False,
) -> None:
    """Security mechanisms with kind, how binding, years, member states and domains.

    With --country: those any of the countries is a member state of.

    Example: corridor atlas mechanisms --country KAZ --domain terrorism
    Example: corridor atlas mechanisms --country Uzbekistan --year 2003
    Example: corridor atlas mechanisms --kind counter_piracy
    """
    from corridor.atlas.services import mechanisms as find

    found = find(
        _atlas(), countries=[*(country or []), *(member or [])], kind=kind, domain=domain, year=year
    )
    if as_json:
        print_json([asdict(m) for m in found])
        return
    rows = [{**asdict(m), "years": _years(m.founded, m.ended)} for m in found]
    columns = ["id", "name", "kind", "binding", "years", "members", "domains"]
    print_table(rows, columns, title="Security mechanisms")


@app.command()
def assets(
    kind: Annotated[
        str | None,
        typer.Option(
            help="pipeline (oil or gas), oil_pipeline, gas_pipeline, railway, port, "
            "dry_port, border_crossing, sea_lane, economic_corridor."
        ),
    ] = None,
    country: CountryOption = None,
    criticality: Annotated[str | None, typer.Option(help="core, important or ordinary.")] = None,
    status: Annotated[
        str | None, typer.Option(help="operating, construction, proposed, mothballed, ...")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Infrastructure assets: pipelines, railways, ports, crossings, sea lanes, corridors.

    With --country: those in any of the countries. Lengths are geodesic, in km.

    Example: corridor atlas assets --kind pipeline --country KAZ
    Example: corridor atlas assets --criticality core --json
    """
    from corridor.atlas.services import assets as find

    found = find(_atlas(), kind=kind, countries=country, criticality=criticality, status=status)
    columns = ["id", "name", "kind", "criticality", "status", "countries", "length_km"]
    print_table([asdict(a) for a in found], columns, title="Assets", as_json=as_json)


@app.command()
def chokepoints(as_json: JsonOption = False) -> None:
    """Straits and canals the sea lanes depend on, with the figures the seeds quote.

    Example: corridor atlas chokepoints
    Example: corridor atlas chokepoints --json
    """
    from corridor.atlas.services import chokepoints as find

    rows = [
        {
            **point.model_dump(mode="json", include={"id", "name", "longitude", "latitude"}),
            "searoute_passage": point.searoute_passage,
            "coastal_states": list(point.coastal_states),
            "figures": [f"{f.label}: {f.value:g} {f.unit}" for f in point.figures],
        }
        for point in find(_atlas())
    ]
    columns = ["id", "name", "coastal_states", "searoute_passage", "figures"]
    print_table(rows, columns, title="Chokepoints", as_json=as_json)


@app.command()
def disputes(
    country: CountryOption = None,
    party: Annotated[list[str] | None, _hidden_countries("--party")] = None,
    kind: Annotated[str | None, typer.Option(help="land or maritime.")] = None,
    category: Annotated[str | None, typer.Option(help="dispute or hot_spot.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Territorial and maritime disputes and hot spots the seeds name.

    With --country: those any of the countries is a party to.

    Example: corridor atlas disputes --country KGZ
    Example: corridor atlas disputes --kind maritime --category hot_spot
    """
    from corridor.atlas.services import disputes as find

    found = find(
        _atlas(), countries=[*(country or []), *(party or [])], kind=kind, category=category
    )
    rows = [
        d.model_dump(mode="json", include={"id", "name", "category", "kind", "parties", "since"})
        for d in found
    ]
    columns = ["id", "name", "category", "kind", "parties", "since"]
    print_table(rows, columns, title="Disputes", as_json=as_json)


@app.command()
def threats(as_json: JsonOption = False) -> None:
    """The threat taxonomy: traditional and non-traditional classes with stable ids.

    Example: corridor atlas threats
    Example: corridor atlas threats --json
    """
    from rich.text import Text
    from rich.tree import Tree

    from corridor.atlas.services import threats as taxonomy

    classes = taxonomy(_atlas())
    if as_json:
        print_json([t.model_dump(mode="json") for t in classes])
        return
    root = Tree("Threat taxonomy")
    nodes: dict[str | None, Tree] = {None: root}
    for threat in classes:  # parents come before their children
        label = Text.assemble((threat.id, "bold"), f"  {threat.name}")
        nodes[threat.id] = nodes[threat.parent].add(label)
    out.print(root)


# --------------------------------------------------------------------------- one record


def _render_detail(detail: RecordDetail) -> None:
    from rich.panel import Panel
    from rich.text import Text

    from corridor.atlas.countries import country_name

    data = detail.data
    title = Text.assemble(str(data.get("name", data.get("id"))), (f" ({detail.kind})", "dim"))
    body = Text()
    for key, value in data.items():
        if key in ("members", "observers", "partners", "meetings", "figures") and value:
            continue
        text = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        body.append(f"{key}", "bold").append(f": {text}\n")
    body.rstrip()
    out.print(Panel(body, title=title, title_align="left"))
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
    from corridor.atlas.services import describe

    details = describe(_atlas(), record_id)
    if as_json:
        data = [d.data for d in details]
        print_json(data[0] if len(data) == 1 else data)
        return
    for detail in details:
        _render_detail(detail)


# --------------------------------------------------------------------------- files


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="geojson or csv.")
    ] = "geojson",
    layers: Annotated[
        list[str] | None,
        typer.Option(
            "--layer",
            help="assets, chokepoints or disputes; repeat for several (default: all three).",
        ),
    ] = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Export places as GeoJSON (for QGIS, kepler.gl, geopandas) or CSV with WKT geometry.

    Example: corridor atlas export --format geojson --layer assets -o assets.geojson
    Example: corridor atlas export --format csv --layer chokepoints
    """
    from corridor.atlas.services import export_places, write_places

    if output is None:
        sys.stdout.write(export_places(_atlas(), format=fmt, layers=layers))
        return
    written = write_places(_atlas(), output, format=fmt, layers=layers, force=force)
    note(f"wrote {written}", style="")


@app.command()
def check(
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="Folder of edited atlas files (default: --atlas-dir, else the bundled atlas).",
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

    Example: corridor atlas check --no-geography
    Example: corridor atlas copy my-atlas && corridor atlas check my-atlas
    """
    from corridor.atlas.services import check as check_atlas

    report = check_atlas(directory or current().atlas_dir, geography=geography)
    for problem in report.problems:
        print(problem)
    sys.stdout.flush()
    if not report.valid:
        note(f"{len(report.problems)} problems in {report.checked}", style="red")
        raise typer.Exit(1)
    note(f"valid: {report.checked}", style="green")


@app.command()
def copy(
    destination: Annotated[
        Path, typer.Argument(metavar="DIR", help="A new folder to create (an empty one will do).")
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an existing atlas folder (your edits are lost)."),
    ] = False,
) -> None:
    """Copy the bundled atlas files to a new folder, to edit and use with --atlas-dir.

    The folder appears whole or not at all.

    Example: corridor atlas copy my-atlas
    Example: corridor atlas copy my-atlas && corridor atlas --atlas-dir my-atlas countries
    """
    from corridor.atlas.services import copy_atlas

    for path in copy_atlas(destination, force=force):
        note(f"copied {path.name}")
    note(f"edit the files, then: corridor atlas check {destination}", style="")


@app.command("map")
def draw_map(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", dir_okay=False, help="PNG file to write."),
    ] = Path("corridor-atlas.png"),
    force: ForceOption = False,
) -> None:
    """Draw the atlas as a PNG: Belt zones, assets by kind, chokepoints, disputes.

    Example: corridor atlas map -o atlas.png
    """
    from corridor.files import check_target
    from corridor.maps import draw_atlas_map

    check_target(output, force=force)
    note(f"wrote {draw_atlas_map(_atlas(), output)}", style="")
