"""Use cases on land: the cheapest path over the atlas's network, and what trips depend on.

Both score every link's exposure to the incidents the viewer may read (0 with no store
or no incidents), so a path can be cheapest in risk and a critical link shows its risk.
Places are atlas border crossings, dry ports and ports (their ids), or network node names.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from corridor.atlas.catalog import Atlas
from corridor.errors import CorridorError, InputError, UnknownValueError
from corridor.risk.exposure import exposure_of
from corridor.routes.criticality import (
    cheapest_path,
    link_criticality,
    node_criticality,
    state_betweenness,
)
from corridor.routes.exposure import scoring_inputs
from corridor.routes.land import Cost, LandNetwork, land_network, link_shapes, set_cost, with_risk

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from corridor.cooperation.sharing import Viewer

__all__ = [
    "CriticalLink",
    "CriticalPlace",
    "Criticality",
    "LandLink",
    "LandPath",
    "NoLandPathError",
    "criticality",
    "draw_land_map",
    "land_path",
    "scored_land_network",
]


class NoLandPathError(CorridorError):
    """The two places lie on pieces of the network that no link joins."""


@dataclass(frozen=True)
class LandLink:
    """One link of a path: between two places, along one asset."""

    start: str  # the atlas places at its ends, or "(lon, lat)" for a junction of lines
    end: str
    asset: str
    km: float
    risk: float
    states: tuple[str, ...]


@dataclass(frozen=True)
class LandPath:
    """The cheapest path between two places, link by link."""

    origin: str
    destination: str
    by: Cost
    links: tuple[LandLink, ...]
    nodes: tuple[str, ...] = field(repr=False)
    network: LandNetwork = field(repr=False)

    @property
    def km(self) -> float:
        return sum(link.km for link in self.links)

    @property
    def risk(self) -> float:
        return sum(link.risk for link in self.links)


@dataclass(frozen=True)
class CriticalLink:
    """What losing one link does to the trips (see ``criticality.LinkCriticality``)."""

    start: str
    end: str
    asset: str
    trips_cut: int
    trips_rerouted: int
    extra_km: float
    trips_using: int
    risk: float
    nodes: tuple[str, str] = field(repr=False)


@dataclass(frozen=True)
class CriticalPlace:
    """What losing one place does to the trips passing through it."""

    place: str
    trips_cut: int
    trips_rerouted: int
    extra_km: float
    trips_through: int


@dataclass(frozen=True)
class Criticality:
    """The links, places and states the trips depend on, most critical first."""

    trips: int
    links: tuple[CriticalLink, ...]
    places: tuple[CriticalPlace, ...]
    states: dict[str, float]  # ISO alpha-3 -> share of trips crossing it, largest first
    network: LandNetwork = field(repr=False)


def scored_land_network(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    *,
    as_of: date | None = None,
    classes: Sequence[str] = (),
    profile_path: Path | None = None,
) -> LandNetwork:
    """The land network with each link's ``risk``: its exposure to the incidents in the
    store the viewer may read (of ``classes``; all for none), as of ``as_of``."""
    inputs, incidents = scoring_inputs(
        store,
        viewer,
        atlas,
        as_of=as_of,
        classes=classes,
        profile_path=profile_path,
        need_incidents=False,
    )
    network = land_network(atlas)
    shapes = link_shapes(network)
    exposure = exposure_of(
        shapes,
        ["ordinary"] * len(shapes),
        incidents,
        inputs.profile,
        inputs.as_of,
        atlas.threat_ancestors,
    )
    with_risk(network, exposure.scores.tolist())
    return network


def _label(network: LandNetwork, node: str) -> str:
    """The atlas places a node stands for, or where it is (a junction of lines)."""
    data = network.graph.nodes[node]
    return ", ".join(network.places.get(node, [])) or f"({data['lon']:.2f}, {data['lat']:.2f})"


def _node(network: LandNetwork, place: str) -> str:
    node = network.node_of(place)
    if node is None:
        names = sorted(p for ids in network.places.values() for p in ids)
        raise UnknownValueError(
            "place of the land network",
            place,
            names,
            hint="an atlas border crossing, dry port or port id; `corridor atlas assets`",
        )
    return node


def land_path(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    origin: str,
    destination: str,
    *,
    by: Cost | str = Cost.DISTANCE,
    mix: float = 0.5,
    as_of: date | None = None,
    classes: Sequence[str] = (),
    profile_path: Path | None = None,
) -> LandPath:
    """The cheapest path by distance, risk or a ``mix`` of both (0 = distance only).

    Raises :class:`UnknownValueError` for a place not on the network and
    :class:`NoLandPathError` when no links join the two.
    """
    if by not in set(Cost):
        raise UnknownValueError("cost", str(by), [c.value for c in Cost])
    by = Cost(by)
    if not 0.0 <= mix <= 1.0:
        raise InputError(f"mix: {mix} is outside 0..1 (the weight of risk against distance)")
    network = scored_land_network(
        store, viewer, atlas, as_of=as_of, classes=classes, profile_path=profile_path
    )
    ends = [_node(network, p) for p in (origin, destination)]
    found = cheapest_path(network.graph, ends[0], ends[1], set_cost(network, by, mix))
    if found is None:
        raise NoLandPathError(f"no land path from {origin} to {destination} in the atlas's network")
    graph, nodes = network.graph, found[1]
    links = tuple(
        LandLink(
            start=_label(network, u),
            end=_label(network, v),
            asset=graph.edges[u, v]["asset"],
            km=graph.edges[u, v]["km"],
            risk=graph.edges[u, v]["risk"],
            states=tuple(graph.edges[u, v]["states"]),
        )
        for u, v in itertools.pairwise(nodes)
    )
    return LandPath(origin, destination, by, links, tuple(nodes), network)


def _belt_places(network: LandNetwork, atlas: Atlas) -> list[str]:
    """Crossings and dry ports in the Belt's core area (China and Central Asia)."""
    core = atlas.zone_countries.get("core", frozenset())
    return [
        node
        for node, ids in network.places.items()
        if any(atlas.assets[i].kind.value != "port" for i in ids)
        and set(network.graph.nodes[node]["states"]) & core
    ]


def _ports(network: LandNetwork, atlas: Atlas) -> list[str]:
    return [
        node
        for node, ids in network.places.items()
        if any(atlas.assets[i].kind.value == "port" for i in ids)
    ]


def criticality(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    *,
    origins: Sequence[str] = (),
    destinations: Sequence[str] = (),
    top: int | None = None,
    as_of: date | None = None,
    classes: Sequence[str] = (),
    profile_path: Path | None = None,
) -> Criticality:
    """The links, places and states the trips depend on most.

    Trips go from every ``origins`` place to every ``destinations`` one by distance;
    by default from every crossing and dry port of the Belt's core area (China and
    Central Asia) to every port. Links and places rank by the trips they cut off, then
    by the extra km they force; a state by the share of trips crossing it (the "pivot").
    """
    network = scored_land_network(
        store, viewer, atlas, as_of=as_of, classes=classes, profile_path=profile_path
    )
    graph = network.graph
    starts = [_node(network, p) for p in origins] or _belt_places(network, atlas)
    ends = [_node(network, p) for p in destinations] or _ports(network, atlas)
    pairs = [(o, p) for o in starts for p in ends if o != p and nx.has_path(graph, o, p)]
    links = tuple(
        CriticalLink(
            start=_label(network, c.link[0]),
            end=_label(network, c.link[1]),
            asset=graph.edges[c.link]["asset"],
            trips_cut=c.pairs_cut,
            trips_rerouted=c.pairs_rerouted,
            extra_km=c.extra,
            trips_using=c.used_by,
            risk=graph.edges[c.link]["risk"],
            nodes=c.link,
        )
        for c in link_criticality(graph, pairs, weight="km")[:top]
    )
    places = tuple(
        CriticalPlace(
            place=_label(network, c.node),
            trips_cut=c.pairs_cut,
            trips_rerouted=c.pairs_rerouted,
            extra_km=c.extra,
            trips_through=c.used_by,
        )
        for c in node_criticality(graph, pairs, weight="km")[:top]
    )
    states = state_betweenness(graph, pairs, lambda u, v: graph.edges[u, v]["states"])
    return Criticality(len(pairs), links, places, states, network)


def draw_land_map(found: LandPath | Criticality, path: Path) -> Path:
    """The land network in grey and, in red, the path or the critical links (PNG)."""
    from corridor.maps import draw_routes_map

    if isinstance(found, LandPath):
        marked = set(itertools.pairwise(found.nodes))
        label, title = "path", f"{found.origin} to {found.destination}, cheapest by {found.by}"
    else:
        marked = {c.nodes for c in found.links}
        label, title = "critical", f"The {len(marked)} most critical links for the trips"
    routes = []
    for u, v, data in found.network.graph.edges(data=True):
        hot = (u, v) in marked or (v, u) in marked
        line = [tuple(p) for p in data["line"]]
        routes.append((label if hot else "network", line, "#d7301f" if hot else "#9e9e9e"))
    routes.sort(key=lambda r: r[0] == label)  # marked links drawn last, on top
    return draw_routes_map(routes, [], path, title=title)
