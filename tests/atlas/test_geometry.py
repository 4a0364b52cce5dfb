"""Geometry checks refuse what a map cannot use and accept what it can (property tests)."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon

from corridor.atlas.geometry import geodesic_length_km, geometry_problem, max_vertex_gap_km

lon = st.floats(-180, 180, allow_nan=False)
lat = st.floats(-90, 90, allow_nan=False)
position = st.tuples(lon, lat).map(list)


@given(st.lists(position, min_size=2, max_size=20, unique_by=tuple))
def test_any_line_of_distinct_positions_is_accepted(coords: list[list[float]]) -> None:
    assume(LineString(coords).length > 0)
    assert geometry_problem("LineString", coords) is None


@given(position, st.floats(90.0001, 1e6, allow_nan=False), st.booleans())
def test_out_of_range_positions_are_refused(good: list[float], bad: float, swap: bool) -> None:
    wrong = [good[0], bad] if not swap else [bad + 90, good[1]]
    problem = geometry_problem("LineString", [good, wrong])
    assert problem is not None and "outside" in problem


def test_wrong_nesting_and_single_points_are_refused() -> None:
    assert "nested" in (geometry_problem("Polygon", 5) or "")
    assert "not [longitude, latitude]" in (geometry_problem("Polygon", [[1.0, 2.0]]) or "")
    assert geometry_problem("LineString", [[1.0, 2.0], [1.0, 2.0]]) is not None
    assert geometry_problem("Point", [10.0, 20.0]) is None


@given(st.lists(st.tuples(st.floats(20, 120), st.floats(-10, 50)), min_size=2, max_size=10))
def test_lengths_agree_with_pyproj(coords: list[tuple[float, float]]) -> None:
    """Each step is within geodesy's 0.5 % of the exact geodesic, so the sum is too."""
    line = LineString(coords)
    assume(line.length > 0)
    geod = Geod(ellps="WGS84")
    exact = geod.geometry_length(line) / 1000
    assert abs(geodesic_length_km(line) - exact) <= 5e-3 * exact + 1e-9
    assert max_vertex_gap_km(line) <= geodesic_length_km(line) + 1e-9


def test_a_polygon_measures_its_outer_ring_and_a_point_nothing() -> None:
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], [[(0.2, 0.2), (0.4, 0.2), (0.4, 0.4)]])
    geod = Geod(ellps="WGS84")
    exact = geod.geometry_length(square) / 1000
    assert abs(geodesic_length_km(square) - exact) <= 1e-4 * exact
    assert abs(max_vertex_gap_km(square) - 111.3) < 0.5
    assert geodesic_length_km(Point(3, 4)) == max_vertex_gap_km(Point(3, 4)) == 0.0
