"""``corridor routes land`` and ``critical``: the land network, its paths and what it depends on."""

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


@app.command()
def land(
    origin: Annotated[str, typer.Argument(help=PLACE_HELP, metavar="FROM")],
    destination: Annotated[str, typer.Argument(help="The same kinds as FROM.", metavar="TO")],
    by: Annotated[
        Literal["distance", "risk", "mix"],
        typer.Option("--by", help="What the path is cheapest in."),
    ] = "distance",
    mix: MixOption = 0.5,
    as_of: AsOfOption = None,
    classes: ClassOption = None,
    profile: ProfileOption = None,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """The cheapest path over the atlas's railways, pipelines and corridors.

    Link risk is its exposure to the incidents in the store (0 if there are none).
    Example: corridor routes land crossing-khunjerab-pass port-gwadar --by risk
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
            "km": round(link.km, 1),
            "risk": round(link.risk, 2),
            "states": list(link.states),
        }
        for link in path.links
    ]
    if map_path is not None:
        note(f"map: {draw_land_map(path, map_path)}", style="")
    km, risk = round(path.km, 1), round(path.risk, 2)
    if as_json:
        print_json(
            {"from": origin, "to": destination, "by": by, "km": km, "risk": risk, "links": links}
        )
        return
    title = f"{origin} to {destination}, cheapest by {by}: {km:,} km, risk {risk}"
    print_table(links, ["from", "to", "asset", "km", "risk", "states"], title=title)


@app.command()
def critical(
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

    Trips: from every border crossing and dry port of the Belt's core area (China and
    Central Asia) to every port, over the atlas's land network by distance; --from and
    --to choose others. A link or a place ranks by the trips it cuts off (no
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
        print_json({"trips": found.trips, "links": rows, "places": places, "states": states})
        return
    link_columns = ["link", "asset", "trips_cut", "trips_rerouted", "extra_km", "trips_using"]
    print_table(rows, [*link_columns, "risk"], title=f"Critical links for {found.trips} trips")
    if places:
        print_table(places, list(places[0]), title="Critical places")
    print_table(states[:10], ["state", "share_of_trips"], title="States the trips cross (pivots)")
