"""The land network on an atlas drawn by hand in the Kazakh steppe, where every node,
link and kilometre can be counted on paper."""

from __future__ import annotations

import dataclasses
import math

import pytest
from pyproj import Geod

from corridor.atlas import Atlas
from corridor.atlas.models import Asset
from corridor.routes.land import JOIN_KM, LandNetwork, land_network, link_shapes, with_risk

KM_PER_DEGREE_LAT = 6371.0088 * math.pi / 180  # about; for placing points, not for checking


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


def _network(atlas: Atlas, *assets: Asset) -> LandNetwork:
    return land_network(dataclasses.replace(atlas, assets={a.id: a for a in assets}))


def _geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic km between two (lon, lat) on WGS 84 by pyproj: the independent reference."""
    return float(Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2]) / 1000.0


# A railway west to east with a middle vertex; a pipeline starting 11 km north of that
# vertex; a border crossing 5.5 km from the railway's east end; a dry port far away.
RAIL = [[70.0, 48.0], [71.0, 48.0], [72.0, 48.0]]
PIPE = [[71.0, 48.1], [71.0, 49.0]]


@pytest.fixture
def steppe(atlas: Atlas) -> LandNetwork:
    return _network(
        atlas,
        _asset("rail", "railway", RAIL),
        _asset("pipe", "oil_pipeline", PIPE),
        _asset("crossing", "border_crossing", [72.0, 48.05]),
        _asset("far-dry-port", "dry_port", [80.0, 45.0]),
        _asset("lane", "sea_lane", [[70.0, 47.0], [72.0, 47.0]]),  # not a land link
    )


def test_lines_are_cut_where_another_line_comes_near(steppe: LandNetwork) -> None:
    graph = steppe.graph
    assert graph.number_of_nodes() == 5  # rail ends, the joint, the pipe's end, the dry port
    assert graph.number_of_edges() == 3  # rail west, rail east, the pipeline
    joint = next(n for n in graph if graph.degree(n) == 3)
    assert sorted(d["asset"] for *_, d in graph.edges(joint, data=True)) == [
        "pipe", "rail", "rail",
    ]  # fmt: skip
    assert {d["asset"] for *_, d in graph.edges(data=True)} == {"rail", "pipe"}  # no sea lane


def test_links_measure_their_own_piece_of_the_line(steppe: LandNetwork) -> None:
    lengths = sorted(d["km"] for *_, d in steppe.graph.edges(data=True))
    one_degree_east = _geodesic_km((70.0, 48.0), (71.0, 48.0))
    assert lengths == pytest.approx(
        sorted([one_degree_east, one_degree_east, _geodesic_km((71.0, 48.1), (71.0, 49.0))]),
        rel=1e-5,  # our great-circle distance on the ellipsoid against pyproj's geodesic
    )
    for *_, data in steppe.graph.edges(data=True):
        assert data["states"] == ["KAZ"] and len(data["line"]) == 2


def test_a_point_asset_names_the_node_it_joined(steppe: LandNetwork) -> None:
    east_end = steppe.node_of("crossing")
    assert east_end is not None and steppe.graph.degree(east_end) == 1
    node = steppe.graph.nodes[east_end]
    assert (node["lon"], node["lat"]) in {(72.0, 48.0), (72.0, 48.05)}
    far = steppe.node_of("far-dry-port")
    assert far is not None and steppe.graph.degree(far) == 0
    assert steppe.node_of(east_end) == east_end  # a node's own name
    assert steppe.node_of("lane") is None and steppe.node_of("nowhere") is None


@pytest.mark.parametrize(("gap_km", "joined"), [(JOIN_KM - 5, True), (JOIN_KM + 5, False)])
def test_lines_join_within_join_km_and_not_beyond(
    atlas: Atlas, gap_km: float, joined: bool
) -> None:
    north = 48.0 + gap_km / KM_PER_DEGREE_LAT
    network = _network(
        atlas,
        _asset("rail", "railway", RAIL),
        _asset("pipe", "gas_pipeline", [[71.0, north], [71.0, 49.5]]),
    )
    assert network.graph.number_of_edges() == (3 if joined else 2)
    assert max(d for _, d in network.graph.degree()) == (3 if joined else 1)


def test_of_two_links_between_the_same_nodes_the_shorter_stays(atlas: Atlas) -> None:
    network = _network(
        atlas,
        _asset("detour", "railway", [[70.0, 48.0], [70.5, 48.6], [71.0, 48.0]]),
        _asset("straight", "railway", [[70.0, 48.0], [71.0, 48.0]]),
    )
    ((_, _, link),) = network.graph.edges(data=True)
    assert link["asset"] == "straight"
    assert link["km"] == pytest.approx(_geodesic_km((70.0, 48.0), (71.0, 48.0)), rel=1e-5)


def test_risk_and_shapes_follow_edge_order(steppe: LandNetwork) -> None:
    edges = list(steppe.graph.edges())
    shapes = link_shapes(steppe)
    assert list(shapes.ids) == [f"{u}-{v}" for u, v in edges]
    with_risk(steppe, [1.5, 0.0, 7.0])
    assert [steppe.graph.edges[e]["risk"] for e in edges] == [1.5, 0.0, 7.0]
    with pytest.raises(ValueError):
        with_risk(steppe, [1.0])  # one score per link, no fewer
