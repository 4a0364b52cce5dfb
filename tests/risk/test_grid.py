"""The grid scan (the fast path of ``AssetIndex.pairs``) finds what a brute force finds.

The reference here is plain numpy, written apart from the compiled kernels: every
incident against every segment, the nearest point of each great-circle arc, the angle
to it turned into km with WGS 84's radii of curvature halfway, the smallest per asset.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from corridor.geodesy import TIGHTEST_KM, WGS84_A, WGS84_E2, unit_vectors, wrap_longitude
from corridor.risk.grid import grid_order, pairs_in_grid
from corridor.risk.index import AssetIndex
from corridor.risk.kernels import chords_of
from corridor.risk.shapes import AssetShapes

Floats = NDArray[np.float64]


def _km(p: Floats, q: Floats) -> Floats:
    """km between unit vectors on WGS 84: the angle, scaled by the radii of curvature
    halfway in the direction from p to q (the project's definition, in numpy)."""
    theta = np.arctan2(np.linalg.norm(np.cross(p, q), axis=-1), np.sum(p * q, axis=-1))
    m = p + q
    m2 = np.sum(m * m, axis=-1)
    s2 = np.divide(m[..., 2] ** 2, m2, out=np.full_like(m2, 0.5), where=m2 > 1e-24)
    rho2 = m[..., 0] ** 2 + m[..., 1] ** 2
    d = q - p
    north = rho2 * d[..., 2] - m[..., 2] * (m[..., 0] * d[..., 0] + m[..., 1] * d[..., 1])
    east = (m[..., 0] * d[..., 1] - m[..., 1] * d[..., 0]) * np.sqrt(m2)
    h = north**2 + east**2
    share = np.divide(north**2, h, out=np.full_like(h, 0.5), where=(h > 0) & (rho2 > 1e-24 * m2))
    w = 1.0 - WGS84_E2 * s2
    meridian = WGS84_A * (1.0 - WGS84_E2) / (w * np.sqrt(w))
    normal = WGS84_A / np.sqrt(w)
    return theta * np.sqrt(share * meridian**2 + (1.0 - share) * normal**2)


def _brute_force(lines: list[Floats], lon: Floats, lat: Floats) -> Floats:
    """km from every incident (columns) to every asset (rows), no index, no kernel."""
    p = unit_vectors(lon, lat)[:, None, :]
    table = np.full((len(lines), len(lon)), np.inf)
    for k, line in enumerate(lines):
        v = unit_vectors(line[:, 0], line[:, 1])
        a, b = (v[:-1], v[1:]) if len(v) > 1 else (v, v)
        normal = np.cross(a, b)
        length = np.linalg.norm(normal, axis=1, keepdims=True)
        arc = length[:, 0] > 1e-15
        n = np.divide(normal, length, out=np.zeros_like(normal), where=length > 1e-15)
        s = np.sum(p * n, axis=-1, keepdims=True)
        q = p - s * n
        q_len = np.linalg.norm(q, axis=-1, keepdims=True)
        between = (np.sum(np.cross(a, q) * n, axis=-1) >= 0) & (
            np.sum(np.cross(q, b) * n, axis=-1) >= 0
        )
        between &= arc & (q_len[..., 0] > 1e-15)
        foot = np.divide(q, q_len, out=np.zeros_like(q), where=q_len > 1e-15)
        to_a, to_b = _angle(p, a), _angle(p, b)
        end = np.where((to_a <= to_b)[..., None], a, b)
        nearest = np.where(between[..., None], foot, end)
        table[k] = _km(np.broadcast_to(p, nearest.shape), nearest).min(axis=1)
    return table


def _angle(p: Floats, q: Floats) -> Floats:
    return np.arctan2(np.linalg.norm(np.cross(p, q), axis=-1), np.sum(p * q, axis=-1))


@st.composite
def walks(draw: st.DrawFn) -> Floats:
    """A point or a random walk anywhere: near the poles and across 180 degrees too, with
    repeated vertices and arcs a millimetre long (their normals are far from exact)."""
    lon = draw(st.floats(-180, 180))
    lat = draw(st.floats(-88, 88))
    count = draw(st.integers(1, 12))
    walk = [(lon, lat)]
    for _ in range(count - 1):
        step = draw(st.floats(0.05, 3.0) | st.sampled_from([0.0, 1e-11, 1e-8, 1e-5]))
        d_lon, d_lat = draw(st.tuples(st.floats(-1, 1), st.floats(-1, 1)))
        last_lon, last_lat = walk[-1]
        walk.append(
            (
                wrap_longitude(last_lon + step * d_lon),
                float(np.clip(last_lat + step * d_lat, -89.5, 89.5)),
            )
        )
    return np.array(walk, np.float64)


@st.composite
def scenes(draw: st.DrawFn) -> tuple[list[Floats], Floats, Floats, float]:
    """Assets, and incidents: some anywhere, most within a few degrees of a vertex."""
    lines = draw(st.lists(walks(), min_size=1, max_size=5))
    radius_km = draw(st.floats(1.0, 400.0))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    anywhere = draw(st.integers(0, 20))
    near = draw(st.integers(1, 120))
    vertices = np.concatenate(lines)
    pick = vertices[rng.integers(0, len(vertices), near)]
    spread_deg = 2.5 * radius_km / 111.0 * (rng.random(near) > 0.1)  # a tenth on a vertex
    lat = np.concatenate(
        [
            rng.uniform(-90, 90, anywhere),
            np.clip(pick[:, 1] + rng.normal(0, 1, near) * spread_deg, -90, 90),
        ]
    )
    lon = np.concatenate(
        [
            rng.uniform(-180, 180, anywhere),
            wrap_longitude(pick[:, 0] + rng.normal(0, 1, near) * spread_deg),
        ]
    )
    return lines, lon, lat, radius_km


def _found(
    index: AssetIndex, lon: Floats, lat: Floats, radius_km: float
) -> dict[tuple[int, int], float]:
    pairs = index.pairs(lon, lat, radius_km)
    found = {
        (int(a), int(i)): float(km)
        for a, i, km in zip(pairs.asset, pairs.incident, pairs.distance_km, strict=True)
    }
    assert len(found) == len(pairs)  # one pair per asset and incident
    return found


@settings(max_examples=80, deadline=None)
@given(scene=scenes())
def test_the_grid_finds_the_pairs_and_distances_of_a_brute_force(
    scene: tuple[list[Floats], Floats, Floats, float],
) -> None:
    lines, lon, lat, radius_km = scene
    index = AssetIndex(AssetShapes.from_lines([f"a{k}" for k in range(len(lines))], lines), 400)
    found = _found(index, lon, lat, radius_km)
    table = _brute_force(lines, lon, lat)
    expected = {(int(a), int(i)) for a, i in zip(*np.nonzero(table <= radius_km), strict=True)}
    # pairs a rounding away from the radius may fall either way
    unsure = {
        (int(a), int(i))
        for a, i in zip(*np.nonzero(np.abs(table - radius_km) < 1e-9 * radius_km), strict=True)
    }
    assert set(found) - unsure == expected - unsure
    for (a, i), km in found.items():
        assert math.isclose(km, table[a, i], rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=40, deadline=None)
@given(scene=scenes(), radii=st.lists(st.floats(1.0, 400.0), min_size=1, max_size=6))
def test_a_radius_per_incident_finds_what_each_radius_alone_finds(
    scene: tuple[list[Floats], Floats, Floats, float], radii: list[float]
) -> None:
    lines, lon, lat, _ = scene
    index = AssetIndex(AssetShapes.from_lines([f"a{k}" for k in range(len(lines))], lines), 400)
    radius = np.array(radii)[np.arange(len(lon)) % len(radii)]
    pairs = index.pairs(lon, lat, radius)
    got = {
        (int(a), int(i)): float(km)
        for a, i, km in zip(pairs.asset, pairs.incident, pairs.distance_km, strict=True)
    }
    expected = {}
    for value in set(radii):
        rows = np.flatnonzero(radius == value)
        for (a, i), km in _found(index, lon[rows], lat[rows], value).items():
            expected[(a, int(rows[i]))] = km
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(scene=scenes())
def test_scanning_by_cells_and_by_segments_gives_the_same_arrays(
    scene: tuple[list[Floats], Floats, Floats, float],
) -> None:
    """Assets whose boxes wrap round 180 degrees go segment by segment; any asset may:
    the two scans agree bit for bit, order included (the order of a segment scan)."""
    lines, lon, lat, radius_km = scene
    index = AssetIndex(AssetShapes.from_lines([f"a{k}" for k in range(len(lines))], lines), 400)
    cols = max(1, math.floor(360.0 / max(math.degrees(radius_km / TIGHTEST_KM), 0.2)))
    cell_deg = 360.0 / cols
    rows = math.ceil(180.0 / cell_deg)
    order, cell_start, points = grid_order(lon, lat, cell_deg, rows, cols)
    radius = np.full(len(lon), radius_km)
    reach, sure = chords_of(radius)
    slot = np.full(len(lon), -1, np.int32)
    common = (
        0, len(lines), index._asset_segments, index._a, index._b, index._n, index._box,
        radius_km, points, radius, reach, sure, cell_start, cell_deg, rows, cols, order, slot,
    )  # fmt: skip
    by_cells = pairs_in_grid(*common)
    by_segments = pairs_in_grid(*common, 0)
    for mine, theirs in zip(by_cells, by_segments, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert (slot == -1).all()  # the scratch is left as it was found


def test_incidents_with_no_position_reach_nothing_and_leave_the_others_be() -> None:
    line = np.array([[60.0, 30.0], [60.5, 30.2]])
    index = AssetIndex(AssetShapes.from_lines(["a"], [line]), 50)
    lon = np.array([60.1, np.nan, 60.2, 60.3] * 30)
    lat = np.array([30.05, 30.0, np.nan, 30.1] * 30)
    pairs = index.pairs(lon, lat, 50)
    assert sorted(pairs.incident.tolist()) == sorted([*range(0, 120, 4), *range(3, 120, 4)])


def test_an_asset_with_no_vertices_reaches_nothing_and_leaves_the_others_be() -> None:
    lines = [np.array([[60.0, 30.0], [60.5, 30.2]]), np.empty((0, 2)), np.array([[61.0, 30.0]])]
    index = AssetIndex(AssetShapes.from_lines(["a", "none", "b"], lines), 100)
    lon, lat = np.full(100, 60.6), np.linspace(29.9, 30.3, 100)
    pairs = index.pairs(lon, lat, 100)
    assert set(pairs.asset.tolist()) == {0, 2}
    assert len(index.near(60.6, 30.1, 100)[0]) == 2
