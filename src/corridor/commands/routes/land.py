"""``corridor routes land``, ``critical`` and ``components``: the land network by mode, its
paths, what trips depend on, and the pieces it falls into."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from corridor.commands.context import current
from corridor.commands.options import AsOfOption, ClassOption, ProfileOption
from corridor.commands.output import JsonOption, err, note, print_json, print_table
from corridor.commands.routes.app import MapOption, app, names

MixOption = Annotated[
    float,
    typer.Option(
        "--mix", min=0.0, max=1.0,
        help="With --by mix: the weight of risk against distance (0 = distance only).",
    ),
]  # fmt: skip
PLACE_HELP = "An atlas border crossing, dry port or port id (`corridor atlas assets --kind port`)."
FlowOption = Annotated[
    Literal["freight", "gas", "oil"],
    typer.Option(
        "--mode",
        help="What moves: freight (rail, road and their transfers: gauge changes, dry "
        "ports, ports to ships), gas or oil (their own pipelines only).",
    ),
]


@app.command()
def land(
    origin: Annotated[str, typer.Argument(help=PLACE_HELP, metavar="FROM")],
    destination: Annotated[str, typer.Argument(help="The same kinds as FROM.", metavar="TO")],
    mode: FlowOption = "freight",
    by: Annotated[
        Literal["distance", "time", "risk", "mix"],
        typer.Option("--by", help="What the path is cheapest in (time: freight only)."),
    ] = "distance",
    mix: MixOption = 0.5,
    as_of: AsOfOption = None,
    classes: ClassOption = None,
    profile: ProfileOption = None,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """The cheapest path for freight (rail, road) or for gas or oil (their pipelines).

    Each step is a link of one mode (rail with its gauge, road, gas, oil) or a transfer
    (a gauge change, a dry port, a port handing over to a ship) with its hours. Link
    risk is its exposure to the incidents in the store (0 if there are none).
    Example: corridor routes land dry-port-xian-international-port dry-port-duisburg --by time
    """
    from corridor.routes.services import draw_land_map, land_path

    run = current()
    with err.status("joining the atlas's lines into a network"):
        path = land_path(
            run.store_if_any(),
            run.viewer(),
            run.atlas(),
            origin,
            destination,
            mode=mode,
            by=by,
            mix=mix,
            as_of=as_of,
            classes=classes or (),
            profile_path=profile,
        )
    links = [
        {
            "from": link.start,
            "to": link.end,
            "asset": link.asset,
            "mode": link.layer,
            "km": round(link.km, 1),
            "hours": round(link.hours, 1),
            "risk": round(link.risk, 2),
            "states": list(link.states),
        }
        for link in path.legs()
    ]
    if map_path is not None:
        note(f"map: {draw_land_map(path, map_path)}", style="")
    km, risk, hours = round(path.km, 1), round(path.risk, 2), round(path.hours, 1)
    if as_json:
        print_json(
            {
                "from": origin, "to": destination, "mode": mode, "by": by, "km": km,
                "hours": hours, "transfers": len(path.transfers), "risk": risk, "links": links,
            }
        )  # fmt: skip
        return
    title = (
        f"{mode} from {origin} to {destination}, cheapest by {by}: {km:,} km, "
        f"{hours:,} h with {len(path.transfers)} transfers, risk {risk}"
    )
    columns = ["from", "to", "asset", "mode", "km", "hours", "risk", "states"]
    print_table(links, columns, title=title)


@app.command()
def critical(
    mode: FlowOption = "freight",
    top: Annotated[int, typer.Option("--top", min=1, help="How many links to show.")] = 15,
    origins: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Trips from these places (comma-separated atlas crossing, dry "
            "port or port ids) instead of the Belt's core area.",
        ),
    ] = None,
    destinations: Annotated[
        str | None,
        typer.Option("--to", help="Trips to these places instead of every port."),
    ] = None,
    as_of: AsOfOption = None,
    classes: ClassOption = None,
    profile: ProfileOption = None,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """The links, places and states Belt-to-Road trips (or yours) depend on most.

    Freight trips (--mode freight): from every border crossing and dry port of the
    Belt's core area (China and Central Asia) to every port, by distance over rail, road
    and their transfers; gas or oil: between every two ends of their pipelines; --from
    and --to choose others. A link or a place ranks by the trips it cuts off (no
    alternative), then by the extra km it forces; a state by the share of trips that
    cross it (the "pivot" of seed 000).
    Example: corridor routes critical --from crossing-khunjerab-pass --to port-gwadar
    """
    from corridor.routes.services import criticality, draw_land_map

    run = current()
    with err.status("joining the atlas's lines into a network"):
        found = criticality(
            run.store_if_any(),
            run.viewer(),
            run.atlas(),
            mode=mode,
            origins=names(origins),
            destinations=names(destinations),
            top=top,
            as_of=as_of,
            classes=classes or (),
            profile_path=profile,
        )
    rows = [
        {
            "link": f"{c.start} - {c.end}",
            "asset": c.asset,
            "mode": c.layer,
            "trips_cut": c.trips_cut,
            "trips_rerouted": c.trips_rerouted,
            "extra_km": round(c.extra_km, 1),
            "trips_using": c.trips_using,
            "risk": round(c.risk, 2),
        }
        for c in found.links
    ]
    places = [
        {
            "place": c.place,
            "trips_cut": c.trips_cut,
            "trips_rerouted": c.trips_rerouted,
            "extra_km": round(c.extra_km, 1),
            "trips_through": c.trips_through,
        }
        for c in found.places
    ]
    states = [{"state": s, "share_of_trips": round(v, 3)} for s, v in found.states.items()]
    if map_path is not None:
        note(f"map: {draw_land_map(found, map_path)}", style="")
    if as_json:
        print_json(
            {"mode": mode, "trips": found.trips, "links": rows, "places": places, "states": states}
        )
        return
    link_columns = ["link", "asset", "mode", "trips_cut", "trips_rerouted", "extra_km"]
    title = f"Critical links for {found.trips} {mode} trips"
    print_table(rows, [*link_columns, "trips_using", "risk"], title=title)
    if places:
        print_table(places, list(places[0]), title="Critical places")
    print_table(states[:10], ["state", "share_of_trips"], title="States the trips cross (pivots)")


@app.command()
def components(
    mode: Annotated[
        list[str] | None,
        typer.Option(
            "--mode",
            help="Only these modes (repeatable): rail, road, gas, oil, or freight (rail, "
            "road and ships joined by their transfers). All by default.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The pieces the land network falls into, by mode: what no line or transfer joins.

    Each piece lists its assets and atlas places; pieces end where the atlas draws no
    line, where a gauge changes with no sourced transfer, or where a line is an island
    reached only by sea.
    Example: corridor routes components --mode freight
    """
    from corridor.errors import UnknownValueError
    from corridor.routes.pieces import PIECE_MODES, land_pieces

    for name in mode or ():
        if name not in PIECE_MODES:
            raise UnknownValueError("mode", name, list(PIECE_MODES))
    found = land_pieces(current().atlas(), mode or PIECE_MODES)
    rows = {
        name: [
            {
                "junctions": c.junctions,
                "links": c.links,
                "km": round(c.km),
                "layers": ", ".join(c.layers),
                "assets": ", ".join(c.assets),
                "places": ", ".join(c.places),
            }
            for c in pieces
        ]
        for name, pieces in found.by_mode.items()
    }
    if as_json:
        print_json({"modes": rows, "places_on_no_line": list(found.unlinked_places)})
        return
    for name, table in rows.items():
        print_table(table, list(table[0]) if table else [], title=f"{name}: {len(table)} pieces")
    if found.unlinked_places:
        note("atlas places on no line: " + ", ".join(found.unlinked_places))
