"""The land network by mode on atlases drawn by hand, where every node, link, transfer
and hour can be counted on paper; then on the bundled atlas."""

from __future__ import annotations

import dataclasses
import itertools
import math

import networkx as nx
import pytest
from pyproj import Geod

from corridor.atlas import Atlas
from corridor.atlas.models import Asset
from corridor.routes.criticality import cheapest_path
from corridor.routes.land import JOIN_KM, LandNetwork, land_network, link_shapes, with_risk
from corridor.routes.modes import FLOW_MODES, Flow, ModeFacts, Transfer, mode_facts
from corridor.routes.pieces import land_components
from corridor.routes.trips import _ends, _flow_graph

KM_PER_DEGREE_LAT = 6371.0088 * math.pi / 180  # about; for placing points, not for checking
RAIL_KMH = mode_facts().speeds_kmh["rail"].value  # type: ignore[index]


def _asset(asset_id: str, kind: str, coordinates: list[object]) -> Asset:
    point = kind in ("border_crossing", "dry_port", "port")
    return Asset.model_validate(
        {
            "id": asset_id,
            "name": asset_id,
            "kind": kind,
            "countries": ["KAZ"],
            "criticality": "important",
            "geometry": {"type": "Point" if point else "LineString", "coordinates": coordinates},
            "source": "drawn for this test",
        }
    )


def _facts(*transfers: Transfer) -> ModeFacts:
    return mode_facts().model_copy(update={"transfers": transfers})


def _transfer(place: str, a: str, b: str, hours: float) -> Transfer:
    return Transfer(place=place, between=(a, b), hours=hours, source="drawn for this test")


def _network(atlas: Atlas, *assets: Asset, facts: ModeFacts | None = None) -> LandNetwork:
    network = land_network(
        dataclasses.replace(atlas, assets={a.id: a for a in assets}), facts or _facts()
    )
    with_risk(network, [0.0] * len(list(network.links())))
    return network


def _geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic km between two (lon, lat) on WGS 84 by pyproj: the independent reference."""
    return float(Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2]) / 1000.0


def _trip(
    network: LandNetwork, origin: str, destination: str, flow: Flow, weight: str = "km"
) -> tuple[float, list[str]] | None:
    ends = [network.node_of(p) for p in (origin, destination)]
    graph = _flow_graph(network, flow)
    return cheapest_path(graph, ends[0], ends[1], weight, _ends(network, flow))


# In the Kazakh steppe: a railway west to east with a middle vertex; a gas pipeline
# starting 11 km north of that vertex; a crossing 5.5 km from the railway's east end.
RAIL = [[70.0, 48.0], [71.0, 48.0], [72.0, 48.0]]
PIPE = [[71.0, 48.1], [71.0, 49.0]]


def test_a_pipeline_near_a_railway_stays_apart_from_it(atlas: Atlas) -> None:
    network = _network(
        atlas,
        _asset("rail", "railway", RAIL),
        _asset("pipe", "gas_pipeline", PIPE),
        _asset("crossing", "border_crossing", [72.0, 48.05]),
        _asset("lane", "sea_lane", [[70.0, 47.0], [72.0, 47.0]]),  # not a land link
    )
    graph = network.graph
    assert graph.number_of_edges() == 2  # the rail is not cut for the pipe: one link each
    assert sorted((d["asset"], d["layer"]) for *_, d in graph.edges(data=True)) == [
        ("pipe", "gas"), ("rail", "rail 1520"),
    ]  # fmt: skip
    assert nx.number_connected_components(graph) == 2
    east = network.node_of("crossing")
    assert east is not None and network.nodes_at(east) == [f"{east}/rail 1520"]


def test_links_measure_their_piece_and_take_their_modes_hours(atlas: Atlas) -> None:
    network = _network(atlas, _asset("rail", "railway", RAIL), _asset("pipe", "oil_pipeline", PIPE))
    by_asset = {d["asset"]: d for *_, d in network.links()}
    rail_km = _geodesic_km((70.0, 48.0), (72.0, 48.0))
    assert by_asset["rail"]["km"] == pytest.approx(rail_km, rel=1e-3)
    assert by_asset["rail"]["hours"] == pytest.approx(by_asset["rail"]["km"] / RAIL_KMH)
    assert by_asset["pipe"]["km"] == pytest.approx(_geodesic_km((71.0, 48.1), (71.0, 49.0)))
    assert by_asset["pipe"]["hours"] == 0.0 and by_asset["pipe"]["states"] == ["KAZ"]


@pytest.mark.parametrize(
    ("kinds", "joined"),
    [
        (("gas_pipeline", "gas_pipeline"), True),
        (("gas_pipeline", "oil_pipeline"), False),  # another product
        (("railway", "gas_pipeline"), False),  # another mode
        (("railway", "railway"), True),
    ],
)
def test_lines_join_only_lines_of_their_own_mode(
    atlas: Atlas, kinds: tuple[str, str], joined: bool
) -> None:
    north = 48.0 + (JOIN_KM - 5) / KM_PER_DEGREE_LAT
    network = _network(
        atlas,
        _asset("west-east", kinds[0], RAIL),
        _asset("north", kinds[1], [[71.0, north], [71.0, 49.5]]),
    )
    assert nx.number_connected_components(network.graph) == (1 if joined else 2)
    assert network.graph.number_of_edges() == (3 if joined else 2)


def test_beyond_join_km_two_railways_stay_apart(atlas: Atlas) -> None:
    north = 48.0 + (JOIN_KM + 5) / KM_PER_DEGREE_LAT
    network = _network(
        atlas,
        _asset("west-east", "railway", RAIL),
        _asset("north", "railway", [[71.0, north], [71.0, 49.5]]),
    )
    assert nx.number_connected_components(network.graph) == 2


# Across the Dzungarian Gate: a railway from Kazakhstan (1,520 mm) into China (1,435 mm),
# cut at a crossing on the border, and a short gas pipeline alongside.
WEST, GATE, EAST = (80.0, 46.0), (82.53, 45.21), (85.0, 44.5)


def _gate(atlas: Atlas, *transfers: Transfer) -> LandNetwork:
    return _network(
        atlas,
        _asset("rail", "railway", [list(WEST), list(GATE), list(EAST)]),
        _asset("gate", "border_crossing", list(GATE)),
        _asset("west", "dry_port", list(WEST)),
        _asset("east", "dry_port", list(EAST)),
        _asset("pipe", "gas_pipeline", [list(WEST), [82.4, 45.6], list(EAST)]),
        facts=_facts(*transfers),
    )


def test_the_gauge_changes_at_the_border_and_the_transfer_time_is_added(atlas: Atlas) -> None:
    network = _gate(atlas, _transfer("gate", "rail 1520", "rail 1435", 5.0))
    layers = sorted(d["layer"] for *_, d in network.links() if d["asset"] == "rail")
    assert layers == ["rail 1435", "rail 1520"]
    found = _trip(network, "west", "east", Flow.FREIGHT, weight="hours")
    assert found is not None
    hours, nodes = found
    rail_km = _geodesic_km(WEST, GATE) + _geodesic_km(GATE, EAST)
    assert hours == pytest.approx(rail_km / RAIL_KMH + 5.0, rel=1e-3)
    steps = [network.graph.edges[u, v]["kind"] for u, v in itertools.pairwise(nodes)]
    assert steps == ["link", "transfer", "link"]  # one transfer, the gauge change


def test_without_a_transfer_a_gauge_break_cuts_the_railway(atlas: Atlas) -> None:
    network = _gate(atlas)
    assert _trip(network, "west", "east", Flow.FREIGHT) is None
    rail = land_components(network, ["rail"]).by_mode["rail"]
    assert [c.layers for c in rail] == [("rail 1520",), ("rail 1435",)]


def test_freight_never_takes_the_pipeline_and_gas_never_leaves_it(atlas: Atlas) -> None:
    network = _gate(atlas, _transfer("gate", "rail 1520", "rail 1435", 5.0))
    for flow in Flow:
        found = _trip(network, "west", "east", flow)
        if flow is Flow.OIL:
            assert found is None  # no oil line here
            continue
        assert found is not None
        graph, nodes = network.graph, found[1]
        assert {graph.nodes[n]["mode"] for n in nodes} <= FLOW_MODES[flow]
        assets = {graph.edges[u, v]["asset"] for u, v in itertools.pairwise(nodes)}
        assert assets == (
            {"pipe"} if flow is Flow.GAS else {"rail", "transfer rail 1520 > rail 1435"}
        )


def test_a_port_hands_freight_to_a_ship_after_its_dwell_time(atlas: Atlas) -> None:
    network = _network(
        atlas,
        _asset("rail", "railway", RAIL),
        _asset("inland", "dry_port", RAIL[0]),
        _asset("harbour", "port", RAIL[-1]),
        facts=_facts(_transfer("harbour", "rail", "sea", 72.0)),
    )
    found = _trip(network, "inland", "harbour", Flow.FREIGHT, weight="hours")
    assert found is not None
    assert found[1][-1].endswith("/sea")
    rail_km = _geodesic_km((70.0, 48.0), (72.0, 48.0))
    assert found[0] == pytest.approx(rail_km / RAIL_KMH + 72.0, rel=1e-3)


def test_risk_and_shapes_follow_link_order(atlas: Atlas) -> None:
    network = _gate(atlas, _transfer("gate", "rail 1520", "rail 1435", 5.0))
    links = [(u, v) for u, v, _ in network.links()]
    assert list(link_shapes(network).ids) == [f"{u}-{v}" for u, v in links]
    with_risk(network, [float(i) for i in range(len(links))])
    assert [network.graph.edges[e]["risk"] for e in links] == list(range(len(links)))
    assert all(
        d["risk"] == 0.0 for *_, d in network.graph.edges(data=True) if d["kind"] == "transfer"
    )
    with pytest.raises(ValueError):
        with_risk(network, [1.0])  # one score per link, no fewer


# --------------------------------------------------------------------------- the atlas


def test_every_transfer_of_the_data_file_is_used_on_the_atlas(atlas: Atlas) -> None:
    network = land_network(atlas)
    used = {d["place"] for *_, d in network.graph.edges(data=True) if d["kind"] == "transfer"}
    listed = {t.place for t in mode_facts().transfers}
    assert listed <= set(atlas.assets) and used == listed
    assert all(len(t.source) > 40 for t in mode_facts().transfers)


def test_the_atlas_falls_into_these_pieces_by_mode(atlas: Atlas) -> None:
    pieces = land_components(land_network(atlas)).by_mode
    assert {mode: len(found) for mode, found in pieces.items()} == {
        "rail": 10, "road": 3, "gas": 4, "oil": 7, "freight": 11,
    }  # fmt: skip
    main = pieces["freight"][0]
    assert {"crossing-alashankou-dostyk", "dry-port-duisburg", "port-lianyungang"} <= set(
        main.places
    )
    assert not any(
        "pipeline" in a or a.startswith("cagp") for p in pieces["freight"] for a in p.assets
    )
