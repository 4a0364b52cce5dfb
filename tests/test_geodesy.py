"""The one distance of the project agrees with pyproj's exact geodesic within stated bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from corridor.geodesy import great_circle_km, km_along, unit_vectors, wrap_longitude
from corridor.risk.kernels import arc_distance_km

GEOD = Geod(ellps="WGS84")
# (up to this many km, relative error allowed): the module docstring's promise
TOLERANCE = ((100.0, 1e-6), (1_000.0, 5e-5), (5_000.0, 1e-3), (math.inf, 6e-3))

edges = st.sampled_from([-180.0, -179.9999, 179.9999, 180.0, 0.0])
poles = st.sampled_from([-90.0, -89.9999, 89.9999, 90.0])
longitudes = st.one_of(st.floats(-180, 180), edges)
latitudes = st.one_of(st.floats(-90, 90), poles)


def exact_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


def allowed(km: float) -> float:
    return next(rate for limit, rate in TOLERANCE if km <= limit) * km + 1e-9


@settings(deadline=None)  # the first call loads compiled code
@given(longitudes, latitudes, longitudes, latitudes)
def test_distance_agrees_with_geod_anywhere(
    lon1: float, lat1: float, lon2: float, lat2: float
) -> None:
    exact = exact_km(lon1, lat1, lon2, lat2)
    assert abs(float(great_circle_km(lon1, lat1, lon2, lat2)) - exact) <= allowed(exact)


@settings(deadline=None)  # the first call loads compiled code
@given(
    lon=longitudes,
    lat=latitudes,
    azimuth=st.floats(-180, 180),
    km=st.one_of(st.floats(0, 1_000), st.floats(0, 1)),
)
def test_nearby_points_agree_across_the_antimeridian_and_over_the_poles(
    lon: float, lat: float, azimuth: float, km: float
) -> None:
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, km * 1000.0)
    exact = exact_km(lon, lat, lon2, lat2)
    assert abs(float(great_circle_km(lon, lat, lon2, lat2)) - exact) <= allowed(exact)


@settings(deadline=None)  # the first call loads compiled code
@given(longitudes, latitudes, longitudes, latitudes)
def test_distance_is_the_same_both_ways(lon1: float, lat1: float, lon2: float, lat2: float) -> None:
    there = float(great_circle_km(lon1, lat1, lon2, lat2))
    back = float(great_circle_km(lon2, lat2, lon1, lat1))
    assert abs(there - back) <= 1e-9 * max(there, 1.0)


def test_known_distances() -> None:
    assert great_circle_km(179.5, 10.0, -179.5, 10.0) == pytest.approx(109.64, abs=0.01)
    assert great_circle_km(-180.0, 45.0, 180.0, 45.0) < 1e-9  # one meridian
    assert great_circle_km(0.0, 90.0, 123.0, 90.0) < 1e-9  # one pole
    quarter = 10_001.966  # equator to pole along a meridian
    assert great_circle_km(30.0, 0.0, 30.0, 90.0) == pytest.approx(quarter, rel=1e-4)


def test_arrays_broadcast() -> None:
    km = great_circle_km(np.zeros((2, 1)), 0.0, [[0.0, 1.0, 2.0]], 0.0)
    assert km.shape == (2, 3)
    np.testing.assert_allclose(km[1], [0.0, 111.3195, 222.6390], atol=1e-3)


def test_km_along_adds_up_the_steps() -> None:
    lon, lat = np.array([178.0, 179.5, -179.5, -178.0]), np.array([0.0, 1.0, 1.0, 0.0])
    along = km_along(lon, lat)
    steps = [exact_km(lon[i], lat[i], lon[i + 1], lat[i + 1]) for i in range(3)]
    np.testing.assert_allclose(along, np.concatenate([[0.0], np.cumsum(steps)]), rtol=1e-6)
    assert len(km_along([], [])) == 0 and list(km_along([5.0], [5.0])) == [0.0]


@settings(deadline=None)  # the first call loads compiled code
@given(longitudes, latitudes, longitudes, latitudes)
def test_the_risk_kernels_measure_with_the_same_distance(
    lon1: float, lat1: float, lon2: float, lat2: float
) -> None:
    """A one-point segment is a point: the index's kernel gives exactly our distance.

    Fails on a stale numba cache too (it does not see edits of a function in another file).
    """
    p, q = unit_vectors([lon1, lon2], [lat1, lat2])
    kernel = arc_distance_km(p[0], p[1], p[2], q, q, np.zeros(3))
    assert kernel == float(great_circle_km(lon1, lat1, lon2, lat2))


@given(st.floats(-1e6, 1e6))
def test_wrap_longitude_turns_by_whole_circles_into_range(lon: float) -> None:
    wrapped = wrap_longitude(lon)
    assert -180.0 <= wrapped <= 180.0
    turns = (lon - wrapped) / 360.0
    assert abs(turns - round(turns)) <= 1e-9 * max(1.0, abs(turns))
    if -180.0 <= lon < 180.0:
        assert abs(wrapped - lon) <= 1e-9
    np.testing.assert_array_equal(wrap_longitude(np.array([lon])), [wrapped])
