"""``corridor routes sea``: one voyage, open and with closures, and its exposure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.options import AsOfOption, ClassOption, ProfileOption
from corridor.commands.output import JsonOption, err, note, print_json, print_table
from corridor.commands.routes.app import (
    BallastOption,
    BeamOption,
    CloseOption,
    DraftOption,
    LengthOption,
    MapOption,
    MaxSnapOption,
    PlaceCommand,
    SpeedOption,
    VesselOption,
    app,
    names,
)

if TYPE_CHECKING:
    from corridor.routes.services import (
        Barred,
        Endpoint,
        RouteExposure,
        RouteLeg,
        SeaRoute,
        Vessel,
    )

PLACE_HELP = (
    "An atlas port id (port-gwadar), a world port (Shanghai, CNSHA) or a position "
    "lon,lat (-93.87,29.73: west and south are negative)."
)


@app.command(cls=PlaceCommand)
def sea(
    origin: Annotated[str, typer.Argument(help=PLACE_HELP, metavar="FROM")],
    destination: Annotated[str, typer.Argument(help="The same kinds as FROM.", metavar="TO")],
    close: CloseOption = None,
    vessel: VesselOption = None,
    ballast: BallastOption = False,
    draft: DraftOption = None,
    beam: BeamOption = None,
    length: LengthOption = None,
    speed: SpeedOption = None,
    max_snap_km: MaxSnapOption = 300.0,
    map_path: MapOption = None,
    exposure: Annotated[
        bool,
        typer.Option(
            "--exposure",
            help="Also score each route's exposure to the incidents in the store near it "
            "(the risk engine; with --as-of, --class, --profile as `corridor risk assets`).",
        ),
    ] = False,
    as_of: AsOfOption = None,
    classes: ClassOption = None,
    profile: ProfileOption = None,
    as_json: JsonOption = False,
) -> None:
    """The shortest sea route, the chokepoints it passes in order, and what closures cost.

    Each end is snapped to the nearest sea lane and the distance is shown.
    A place further than --max-snap-km from the sea network is refused.
    With --vessel (or --draft/--beam/--length) the routes keep out of the
    canals and straits the ship does not fit, by the authorities' published
    limits, and say which and why.

    Example: corridor routes sea Shanghai Rotterdam --close bab-el-mandeb
    Example: corridor routes sea Shanghai Rotterdam --close bab-el-mandeb --vessel ulcv
    Example: corridor routes sea "Ras Tanura" Rotterdam --vessel vlcc
    Example: corridor routes sea Dammam Rotterdam --close hormuz
    Example: corridor routes sea -93.87,29.73 Tokyo --json
    Example: corridor routes sea Singapore Djibouti --exposure --class piracy --as-of 2011
    """
    from corridor.routes.services import draw_sea_map, resolve_vessel, route_exposure, sea_route

    run = current()
    atlas = run.atlas()
    route = sea_route(
        atlas,
        origin,
        destination,
        closed=names(close),
        speed_knots=speed,
        max_snap_km=max_snap_km,
        vessel=resolve_vessel(
            vessel, laden=not ballast, draft_m=draft, beam_m=beam, length_m=length
        ),
    )
    scored = None
    if exposure:
        with err.status("scoring the routes against the incidents you may see"):
            scored = route_exposure(
                run.store(),
                run.viewer(),
                atlas,
                route,
                as_of=as_of,
                classes=classes or (),
                profile_path=profile,
            )
    if as_json:
        print_json(_summary(route, scored))
    else:
        _print_sea(route)
        if scored is not None:
            _print_exposure(scored)
    if map_path is not None:
        note(f"map: {draw_sea_map(atlas, route, map_path)}", style="")


def _end_json(end: Endpoint) -> dict[str, Any]:
    return {
        "name": end.place.name,
        "lon": end.place.lon,
        "lat": end.place.lat,
        "sea_lon": end.sea_point[0],
        "sea_lat": end.sea_point[1],
        "snap_km": round(end.snap_km, 1),
    }


def _leg_json(route: SeaRoute, leg: RouteLeg | None) -> dict[str, Any] | None:
    if leg is None:
        return None
    return {
        "length_km": round(leg.leg.length_km, 1),
        "length_nm": round(leg.leg.length_nm, 1),
        "days": round(route.days(leg), 2),
        "chokepoints": leg.chokepoint_ids,
        "states_near": list(leg.states_near),
        "line": [list(p) for p in leg.leg.line],
    }


def vessel_json(vessel: Vessel | None, barred: tuple[Barred, ...]) -> dict[str, Any] | None:
    """The ship a query was planned for and the passages it was kept out of (None: any ship)."""
    if vessel is None:
        return None
    return {
        "name": vessel.name,
        "class": vessel.vessel_class.id if vessel.vessel_class else None,
        "laden": vessel.laden,
        "length_m": vessel.length_m,
        "beam_m": vessel.beam_m,
        "draft_m": vessel.draft_m,
        "barred": [{"passage": b.passage, "name": b.name, "reason": b.reason} for b in barred],
    }


def note_vessel(vessel: Vessel | None, barred: tuple[Barred, ...]) -> None:
    """Say which ship the routes are for and which passages it was kept out of, and why."""
    if vessel is None:
        return
    note(f"for a {vessel.describe()}", style="")
    for passage in barred:
        note(f"barred: {passage}", style="")


def _summary(route: SeaRoute, scored: RouteExposure | None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "from": route.origin.place.name,
        "to": route.destination.place.name,
        "ends": {"from": _end_json(route.origin), "to": _end_json(route.destination)},
        "speed_knots": route.speed_knots,
        "vessel": vessel_json(route.vessel, route.barred),
        "closed": list(route.closed),
        "open": _leg_json(route, route.open),
        "with_closures": _leg_json(route, route.with_closures) if route.closed else None,
        "extra_km": None if route.extra_km is None else round(route.extra_km, 1),
        "extra_days": None if route.extra_days is None else round(route.extra_days, 2),
        "sea_route_left": route.sea_route_left,
    }
    if scored is not None:
        found["exposure"] = {
            "as_of": scored.as_of,
            "profile": scored.profile,
            "classes": list(scored.classes),
            "scores": scored.scores,
            "top_incidents": {
                name: [vars(c) for c in rows] for name, rows in scored.top_incidents.items()
            },
        }
    return found


def _print_sea(route: SeaRoute) -> None:
    speed = route.speed_knots
    rows: list[dict[str, Any]] = []
    legs = [("open", route.open)] + (
        [("with closures", route.with_closures)] if route.closed else []
    )
    for label, leg in legs:
        if leg is None:
            rows.append({"route": label, "km": "no sea route"})
            continue
        rows.append(
            {
                "route": label,
                "km": f"{leg.leg.length_km:,.0f}",
                "nm": f"{leg.leg.length_nm:,.0f}",
                "days": round(route.days(leg), 2),
                "chokepoints": " > ".join(leg.chokepoint_ids) or "-",
            }
        )
    start, end = route.origin.place.name, route.destination.place.name
    title = f"{start} to {end} at {speed:g} knots"
    print_table(rows, ["route", "km", "nm", "days", "chokepoints"], title=title)
    note_vessel(route.vessel, route.barred)
    for label, found in (("from", route.origin), ("to", route.destination)):
        note(
            f"{label} {found.place.name}: the sea lane starts {found.snap_km:,.0f} km away "
            f"at {found.sea_point[0]:.2f},{found.sea_point[1]:.2f}",
            style="",
        )
    if route.open is not None:
        note(f"states whose waters it nears: {', '.join(route.open.states_near)}", style="")
    shut = ", ".join(route.closed)
    if route.cut_off:
        note(f"no sea route from {start} to {end} with {shut} closed", style="bold red")
    elif route.closed and route.extra_days is not None and route.extra_km is not None:
        note(f"closing {shut} adds {route.extra_km:,.0f} km, {route.extra_days:.1f} days", style="")


def _print_exposure(scored: RouteExposure) -> None:
    for name, score in scored.scores.items():
        rows = [
            {
                "date": c.start_date,
                "class": c.threat_class,
                "km": round(c.distance_km, 1),
                "share": f"{c.share:.1%}",
                "title": c.title,
            }
            for c in scored.top_incidents[name]
        ]
        title = f"Exposure of the {name} route: {score:.2f} (as of {scored.as_of})"
        print_table(rows, ["date", "class", "km", "share", "title"], title=title)


def demo_routes() -> None:
    """The demo's sea act: Shanghai to Rotterdam, open and with Bab-el-Mandeb closed."""
    sea(
        "Shanghai", "Rotterdam", close="bab-el-mandeb", vessel=None, ballast=False, draft=None,
        beam=None, length=None, speed=14.0, max_snap_km=300.0, map_path=None, exposure=False,
        as_of=None, classes=None, profile=None, as_json=False,
    )  # fmt: skip
    note("more: corridor routes --help (matrix, closures, land, critical)")
