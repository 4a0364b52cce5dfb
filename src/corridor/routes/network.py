"""searoute's maritime network as arrays: many shortest routes at once, lengths to the bit.

The graph is built once (``sea_network()``) as a CSR adjacency of its 9,708 nodes and
31,940 directed steps, each step tagged with the passage it belongs to (searoute's
``passage`` attribute plus the edges it forgot, ``sea._PASSAGE_GAPS``). A closure removes
the steps of the closed passages (``ALWAYS_CLOSED`` always); scipy's Dijkstra then grows
one shortest-path tree per origin, many origins per call, and a compiled walk reads each
destination's route off its origin's tree: the length and the passages in order.

Lengths are exactly searoute's: it sums the haversine km (its ``utils.distance``) between
the points of the route after shifting longitudes by 360 degrees where the route crosses
the antimeridian (``utils.normalize_linestring``), so a step's km depends on the shift
the route has reached. Each step's km is computed once, by searoute's own function, for
each of the three shifts the line can have there (-360, 0, +360); the walk only adds
them, in the route's order, as searoute does. The routes are its ``searoute()`` routes
with ``append_orig_dest=False`` (its default): from the node nearest the origin to the
node nearest the destination, without the two legs to the points themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import searoute
from numba import njit
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from searoute.utils import distance, normalize_linestring

from corridor.routes.sea import _PASSAGE_GAPS, ALWAYS_CLOSED, PASSAGES, Node

__all__ = [
    "MAX_PASSAGES",
    "PASSAGE_NAMES",
    "Routes",
    "SeaNetwork",
    "sea_network",
]

PASSAGE_NAMES: tuple[str, ...] = tuple(sorted(p for p in PASSAGES if isinstance(p, str)))
MAX_PASSAGES = 24  # passages one route can record; none of the network's takes half as many
_SHIFTS = (-360.0, 0.0, 360.0)  # where the line so far has been moved to stay continuous
_UNSHIFTED = 1


@dataclass(frozen=True)
class Routes:
    """Shortest routes from ``sources`` (rows) to ``targets`` (columns), as arrays.

    ``length_km`` is inf where no route is left (and NaN for pairs not asked for);
    ``passages`` holds the passage codes (``PASSAGE_NAMES``) in the order the route takes
    them, -1 after the last; ``mask`` has bit ``i`` set when the route takes passage ``i``.
    """

    length_km: NDArray[np.float64]
    passages: NDArray[np.int8]
    mask: NDArray[np.uint32]

    def names(self, row: int, column: int) -> tuple[str, ...]:
        """The searoute passages of one route, in order."""
        return tuple(PASSAGE_NAMES[c] for c in self.passages[row, column] if c >= 0)


@dataclass(frozen=True, eq=False)
class SeaNetwork:
    """The network as a CSR adjacency with, per directed step, its passage and its km."""

    nodes: tuple[Node, ...]
    indptr: NDArray[np.int32]
    neighbour: NDArray[np.int32]
    weight: NDArray[np.float64]  # searoute's own edge weight (km rounded to 0.1): what it minimizes
    passage: NDArray[np.int8]  # code in PASSAGE_NAMES, -1 for none
    step_km: NDArray[np.float64]  # (steps, 3): km of the step with the line shifted by _SHIFTS
    step_shift: NDArray[np.int8]  # (steps, 3): the shift the line has after the step

    @classmethod
    def from_searoute(cls) -> SeaNetwork:
        """Read searoute's cached graph (its nodes keep their order)."""
        graph, _ = searoute.get_graphs()
        nodes: tuple[Node, ...] = tuple(graph._node)
        number = {node: i for i, node in enumerate(nodes)}
        code = {name: i for i, name in enumerate(PASSAGE_NAMES)}
        indptr = [0]
        neighbour: list[int] = []
        weight: list[float] = []
        passage: list[int] = []
        step_km: list[tuple[float, float, float]] = []
        step_shift: list[tuple[int, int, int]] = []
        for u in nodes:
            for v, data in graph._adj[u].items():
                name = data.get("passage") or _PASSAGE_GAPS.get(frozenset((u, v)))
                neighbour.append(number[v])
                weight.append(float(data["weight"]))
                passage.append(code.get(str(name), -1) if name else -1)
                kms, shifts = zip(*(_step(u, v, shift) for shift in _SHIFTS), strict=True)
                step_km.append(kms)
                step_shift.append(shifts)
            indptr.append(len(neighbour))
        return cls(
            nodes=nodes,
            indptr=np.asarray(indptr, np.int32),
            neighbour=np.asarray(neighbour, np.int32),
            weight=np.asarray(weight, np.float64),
            passage=np.asarray(passage, np.int8),
            step_km=np.asarray(step_km, np.float64),
            step_shift=np.asarray(step_shift, np.int8),
        )

    @property
    def size(self) -> int:
        return len(self.nodes)

    def snap(self, points: Iterable[tuple[float, float]]) -> NDArray[np.int32]:
        """The node searoute starts from for each (lon, lat): its own k-d tree's nearest."""
        graph, _ = searoute.get_graphs()
        number = _numbers(self)
        return np.asarray([number[graph.kdtree.query(tuple(p))] for p in points], np.int32)

    def nodes_at(self, points: Iterable[tuple[float, float]]) -> NDArray[np.int32]:
        """The numbers of the nodes at these (lon, lat): points that are nodes (KeyError else)."""
        number = _numbers(self)
        return np.asarray([number[tuple(p)] for p in points], np.int32)  # type: ignore[index]

    def codes(self, passages: Iterable[str]) -> list[int]:
        """The codes of searoute passage names (names the network lacks are left out)."""
        return [PASSAGE_NAMES.index(p) for p in passages if p in PASSAGE_NAMES]

    def trees(
        self, sources: NDArray[np.int32], shut: frozenset[str]
    ) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        """Shortest-path trees from ``sources`` with ``shut`` (and ``ALWAYS_CLOSED``) closed:
        distances in searoute's weights and predecessors (-9999 at a root or out of reach)."""
        if len(sources) == 0:
            empty = np.empty((0, self.size))
            return empty, empty.astype(np.int32)
        dist, pred = dijkstra(
            _graph_without(self, frozenset(shut) | ALWAYS_CLOSED),
            directed=True,
            indices=sources,
            return_predecessors=True,
        )
        return dist, pred.astype(np.int32, copy=False)

    def routes(
        self,
        sources: NDArray[np.int32],
        targets: NDArray[np.int32],
        shut: frozenset[str] = frozenset(),
        wanted: NDArray[np.bool_] | None = None,
    ) -> Routes:
        """Every source to every target (or the ``wanted`` pairs) with ``shut`` closed."""
        _, pred = self.trees(sources, shut)
        if wanted is None:
            wanted = np.ones((len(sources), len(targets)), np.bool_)
        length, passages, mask = _walk(
            pred,
            np.asarray(sources, np.int32),
            np.asarray(targets, np.int32),
            wanted,
            self.indptr,
            self.neighbour,
            self.passage,
            self.step_km,
            self.step_shift,
            MAX_PASSAGES,
        )
        return Routes(length, passages, mask)


def _step(u: Node, v: Node, shift: float) -> tuple[float, int]:
    """searoute's km from u (its longitude moved by ``shift``) to v, and v's shift after."""
    start = (u[0] + shift, u[1])
    end = normalize_linestring(start, v)
    after = next(i for i, moved in enumerate(_SHIFTS) if v[0] + moved == end[0])
    return float(distance(start, end)), after


@cache
def sea_network() -> SeaNetwork:
    """The process's network: built once from searoute's graph (about half a second)."""
    return SeaNetwork.from_searoute()


@cache
def _numbers(network: SeaNetwork) -> dict[Node, int]:
    return {node: i for i, node in enumerate(network.nodes)}


@lru_cache(maxsize=32)
def _graph_without(network: SeaNetwork, shut: frozenset[str]) -> csr_matrix:
    """The adjacency without the steps of the ``shut`` passages (zero weights stay edges)."""
    keep = ~np.isin(network.passage, network.codes(shut))
    rows = np.repeat(np.arange(network.size, dtype=np.int32), np.diff(network.indptr))
    return csr_matrix(
        (network.weight[keep], (rows[keep], network.neighbour[keep])),
        shape=(network.size, network.size),
    )


@njit(cache=True, nogil=True)
def _walk(  # type: ignore[no-untyped-def]
    pred,
    sources,
    targets,
    wanted,
    indptr,
    neighbour,
    passage,
    step_km,
    step_shift,
    most,
):
    """Each wanted route read off its source's tree: km summed as searoute sums them,
    passages in order (a passage repeats only when another comes between)."""
    rows, columns = wanted.shape
    length = np.full((rows, columns), np.nan)
    passages = np.full((rows, columns, most), -1, np.int8)
    mask = np.zeros((rows, columns), np.uint32)
    path = np.empty(pred.shape[1], np.int32)
    for i in range(rows):
        source = sources[i]
        for j in range(columns):
            if not wanted[i, j]:
                continue
            node = targets[j]
            count = 0
            while node != source and node >= 0:
                path[count] = node
                count += 1
                node = pred[i, node]
            if node < 0:
                length[i, j] = np.inf
                continue
            km = 0.0
            shift = 1  # _UNSHIFTED: the line starts where the source is
            here = source
            taken = 0
            last = -1
            for k in range(count - 1, -1, -1):
                there = path[k]
                step = indptr[here]
                while neighbour[step] != there:
                    step += 1
                km += step_km[step, shift]
                shift = step_shift[step, shift]
                code = passage[step]
                if code >= 0 and code != last and taken < most:
                    passages[i, j, taken] = code
                    mask[i, j] |= np.uint32(1) << np.uint32(code)
                    taken += 1
                    last = code
                here = there
            length[i, j] = km
    return length, passages, mask
