"""``corridor routes``: sea routes, closures of chokepoints, and what they cost."""

from __future__ import annotations

import itertools
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import networkx as nx
import typer

from corridor.atlas import load_atlas
from corridor.atlas.catalog import Atlas
from corridor.commands.output import err, fail, print_json, print_table
from corridor.commands.risk import AsOfOption, Inputs, ProfileOption, ThreatOption, read_inputs
from corridor.risk.assets import of_threat
from corridor.risk.exposure import exposure_of
from corridor.routes.along import chokepoints_passed, states_near
from corridor.routes.criticality import (
    cheapest_path,
    link_criticality,
    node_criticality,
    state_betweenness,
)
from corridor.routes.disruption import (
    ClosureError,
    Disruption,
    disruption,
    disruption_matrix,
    passages_of,
)
from corridor.routes.exposure import legs_exposure
from corridor.routes.land import LandNetwork, land_network, link_shapes, with_risk
from corridor.routes.places import PlaceError, atlas_ports, read_places, resolve_place, unique
from corridor.routes.sea import SeaLeg, sea_router
from corridor.settings import settings

app = typer.Typer(
    help="Sea routes over the maritime network (searoute, Eurostat MARNET): the shortest "
    "route between ports, the chokepoints it passes in order and the states whose waters "
    "it nears; closures of chokepoints (--close bab-el-mandeb,hormuz) with the extra "
    "distance and days, or no route at all; a matrix of extra days for many ports.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
CloseOption = Annotated[
    str | None,
    typer.Option(
        "--close",
        help="Chokepoints to close, comma-separated atlas ids (bab-el-mandeb, hormuz, "
        "malacca, suez, ...) or searoute's names (babalmandab, ormuz). The Northwest "
        "Passage stays closed whatever you close.",
    ),
]
SpeedOption = Annotated[
    float, typer.Option("--speed", min=0.1, help="Speed in knots, for durations.")
]
MapOption = Annotated[
    Path | None, typer.Option("--map", help="Also draw the routes (PNG).", dir_okay=False)
]


def _names(atlas: Atlas, passages: frozenset[str]) -> list[str]:
    """The atlas's ids of the chokepoints behind these searoute passages."""
    return sorted(c.id for c in atlas.chokepoints.values() if c.searoute_passage in passages)


def _closed(atlas: Atlas, close: str | None) -> frozenset[str]:
    names = [n.strip() for n in (close or "").split(",") if n.strip()]
    try:
        return passages_of(atlas, names)
    except ClosureError as exc:
        raise fail(f"--close {exc}") from exc


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
    atlas = load_atlas(settings().atlas_dir)
    closed = _closed(atlas, close)
    try:
        start, end = resolve_place(origin, atlas), resolve_place(destination, atlas)
    except PlaceError as exc:
        raise fail(str(exc)) from exc
    result = disruption(sea_router(), start, end, closed, speed)
    summary: dict[str, Any] = {
        "from": start.name,
        "to": end.name,
        "speed_knots": speed,
        "closed": _names(atlas, closed),
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


def _chokepoint_marks(atlas: Atlas, closed: frozenset[str]) -> list[tuple[str, float, float, bool]]:
    return [
        (c.name, c.longitude, c.latitude, c.searoute_passage in closed)
        for c in atlas.chokepoints.values()
    ]


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
    title = f"The {len(worst)} voyages hit hardest by closing {', '.join(_names(atlas, closed))}"
    return draw_routes_map(routes, _chokepoint_marks(atlas, closed), path, title=title)


def _draw(atlas: Atlas, result: Disruption, closed: frozenset[str], path: Path) -> Path:
    from corridor.maps import draw_routes_map

    routes = []
    if result.open_leg is not None:
        routes.append(("open", result.open_leg.line, "#2c7bb6"))
    if closed and result.closed_leg is not None:
        routes.append(("with closures", result.closed_leg.line, "#d7301f"))
    title = f"{result.origin.name} to {result.destination.name}"
    return draw_routes_map(routes, _chokepoint_marks(atlas, closed), path, title=title)


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
    atlas = load_atlas(settings().atlas_dir)
    closed = _closed(atlas, close)
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
        print_json({"closed": _names(atlas, closed), "speed_knots": speed, "pairs": rows})
        return
    hit = sorted(
        (r for r in found if r.cut_off or (r.extra_days or 0) > 0.01),
        key=lambda d: (not d.cut_off, -(d.extra_days or 0)),
    )
    hit_rows = [rows[found.index(d)] for d in hit]
    title = f"{len(places)} ports, {len(rows):,} pairs: closing {', '.join(_names(atlas, closed))}"
    print_table(hit_rows, ["from", "to", "open_days", "extra_days", "cut_off"], title=title)
    err.print(
        f"[dim]{len(rows) - len(hit):,} pairs unaffected; computed in {seconds:.1f} s[/dim]",
        highlight=False,
    )


# --------------------------------------------------------------------------- land


class Cost(StrEnum):
    DISTANCE = "distance"
    RISK = "risk"
    MIX = "mix"


MixOption = Annotated[
    float,
    typer.Option(
        "--mix", min=0.0, max=1.0,
        help="With --by mix: the weight of risk against distance (0 = distance only).",
    ),
]  # fmt: skip


def _scored_network(
    as_of: str | None, threat: str | None, profile: Path | None
) -> tuple[LandNetwork, Inputs]:
    """The land network with each link's exposure to the incidents in the store."""
    inputs = read_inputs(as_of, profile, threat, need_incidents=False)
    network = land_network(inputs.atlas)
    chosen = of_threat(inputs.incidents, inputs.atlas, threat)
    shapes = link_shapes(network)
    ordinary = ["ordinary"] * len(shapes)
    exposure = exposure_of(
        shapes, ordinary, chosen, inputs.profile, inputs.as_of, inputs.atlas.threat_ancestors
    )
    with_risk(network, exposure.scores.tolist())
    return network, inputs


def _set_cost(network: LandNetwork, by: Cost, mix: float) -> str:
    """Put the chosen cost on every link and return its attribute name."""
    edges = list(network.graph.edges(data=True))
    mean_km = sum(d["km"] for _, _, d in edges) / max(len(edges), 1)
    mean_risk = sum(d["risk"] for _, _, d in edges) / max(len(edges), 1) or 1.0
    for _, _, data in edges:
        share = {Cost.DISTANCE: 0.0, Cost.RISK: 1.0, Cost.MIX: mix}[by]
        # a whisker of distance even for risk alone: among risk-free paths, the shortest
        data["cost"] = (1 - share) * data["km"] / mean_km + share * data["risk"] / mean_risk
        data["cost"] += 1e-6 * data["km"] / mean_km
    return "cost"


@app.command()
def land(
    origin: Annotated[str, typer.Argument(help="An atlas border crossing, dry port or port id.")],
    destination: Annotated[str, typer.Argument(help="The same kinds as FROM.")],
    by: Annotated[Cost, typer.Option("--by", help="What the path is cheapest in.")] = Cost.DISTANCE,
    mix: MixOption = 0.5,
    as_of: AsOfOption = None,
    threat: ThreatOption = None,
    profile: ProfileOption = None,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """The cheapest path over the atlas's railways, pipelines and corridors.

    Link risk is its exposure to the incidents in the store (0 if there are none).
    Example: corridor routes land crossing-khunjerab-pass port-gwadar --by risk
    """
    network, _ = _scored_network(as_of, threat, profile)
    ends = [network.node_of(p) for p in (origin, destination)]
    for name, node in zip((origin, destination), ends, strict=True):
        if node is None:
            raise fail(
                f"{name}: not a place of the land network; `corridor routes critical` lists them"
            )
    weight = _set_cost(network, by, mix)
    found = cheapest_path(network.graph, ends[0], ends[1], weight)
    if found is None:
        raise fail(f"no land path from {origin} to {destination} in the atlas's network")
    _, path = found
    graph = network.graph
    links = [
        {
            "from": _label(network, u),
            "to": _label(network, v),
            "asset": graph.edges[u, v]["asset"],
            "km": round(graph.edges[u, v]["km"], 1),
            "risk": round(graph.edges[u, v]["risk"], 2),
            "states": graph.edges[u, v]["states"],
        }
        for u, v in itertools.pairwise(path)
    ]
    total = {
        "km": round(sum(x["km"] for x in links), 1),
        "risk": round(sum(x["risk"] for x in links), 2),
    }
    if map_path is not None:
        chosen = set(itertools.pairwise(path))
        title = f"{origin} to {destination}, cheapest by {by.value}"
        err.print(f"map: {_draw_network(network, chosen, map_path, title, 'path')}")
    if as_json:
        print_json({"from": origin, "to": destination, "by": by.value, **total, "links": links})
        return
    title = (
        f"{origin} to {destination}, cheapest by {by.value}: "
        f"{total['km']:,} km, risk {total['risk']}"
    )
    print_table(links, ["from", "to", "asset", "km", "risk", "states"], title=title)


def _label(network: LandNetwork, node: str) -> str:
    """The atlas places a node stands for, or where it is (a junction of lines)."""
    data = network.graph.nodes[node]
    return ", ".join(network.places.get(node, [])) or f"({data['lon']:.2f}, {data['lat']:.2f})"


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
    threat: ThreatOption = None,
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
    """
    network, inputs = _scored_network(as_of, threat, profile)
    graph = network.graph
    starts = _chosen(network, origins) if origins else _belt_places(network, inputs)
    ends = _chosen(network, destinations) if destinations else _ports(network, inputs)
    pairs = [(o, p) for o in starts for p in ends if o != p and nx.has_path(graph, o, p)]
    ranked = link_criticality(graph, pairs, weight="km")[:top]
    places = node_criticality(graph, pairs, weight="km")[:top]
    pivots = state_betweenness(graph, pairs, lambda u, v: graph.edges[u, v]["states"])
    rows = [
        {
            "link": f"{_label(network, c.link[0])} - {_label(network, c.link[1])}",
            "asset": graph.edges[c.link]["asset"],
            "trips_cut": c.pairs_cut,
            "trips_rerouted": c.pairs_rerouted,
            "extra_km": round(c.extra, 1),
            "trips_using": c.used_by,
            "risk": round(graph.edges[c.link]["risk"], 2),
        }
        for c in ranked
    ]
    states = [{"state": s, "share_of_trips": round(v, 3)} for s, v in pivots.items()]
    place_rows = [
        {
            "place": _label(network, c.node),
            "trips_cut": c.pairs_cut,
            "trips_rerouted": c.pairs_rerouted,
            "extra_km": round(c.extra, 1),
            "trips_through": c.used_by,
        }
        for c in places
    ]
    if map_path is not None:
        worst = {c.link for c in ranked}
        title = f"The {len(worst)} most critical links for Belt-to-Road trips"
        err.print(f"map: {_draw_network(network, worst, map_path, title, 'critical')}")
    if as_json:
        print_json({"trips": len(pairs), "links": rows, "places": place_rows, "states": states})
        return
    print_table(
        rows,
        list(rows[0]) if rows else ["link"],
        title=f"Critical links for {len(pairs)} Belt-to-Road trips",
    )
    if place_rows:
        print_table(place_rows, list(place_rows[0]), title="Critical places")
    print_table(states[:10], ["state", "share_of_trips"], title="States the trips cross (pivots)")


def _draw_network(
    network: LandNetwork, marked: set[tuple[Any, Any]], path: Path, title: str, label: str
) -> Path:
    """The land network in grey, the ``marked`` links in red under ``label``."""
    from corridor.maps import draw_routes_map

    routes = []
    for u, v, data in network.graph.edges(data=True):
        hot = (u, v) in marked or (v, u) in marked
        line = [tuple(p) for p in data["line"]]
        routes.append((label if hot else "network", line, "#d7301f" if hot else "#9e9e9e"))
    routes.sort(key=lambda r: r[0] == label)  # marked links drawn last, on top
    return draw_routes_map(routes, [], path, title=title)


def demo_routes() -> None:
    """The demo's sea act: Shanghai to Rotterdam, open and with Bab-el-Mandeb closed."""
    sea(
        "Shanghai", "Rotterdam", close="bab-el-mandeb", speed=14.0, map_path=None,
        exposure=False, as_of=None, threat=None, profile=None, as_json=False,
    )  # fmt: skip
    err.print("more: corridor routes --help (matrix, land, critical)", highlight=False)


def _chosen(network: LandNetwork, names: str) -> list[str]:
    nodes = []
    for name in (n.strip() for n in names.split(",") if n.strip()):
        node = network.node_of(name)
        if node is None:
            raise fail(f"{name}: not a place of the land network")
        nodes.append(node)
    return nodes


def _kinds(inputs: Inputs) -> dict[str, str]:
    return {a.id: a.kind.value for a in inputs.atlas.assets.values()}


def _belt_places(network: LandNetwork, inputs: Inputs) -> list[str]:
    """Crossings and dry ports in the Belt's core area (China and Central Asia)."""
    core = inputs.atlas.zone_countries.get("core", frozenset())
    kinds = _kinds(inputs)
    return [
        node
        for node, ids in network.places.items()
        if any(kinds[i] != "port" for i in ids) and set(network.graph.nodes[node]["states"]) & core
    ]


def _ports(network: LandNetwork, inputs: Inputs) -> list[str]:
    kinds = _kinds(inputs)
    return [node for node, ids in network.places.items() if any(kinds[i] == "port" for i in ids)]
