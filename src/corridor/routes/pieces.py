"""The pieces the land network falls into, by mode, and its map coloured by mode.

A piece is a connected component of one mode's layers: rail (its gauges joined by the
gauge-change transfers), road, gas, oil, and freight (rail, road and ships joined by every
freight transfer). Pieces that no transfer or line joins are where the atlas stops: a line
it does not draw, a gauge break with no sourced transfer, or a line that is really an
island (a railway reached only by sea).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from corridor.atlas.catalog import Atlas
from corridor.routes.land import LandNetwork, land_network
from corridor.routes.modes import FLOW_MODES, Flow, Mode

__all__ = [
    "MODE_COLOURS",
    "PIECE_MODES",
    "Component",
    "LandComponents",
    "draw_land_network",
    "draw_network_map",
    "land_components",
    "land_pieces",
]

PIECE_MODES: dict[str, frozenset[Mode]] = {
    "rail": frozenset({Mode.RAIL}),
    "road": frozenset({Mode.ROAD}),
    "gas": frozenset({Mode.GAS}),
    "oil": frozenset({Mode.OIL}),
    "freight": FLOW_MODES[Flow.FREIGHT],
}
MODE_COLOURS = {
    Mode.RAIL: "#1f4e9c",
    Mode.ROAD: "#e08214",
    Mode.GAS: "#1a9850",
    Mode.OIL: "#542788",
}


@dataclass(frozen=True)
class Component:
    """One connected piece of a mode's layers."""

    mode: str  # rail, road, gas, oil, or freight
    junctions: int
    links: int
    km: float
    layers: tuple[str, ...]
    assets: tuple[str, ...]
    places: tuple[str, ...]


@dataclass(frozen=True)
class LandComponents:
    """The pieces by mode (largest first), and the atlas places on no line at all."""

    by_mode: dict[str, tuple[Component, ...]]
    unlinked_places: tuple[str, ...]


def land_components(network: LandNetwork, modes: Iterable[str] = PIECE_MODES) -> LandComponents:
    """The pieces of each mode named (rail, road, gas, oil, freight)."""
    graph = network.graph
    by_mode = {}
    for name in modes:
        kept = PIECE_MODES[name]
        layer = graph.subgraph(network.nodes_of(kept))
        pieces = []
        for nodes in nx.connected_components(layer):
            piece = layer.subgraph(nodes)
            links = [d for *_, d in piece.edges(data=True) if d["kind"] == "link"]
            junctions = {piece.nodes[n]["junction"] for n in piece}
            pieces.append(
                Component(
                    mode=name,
                    junctions=len(junctions),
                    links=len(links),
                    km=sum(d["km"] for d in links),
                    layers=tuple(sorted({piece.nodes[n]["layer"] for n in piece})),
                    assets=tuple(sorted({d["asset"] for d in links})),
                    places=tuple(sorted(p for j in junctions for p in network.places.get(j, []))),
                )
            )
        by_mode[name] = tuple(sorted(pieces, key=lambda c: (-c.km, c.assets)))
    on_lines = {str(data["junction"]) for _, data in graph.nodes(data=True)}
    unlinked = sorted(p for j, ids in network.places.items() if j not in on_lines for p in ids)
    return LandComponents(by_mode, tuple(unlinked))


def draw_network_map(
    network: LandNetwork,
    path: Path,
    *,
    title: str,
    marked: Sequence[tuple[str, str]] = (),
    marked_label: str = "path",
) -> Path:
    """Links coloured by mode, transfer places marked; ``marked`` links in red on top."""
    from corridor.maps import draw_routes_map

    graph = network.graph
    hot = {frozenset(e) for e in marked}
    routes = []
    for u, v, data in network.links():
        line = [(float(p[0]), float(p[1])) for p in data["line"]]
        if frozenset((u, v)) in hot:
            routes.append((marked_label, line, "#d7301f"))
        else:
            mode: Mode = data["mode"]
            label = f"{mode.value} ({data['layer'].split(' ')[1]} mm)" if data["gauge_mm"] else mode
            colour = MODE_COLOURS[mode]
            if mode is Mode.RAIL and data["gauge_mm"] != 1435:
                colour = {1520: "#4393c3", 1676: "#053061"}.get(data["gauge_mm"], colour)
            routes.append((str(label), line, colour))
    routes.sort(key=lambda r: (r[0] == marked_label, r[0]))  # marked links drawn last, on top
    transfers = {}
    for u, _, data in graph.edges(data=True):
        if data["kind"] == "transfer":
            node = graph.nodes[u]
            transfers[data["place"]] = (node["lon"], node["lat"])
    points = [(name, lon, lat, False) for name, (lon, lat) in sorted(transfers.items())]
    return draw_routes_map(routes, points, path, title=title, point_label="transfer")


def land_pieces(atlas: Atlas, modes: Iterable[str] = PIECE_MODES) -> LandComponents:
    """The pieces of the atlas's land network, by mode (see :func:`land_components`)."""
    return land_components(land_network(atlas), modes)


def draw_land_network(atlas: Atlas, path: Path) -> Path:
    """The atlas's land network by mode, transfer places marked (PNG)."""
    title = "The land network by mode: rail by gauge, road, gas, oil; triangles are transfers"
    return draw_network_map(land_network(atlas), path, title=title)
