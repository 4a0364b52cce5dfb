"""What a network depends on: the links and states whose loss cuts or lengthens the most trips.

Pure graph functions (networkx), so the rule can be checked on a graph drawn by hand:

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


@dataclass(frozen=True)
class LinkCriticality:
    """What losing one link does to the chosen trips."""

    link: tuple[Any, Any]
    pairs_cut: int
    pairs_rerouted: int
    extra: float  # summed over the rerouted pairs, in the weight's unit
    used_by: int  # pairs whose shortest path takes the link


def _lengths(graph: nx.Graph[Any], pairs: Sequence[Pair], weight: str) -> dict[Pair, float]:
    """Shortest lengths of the pairs, one Dijkstra per distinct origin."""
    found: dict[Pair, float] = {}
    for origin in {a for a, _ in pairs}:
        reach = nx.single_source_dijkstra_path_length(graph, origin, weight=weight)
        for pair in pairs:
            if pair[0] == origin and pair[1] in reach:
                found[pair] = reach[pair[1]]
    return found


def link_criticality(
    graph: nx.Graph[Any], pairs: Sequence[Pair], weight: str = "km"
) -> list[LinkCriticality]:
    """Every link used by some pair's shortest path, most critical first."""
    base = _lengths(graph, pairs, weight)
    using: dict[tuple[Any, Any], int] = {}
    for a, b in base:
        path = nx.dijkstra_path(graph, a, b, weight=weight)
        for u, v in itertools.pairwise(path):
            key = (u, v) if (v, u) not in using else (v, u)
            using[key] = using.get(key, 0) + 1
    ranked = []
    for (u, v), used in using.items():
        data = graph.edges[u, v]
        graph.remove_edge(u, v)
        try:
            after = _lengths(graph, list(base), weight)
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
    graph: nx.Graph[Any], pairs: Sequence[Pair], weight: str = "km"
) -> list[NodeCriticality]:
    """Every place some pair's shortest path passes through, most critical first."""
    base = _lengths(graph, pairs, weight)
    through: dict[Any, list[Pair]] = {}
    for a, b in base:
        for node in nx.dijkstra_path(graph, a, b, weight=weight)[1:-1]:
            through.setdefault(node, []).append((a, b))
    ranked = []
    for node, trips in through.items():
        kept = graph.subgraph(n for n in graph if n != node)
        after = _lengths(kept, trips, weight)
        cut = sum(pair not in after for pair in trips)
        longer = [after[p] - base[p] for p in trips if p in after and after[p] > base[p] + 1e-9]
        ranked.append(NodeCriticality(node, cut, len(longer), sum(longer), len(trips)))
    return sorted(ranked, key=lambda c: (-c.pairs_cut, -c.extra, -c.used_by, str(c.node)))


def state_betweenness(
    graph: nx.Graph[Any],
    pairs: Iterable[Pair],
    states_of_edge: Callable[[Any, Any], Iterable[str]],
    weight: str = "km",
) -> dict[str, float]:
    """For each state, the share of connected pairs whose shortest path crosses it."""
    crossed: dict[str, int] = {}
    connected = 0
    for a, b in pairs:
        try:
            path = nx.dijkstra_path(graph, a, b, weight=weight)
        except nx.NetworkXNoPath:
            continue
        connected += 1
        states = {s for u, v in itertools.pairwise(path) for s in states_of_edge(u, v)}
        for state in states:
            crossed[state] = crossed.get(state, 0) + 1
    if not connected:
        return {}
    shares = {state: count / connected for state, count in crossed.items()}
    return dict(sorted(shares.items(), key=lambda kv: (-kv[1], kv[0])))


def cheapest_path(
    graph: nx.Graph[Any], origin: Any, destination: Any, weight: str
) -> tuple[float, list[Any]] | None:
    """The cheapest path by one edge attribute, or None when there is none."""
    try:
        cost, path = nx.single_source_dijkstra(graph, origin, destination, weight=weight)
    except nx.NetworkXNoPath:
        return None
    return float(cost), list(path)  # type: ignore[arg-type]
