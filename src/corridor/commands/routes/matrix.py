"""``corridor routes matrix``: extra days for every pair of ports when chokepoints close."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.output import JsonOption, note, print_json, print_table
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
    from corridor.routes.services import Disruption


def _row(found: Disruption) -> dict[str, Any]:
    return {
        "from": found.origin.name,
        "to": found.destination.name,
        "open_days": None if found.open_leg is None else round(found.days(found.open_leg), 2),
        "extra_days": None if found.extra_days is None else round(found.extra_days, 2),
        "cut_off": found.cut_off,
    }


@app.command(cls=VesselCommand)
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
    vessel: VesselOption = None,
    ballast: BallastOption = False,
    draft: DraftOption = None,
    beam: BeamOption = None,
    length: LengthOption = None,
    speed: SpeedOption = None,
    max_snap_km: MaxSnapOption = 300.0,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """Extra days for every pair of ports when chokepoints close (and the pairs cut off).

    One shortest-path tree per port and closure set: 50 x 50 ports take seconds. The
    table shows the pairs the closures hit; --json gives every pair.
    Example: corridor routes matrix --close bab-el-mandeb,suez
    Example: corridor routes matrix --close bab-el-mandeb --vessel q-max
    """
    from corridor.routes.services import (
        draw_matrix_map,
        matrix_ports,
        port_matrix,
        resolve_vessel,
    )

    atlas = current().atlas()
    found = port_matrix(
        atlas,
        matrix_ports(atlas, ports),
        closed=names(close),
        speed_knots=speed,
        max_snap_km=max_snap_km,
        vessel=resolve_vessel(
            vessel, laden=not ballast, draft_m=draft, beam_m=beam, length_m=length
        ),
    )
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
                "pairs": [_row(d) for d in found.pairs],
            }
        )
        return
    hit = found.hit()
    title = (
        f"{len(found.ports)} ports, {len(found.pairs):,} pairs: closing {', '.join(found.closed)}"
    )
    columns = ["from", "to", "open_days", "extra_days", "cut_off"]
    print_table([_row(d) for d in hit], columns, title=title)
    note_vessel(found.vessel, found.barred)
    note(f"{len(found.pairs) - len(hit):,} pairs unaffected; computed in {found.seconds:.1f} s")
