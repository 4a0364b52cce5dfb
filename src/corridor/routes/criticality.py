"""What a network depends on: the links and states whose loss cuts or lengthens the most trips.

Pure graph functions (networkx), so the rule can be checked on a graph drawn by hand.
A trip runs between two *places*; ``ends`` says which nodes stand for a place (a
junction's layers: rail, road, the ship), and a trip may start on any of them:

* a link's criticality, for chosen origin-destination pairs: how many pairs it cuts
  off (no alternative left) and how many it reroutes, with the extra length; ranked
  by pairs cut, then by extra length;
* a state's betweenness: the share of the pairs whose shortest path crosses it
  (the "pivot" of seed 000 is the state most trips cannot avoid).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

__all__ = [
    "LinkCriticality",
    "NodeCriticality",
    "cheapest_path",
    "link_criticality",
    "node_criticality",
    "state_betweenness",
]

Pair = tuple[Any, Any]
Ends = Callable[[Any], Iterable[Any]]


def _itself(place: Any) -> tuple[Any]:
    return (place,)


def _routes(
    graph: nx.Graph[Any], origin: Any, ends: Ends, weight: str
) -> tuple[dict[Any, float], dict[Any, list[Any]]]:
    """Lengths and paths from the nearest of a place's nodes to every node."""
    sources = {n for n in ends(origin) if n in graph}
    if not sources:
        return {}, {}
    lengths, paths = nx.multi_source_dijkstra(graph, sources, weight=weight)
    return dict(lengths), dict(paths)  # type: ignore[arg-type]


def _best(
    routes: tuple[dict[Any, float], dict[Any, list[Any]]], destination: Any, ends: Ends
) -> tuple[float, list[Any]] | None:
    lengths, paths = routes
    found = [(lengths[n], str(n), n) for n in ends(destination) if n in lengths]
    if not found:
        return None
    length, _, node = min(found)
    return float(length), paths[node]


@dataclass(frozen=True)
class LinkCriticality:
    """What losing one link does to the chosen trips."""

    link: tuple[Any, Any]
    pairs_cut: int
    pairs_rerouted: int
    extra: float  # summed over the rerouted pairs, in the weight's unit
    used_by: int  # pairs whose shortest path takes the link


def _shortest(
    graph: nx.Graph[Any], pairs: Sequence[Pair], weight: str, ends: Ends = _itself
) -> dict[Pair, tuple[float, list[Any]]]:
    """Shortest lengths and paths of the pairs, one Dijkstra per distinct origin."""
    found: dict[Pair, tuple[float, list[Any]]] = {}
    for origin in dict.fromkeys(a for a, _ in pairs):
        routes = _routes(graph, origin, ends, weight)
        for pair in pairs:
            if pair[0] == origin and (best := _best(routes, pair[1], ends)) is not None:
                found[pair] = best
    return found


def _lengths(
    graph: nx.Graph[Any], pairs: Sequence[Pair], weight: str, ends: Ends = _itself
) -> dict[Pair, float]:
    return {pair: length for pair, (length, _) in _shortest(graph, pairs, weight, ends).items()}


def link_criticality(
    graph: nx.Graph[Any], pairs: Sequence[Pair], weight: str = "km", ends: Ends = _itself
) -> list[LinkCriticality]:
    """Every link used by some pair's shortest path, most critical first."""
    shortest = _shortest(graph, pairs, weight, ends)
    base = {pair: length for pair, (length, _) in shortest.items()}
    using: dict[tuple[Any, Any], int] = {}
    for _, path in shortest.values():
        for u, v in itertools.pairwise(path):
            key = (u, v) if (v, u) not in using else (v, u)
            using[key] = using.get(key, 0) + 1
    ranked = []
    for (u, v), used in using.items():
        data = graph.edges[u, v]
        graph.remove_edge(u, v)
        try:
            after = _lengths(graph, list(base), weight, ends)
        finally:
            graph.add_edge(u, v, **data)
        cut = sum(pair not in after for pair in base)
        longer = [after[p] - base[p] for p in base if p in after and after[p] > base[p] + 1e-9]
        ranked.append(LinkCriticality((u, v), cut, len(longer), sum(longer), used))
    return sorted(ranked, key=lambda c: (-c.pairs_cut, -c.extra, -c.used_by, str(c.link)))


@dataclass(frozen=True)
class NodeCriticality:
    """What losing one place (a junction, a crossing) does to the trips passing through it.

    Trips that start or end there are not counted: losing their end is not a detour.
    """

    node: Any
    pairs_cut: int
    pairs_rerouted: int
    extra: float
    used_by: int


def node_criticality(
    graph: nx.Graph[Any],
    pairs: Sequence[Pair],
    weight: str = "km",
    ends: Ends = _itself,
    place_of: Callable[[Any], Any] = lambda node: node,
) -> list[NodeCriticality]:
    """Every place some pair's shortest path passes through, most critical first.

    ``place_of`` groups nodes into places (a junction's layers): losing a place loses
    all its nodes, and a trip's own end places are not counted.
    """
    shortest = _shortest(graph, pairs, weight, ends)
    base = {pair: length for pair, (length, _) in shortest.items()}
    through: dict[Any, list[Pair]] = {}
    for (a, b), (_, path) in shortest.items():
        for place in dict.fromkeys(place_of(n) for n in path):
            if place not in (a, b, place_of(path[0]), place_of(path[-1])):
                through.setdefault(place, []).append((a, b))
    ranked = []
    for node, trips in through.items():
        kept = graph.subgraph(n for n in graph if place_of(n) != node)
        after = _lengths(kept, trips, weight, ends)
        cut = sum(pair not in after for pair in trips)
        longer = [after[p] - base[p] for p in trips if p in after and after[p] > base[p] + 1e-9]
        ranked.append(NodeCriticality(node, cut, len(longer), sum(longer), len(trips)))
    return sorted(ranked, key=lambda c: (-c.pairs_cut, -c.extra, -c.used_by, str(c.node)))


def state_betweenness(
    graph: nx.Graph[Any],
    pairs: Iterable[Pair],
    states_of_edge: Callable[[Any, Any], Iterable[str]],
    weight: str = "km",
    ends: Ends = _itself,
) -> dict[str, float]:
    """For each state, the share of connected pairs whose shortest path crosses it."""
    crossed: dict[str, int] = {}
    connected = 0
    for _, path in _shortest(graph, list(pairs), weight, ends).values():
        connected += 1
        states = {s for u, v in itertools.pairwise(path) for s in states_of_edge(u, v)}
        for state in states:
            crossed[state] = crossed.get(state, 0) + 1
    if not connected:
        return {}
    shares = {state: count / connected for state, count in crossed.items()}
    return dict(sorted(shares.items(), key=lambda kv: (-kv[1], kv[0])))


def cheapest_path(
    graph: nx.Graph[Any], origin: Any, destination: Any, weight: str, ends: Ends = _itself
) -> tuple[float, list[Any]] | None:
    """The cheapest path by one edge attribute, or None when there is none."""
    return _best(_routes(graph, origin, ends, weight), destination, ends)
