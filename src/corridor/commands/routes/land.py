"""``corridor routes land`` and ``critical``: the land network, its paths and what it depends on."""

from __future__ import annotations

import itertools
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import networkx as nx
import typer

from corridor.commands.output import JsonOption, err, fail, print_json, print_table
from corridor.commands.risk.app import AsOfOption, Inputs, ProfileOption, ThreatOption, read_inputs
from corridor.commands.routes.app import (
    MapOption,
    app,
)
from corridor.risk.assets import of_threat
from corridor.risk.exposure import exposure_of
from corridor.routes.criticality import (
    cheapest_path,
    link_criticality,
    node_criticality,
    state_betweenness,
)
from corridor.routes.land import LandNetwork, land_network, link_shapes, with_risk


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
    with err.status("joining the atlas's lines into a network"):
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
