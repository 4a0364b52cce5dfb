"""Sea routes over searoute's maritime network, with closures that cannot leak.

searoute (Eurostat MARNET) is the network and its own helpers snap points to it and
measure a route, so our lengths are exactly the library's. What we add:

* closures are an argument, never state: searoute keeps closures on its shared cached
  graph (a call with ``restrictions=None`` reuses the previous call's), and its
  ``restrictions`` list *replaces* the default one, so closing Bab-el-Mandeb alone
  would open the Northwest Passage. Here the default closures (``ALWAYS_CLOSED``)
  always stay closed and each query brings its own;
* a closed passage cannot be sailed round through an edge searoute forgot to mark
  (``_PASSAGE_GAPS``);
* no route is an answer (``None``), not an empty line of length 0 with a warning;
* the passages a route takes come in order, from the edges it walks;
* one Dijkstra per origin serves every destination (``SeaRouter.from_origin``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import networkx as nx
import searoute
from searoute.classes.passages import Passage
from searoute.utils import distance_length, process_route

__all__ = [
    "ALWAYS_CLOSED",
    "KM_PER_NM",
    "PASSAGES",
    "SeaLeg",
    "SeaRouter",
    "sea_router",
]

KM_PER_NM = 1.852
ALWAYS_CLOSED = frozenset({Passage.northwest})  # searoute's own default: ice
# searoute's passages, its untagged-in-the-list 'dardanelles' edges, and the Danish straits we tag
PASSAGES = frozenset(Passage.valid_passages()) | {"dardanelles", "great_belt", "the_sound"}

Node = tuple[float, float]

# Edges searoute leaves out of a passage although a route round it must take them: its
# Cape of Good Hope cut along 21 deg E misses one edge, so closing the Cape let routes
# pass 200 km south of it (Tokyo to Rotterdam with the Red Sea and Panama closed). And the
# Danish straits, which searoute does not tag at all: the edge under the Great Belt Bridge
# and the one through the Helsingor narrows of The Sound are together the network's only
# ways between the Kattegat and the Baltic (a minimum edge cut; it has no Kiel Canal).
_PASSAGE_GAPS: dict[frozenset[Node], str] = {
    frozenset({(22.0, -35.0), (20.0, -40.0)}): "south_africa",
    frozenset({(10.9, 55.6), (11.094555, 55.046844)}): "great_belt",
    frozenset({(12.629725, 56.063887), (12.75, 55.9)}): "the_sound",
}


@dataclass(frozen=True)
class SeaLeg:
    """The shortest sea route between two points, as searoute measures it."""

    origin: Node
    destination: Node
    line: tuple[Node, ...]  # (lon, lat), longitudes continuous across the antimeridian
    length_km: float
    passages: tuple[str, ...]  # searoute passage names, in the order the route takes them

    @property
    def length_nm(self) -> float:
        return self.length_km / KM_PER_NM

    def days_at(self, speed_knots: float) -> float:
        return self.length_nm / speed_knots / 24.0


class SeaRouter:
    """Shortest sea routes with given passages closed; see the module docstring."""

    def __init__(self) -> None:
        self._network, _ = searoute.get_graphs()

    def snap(self, point: tuple[float, float]) -> Node:
        """The network node searoute would start from for this (lon, lat)."""
        node: Node = self._network.kdtree.query(tuple(point))
        return node

    def _weight(self, closed: frozenset[str]) -> Callable[[Any, Any, dict[str, Any]], Any]:
        shut = closed | ALWAYS_CLOSED

        def weight(u: Any, v: Any, data: dict[str, Any]) -> Any:
            return (
                None if self._passage(u, v, data) in shut else data.get("weight")
            )  # None: no edge

        return weight

    def route(
        self,
        origin: tuple[float, float],
        destination: tuple[float, float],
        closed: Iterable[str] = (),
    ) -> SeaLeg | None:
        """The shortest route with ``closed`` passages shut, or None if the sea has none."""
        source, target = self.snap(origin), self.snap(destination)
        try:
            _, nodes = nx.bidirectional_dijkstra(
                self._network, source, target, weight=self._weight(frozenset(closed))
            )
        except nx.NetworkXNoPath:
            return None
        return self._leg(source, target, nodes)

    def from_origin(
        self, origin: tuple[float, float], closed: Iterable[str] = ()
    ) -> Callable[[tuple[float, float]], SeaLeg | None]:
        """One shortest-path tree from ``origin``; the function it returns reads routes off it."""
        source = self.snap(origin)
        paths: dict[Node, list[Node]] = nx.single_source_dijkstra_path(
            self._network, source, weight=self._weight(frozenset(closed))
        )

        def to(destination: tuple[float, float]) -> SeaLeg | None:
            target = self.snap(destination)
            nodes = paths.get(target)
            return None if nodes is None else self._leg(source, target, nodes)

        return to

    def _leg(self, source: Node, target: Node, nodes: list[Node]) -> SeaLeg:
        line, _ = process_route(nodes, self._network)
        passages: list[str] = []
        for u, v in itertools.pairwise(nodes):
            name = self._passage(u, v, self._network.edges[u, v])
            if name is not None and name in PASSAGES and (not passages or passages[-1] != name):
                passages.append(name)
        return SeaLeg(
            origin=source,
            destination=target,
            line=tuple(tuple(p) for p in line),
            length_km=float(distance_length(line, units="km")),
            passages=tuple(passages),
        )

    @staticmethod
    def _passage(u: Node, v: Node, data: dict[str, Any]) -> str | None:
        """The passage an edge belongs to, with the ones searoute forgot."""
        name = data.get("passage") or _PASSAGE_GAPS.get(frozenset((u, v)))
        return None if name is None else str(name)


@cache
def sea_router() -> SeaRouter:
    """The process's router: the network is loaded once (about a second)."""
    return SeaRouter()
