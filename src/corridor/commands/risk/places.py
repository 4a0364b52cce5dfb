"""``corridor risk countries`` and ``corridors``: the INFORM-style composite, corridor chances."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.options import AsOfOption, ClassOption, ProfileOption
from corridor.commands.output import JsonOption, err, note, print_json, print_table
from corridor.commands.risk.app import (
    AssetsOption,
    IndicatorsOption,
    MapOption,
    TopOption,
    app,
)

if TYPE_CHECKING:
    from corridor.risk.corridors import CorridorRisk


def rounded(value: float | None, digits: int = 2) -> float | None:
    """Rounded for people; None (JSON null) for nothing or NaN, which JSON cannot carry."""
    return None if value is None or math.isnan(value) else round(value, digits)


MethodOption = Annotated[
    str | None,
    typer.Option(
        "--method",
        metavar="METHOD",
        help="Rank by last_year (the count of the last 12 months), ewma (a weighted history), "
        "count_model (a Poisson model of history, neighbours and governance) or composite "
        "(the INFORM-style score, explained by `risk explain`). Default: the winner of "
        "`corridor risk backtest` on the bundled piracy record, last_year.",
    ),
]


@app.command()
def countries(
    method: MethodOption = None,
    as_of: AsOfOption = None,
    profile: ProfileOption = None,
    classes: ClassOption = None,
    indicators: IndicatorsOption = None,
    top: TopOption = 20,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """Countries ranked by the incidents to expect, each with its INFORM-style risk.

    By default by last year's count, which nothing else beat in the backtest; the composite
    (hazard from incidents x vulnerability x lack of coping, each 0-10, their geometric
    mean) is shown beside it and ranks with --method composite.

    Example: corridor risk countries --class armed_conflict --as-of 2019 --method composite
    Example: corridor risk countries --class piracy --as-of 2011 --top 5 --json
    """
    from corridor.risk.services import country_ranking

    run = current()
    with err.status("scoring the countries"):
        result = country_ranking(
            run.store(), run.viewer(), run.atlas(), as_of=as_of, classes=classes,
            profile_path=profile, indicators_path=indicators, map_path=map_path,
            **({"method": method} if method is not None else {}),
        )  # fmt: skip
    forecast = result.method != "composite"
    rows = [
        {
            "rank": rank,
            "country": c.country,
            "name": result.names.get(c.country, ""),
            **({"forecast": rounded(result.forecasts[c.country], 1)} if forecast else {}),
            "risk": rounded(c.risk),
            "hazard": rounded(c.hazard),
            "vulnerability": rounded(c.vulnerability),
            "lack_of_coping": rounded(c.coping),
            "incidents": c.incidents,
        }
        for rank, c in enumerate(result.countries[:top], start=1)
    ]
    if as_json:
        print_json({"as_of": result.as_of, "method": result.method, "window": result.window,
                    "profile": result.profile.label, "countries": rows})  # fmt: skip
    else:
        print_table(rows, list(rows[0]) if rows else ["country"], title=result.title)
        start, end = result.window
        ranked = (
            f"ranked by {result.method}: incidents expected in the next 12 months; "
            "--method composite ranks by risk"
            if forecast
            else f"{result.unscored} countries without any score 0"
        )
        note(
            f"risk from the incidents from {start} to {end}; {ranked}; profile "
            f"{result.profile.label}; `corridor risk explain ISO3` for the parts of a score"
        )
    if result.map_path is not None:
        note(f"map: {result.map_path}", style="")


def _route_parts(value: str | None) -> str | None:
    """A route must name something: ``--route ,`` is a usage error."""
    if value is not None and not any(p.strip() for p in value.split(",")):
        raise typer.BadParameter("name at least one asset id or country, comma-separated")
    return value


@app.command()
def corridors(
    route: Annotated[
        str | None,
        typer.Option(
            "--route",
            callback=_route_parts,
            metavar="ID,ID,...",
            help="Score a route of your own instead: asset ids (the atlas's or yours) and "
            "countries (ISO alpha-3), comma-separated, e.g. port-gwadar,pakistan-ml1-railway,PAK.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    profile: ProfileOption = None,
    classes: ClassOption = None,
    indicators: IndicatorsOption = None,
    assets_path: AssetsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The chance each economic corridor (or your route) is disrupted, and its weakest segment.

    A segment's chance combines its exposure and its country's risk; the corridor's is
    that at least one segment is disrupted. Land segments and countries leave out the
    profile's land_leaves_out classes (piracy); a route's sea lanes keep them.
    `corridor risk explain CORRIDOR_ID` lists the segments.
    Example: corridor risk corridors --route port-gwadar,pakistan-ml1-railway,PAK
    """
    from corridor.risk.services import corridor_risks

    parts = [p.strip() for p in route.split(",") if p.strip()] if route is not None else None
    run = current()
    with err.status("scoring the corridors"):
        result = corridor_risks(
            run.store(), run.viewer(), run.atlas(), route=parts, as_of=as_of, classes=classes,
            profile_path=profile, assets_path=assets_path, indicators_path=indicators,
        )  # fmt: skip
    if as_json:
        print_json({"as_of": result.as_of, "profile": result.profile.label,
                    "left_out_on_land": result.left_out,
                    "corridors": [_corridor_json(r) for r in result.corridors]})  # fmt: skip
        return
    rows = [
        {
            "corridor": r.corridor,
            "disruption_chance": round(r.probability, 3),
            "weakest_segment": r.weakest.label if r.weakest else None,
            "its_chance": round(r.weakest.probability, 3) if r.weakest else None,
            "segments": len(r.segments),
        }
        for r in sorted(result.corridors, key=lambda r: -r.probability)
    ]
    print_table(rows, list(rows[0]), title=f"Corridor risk, as of {result.as_of}")
    left_out = ", ".join(result.left_out) or "nothing"
    note(f"on land and in country risk, left out: {left_out}; profile {result.profile.label}")


def _corridor_json(result: CorridorRisk) -> dict[str, Any]:
    return {
        "corridor": result.corridor,
        "disruption_chance": result.probability,
        "weakest_segment": result.weakest.label if result.weakest else None,
        "segments": [vars(s) for s in result.segments],
    }
