"""``corridor routes matrix`` and ``closures``: many voyages at once, for closures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.options import ForceOption
from corridor.commands.output import JsonOption, err, note, print_json, print_table
from corridor.commands.routes.app import (
    BallastOption,
    BeamOption,
    CloseOption,
    DraftOption,
    LengthOption,
    MapOption,
    MaxSnapOption,
    SpeedOption,
    VesselCommand,
    VesselOption,
    app,
    names,
)
from corridor.commands.routes.sea import note_vessel, vessel_json

if TYPE_CHECKING:
    from corridor.routes.services import ChokepointClosure, Trip

PortsArgument = Annotated[
    Path | None,
    typer.Argument(
        help="A CSV of ports: a name column, and lon/lat columns or names of world "
        "ports. The atlas's ports are always included.",
        dir_okay=False,
    ),
]
TripsOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        help="Write every trip to this .csv or .parquet file, streamed (flat memory for "
        "thousands of ports), instead of the table; an existing file only with --force.",
    ),
]


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _row(trip: Trip) -> dict[str, Any]:
    return {
        "from": trip.origin.name,
        "to": trip.destination.name,
        "open_km": None if trip.open_km is None else round(trip.open_km, 1),
        "open_days": _days(trip.open_days),
        "extra_days": _days(trip.extra_days),
        "cut_off": trip.cut_off,
        "status": trip.status,
    }


@contextmanager
def _progress(title: str, unit: str) -> Iterator[Callable[[int, int], None]]:
    """A bar on stderr that moves with the origins (or chokepoints) done."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [
        TextColumn(title),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(title, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@app.command(cls=VesselCommand)
def matrix(
    ports: PortsArgument = None,
    close: CloseOption = None,
    vessel: VesselOption = None,
    ballast: BallastOption = False,
    draft: DraftOption = None,
    beam: BeamOption = None,
    length: LengthOption = None,
    speed: SpeedOption = None,
    max_snap_km: MaxSnapOption = 300.0,
    output: TripsOutputOption = None,
    force: ForceOption = False,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """Extra days for every pair of ports when chokepoints close (and the pairs cut off).

    Many shortest-path trees per Dijkstra call; the trees with closures only for the ports
    whose routes take a closed passage: 50 x 50 ports in well under a second. The table
    shows the pairs the closures hit and any pair the sea does not join; --json gives every
    pair; --output streams every pair to a CSV or Parquet file (500 x 500 ports: seconds).
    Example: corridor routes matrix --close bab-el-mandeb,suez
    Example: corridor routes matrix --close bab-el-mandeb --vessel q-max
    Example: corridor routes matrix my-ports.csv --close hormuz -o trips.parquet
    """
    from corridor.routes.services import (
        draw_matrix_map,
        matrix_ports,
        port_matrix,
        resolve_vessel,
        write_port_matrix,
    )

    atlas = current().atlas()
    places = matrix_ports(atlas, ports)
    ship = resolve_vessel(vessel, laden=not ballast, draft_m=draft, beam_m=beam, length_m=length)
    if output is not None:
        with _progress("routes", "origins") as advance:
            written = write_port_matrix(
                atlas, places, path=output, closed=names(close), force=force,
                speed_knots=speed, max_snap_km=max_snap_km, vessel=ship, progress=advance,
            )  # fmt: skip
        if as_json:
            print_json(
                {
                    "file": str(written.path),
                    "format": written.format,
                    "closed": list(written.closed),
                    "ports": written.ports,
                    "trips": written.trips,
                    "statuses": written.statuses,
                    "vessel": vessel_json(written.vessel, written.barred),
                    "seconds": round(written.seconds, 3),
                }
            )
        else:
            note_vessel(written.vessel, written.barred)
            counts = ", ".join(f"{n:,} {s}" for s, n in sorted(written.statuses.items()))
            note(
                f"{written.trips:,} trips between {written.ports} ports to {written.path} "
                f"({counts}) in {written.seconds:.1f} s",
                style="",
            )
        return
    found = port_matrix(
        atlas, places, closed=names(close), speed_knots=speed, max_snap_km=max_snap_km,
        vessel=ship,
    )  # fmt: skip
    if map_path is not None:
        note(f"map: {draw_matrix_map(atlas, found, map_path)}", style="")
    if as_json:
        print_json(
            {
                "closed": list(found.closed),
                "speed_knots": found.speed_knots,
                "vessel": vessel_json(found.vessel, found.barred),
                "ports": [
                    {"name": p.place.name, "snap_km": round(p.snap_km, 1)} for p in found.ports
                ],
                "pairs": [_row(t) for t in found.pairs],
            }
        )
        return
    shown = found.hit() + found.no_route
    title = (
        f"{len(found.ports)} ports, {len(found.pairs):,} pairs: closing {', '.join(found.closed)}"
    )
    columns = ["from", "to", "open_days", "extra_days", "status"]
    print_table([_row(t) for t in shown], columns, title=title)
    note_vessel(found.vessel, found.barred)
    if found.no_route:
        note(f"{len(found.no_route):,} pairs have no sea route even with nothing closed")
    note(f"{len(found.pairs) - len(shown):,} pairs unaffected; computed in {found.seconds:.2f} s")


def _closure_row(closure: ChokepointClosure) -> dict[str, Any]:
    worst = closure.trips[0] if closure.trips else None
    return {
        "chokepoint": closure.chokepoint,
        "trips_through": closure.trips_through,
        "longer": len(closure.longer),
        "cut_off": len(closure.cut_off),
        "median_extra_days": _days(closure.median_extra_days),
        "max_extra_days": _days(closure.max_extra_days),
        "hardest_hit": f"{worst.origin.name} > {worst.destination.name}" if worst else None,
        "barred": closure.barred,
    }


@app.command(cls=VesselCommand)
def closures(
    ports: PortsArgument = None,
    chokepoints: Annotated[
        str | None,
        typer.Option(
            "--chokepoints",
            help="Close only these, one at a time (comma-separated atlas ids or searoute's "
            "names; default: every chokepoint the sea network can close).",
        ),
    ] = None,
    vessel: VesselOption = None,
    ballast: BallastOption = False,
    draft: DraftOption = None,
    beam: BeamOption = None,
    length: LengthOption = None,
    speed: SpeedOption = None,
    max_snap_km: MaxSnapOption = 300.0,
    output: TripsOutputOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Close each chokepoint in turn: which trips between the ports get longer, by how
    much, and which are cut off (seed 000's "sea channel safety").

    Trips go between every two ports (the atlas's and the CSV's). The table has one row
    per chokepoint; --output writes every trip through each, with what its closure does,
    to a CSV or Parquet file; --json gives both.
    Example: corridor routes closures
    Example: corridor routes closures my-ports.csv --chokepoints malacca,hormuz -o hit.csv
    """
    from corridor.routes.services import (
        closure_scenario,
        matrix_ports,
        resolve_vessel,
        write_closures,
    )

    atlas = current().atlas()
    ship = resolve_vessel(vessel, laden=not ballast, draft_m=draft, beam_m=beam, length_m=length)
    if output is not None:
        from corridor.files import check_target
        from corridor.routes.trip_files import trip_format

        trip_format(output)
        check_target(output, force=force)  # before the work, not after it
    with _progress("closures", "chokepoints") as advance:
        found = closure_scenario(
            atlas, matrix_ports(atlas, ports), chokepoints=names(chokepoints),
            speed_knots=speed, max_snap_km=max_snap_km, vessel=ship, progress=advance,
        )  # fmt: skip
    if output is not None:
        rows = write_closures(atlas, found, output, force=force)
        note(f"{rows:,} trips through a chokepoint written to {output}", style="")
    if as_json:
        print_json(
            {
                "ports": len(found.ports),
                "trips": found.trips,
                "speed_knots": found.speed_knots,
                "vessel": vessel_json(found.vessel, found.barred),
                "no_sea_route": [_row(t) for t in found.no_route],
                "closures": [
                    _closure_row(c) | {"trips": [_row(t) for t in c.trips]} for c in found.closures
                ],
            }
        )
        return
    title = f"{len(found.ports)} ports, {found.trips:,} trips: each chokepoint closed alone"
    columns = [
        "chokepoint", "trips_through", "longer", "cut_off", "median_extra_days",
        "max_extra_days", "hardest_hit",
    ]  # fmt: skip
    print_table([_closure_row(c) for c in found.closures], columns, title=title)
    note_vessel(found.vessel, found.barred)
    for closure in found.closures:
        if closure.barred:
            note(f"{closure.chokepoint}: barred to the vessel already, no trip takes it")
    if found.no_route:
        note(f"{len(found.no_route):,} trips have no sea route even with nothing closed")
    note(f"days at {found.speed_knots:g} knots; computed in {found.seconds:.2f} s")
