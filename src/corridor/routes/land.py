"""The atlas's land network as layers: rail per gauge, road, oil and gas, joined where they meet.

Junctions are places where something connects: the ends of lines, the atlas's border
crossings, dry ports and ports, and points where two lines *of the same mode* come within
``JOIN_KM`` of each other (rail with rail, road with road, a gas pipeline with a gas
pipeline). A junction has one node per layer that reaches it ("n12/rail 1520"); a line is
cut into links at every junction it passes, and each link carries one layer: its asset,
geodesic length, travel hours, the states it lies in and its exposure to incidents.

Layers meet only through the transfers of ``routes/data/transfers.yaml``: a gauge change
at Dostyk, a dry port, a port handing freight to a ship ("sea"), each with its hours.
Economic corridors are drawn along a road or a railway, which gives their mode.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray
from scipy.cluster.hierarchy import DisjointSet

from corridor.atlas.borders import countries_at
from corridor.atlas.catalog import Atlas
from corridor.geodesy import km_along
from corridor.risk.index import AssetIndex
from corridor.risk.shapes import AssetShapes
from corridor.routes.modes import Mode, ModeFacts, layer_name, mode_facts

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
    """The layered graph, and for each junction the atlas points it stands for.

    Edges are ``kind="link"`` (along an asset) or ``kind="transfer"`` (between two layers
    of one junction, at an atlas place). Nodes carry their ``junction``, ``layer``, ``mode``.
    """

    graph: nx.Graph[str]
    places: dict[str, list[str]]  # junction -> atlas point ids
    junctions: dict[str, tuple[float, float]]  # junction -> (lon, lat)

    def node_of(self, place: str) -> str | None:
        """The junction standing for an atlas point id, a junction name, or a node name."""
        if place in self.junctions:
            return place
        if place in self.graph:
            return str(self.graph.nodes[place]["junction"])
        for junction, ids in self.places.items():
            if place in ids:
                return junction
        return None

    def nodes_at(self, junction: str, modes: Collection[Mode] | None = None) -> list[str]:
        """The layer nodes of a junction, of the given modes (all for None)."""
        return [
            node
            for node in self._by_junction().get(junction, [])
            if modes is None or self.graph.nodes[node]["mode"] in modes
        ]

    def _by_junction(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for node, data in self.graph.nodes(data=True):
            found.setdefault(data["junction"], []).append(node)
        return found

    def nodes_of(self, modes: Collection[Mode]) -> list[str]:
        """Every node of the given modes' layers."""
        return [n for n, data in self.graph.nodes(data=True) if data["mode"] in modes]

    def links(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """The edges along assets (not transfers), in edge order."""
        return (e for e in self.graph.edges(data=True) if e[2]["kind"] == "link")


def _lines(atlas: Atlas) -> list[tuple[str, str, NDArray[np.float64]]]:
    found: list[tuple[str, str, NDArray[np.float64]]] = []
    for asset in atlas.assets.values():
        if asset.kind.value not in LINE_KINDS:
            continue
        parts = (
            [asset.geometry.coordinates]
            if asset.geometry.type == "LineString"
            else asset.geometry.coordinates
        )
        found += [
            (asset.id, asset.kind.value, np.asarray(p, np.float64)[:, :2])
            for p in parts
            if len(p) > 1
        ]
    return found


def land_network(atlas: Atlas, facts: ModeFacts | None = None) -> LandNetwork:
    """Build the layered graph (see the module docstring); exposure is added by ``with_risk``."""
    facts = facts or mode_facts()
    lines = [(a, facts.mode_of(kind, a), line) for a, kind, line in _lines(atlas)]
    points = [
        (a.id, np.asarray(a.geometry.coordinates[:2], np.float64))
        for a in atlas.assets.values()
        if a.kind.value in POINT_KINDS and a.geometry.type == "Point"
    ]
    # every vertex of every line, and every point asset, as one list of places
    owners = [i for i, (_, _, line) in enumerate(lines) for _ in range(len(line))]
    vertices = np.concatenate([line for *_, line in lines] + [p[None, :] for _, p in points])
    kinds = owners + [-1 - k for k in range(len(points))]
    modes: list[Mode | None] = [lines[o][1] for o in owners] + [None] * len(points)
    offsets = np.cumsum([0, *(len(line) for *_, line in lines)])
    ends = {int(o) for o in offsets[:-1]} | {int(o) - 1 for o in offsets[1:]}
    groups = DisjointSet(range(len(vertices)))
    special = set(ends) | set(range(len(owners), len(vertices)))
    for i, j in _close_pairs(vertices, JOIN_KM):
        if kinds[i] == kinds[j]:
            continue  # two vertices of one line
        if modes[i] is None or modes[j] is None or modes[i] == modes[j]:
            groups.merge(i, j)  # a point and a line, or two lines of one mode
            special |= {i, j}
    junction_of = {v: f"n{groups[v]}" for v in special}
    junctions = {junction_of[v]: (float(vertices[v][0]), float(vertices[v][1])) for v in special}
    places: dict[str, list[str]] = {}
    for k, (point_id, _) in enumerate(points):
        places.setdefault(junction_of[len(owners) + k], []).append(point_id)
    graph: nx.Graph[str] = nx.Graph()
    start = 0
    for asset_id, mode, line in lines:
        cut = [start] + [start + i for i in range(1, len(line) - 1) if start + i in special]
        cut.append(start + len(line) - 1)
        for a, b in itertools.pairwise(cut):
            if junction_of[a] == junction_of[b]:
                continue
            piece = vertices[a : b + 1]
            along = km_along(piece[:, 0], piece[:, 1])
            km = float(along[-1])
            gauge = None
            if mode is Mode.RAIL:  # the gauge of the country halfway along the link
                i = max(int(np.searchsorted(along, km / 2)), 1)
                lon, lat = (piece[i - 1] + piece[i]) / 2
                here = countries_at(float(lon), float(lat))
                gauge = facts.gauge_of(asset_id, here[0] if here else None)
            layer = layer_name(mode, gauge)
            here_node, there_node = (f"{junction_of[v]}/{layer}" for v in (a, b))
            if (
                graph.has_edge(here_node, there_node)
                and graph.edges[here_node, there_node]["km"] <= km
            ):
                continue  # of two links between the same nodes the shorter stays
            for node, v in ((here_node, a), (there_node, b)):
                graph.add_node(node, junction=junction_of[v], layer=layer, mode=mode)
            states = sorted({c for lon, lat in piece for c in countries_at(lon, lat)})
            graph.add_edge(
                here_node,
                there_node,
                kind="link",
                asset=asset_id,
                mode=mode,
                layer=layer,
                gauge_mm=gauge,
                km=km,
                hours=facts.hours_of(mode, km),
                states=states,
                line=piece.tolist(),
            )
        start += len(line)
    network = LandNetwork(graph, places, junctions)
    _add_transfers(network, facts)
    for _, data in graph.nodes(data=True):
        lon, lat = junctions[data["junction"]]
        data.update(lon=lon, lat=lat, states=countries_at(lon, lat))
    return network


def _add_transfers(network: LandNetwork, facts: ModeFacts) -> None:
    """Join the layers of a junction as the data file says, at its atlas places."""
    graph = network.graph
    for transfer in facts.transfers:
        junction = network.node_of(transfer.place)
        if junction is None or junction not in network.junctions:
            continue  # the place is not in this atlas
        if any(transfer.matches(side, Mode.SEA.value) for side in (0, 1)):
            sea = f"{junction}/{Mode.SEA.value}"
            graph.add_node(sea, junction=junction, layer=Mode.SEA.value, mode=Mode.SEA)
        layers = network.nodes_at(junction)
        for a, b in itertools.product(layers, layers):
            la, lb = graph.nodes[a]["layer"], graph.nodes[b]["layer"]
            if a != b and transfer.matches(0, la) and transfer.matches(1, lb):
                graph.add_edge(
                    a,
                    b,
                    kind="transfer",
                    asset=f"transfer {la} > {lb}",
                    mode=None,
                    layer=None,
                    gauge_mm=None,
                    km=0.0,
                    hours=transfer.hours,
                    place=transfer.place,
                    source=transfer.source,
                    states=[],
                )
    for node in network.nodes_of({Mode.SEA}):
        if graph.degree(node) == 0:
            graph.remove_node(node)


def _close_pairs(vertices: NDArray[np.float64], km: float) -> list[tuple[int, int]]:
    """Pairs of vertices within ``km`` of each other (geodesic)."""
    shapes = AssetShapes.from_lines(
        [str(i) for i in range(len(vertices))], [v[None, :] for v in vertices]
    )
    found = AssetIndex(shapes, km).pairs(vertices[:, 0], vertices[:, 1], km)
    return [(int(a), int(i)) for a, i in zip(found.asset, found.incident, strict=True) if a < i]


def with_risk(network: LandNetwork, scores: Sequence[float]) -> None:
    """Set each link's ``risk``: its exposure, the scores given in link order; transfers 0."""
    links = list(network.links())
    if len(links) != len(scores):
        raise ValueError(f"{len(scores)} scores for {len(links)} links")
    for (_, _, data), score in zip(links, scores, strict=True):
        data["risk"] = float(score)
    for _, _, data in network.graph.edges(data=True):
        data.setdefault("risk", 0.0)


def link_shapes(network: LandNetwork) -> AssetShapes:
    """The links as line assets, in link order, for the risk engine."""
    links = list(network.links())
    return AssetShapes.from_lines(
        [f"{u}-{v}" for u, v, _ in links],
        [np.asarray(d["line"], np.float64) for _, _, d in links],
    )


class Cost(StrEnum):
    """What a land path is cheapest in."""

    DISTANCE = "distance"
    TIME = "time"
    RISK = "risk"
    MIX = "mix"


COST = "cost"  # the edge attribute ``set_cost`` writes


def set_cost(network: LandNetwork, by: Cost, mix: float = 0.5) -> str:
    """Put the chosen cost on every edge (needs ``with_risk`` first); return its attribute.

    Time is hours: travel at the mode's speed plus transfers. Distance and risk are each
    divided by their mean over the links, so ``mix`` (0..1, with ``Cost.MIX``) weighs like
    against like: 0 is distance only, 1 risk only. A whisker of distance stays even for
    risk alone: among risk-free paths, the shortest. Transfers cost no distance.
    """
    if not 0.0 <= mix <= 1.0:
        raise ValueError(f"mix must be within 0..1, not {mix}")
    links = [d for *_, d in network.links()]
    mean_km = sum(d["km"] for d in links) / max(len(links), 1) or 1.0
    mean_risk = sum(d["risk"] for d in links) / max(len(links), 1) or 1.0
    share = {Cost.DISTANCE: 0.0, Cost.TIME: 0.0, Cost.RISK: 1.0, Cost.MIX: mix}[by]
    for _, _, data in network.graph.edges(data=True):
        if by is Cost.TIME:
            data[COST] = data["hours"]
        else:
            data[COST] = (1 - share) * data["km"] / mean_km + share * data["risk"] / mean_risk
        data[COST] += 1e-6 * data["km"] / mean_km
    return COST
