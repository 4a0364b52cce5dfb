"""``corridor routes matrix``: extra days for every pair of ports when chokepoints close."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from corridor.atlas.catalog import Atlas
from corridor.commands.context import current
from corridor.commands.output import JsonOption, err, fail, print_json, print_table
from corridor.commands.routes.app import (
    CloseOption,
    MapOption,
    SpeedOption,
    app,
    chokepoint_ids,
    closures,
)
from corridor.commands.routes.sea import chokepoint_marks
from corridor.routes.disruption import (
    Disruption,
    disruption_matrix,
)
from corridor.routes.places import PlaceError, atlas_ports, read_places, unique
from corridor.routes.sea import sea_router


def _draw_matrix(
    atlas: Atlas, found: list[Disruption], closed: frozenset[str], path: Path, most: int = 12
) -> Path:
    """The pairs the closures hurt most: their open routes, and the ones they must take."""
    from corridor.maps import draw_routes_map

    worst = sorted(
        (d for d in found if d.cut_off or (d.extra_days or 0) > 0.01),
        key=lambda d: (not d.cut_off, -(d.extra_days or 0)),
    )[:most]
    routes = [("open", d.open_leg.line, "#2c7bb6") for d in worst if d.open_leg]
    routes += [("with closures", d.closed_leg.line, "#d7301f") for d in worst if d.closed_leg]
    shut = ", ".join(chokepoint_ids(atlas, closed))
    title = f"The {len(worst)} voyages hit hardest by closing {shut}"
    return draw_routes_map(routes, chokepoint_marks(atlas, closed), path, title=title)


@app.command()
def matrix(
    ports: Annotated[
        Path | None,
        typer.Argument(
            help="A CSV of ports: a name column, and lon/lat columns or names of world "
            "ports. The atlas's ports are always included.",
            dir_okay=False,
        ),
    ] = None,
    close: CloseOption = None,
    speed: SpeedOption = 14.0,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """Extra days for every pair of ports when chokepoints close (and the pairs cut off).

    One shortest-path tree per port and closure set: 50 x 50 ports take seconds.
    Example: corridor routes matrix my-ports.csv --close bab-el-mandeb,suez
    """
    atlas = current().atlas()
    closed = closures(atlas, close)
    if not closed:
        raise fail("--close: name at least one chokepoint to close")
    try:
        places = unique([*atlas_ports(atlas), *(read_places(ports, atlas) if ports else [])])
    except PlaceError as exc:
        raise fail(str(exc)) from exc
    started = time.perf_counter()
    found = disruption_matrix(sea_router(), places, places, closed, speed)
    seconds = time.perf_counter() - started
    rows = [
        {
            "from": d.origin.name,
            "to": d.destination.name,
            "open_days": None if d.open_leg is None else round(d.open_leg.days_at(speed), 2),
            "extra_days": None if d.extra_days is None else round(d.extra_days, 2),
            "cut_off": d.cut_off,
        }
        for d in found
    ]
    if map_path is not None:
        err.print(f"map: {_draw_matrix(atlas, found, closed, map_path)}")
    if as_json:
        print_json({"closed": chokepoint_ids(atlas, closed), "speed_knots": speed, "pairs": rows})
        return
    hit = sorted(
        (r for r in found if r.cut_off or (r.extra_days or 0) > 0.01),
        key=lambda d: (not d.cut_off, -(d.extra_days or 0)),
    )
    hit_rows = [rows[found.index(d)] for d in hit]
    shut = ", ".join(chokepoint_ids(atlas, closed))
    title = f"{len(places)} ports, {len(rows):,} pairs: closing {shut}"
    print_table(hit_rows, ["from", "to", "open_days", "extra_days", "cut_off"], title=title)
    err.print(
        f"[dim]{len(rows) - len(hit):,} pairs unaffected; computed in {seconds:.1f} s[/dim]",
        highlight=False,
    )
