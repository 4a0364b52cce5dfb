"""The spatial index finds exactly what a scan of every pair finds, at geodesic distances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from pyproj import Geod

from corridor.geodesy import TIGHTEST_KM, unit_vectors, wrap_longitude
from corridor.risk.grid import _cells
from corridor.risk.index import AssetIndex
from corridor.risk.kernels import point_distances_km
from corridor.risk.shapes import AssetShapes

GEOD = Geod(ellps="WGS84")
BOUNDARY_KM = 1e-6  # pairs this close to the radius may fall either way by rounding


@st.composite
def lines(draw: st.DrawFn, *, near_poles: bool = True) -> NDArray[np.float64]:
    """A point or a random walk anywhere on Earth, across the antimeridian too."""
    top = 89.0 if near_poles else 70.0
    lon = draw(st.floats(-180, 180))
    lat = draw(st.floats(-top, top))
    count = draw(st.integers(1, 8))
    steps = draw(
        st.lists(
            st.tuples(st.floats(-2, 2), st.floats(-2, 2)), min_size=count - 1, max_size=count - 1
        )
    )
    walk = [(lon, lat)]
    for d_lon, d_lat in steps:
        last_lon, last_lat = walk[-1]
        walk.append((wrap_longitude(last_lon + d_lon), float(np.clip(last_lat + d_lat, -top, top))))
    return np.array(walk, np.float64)


def _scan(
    shapes: AssetShapes, index: AssetIndex, lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Distance from every incident to every asset, no index: the brute-force reference."""
    every = np.arange(index.segments, dtype=np.int64)
    points = unit_vectors(lon, lat)
    table = np.full((len(shapes), len(lon)), np.inf)
    for i, p in enumerate(points):
        km = point_distances_km(p[0], p[1], p[2], every, index._a, index._b, index._n)
        np.minimum.at(table[:, i], index._asset, km)
    return table


@settings(max_examples=60, deadline=None)
@given(
    assets=st.lists(lines(), min_size=1, max_size=6),
    incidents=st.lists(
        st.tuples(st.floats(-180, 180), st.floats(-90, 90)), min_size=1, max_size=60
    ),
    near=st.lists(
        st.tuples(st.integers(0, 5), st.floats(-1.0, 1.0), st.floats(-1.0, 1.0)), max_size=60
    ),
    radius_km=st.floats(1, 300),
)
def test_the_index_finds_exactly_what_a_scan_of_every_pair_finds(
    assets: list[NDArray[np.float64]],
    incidents: list[tuple[float, float]],
    near: list[tuple[int, float, float]],
    radius_km: float,
) -> None:
    shapes = AssetShapes.from_lines([f"a{k}" for k in range(len(assets))], assets)
    # most random points are far from everything: add some just off the assets' vertices
    extra = []
    for k, d_lon, d_lat in near:
        line = assets[k % len(assets)]
        lon, lat = line[k % len(line)]
        extra.append((wrap_longitude(lon + d_lon), float(np.clip(lat + d_lat, -90, 90))))
    points = np.array(incidents + extra, np.float64)
    index = AssetIndex(shapes, radius_km)
    found = index.pairs(points[:, 0], points[:, 1], radius_km)
    table = _scan(shapes, index, points[:, 0], points[:, 1])
    expected = {(int(a), int(i)) for a, i in zip(*np.nonzero(table <= radius_km), strict=True)}
    got = {(int(a), int(i)) for a, i in zip(found.asset, found.incident, strict=True)}
    unsure = {
        (int(a), int(i))
        for a, i in zip(*np.nonzero(np.abs(table - radius_km) < BOUNDARY_KM), strict=True)
    }
    assert got - unsure == expected - unsure
    assert len(got) == len(found)  # one pair per asset and incident
    np.testing.assert_allclose(found.distance_km, table[found.asset, found.incident], rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    line=lines(near_poles=False),
    offset=st.tuples(st.floats(-1.5, 1.5), st.floats(-1.5, 1.5)),
    vertex=st.integers(0, 7),
)
def test_distances_are_within_half_a_percent_of_pyproj_geod(
    line: NDArray[np.float64], offset: tuple[float, float], vertex: int
) -> None:
    base_lon, base_lat = line[vertex % len(line)]
    lon = wrap_longitude(base_lon + offset[0])
    lat = base_lat + offset[1]
    shapes = AssetShapes.from_lines(["a"], [line])
    index = AssetIndex(shapes, 500)
    assets, km = index.near(lon, lat, 500)
    reference = _geod_distance_to_line(lon, lat, line)
    if reference > 500 * 0.995:
        return
    assert list(assets) == [0]
    # Half a percent, and five metres: between two vertices our line is a great circle, the
    # reference's a geodesic of the ellipsoid, sampled every metre; at a point on the line
    # the two part by a few metres at most (hypothesis once found 1.2 m).
    assert abs(km[0] - reference) <= 0.005 * reference + 0.005


def _geod_distance_to_line(lon: float, lat: float, line: NDArray[np.float64]) -> float:
    """Geodesic km from a point to a line densified along geodesics: every 100 m, then
    every metre around the nearest of those (a coarse grid alone errs by up to 50 m)."""
    vertices = [tuple(line[0])]
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(line):
        length = GEOD.inv(lon1, lat1, lon2, lat2)[2]
        steps = int(length // 100)
        vertices.extend(GEOD.npts(lon1, lat1, lon2, lat2, steps) if steps else [])
        vertices.append((lon2, lat2))
    path = np.array(vertices)
    nearest = int(np.argmin(_metres_to(lon, lat, path)))
    around = path[max(nearest - 1, 0) : nearest + 2]
    fine = [tuple(around[0])]
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(around):
        fine.extend(GEOD.npts(lon1, lat1, lon2, lat2, 200))
        fine.append((lon2, lat2))
    return float(np.min(_metres_to(lon, lat, np.array(fine)))) / 1000


def _metres_to(lon: float, lat: float, path: NDArray[np.float64]) -> NDArray[np.float64]:
    count = len(path)
    return np.asarray(GEOD.inv(np.full(count, lon), np.full(count, lat), path[:, 0], path[:, 1])[2])


def test_a_point_asset_is_measured_like_pyproj_geod() -> None:
    shapes = AssetShapes.from_lines(["aden"], [np.array([[45.03, 12.79]])])
    index = AssetIndex(shapes, 100)
    assets, km = index.near(45.40, 12.50, 100)
    reference = GEOD.inv(45.03, 12.79, 45.40, 12.50)[2] / 1000
    assert list(assets) == [0]
    assert abs(km[0] - reference) / reference < 0.001


@pytest.mark.parametrize("radius_km", [241.0, 250.0, 500.0, 1000.0])
def test_the_grid_wraps_across_the_antimeridian_for_any_radius(radius_km: float) -> None:
    """360 degrees need not be a whole number of radius-sized cells: 181 must still land
    in the column of -179 (a narrow last column once split them)."""
    shapes = AssetShapes.from_lines(["east"], [np.array([[179.0, 0.0]])])
    found = AssetIndex(shapes, radius_km).pairs([-179.0, 179.5], [0.0, 0.0], radius_km)
    assert sorted(found.incident.tolist()) == [0, 1]
    far = found.distance_km[found.incident == 0][0]
    assert abs(far - GEOD.inv(179.0, 0.0, -179.0, 0.0)[2] / 1000) < 1e-3


def test_near_agrees_with_pairs_for_each_incident() -> None:
    rng = np.random.default_rng(7)
    walks = [
        np.cumsum(rng.normal(0, 0.2, (rng.integers(1, 40), 2)), axis=0) + np.array([60.0, 25.0])
        for _ in range(40)
    ]
    shapes = AssetShapes.from_lines([f"a{k}" for k in range(40)], walks)
    lon, lat = rng.uniform(55, 65, 500), rng.uniform(20, 30, 500)
    index = AssetIndex(shapes, 80)
    found = index.pairs(lon, lat, 80)
    for i in range(0, 500, 25):
        assets, km = index.near(lon[i], lat[i], 80)
        mine = found.incident == i
        assert sorted(zip(assets.tolist(), km.tolist(), strict=True)) == sorted(
            zip(found.asset[mine].tolist(), found.distance_km[mine].tolist(), strict=True)
        )


def test_no_incident_or_no_asset_gives_no_pairs() -> None:
    shapes = AssetShapes.from_lines(["a"], [np.array([[10.0, 10.0], [11.0, 11.0]])])
    index = AssetIndex(shapes, 50)
    assert len(index.pairs(np.empty(0), np.empty(0), 50)) == 0
    empty = AssetIndex(AssetShapes.from_lines([], []), 50)
    assert len(empty.pairs([10.0], [10.0], 50)) == 0


def test_a_point_assets_search_box_is_its_radius_not_the_globe() -> None:
    """A point has no arc: its box must not take the crest of a great circle (the pole)."""
    index = AssetIndex(AssetShapes.from_lines(["p"], [np.array([[30.0, 10.0]])]), 50)
    np.testing.assert_allclose(index._box[0], [10.0, 10.0, 30.0, 30.0], atol=1e-9)
    cell_deg = 0.1
    row_lo, row_hi, col_lo, col_hi, everywhere = _cells(
        *index._box[0], 50 / TIGHTEST_KM, cell_deg, 1800, 3600
    )
    assert not everywhere  # the cells of the 50 km around it (0.45 degrees), no more
    assert 9.4 < row_lo * cell_deg - 90 < 9.55 and 10.45 < (row_hi + 1) * cell_deg - 90 < 10.6
    assert 29.4 < col_lo * cell_deg - 180 < 29.55 and 30.45 < (col_hi + 1) * cell_deg - 180 < 30.6
