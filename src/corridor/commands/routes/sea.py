"""``corridor routes sea``: one voyage, open and with closures, and its exposure."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corridor.atlas.catalog import Atlas
from corridor.commands.context import current
from corridor.commands.output import JsonOption, err, fail, print_json, print_table
from corridor.commands.risk.app import AsOfOption, ProfileOption, ThreatOption, read_inputs
from corridor.commands.routes.app import (
    CloseOption,
    MapOption,
    SpeedOption,
    app,
    chokepoint_ids,
    closures,
)
from corridor.risk.assets import of_threat
from corridor.routes.along import chokepoints_passed, states_near
from corridor.routes.disruption import (
    Disruption,
    disruption,
)
from corridor.routes.exposure import legs_exposure
from corridor.routes.places import PlaceError, resolve_place
from corridor.routes.sea import SeaLeg, sea_router


def _leg_json(atlas: Atlas, leg: SeaLeg | None, speed: float) -> dict[str, Any] | None:
    if leg is None:
        return None
    return {
        "length_km": round(leg.length_km, 1),
        "length_nm": round(leg.length_nm, 1),
        "days": round(leg.days_at(speed), 2),
        "chokepoints": [p.chokepoint for p in chokepoints_passed(atlas, leg)],
        "states_near": states_near(leg),
        "line": [list(p) for p in leg.line],
    }


@app.command()
def sea(
    origin: Annotated[
        str, typer.Argument(help="An atlas port id, a world port (Shanghai, CNSHA) or lon,lat.")
    ],
    destination: Annotated[str, typer.Argument(help="The same kinds as FROM.")],
    close: CloseOption = None,
    speed: SpeedOption = 14.0,
    map_path: MapOption = None,
    exposure: Annotated[
        bool,
        typer.Option(
            "--exposure",
            help="Also score each route's exposure to the incidents in the store near it "
            "(the risk engine; with --as-of, --threat, --profile as `corridor risk assets`).",
        ),
    ] = False,
    as_of: AsOfOption = None,
    threat: ThreatOption = None,
    profile: ProfileOption = None,
    as_json: JsonOption = False,
) -> None:
    """The shortest sea route, the chokepoints it passes in order, and what closures cost.

    Examples: corridor routes sea Shanghai Rotterdam --close bab-el-mandeb;
    corridor routes sea Dammam Rotterdam --close hormuz (no sea route is left);
    corridor routes sea Singapore Djibouti --exposure --threat piracy --as-of 2011-12-31.
    """
    atlas = current().atlas()
    closed = closures(atlas, close)
    try:
        start, end = resolve_place(origin, atlas), resolve_place(destination, atlas)
    except PlaceError as exc:
        raise fail(str(exc)) from exc
    result = disruption(sea_router(), start, end, closed, speed)
    summary: dict[str, Any] = {
        "from": start.name,
        "to": end.name,
        "speed_knots": speed,
        "closed": chokepoint_ids(atlas, closed),
        "open": _leg_json(atlas, result.open_leg, speed),
        "with_closures": _leg_json(atlas, result.closed_leg, speed) if closed else None,
        "extra_km": None if result.extra_km is None else round(result.extra_km, 1),
        "extra_days": None if result.extra_days is None else round(result.extra_days, 2),
        "sea_route_left": result.closed_leg is not None,
    }
    if exposure:
        summary["exposure"] = _route_exposure(result, as_of, threat, profile)
    if as_json:
        print_json(summary)
    else:
        _print_sea(summary, result)
        if exposure:
            _print_exposure(summary["exposure"])
    if map_path is not None:
        err.print(f"map: {_draw(atlas, result, closed, map_path)}")


def _print_sea(summary: dict[str, Any], result: Disruption) -> None:
    closed = summary["closed"]
    rows = []
    for label, leg in (("open", summary["open"]), ("with closures", summary["with_closures"])):
        if label == "with closures" and not closed:
            continue
        if leg is None:
            rows.append({"route": label, "km": "no sea route"})
            continue
        rows.append(
            {
                "route": label,
                "km": f"{leg['length_km']:,.0f}",
                "nm": f"{leg['length_nm']:,.0f}",
                "days": leg["days"],
                "chokepoints": " > ".join(leg["chokepoints"]) or "-",
            }
        )
    title = f"{summary['from']} to {summary['to']} at {summary['speed_knots']:g} knots"
    print_table(rows, ["route", "km", "nm", "days", "chokepoints"], title=title)
    if summary["open"] is not None:
        err.print(f"states whose waters it nears: {', '.join(summary['open']['states_near'])}")
    if closed and result.cut_off:
        err.print(
            f"[bold red]no sea route[/bold red] from {summary['from']} to {summary['to']} "
            f"with {', '.join(closed)} closed",
            highlight=False,
        )
    elif closed and summary["extra_days"] is not None:
        err.print(
            f"closing {', '.join(closed)} adds {summary['extra_km']:,.0f} km, "
            f"{summary['extra_days']:.1f} days",
            highlight=False,
        )


def _route_exposure(
    result: Disruption, as_of: str | None, threat: str | None, profile: Path | None
) -> dict[str, Any]:
    inputs = read_inputs(as_of, profile, threat)
    legs = {
        name: leg
        for name, leg in (("open", result.open_leg), ("with closures", result.closed_leg))
        if leg is not None
    }
    chosen = of_threat(inputs.incidents, inputs.atlas, threat)
    scored = legs_exposure(
        legs, chosen, inputs.profile, inputs.as_of, inputs.atlas.threat_ancestors
    )
    return {
        "as_of": inputs.as_of,
        "profile": inputs.profile.label,
        "scores": {name: scored.score_of(name) for name in legs},
        "top_incidents": {
            name: [vars(c) for c in scored.contributions(name, top=5)] for name in legs
        },
    }


def _print_exposure(found: dict[str, Any]) -> None:
    for name, score in found["scores"].items():
        rows = [
            {
                "date": c["start_date"],
                "class": c["threat_class"],
                "km": round(c["distance_km"], 1),
                "share": f"{c['share']:.1%}",
                "title": c["title"],
            }
            for c in found["top_incidents"][name]
        ]
        title = f"Exposure of the {name} route: {score:.2f} (as of {found['as_of']})"
        print_table(rows, ["date", "class", "km", "share", "title"], title=title)


def chokepoint_marks(atlas: Atlas, closed: frozenset[str]) -> list[tuple[str, float, float, bool]]:
    return [
        (c.name, c.longitude, c.latitude, c.searoute_passage in closed)
        for c in atlas.chokepoints.values()
    ]


def _draw(atlas: Atlas, result: Disruption, closed: frozenset[str], path: Path) -> Path:
    from corridor.maps import draw_routes_map

    routes = []
    if result.open_leg is not None:
        routes.append(("open", result.open_leg.line, "#2c7bb6"))
    if closed and result.closed_leg is not None:
        routes.append(("with closures", result.closed_leg.line, "#d7301f"))
    title = f"{result.origin.name} to {result.destination.name}"
    return draw_routes_map(routes, chokepoint_marks(atlas, closed), path, title=title)


def demo_routes() -> None:
    """The demo's sea act: Shanghai to Rotterdam, open and with Bab-el-Mandeb closed."""
    sea(
        "Shanghai", "Rotterdam", close="bab-el-mandeb", speed=14.0, map_path=None,
        exposure=False, as_of=None, threat=None, profile=None, as_json=False,
    )  # fmt: skip
    err.print("more: corridor routes --help (matrix, land, critical)", highlight=False)
