"""``corridor risk``: how exposed each asset, country and corridor is, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from corridor.atlas import load_atlas
from corridor.atlas.catalog import Atlas
from corridor.atlas.geometry import to_shape
from corridor.atlas.models import AssetKind
from corridor.commands.output import err, fail, print_json, print_table
from corridor.cooperation.sharing import Viewer
from corridor.risk.assets import (
    atlas_exposure,
    atlas_shapes,
    corridor_segments,
    of_threat,
    route_segments,
)
from corridor.risk.backtest import backtest_assets, backtest_countries
from corridor.risk.corridors import CorridorRisk, corridor_risk
from corridor.risk.country import CountryRisk, country_risk
from corridor.risk.exposure import Exposure, IncidentArrays
from corridor.risk.indicators import (
    IndicatorError,
    IndicatorTable,
    bundled_indicators,
    load_indicators,
)
from corridor.risk.profile import ProfileError, RiskProfile, default_profile_path, load_profile
from corridor.risk.user_assets import RiskAsset, UserAssetError, atlas_assets, load_user_assets
from corridor.settings import settings
from corridor.store import open_store
from corridor.store.incident_columns import incident_arrays
from corridor.store.incidents import IncidentQuery

app = typer.Typer(
    help="Risk: the exposure of every asset to nearby incidents (distance- and time-decayed, "
    "weighted by class, severity and the asset's criticality), country risk as an INFORM-style "
    "composite, and corridor risk; `risk explain ID` shows what makes any score. All "
    "parameters come from one profile: `corridor risk profile --write my.yaml` gives a copy "
    "to change and pass back with --profile.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Score as of this date (YYYY-MM-DD): later incidents do not count, older ones "
        "fade with the profile's half-life. Default: the newest incident you can read.",
    ),
]
ProfileOption = Annotated[
    Path | None,
    typer.Option(
        "--profile", help="A risk profile YAML (default: the bundled one).", dir_okay=False
    ),
]
ThreatOption = Annotated[
    str | None,
    typer.Option("--threat", help="Only incidents of this threat class and the classes under it."),
]
ASSET_COLUMNS = ("rank", "asset", "name", "kind", "criticality", "exposure", "incidents_in_reach")
IndicatorsOption = Annotated[
    Path | None,
    typer.Option(
        "--indicators",
        help="Vulnerability and coping indicators: a World Bank bulk CSV or a long "
        "country,indicator,year,value CSV (default: the bundled WGI 1996-2018).",
        dir_okay=False,
    ),
]
AssetsOption = Annotated[
    Path | None,
    typer.Option(
        "--assets",
        help="Your own assets too: a GeoJSON FeatureCollection, each feature with an id and "
        "optionally name, kind and criticality (core, important, ordinary).",
        dir_okay=False,
    ),
]
TopOption = Annotated[int, typer.Option("--top", min=1, help="How many rows to show.")]
MapOption = Annotated[
    Path | None, typer.Option("--map", help="Also draw the scores on a map (PNG).", dir_okay=False)
]


@dataclass(frozen=True)
class Inputs:
    """What every risk command reads: the atlas, the profile, the incidents, the date."""

    atlas: Atlas
    profile: RiskProfile
    incidents: IncidentArrays
    as_of: date
    extra: tuple[RiskAsset, ...] = ()  # the user's own assets

    @property
    def assets(self) -> dict[str, RiskAsset]:
        return {a.id: a for a in (*atlas_assets(self.atlas), *self.extra)}


def read_inputs(
    as_of: str | None,
    profile_path: Path | None,
    threat: str | None,
    assets: Path | None = None,
    *,
    need_incidents: bool = True,
) -> Inputs:
    """Load and check everything once; a bad option fails with one clear line.

    Without ``need_incidents``, an empty store scores everything 0 as of today.
    """
    atlas = load_atlas(settings().atlas_dir)
    extra: list[RiskAsset] = []
    if assets is not None:
        try:
            extra = load_user_assets(assets, taken=atlas.assets)
        except UserAssetError as exc:
            raise fail(str(exc)) from exc
    if threat is not None and threat not in atlas.threats:
        raise fail(f"--threat {threat}: not a threat class; try one of {', '.join(atlas.threats)}")
    try:
        profile = load_profile(profile_path or default_profile_path(), atlas.threats)
    except ProfileError as exc:
        raise fail(str(exc)) from exc
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError as exc:
            raise fail(f"--as-of {as_of}: not a date (YYYY-MM-DD)") from exc
    with open_store(settings().database_url).connect() as connection:
        incidents = incident_arrays(
            connection, IncidentQuery(until=day), Viewer(settings().organization)
        )
    if day is None:
        if len(incidents) == 0 and need_incidents:
            raise fail("no incidents to score: import some first (corridor incidents import)")
        day = incidents.start_date.max().astype(object) if len(incidents) else date.today()
    assert day is not None
    return Inputs(atlas, profile, incidents, day, tuple(extra))


def _footer(exposure: Exposure) -> None:
    span = exposure.data_range
    data = f"incidents {span[0]} .. {span[1]}" if span else "no incidents"
    err.print(
        f"[dim]as of {exposure.as_of}; profile {exposure.profile.label}; {data}; "
        f"radius {exposure.profile.exposure.radius_km:g} km, half-life "
        f"{exposure.profile.exposure.half_life_days:g} days[/dim]",
        highlight=False,
    )


def _asset_rows(inputs: Inputs, exposure: Exposure, top: int) -> list[dict[str, Any]]:
    reached = {}
    for asset_number in set(exposure.pairs.asset.tolist()):
        mine = (exposure.pairs.asset == asset_number) & (exposure.points > 0)
        reached[asset_number] = int(mine.sum())
    rows = []
    known = inputs.assets
    for rank, (asset_id, score) in enumerate(exposure.ranking()[:top], start=1):
        asset = known[asset_id]
        number = exposure.asset_ids.index(asset_id)
        rows.append(
            {
                "rank": rank,
                "asset": asset_id,
                "name": asset.name,
                "kind": asset.kind,
                "criticality": asset.criticality,
                "exposure": round(score, 2),
                "incidents_in_reach": reached.get(number, 0),
            }
        )
    return rows


@app.command()
def assets(
    as_of: AsOfOption = None,
    profile: ProfileOption = None,
    threat: ThreatOption = None,
    assets_path: AssetsOption = None,
    top: TopOption = 20,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """The atlas's assets (and yours, with --assets) ranked by exposure to nearby incidents.

    Example: corridor risk assets --threat piracy --as-of 2011-12-31 --map piracy.png
    """
    inputs = read_inputs(as_of, profile, threat, assets_path)
    exposure = _exposure(inputs, threat)
    rows = _asset_rows(inputs, exposure, top)
    title = f"Most exposed assets{f' to {threat}' if threat else ''}, as of {inputs.as_of}"
    if as_json:
        print_json({"as_of": inputs.as_of, "profile": inputs.profile.label, "assets": rows})
    else:
        print_table(rows, ASSET_COLUMNS, title=title)
        _footer(exposure)
    if map_path is not None:
        err.print(f"map: {draw_exposure_map(inputs, exposure, map_path, title)}")


def demo_exposure(map_path: Path) -> None:
    """The demo's last act: the ten most exposed assets on the bundled data, and their map."""
    inputs = read_inputs(None, None, None)
    exposure = _exposure(inputs, None)
    title = f"The ten most exposed assets, as of {inputs.as_of}"
    print_table(_asset_rows(inputs, exposure, 10), ASSET_COLUMNS, title=title)
    _footer(exposure)
    err.print(f"map of exposure: {draw_exposure_map(inputs, exposure, map_path, title)}")
    err.print("why a score: corridor risk explain ASSET_ID", highlight=False)


def draw_exposure_map(inputs: Inputs, exposure: Exposure, path: Path, title: str) -> Path:
    """The assets coloured by exposure, with the incidents that could count."""
    from corridor.maps import draw_risk_map

    counted = exposure.ages >= 0
    scores = dict(zip(exposure.asset_ids, exposure.scores.tolist(), strict=True))
    points = (exposure.incidents.lon[counted].tolist(), exposure.incidents.lat[counted].tolist())
    shapes = [
        (a.id, a.name, to_shape({"type": a.geometry_type, "coordinates": a.coordinates}))
        for a in inputs.assets.values()
    ]
    return draw_risk_map(shapes, scores, points, path, title=title)


def _exposure(inputs: Inputs, threat: str | None) -> Exposure:
    return atlas_exposure(
        inputs.atlas, inputs.incidents, inputs.profile, inputs.as_of, threat=threat,
        extra=inputs.extra,
    )  # fmt: skip


@app.command()
def explain(
    record_id: Annotated[
        str,
        typer.Argument(
            help="An asset id (see `corridor atlas list assets`), an economic corridor's id "
            "or an ISO alpha-3 country code."
        ),
    ],
    as_of: AsOfOption = None,
    profile: ProfileOption = None,
    threat: ThreatOption = None,
    indicators: IndicatorsOption = None,
    assets_path: AssetsOption = None,
    top: TopOption = 10,
    as_json: JsonOption = False,
) -> None:
    """What makes a score: the parameters, the data's time range and what weighed most.

    For an asset, the incidents with their distance, age, class and share of the score;
    for a corridor, also its segments; for a country, each component and threat class.
    Example: corridor risk explain sea-lane-bab-el-mandeb-red-sea-suez --as-of 2011-12-31
    """
    inputs = read_inputs(as_of, profile, threat, assets_path)
    if record_id in inputs.assets:
        _explain_asset(inputs, record_id, threat, indicators, top, as_json)
    elif record_id.upper() in inputs.atlas.countries:
        _explain_country(inputs, record_id.upper(), threat, indicators, as_json)
    else:
        raise fail(
            f"{record_id}: neither an asset id (`corridor atlas list assets`) nor an ISO "
            "alpha-3 country code"
        )


def _show(
    summary: dict[str, Any], tables: dict[str, tuple[list[dict[str, Any]], Any]], as_json: bool
) -> None:
    """The summary as lines and each table, or all of it as one JSON object."""
    if as_json:
        print_json({**summary, **{name: data for name, (_, data) in tables.items()}})
        return
    for key, value in summary.items():
        err.print(f"[bold]{key.replace('_', ' ')}[/bold]: {value}", highlight=False)
    for title, (rows, _) in tables.items():
        print_table(rows, list(rows[0]) if rows else ["none"], title=title.replace("_", " "))


def _explain_asset(
    inputs: Inputs,
    asset_id: str,
    threat: str | None,
    indicators: Path | None,
    top: int,
    as_json: bool,
) -> None:
    exposure = _exposure(inputs, threat)
    asset = inputs.assets[asset_id]
    settings_ = inputs.profile.exposure
    parts = exposure.contributions(asset_id, top=top)
    summary = {
        "asset": asset_id,
        "name": asset.name,
        "exposure": exposure.score_of(asset_id),
        "as_of": inputs.as_of,
        "profile": inputs.profile.label,
        "criticality": asset.criticality,
        "criticality_factor": settings_.criticality[asset.criticality],
        "radius_km": settings_.radius_km,
        "radius_km_by_class": settings_.radius_km_by_class,
        "half_life_days": settings_.half_life_days,
        "non_lethal_floor": settings_.non_lethal_floor,
        "data_range": " .. ".join(map(str, exposure.data_range or ())) or None,
    }
    rows = [
        {
            "incident": p.incident_id[:8],
            "date": p.start_date,
            "class": p.threat_class,
            "km": round(p.distance_km, 1),
            "age_days": p.age_days,
            "deaths": None if p.fatalities is None else int(p.fatalities),
            "points": round(p.points, 3),
            "share": f"{p.share:.1%}",
            "title": p.title,
        }
        for p in parts
    ]
    tables: dict[str, tuple[list[dict[str, Any]], Any]] = {
        "top_incidents": (rows, [vars(p) for p in parts])
    }
    if asset.origin == "atlas" and asset.kind == AssetKind.ECONOMIC_CORRIDOR:
        chosen = of_threat(inputs.incidents, inputs.atlas, threat)
        by_country = {c.country: c.risk for c in _country_scores(inputs, threat, indicators)}
        segments = corridor_segments(inputs.atlas, asset_id, chosen, inputs.profile, inputs.as_of)
        result = corridor_risk(asset_id, segments, by_country, inputs.profile.corridor)
        summary["disruption_chance"] = round(result.probability, 4)
        segment_rows = [
            {
                "segment": s.label,
                "exposure": round(s.exposure, 2),
                "country_risk": _round(s.country_risk),
                "chance": round(s.probability, 3),
            }
            for s in result.segments
        ]
        tables["segments"] = (segment_rows, [vars(s) for s in result.segments])
    _show(summary, tables, as_json)


def _explain_country(
    inputs: Inputs, country: str, threat: str | None, indicators: Path | None, as_json: bool
) -> None:
    scores = {c.country: c for c in _country_scores(inputs, threat, indicators)}
    found = scores.get(country)
    if found is None:
        raise fail(f"{country}: no incidents in the window and no indicators: no score")
    summary = {
        "country": country,
        "name": inputs.atlas.countries[country].name,
        "risk": found.risk,
        "hazard": found.hazard,
        "vulnerability": found.vulnerability,
        "lack_of_coping": found.coping,
        "incidents": found.incidents,
        "window": f"{found.window[0]} .. {found.window[1]}",
        "profile": found.profile,
        "indicators_used": found.indicators,
        "method": "risk = (hazard x vulnerability x lack of coping) ** (1/3), each 0-10",
    }
    rows = [
        {
            "class": name,
            "rate_per_year": round(found.rate_by_class[name], 2),
            "hazard": round(hazard, 2),
            "weight": found.class_weights[name],
        }
        for name, hazard in sorted(found.hazard_by_class.items(), key=lambda kv: -kv[1])
    ]
    _show(summary, {"hazard_by_class": (rows, rows)}, as_json)


@app.command("profile")
def show_profile(
    write: Annotated[
        Path | None,
        typer.Option(
            "--write", help="Write a copy of the bundled profile here to edit.", dir_okay=False
        ),
    ] = None,
) -> None:
    """Print the bundled risk profile, or write a copy of it to change.

    Example: corridor risk profile --write my-profile.yaml
    """
    text = default_profile_path().read_text(encoding="utf-8")
    if write is None:
        print(text, end="")
        return
    if write.exists():
        raise fail(f"{write}: already exists; choose another name or remove it")
    write.write_text(text, encoding="utf-8")
    err.print(f"wrote {write}: edit it, then pass --profile {write}")


# --------------------------------------------------------------------------- countries


def _indicator_table(indicators: Path | None) -> IndicatorTable:
    try:
        return load_indicators(indicators) if indicators else bundled_indicators()
    except IndicatorError as exc:
        raise fail(str(exc)) from exc
    except OSError as exc:
        raise fail(f"{indicators}: {exc.strerror or exc}") from exc


def _country_scores(
    inputs: Inputs, threat: str | None, indicators: Path | None
) -> list[CountryRisk]:
    table = _indicator_table(indicators)
    chosen = of_threat(inputs.incidents, inputs.atlas, threat)
    return country_risk(chosen, table, inputs.profile, inputs.as_of, inputs.atlas.threat_ancestors)


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


@app.command()
def countries(
    as_of: AsOfOption = None,
    profile: ProfileOption = None,
    threat: ThreatOption = None,
    indicators: IndicatorsOption = None,
    top: TopOption = 20,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """Country risk, INFORM-style: hazard from incidents x vulnerability x lack of coping.

    Each component runs 0-10; risk is their geometric mean, so a country with no
    incidents in the window scores 0 however fragile. Example:
    corridor risk countries --threat armed_conflict --as-of 2019-12-31
    """
    inputs = read_inputs(as_of, profile, threat)
    every = _country_scores(inputs, threat, indicators)
    scores = [c for c in every if c.hazard > 0]  # the rest score 0: nothing happened there
    rows = [
        {
            "rank": rank,
            "country": c.country,
            "name": inputs.atlas.countries[c.country].name
            if c.country in inputs.atlas.countries
            else "",
            "risk": _round(c.risk),
            "hazard": _round(c.hazard),
            "vulnerability": _round(c.vulnerability),
            "lack_of_coping": _round(c.coping),
            "incidents": c.incidents,
        }
        for rank, c in enumerate(scores[:top], start=1)
    ]
    window = scores[0].window if scores else (None, inputs.as_of)
    if as_json:
        print_json(
            {
                "as_of": inputs.as_of,
                "window": window,
                "profile": inputs.profile.label,
                "countries": rows,
            }
        )
    else:
        title = f"Country risk{f' of {threat}' if threat else ''}, as of {inputs.as_of}"
        print_table(rows, list(rows[0]) if rows else ["country"], title=title)
        err.print(
            f"[dim]incidents from {window[0]} to {window[1]}; {len(every) - len(scores)} "
            f"countries without any score 0; profile {inputs.profile.label}; "
            "`corridor risk explain ISO3` for the parts of a score[/dim]",
            highlight=False,
        )
    if map_path is not None:
        from corridor.maps import draw_country_map

        values = {c.country: c.risk for c in scores if c.risk is not None}
        title = f"Country risk{f' of {threat}' if threat else ''}, as of {inputs.as_of}"
        err.print(f"map: {draw_country_map(values, map_path, title=title)}")


# --------------------------------------------------------------------------- corridors


@app.command()
def corridors(
    route: Annotated[
        str | None,
        typer.Option(
            "--route",
            help="Score a route of your own instead: atlas asset ids and ISO alpha-3 "
            "countries, comma-separated, e.g. port-gwadar,pakistan-ml1-railway,PAK.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    profile: ProfileOption = None,
    threat: ThreatOption = None,
    indicators: IndicatorsOption = None,
    assets_path: AssetsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The chance each economic corridor (or your route) is disrupted, and its weakest segment.

    A segment's chance combines its exposure and its country's risk; the corridor's is
    that at least one segment is disrupted. `corridor risk explain CORRIDOR_ID` lists the
    segments. Example: corridor risk corridors --route port-gwadar,pakistan-ml1-railway,PAK
    """
    inputs = read_inputs(as_of, profile, threat, assets_path)
    results = _corridor_results(inputs, threat, indicators, route)
    rows = [
        {
            "corridor": r.corridor,
            "disruption_chance": round(r.probability, 3),
            "weakest_segment": r.weakest.label if r.weakest else None,
            "its_chance": round(r.weakest.probability, 3) if r.weakest else None,
            "segments": len(r.segments),
        }
        for r in sorted(results, key=lambda r: -r.probability)
    ]
    if as_json:
        print_json({"as_of": inputs.as_of, "profile": inputs.profile.label,
                    "corridors": [_corridor_json(r) for r in results]})  # fmt: skip
        return
    print_table(rows, list(rows[0]), title=f"Corridor risk, as of {inputs.as_of}")


def _corridor_results(
    inputs: Inputs, threat: str | None, indicators: Path | None, route: str | None
) -> list[CorridorRisk]:
    chosen = of_threat(inputs.incidents, inputs.atlas, threat)
    by_country = {c.country: c.risk for c in _country_scores(inputs, threat, indicators)}
    settings_ = inputs.profile.corridor
    if route is not None:
        parts = [p.strip() for p in route.split(",") if p.strip()]
        exposure = _exposure(inputs, threat)
        try:
            segments = route_segments(inputs.atlas, parts, exposure)
        except KeyError as exc:
            raise fail(f"--route: {exc.args[0]} is neither an asset id nor a country code") from exc
        return [corridor_risk("your route", segments, by_country, settings_)]
    ids = [a.id for a in inputs.atlas.assets.values() if a.kind == AssetKind.ECONOMIC_CORRIDOR]
    return [
        corridor_risk(
            i,
            corridor_segments(inputs.atlas, i, chosen, inputs.profile, inputs.as_of),
            by_country,
            settings_,
        )
        for i in ids
    ]


def _corridor_json(result: CorridorRisk) -> dict[str, Any]:
    return {
        "corridor": result.corridor,
        "disruption_chance": result.probability,
        "weakest_segment": result.weakest.label if result.weakest else None,
        "segments": [vars(s) for s in result.segments],
    }


# --------------------------------------------------------------------------- backtest


@app.command()
def backtest(
    train_until: Annotated[
        str,
        typer.Option(
            "--train-until",
            help="Score with the incidents up to this date (YYYY-MM-DD); judge against "
            "the 365 days after it.",
        ),
    ],
    profile: ProfileOption = None,
    threat: ThreatOption = None,
    indicators: IndicatorsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Would the scores have foretold the next year? Ours against "last year's count".

    Rank correlation (Spearman) and precision of the top decile, for the atlas's assets
    and for countries. Example: corridor risk backtest --train-until 2010-12-31 --threat piracy
    """
    try:
        day = date.fromisoformat(train_until)
    except ValueError as exc:
        raise fail(f"--train-until {train_until}: not a date (YYYY-MM-DD)") from exc
    inputs = read_inputs(None, profile, threat)  # every incident: the next year is the test
    chosen = of_threat(inputs.incidents, inputs.atlas, threat)
    shapes, _ = atlas_shapes(inputs.atlas)
    ancestors = inputs.atlas.threat_ancestors
    table = _indicator_table(indicators)
    results = [
        backtest_assets(shapes, chosen, inputs.profile, day, ancestors),
        backtest_countries(chosen, table, inputs.profile, day, ancestors),
        backtest_countries(chosen, table, inputs.profile, day, ancestors, hazard_only=True),
    ]
    rows = [
        {
            "subject": r.subject,
            "items": len(r.items),
            "spearman": _round(r.spearman, 3),
            "spearman_baseline": _round(r.spearman_baseline, 3),
            "top_decile_precision": _round(r.precision, 3),
            "precision_baseline": _round(r.precision_baseline, 3),
        }
        for r in results
    ]
    if as_json:
        print_json({"train_until": day, "profile": inputs.profile.label, "results": rows})
        return
    title = f"Backtest: scores as of {day} against the next 365 days"
    print_table(rows, list(rows[0]), title=title)
    err.print(
        "[dim]baseline: last year's count of incidents within reach (assets) or in the "
        "country. Assets are scored as if all were ordinary (criticality is cost, not "
        "likelihood); 'countries (hazard)' ranks by the incident component alone. NaN: "
        "nothing to rank.[/dim]",
        highlight=False,
    )
