"""The atlas's land network as a graph: railways, pipelines and corridors, joined where they meet.

Nodes are places where something connects: the ends of lines, the atlas's border
crossings, dry ports and ports, and points where two lines come within ``JOIN_KM`` of
each other. A line is cut into links at every such node it passes. Each link keeps
its asset, geodesic length, the states it lies in and its exposure to incidents
(scored by the risk engine like any line). Economic corridors are included: they
stand for the road and rail routes the seeds name (the Karakoram Highway of CPEC).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import networkx as nx
import numpy as np
from numpy.typing import NDArray
from scipy.cluster.hierarchy import DisjointSet

from corridor.atlas.borders import countries_at
from corridor.atlas.catalog import Atlas
from corridor.geodesy import km_along
from corridor.risk.index import AssetIndex
from corridor.risk.shapes import AssetShapes

__all__ = [
    "JOIN_KM",
    "LINE_KINDS",
    "POINT_KINDS",
    "Cost",
    "LandNetwork",
    "land_network",
    "link_shapes",
    "set_cost",
    "with_risk",
]

JOIN_KM = 25.0
LINE_KINDS = ("railway", "oil_pipeline", "gas_pipeline", "economic_corridor")
POINT_KINDS = ("border_crossing", "dry_port", "port")


@dataclass
class LandNetwork:
    """The graph, and for each node the atlas points (crossings, ports) it stands for."""

    graph: nx.Graph[str]
    places: dict[str, list[str]]  # node -> atlas point ids

    def node_of(self, place: str) -> str | None:
        """The node standing for an atlas point id, or a node name itself."""
        if place in self.graph:
            return place
        for node, ids in self.places.items():
            if place in ids:
                return node
        return None


def _lines(atlas: Atlas) -> list[tuple[str, NDArray[np.float64]]]:
    found = []
    for asset in atlas.assets.values():
        if asset.kind.value not in LINE_KINDS:
            continue
        parts = (
            [asset.geometry.coordinates]
            if asset.geometry.type == "LineString"
            else asset.geometry.coordinates
        )
        found += [(asset.id, np.asarray(p, np.float64)[:, :2]) for p in parts if len(p) > 1]
    return found


def land_network(atlas: Atlas) -> LandNetwork:
    """Build the graph (see the module docstring); exposure is added by ``with_risk``."""
    lines = _lines(atlas)
    points = [
        (a.id, np.asarray(a.geometry.coordinates[:2], np.float64))
        for a in atlas.assets.values()
        if a.kind.value in POINT_KINDS and a.geometry.type == "Point"
    ]
    # every vertex of every line, and every point asset, as one list of places
    owners = [i for i, (_, line) in enumerate(lines) for _ in range(len(line))]
    vertices = np.concatenate([line for _, line in lines] + [p[None, :] for _, p in points])
    kinds = owners + [-1 - k for k in range(len(points))]
    offsets = np.cumsum([0, *(len(line) for _, line in lines)])
    ends = {int(o) for o in offsets[:-1]} | {int(o) - 1 for o in offsets[1:]}
    joins = _close_pairs(vertices, JOIN_KM)
    groups = DisjointSet(range(len(vertices)))
    special = set(ends) | set(range(len(owners), len(vertices)))
    for i, j in joins:
        if kinds[i] != kinds[j]:  # two different lines, or a line and a point
            groups.merge(i, j)
            special |= {i, j}
    node_of = {v: f"n{groups[v]}" for v in special}
    graph: nx.Graph[str] = nx.Graph()
    places: dict[str, list[str]] = {}
    for v in special:
        graph.add_node(node_of[v], lon=float(vertices[v][0]), lat=float(vertices[v][1]))
    for k, (point_id, _) in enumerate(points):
        places.setdefault(node_of[len(owners) + k], []).append(point_id)
    start = 0
    for asset_id, line in lines:
        cut = [start] + [start + i for i in range(1, len(line) - 1) if start + i in special]
        cut.append(start + len(line) - 1)
        for a, b in itertools.pairwise(cut):
            here, there = node_of[a], node_of[b]
            if here == there:
                continue
            piece = vertices[a : b + 1]
            km = float(km_along(piece[:, 0], piece[:, 1])[-1])
            states = sorted({c for lon, lat in piece for c in countries_at(lon, lat)})
            if not graph.has_edge(here, there) or graph.edges[here, there]["km"] > km:
                graph.add_edge(
                    here, there, asset=asset_id, km=km, states=states, line=piece.tolist()
                )
        start += len(line)
    for _, data in graph.nodes(data=True):
        data["states"] = countries_at(data["lon"], data["lat"])
    return LandNetwork(graph, places)


def _close_pairs(vertices: NDArray[np.float64], km: float) -> list[tuple[int, int]]:
    """Pairs of vertices within ``km`` of each other (geodesic)."""
    shapes = AssetShapes.from_lines(
        [str(i) for i in range(len(vertices))], [v[None, :] for v in vertices]
    )
    found = AssetIndex(shapes, km).pairs(vertices[:, 0], vertices[:, 1], km)
    return [(int(a), int(i)) for a, i in zip(found.asset, found.incident, strict=True) if a < i]


def with_risk(network: LandNetwork, scores: Sequence[float]) -> None:
    """Set each link's ``risk``: its exposure, the scores given in edge order."""
    for (_, _, data), score in zip(network.graph.edges(data=True), scores, strict=True):
        data["risk"] = float(score)


def link_shapes(network: LandNetwork) -> AssetShapes:
    """The links as line assets, in edge order, for the risk engine."""
    return AssetShapes.from_lines(
        [f"{u}-{v}" for u, v in network.graph.edges()],
        [np.asarray(d["line"], np.float64) for _, _, d in network.graph.edges(data=True)],
    )


class Cost(StrEnum):
    """What a land path is cheapest in."""

    DISTANCE = "distance"
    RISK = "risk"
    MIX = "mix"


COST = "cost"  # the edge attribute ``set_cost`` writes


def set_cost(network: LandNetwork, by: Cost, mix: float = 0.5) -> str:
    """Put the chosen cost on every link (needs ``with_risk`` first); return its attribute.

    Distance and risk are each divided by their mean over the links, so ``mix`` (0..1,
    with ``Cost.MIX``) weighs like against like: 0 is distance only, 1 risk only. A
    whisker of distance stays even for risk alone: among risk-free paths, the shortest.
    """
    if not 0.0 <= mix <= 1.0:
        raise ValueError(f"mix must be within 0..1, not {mix}")
    edges = list(network.graph.edges(data=True))
    mean_km = sum(d["km"] for _, _, d in edges) / max(len(edges), 1)
    mean_risk = sum(d["risk"] for _, _, d in edges) / max(len(edges), 1) or 1.0
    share = {Cost.DISTANCE: 0.0, Cost.RISK: 1.0, Cost.MIX: mix}[by]
    for _, _, data in edges:
        data[COST] = (1 - share) * data["km"] / mean_km + share * data["risk"] / mean_risk
        data[COST] += 1e-6 * data["km"] / mean_km
    return COST
