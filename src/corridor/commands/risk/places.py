"""``corridor risk countries`` and ``corridors``: the INFORM-style composite, corridor chances."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from corridor.atlas.models import AssetKind
from corridor.commands.output import JsonOption, err, fail, print_json, print_table
from corridor.commands.risk.app import (
    AsOfOption,
    AssetsOption,
    IndicatorsOption,
    Inputs,
    MapOption,
    ProfileOption,
    ThreatOption,
    TopOption,
    app,
    read_inputs,
)
from corridor.commands.risk.assets import scored_exposure
from corridor.risk.assets import (
    corridor_segments,
    of_threat,
    route_segments,
)
from corridor.risk.corridors import CorridorRisk, corridor_risk
from corridor.risk.country import CountryRisk, country_risk
from corridor.risk.indicators import (
    IndicatorError,
    IndicatorTable,
    bundled_indicators,
    load_indicators,
)


def indicator_table(indicators: Path | None) -> IndicatorTable:
    try:
        return load_indicators(indicators) if indicators else bundled_indicators()
    except IndicatorError as exc:
        raise fail(str(exc)) from exc
    except OSError as exc:
        raise fail(f"{indicators}: {exc.strerror or exc}") from exc


def country_scores(
    inputs: Inputs,
    threat: str | None,
    indicators: Path | None,
    *,
    leave_out: Sequence[str] = (),
) -> list[CountryRisk]:
    """Country risk from the incidents of ``threat`` (all for None), less ``leave_out``."""
    table = indicator_table(indicators)
    ancestors = inputs.atlas.threat_ancestors
    chosen = of_threat(inputs.incidents, inputs.atlas, threat).without(leave_out, ancestors)
    return country_risk(chosen, table, inputs.profile, inputs.as_of, ancestors)


def rounded(value: float | None, digits: int = 2) -> float | None:
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
    every = country_scores(inputs, threat, indicators)
    scores = [c for c in every if c.hazard > 0]  # the rest score 0: nothing happened there
    rows = [
        {
            "rank": rank,
            "country": c.country,
            "name": inputs.atlas.countries[c.country].name
            if c.country in inputs.atlas.countries
            else "",
            "risk": rounded(c.risk),
            "hazard": rounded(c.hazard),
            "vulnerability": rounded(c.vulnerability),
            "lack_of_coping": rounded(c.coping),
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
    settings_ = inputs.profile.corridor
    if route is not None:
        by_country = {c.country: c.risk for c in country_scores(inputs, threat, indicators)}
        parts = [p.strip() for p in route.split(",") if p.strip()]
        exposure = scored_exposure(inputs, threat)
        try:
            segments = route_segments(inputs.atlas, parts, exposure)
        except KeyError as exc:
            raise fail(f"--route: {exc.args[0]} is neither an asset id nor a country code") from exc
        return [corridor_risk("your route", segments, by_country, settings_)]
    ids = [a.id for a in inputs.atlas.assets.values() if a.kind == AssetKind.ECONOMIC_CORRIDOR]
    return economic_corridors_risk(inputs, threat, indicators, ids)


def economic_corridors_risk(
    inputs: Inputs, threat: str | None, indicators: Path | None, ids: Sequence[str]
) -> list[CorridorRisk]:
    """The atlas's economic corridors by segment, without the classes land leaves out."""
    land = inputs.profile.corridor.land_leaves_out
    ancestors = inputs.atlas.threat_ancestors
    chosen = of_threat(inputs.incidents, inputs.atlas, threat).without(land, ancestors)
    scores = country_scores(inputs, threat, indicators, leave_out=land)
    by_country = {c.country: c.risk for c in scores}
    return [
        corridor_risk(
            i,
            corridor_segments(inputs.atlas, i, chosen, inputs.profile, inputs.as_of),
            by_country,
            inputs.profile.corridor,
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
