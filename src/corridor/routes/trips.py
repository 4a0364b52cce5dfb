"""Use cases on land: the cheapest path over the atlas's network, and what trips depend on.

Both score every link's exposure to the incidents the viewer may read (0 with no store
or no incidents), so a path can be cheapest in risk and a critical link shows its risk.
Places are atlas border crossings, dry ports and ports (their ids), or junction names.
A trip carries one flow: freight over rail, road and the transfers between them (gauge
changes, dry ports, ports handing over to ships), or gas or oil over their own pipelines.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from corridor.atlas.borders import countries_at
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
from corridor.routes.modes import FLOW_MODES, Flow, Mode

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
    """One step of a path: along one asset, or a transfer between layers at a place."""

    start: str  # the atlas places at its ends, or "nN (lon, lat)" for a junction of lines
    end: str
    asset: str  # the asset id, or "transfer rail 1435 > rail 1520"
    km: float
    risk: float
    states: tuple[str, ...]
    layer: str = ""  # "rail 1520", "road", "gas", ...; "transfer" for a transfer
    hours: float = 0.0  # travel at the mode's speed, or the transfer's time

    @property
    def is_transfer(self) -> bool:
        return self.layer == "transfer"


@dataclass(frozen=True)
class LandPath:
    """The cheapest path between two places, link by link."""

    origin: str
    destination: str
    by: Cost
    links: tuple[LandLink, ...]
    nodes: tuple[str, ...] = field(repr=False)
    network: LandNetwork = field(repr=False)
    flow: Flow = Flow.FREIGHT

    @property
    def km(self) -> float:
        return sum(link.km for link in self.links)

    @property
    def risk(self) -> float:
        return sum(link.risk for link in self.links)

    @property
    def hours(self) -> float:
        """Travel and transfer hours (0 for pipeline flows: no speed is kept for them)."""
        return sum(link.hours for link in self.links)

    @property
    def transfers(self) -> tuple[LandLink, ...]:
        return tuple(link for link in self.links if link.is_transfer)

    def legs(self) -> tuple[LandLink, ...]:
        """The links with consecutive ones along one asset and layer merged, for reading."""
        merged: list[LandLink] = []
        for link in self.links:
            last = merged[-1] if merged else None
            if (
                last
                and not link.is_transfer
                and (last.asset, last.layer) == (link.asset, link.layer)
            ):
                merged[-1] = replace(
                    last,
                    end=link.end,
                    km=last.km + link.km,
                    risk=last.risk + link.risk,
                    hours=last.hours + link.hours,
                    states=tuple(dict.fromkeys((*last.states, *link.states))),
                )
            else:
                merged.append(link)
        return tuple(merged)


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
    layer: str = ""


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
    flow: Flow = Flow.FREIGHT


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


def _label(network: LandNetwork, junction: str) -> str:
    """The atlas places a junction stands for, or its name and where it is."""
    lon, lat = network.junctions[junction]
    return ", ".join(network.places.get(junction, [])) or f"{junction} ({lon:.2f}, {lat:.2f})"


def _node(network: LandNetwork, place: str) -> str:
    """The junction of a place; UnknownValueError for one not on the network."""
    junction = network.node_of(place)
    if junction is None:
        names = sorted(p for ids in network.places.values() for p in ids)
        raise UnknownValueError(
            "place of the land network",
            place,
            names,
            hint="an atlas border crossing, dry port or port id (`corridor atlas assets`), "
            "or a junction nN of `corridor routes components`",
        )
    return junction


def _flow(mode: Flow | str) -> Flow:
    if mode not in set(Flow):
        raise UnknownValueError("mode", str(mode), [f.value for f in Flow])
    return Flow(mode)


def _ends(network: LandNetwork, flow: Flow) -> Callable[[str], list[str]]:
    """A place's nodes a trip of this flow may start or end on: the ship if a port has one."""
    modes = FLOW_MODES[flow]
    by_junction: dict[str, list[str]] = {}
    for node, data in network.graph.nodes(data=True):
        if data["mode"] in modes:
            by_junction.setdefault(data["junction"], []).append(node)

    def ends(junction: str) -> list[str]:
        nodes = by_junction.get(junction, [])
        ships = [n for n in nodes if network.graph.nodes[n]["mode"] is Mode.SEA]
        return ships or nodes

    return ends


def _flow_graph(network: LandNetwork, flow: Flow) -> nx.Graph[str]:
    """The layers a flow may use, as a graph of its own (criticality removes edges)."""
    return network.graph.subgraph(network.nodes_of(FLOW_MODES[flow])).copy()


def _steps(network: LandNetwork, nodes: Sequence[str]) -> tuple[LandLink, ...]:
    graph = network.graph
    steps = []
    for u, v in itertools.pairwise(nodes):
        data = graph.edges[u, v]
        transfer = data["kind"] == "transfer"
        here, there = graph.nodes[u], graph.nodes[v]
        steps.append(
            LandLink(
                start=_label(network, here["junction"]),
                end=_label(network, there["junction"]),
                asset=f"transfer {here['layer']} > {there['layer']}" if transfer else data["asset"],
                km=data["km"],
                risk=data["risk"],
                states=tuple(data["states"] or here["states"]),
                layer="transfer" if transfer else data["layer"],
                hours=data["hours"],
            )
        )
    return tuple(steps)


def land_path(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    origin: str,
    destination: str,
    *,
    mode: Flow | str = Flow.FREIGHT,
    by: Cost | str = Cost.DISTANCE,
    mix: float = 0.5,
    as_of: date | None = None,
    classes: Sequence[str] = (),
    profile_path: Path | None = None,
) -> LandPath:
    """The cheapest path for a flow (freight: rail, road and transfers; gas or oil: their
    pipelines only) by distance, time, risk or a ``mix`` of distance and risk (0 = distance).

    Raises :class:`UnknownValueError` for a place not on the network and
    :class:`NoLandPathError` when no links of the flow join the two.
    """
    flow = _flow(mode)
    if by not in set(Cost):
        raise UnknownValueError("cost", str(by), [c.value for c in Cost])
    by = Cost(by)
    if by is Cost.TIME and flow is not Flow.FREIGHT:
        raise InputError(f"by time: only freight has travel times, not {flow} (try distance)")
    if not 0.0 <= mix <= 1.0:
        raise InputError(f"mix: {mix} is outside 0..1 (the weight of risk against distance)")
    network = scored_land_network(
        store, viewer, atlas, as_of=as_of, classes=classes, profile_path=profile_path
    )
    ends = [_node(network, p) for p in (origin, destination)]
    weight = set_cost(network, by, mix)
    graph = _flow_graph(network, flow)
    found = cheapest_path(graph, ends[0], ends[1], weight, _ends(network, flow))
    if found is None:
        raise NoLandPathError(
            f"no land path for {flow} from {origin} to {destination} in the atlas's network "
            "(`corridor routes components` shows its pieces)"
        )
    nodes = found[1]
    return LandPath(origin, destination, by, _steps(network, nodes), tuple(nodes), network, flow)


def _belt_places(network: LandNetwork, atlas: Atlas) -> list[str]:
    """Crossings and dry ports in the Belt's core area (China and Central Asia)."""
    core = atlas.zone_countries.get("core", frozenset())
    return [
        junction
        for junction, ids in network.places.items()
        if any(atlas.assets[i].kind.value != "port" for i in ids)
        and set(countries_at(*network.junctions[junction])) & core
    ]


def _ports(network: LandNetwork, atlas: Atlas) -> list[str]:
    return [
        junction
        for junction, ids in network.places.items()
        if any(atlas.assets[i].kind.value == "port" for i in ids)
    ]


def _line_ends(graph: nx.Graph[str]) -> list[str]:
    """Junctions where a line of the graph ends (a pipeline's terminals)."""
    return sorted({graph.nodes[n]["junction"] for n in graph if graph.degree(n) == 1})


def _trips(
    network: LandNetwork,
    atlas: Atlas,
    graph: nx.Graph[str],
    flow: Flow,
    origins: Sequence[str],
    destinations: Sequence[str],
) -> list[tuple[str, str]]:
    """The trips asked for, or by default: freight from the Belt's core crossings and dry
    ports to every port; a pipeline flow between every two ends of its pipelines."""
    ends = _ends(network, flow)
    piece = {n: i for i, c in enumerate(nx.connected_components(graph)) for n in c}
    pieces = {j: {piece[n] for n in ends(j) if n in piece} for j in network.junctions}
    if origins or destinations or flow is Flow.FREIGHT:
        starts = [_node(network, p) for p in origins] or _belt_places(network, atlas)
        stops = [_node(network, p) for p in destinations] or _ports(network, atlas)
        pairs = [(o, d) for o in starts for d in stops if o != d]
    else:
        pairs = list(itertools.combinations(_line_ends(graph), 2))
    return [(o, d) for o, d in pairs if pieces.get(o, set()) & pieces.get(d, set())]


def criticality(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    *,
    mode: Flow | str = Flow.FREIGHT,
    origins: Sequence[str] = (),
    destinations: Sequence[str] = (),
    top: int | None = None,
    as_of: date | None = None,
    classes: Sequence[str] = (),
    profile_path: Path | None = None,
) -> Criticality:
    """The links, places and states the trips of a flow depend on most.

    Freight trips use rail, road and the transfers between them (gauge changes, dry ports,
    ports); gas and oil flows their own pipelines only. Trips go from every ``origins``
    place to every ``destinations`` one by distance; by default freight goes from every
    crossing and dry port of the Belt's core area (China and Central Asia) to every port,
    and a pipeline flow between every two ends of its pipelines. Links and places rank by
    the trips they cut off, then by the extra km they force; a state by the share of
    trips crossing it (the "pivot").
    """
    flow = _flow(mode)
    network = scored_land_network(
        store, viewer, atlas, as_of=as_of, classes=classes, profile_path=profile_path
    )
    graph = _flow_graph(network, flow)
    ends = _ends(network, flow)
    pairs = _trips(network, atlas, graph, flow, origins, destinations)

    def junction(node: str) -> str:
        return str(graph.nodes[node]["junction"])

    def layer(u: str, v: str) -> str:
        data = graph.edges[u, v]
        return "transfer" if data["kind"] == "transfer" else str(data["layer"])

    links = tuple(
        CriticalLink(
            start=_label(network, junction(c.link[0])),
            end=_label(network, junction(c.link[1])),
            asset=_steps(network, c.link)[0].asset,
            trips_cut=c.pairs_cut,
            trips_rerouted=c.pairs_rerouted,
            extra_km=c.extra,
            trips_using=c.used_by,
            risk=graph.edges[c.link]["risk"],
            nodes=c.link,
            layer=layer(*c.link),
        )
        for c in link_criticality(graph, pairs, weight="km", ends=ends)[:top]
    )
    places = tuple(
        CriticalPlace(
            place=_label(network, c.node),
            trips_cut=c.pairs_cut,
            trips_rerouted=c.pairs_rerouted,
            extra_km=c.extra,
            trips_through=c.used_by,
        )
        for c in node_criticality(graph, pairs, weight="km", ends=ends, place_of=junction)[:top]
    )

    def states(u: str, v: str) -> list[str]:
        return list(graph.edges[u, v]["states"] or graph.nodes[u]["states"])

    shares = state_betweenness(graph, pairs, states, weight="km", ends=ends)
    return Criticality(len(pairs), links, places, shares, network, flow)


def draw_land_map(found: LandPath | Criticality, path: Path) -> Path:
    """The network coloured by mode and, in red, the path or the critical links (PNG)."""
    from corridor.routes.pieces import draw_network_map

    if isinstance(found, LandPath):
        marked = list(itertools.pairwise(found.nodes))
        label = "path"
        title = f"{found.flow} from {found.origin} to {found.destination}, cheapest by {found.by}"
    else:
        marked = [c.nodes for c in found.links]
        label, title = "critical", f"The {len(marked)} most critical links for {found.flow} trips"
    return draw_network_map(found.network, path, title=title, marked=marked, marked_label=label)
