"""Compiled pieces of the spatial index (numba): distance to a great-circle arc, the
index's segments and caps, one point against every asset.

Everything here works on the unit vectors of :mod:`corridor.geodesy` and measures with its
``central_angle`` and ``angle_km``, the project's one distance: the nearest point of an
arc is found on the sphere, then the angle to it becomes km on WGS 84 (far better than
0.1 % at the distances risk cares about). Filters before that measure compare squared
chords on the sphere (``chord2``), which cost a few dot products, take the same branch as
the measure and never drop a pair it would keep. :mod:`corridor.risk.grid` scans with them.

Numba compiles once and caches the machine code on disk, keyed by the text of the file
that holds the compiled function: ``grid.py`` inlines functions from here, so after
editing this file delete the ``__pycache__/*.nb[ic]`` files of this package (or numba
keeps running the old code inside the grid scan).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from corridor.geodesy import TIGHTEST_KM, WGS84_E2, angle_km, central_angle

__all__ = [
    "CHORD_SLACK",
    "CURVATURE_SPREAD",
    "EDGE",
    "arc_angle",
    "arc_angle_at",
    "arc_distance_km",
    "assets_near",
    "caps",
    "chord2",
    "chords_of",
    "chunks_of",
    "middle",
    "point_distances_km",
    "segment_frames",
    "spread",
]

# No ellipsoid radius of curvature exceeds the poles' a / sqrt(1 - e2) or falls below
# TIGHTEST_KM, so km = angle x a factor within this ratio; and chord(k x angle) <= k x
# chord(angle) for k >= 1. An arc whose chord exceeds this many times the nearest arc's
# cannot be nearer on the ellipsoid.
CURVATURE_SPREAD: float = (1.0 - WGS84_E2) ** -1.5
CHORD_SLACK = 1e-13  # rounding of a chord: an arc this close to the nearest is measured too
EDGE = 1e-9  # radians added to every reach: rounding never drops a pair
_SURE_NEARER = 1.0 - 1e-9  # a squared chord this much smaller is smaller whatever the rounding


@njit(cache=True, inline="always")
def arc_angle_at(
    px: float,
    py: float,
    pz: float,
    ax: float,
    ay: float,
    az: float,
    bx: float,
    by: float,
    bz: float,
    nx: float,
    ny: float,
    nz: float,
) -> tuple[float, float, float, float]:
    """Angle from P to the nearest point of the arc from a to b (unit normal n, zeros for
    a point), and that point. Numbers only: in a compiled loop, passing arrays costs more
    than the arithmetic."""
    if nx != 0.0 or ny != 0.0 or nz != 0.0:
        s = px * nx + py * ny + pz * nz
        qx, qy, qz = px - s * nx, py - s * ny, pz - s * nz
        # Q between a and b on the arc: (a x Q) . n >= 0 and (Q x b) . n >= 0
        c1 = (ay * qz - az * qy) * nx + (az * qx - ax * qz) * ny
        c1 += (ax * qy - ay * qx) * nz
        c2 = (qy * bz - qz * by) * nx + (qz * bx - qx * bz) * ny
        c2 += (qx * by - qy * bx) * nz
        q = math.sqrt(qx * qx + qy * qy + qz * qz)
        if c1 >= 0.0 and c2 >= 0.0 and q > 1e-15:
            return math.atan2(abs(s), q), qx / q, qy / q, qz / q
    to_a = central_angle(px, py, pz, ax, ay, az)
    to_b = central_angle(px, py, pz, bx, by, bz)
    if to_a <= to_b:
        return to_a, ax, ay, az
    return to_b, bx, by, bz


@njit(cache=True, inline="always")
def arc_angle(
    px: float, py: float, pz: float, a: np.ndarray, b: np.ndarray, n: np.ndarray
) -> tuple[float, float, float, float]:
    """:func:`arc_angle_at` for arrays a, b, n."""
    return arc_angle_at(px, py, pz, a[0], a[1], a[2], b[0], b[1], b[2], n[0], n[1], n[2])


@njit(cache=True)
def arc_distance_km(
    px: float,
    py: float,
    pz: float,
    a: np.ndarray,  # the arc's start, unit vector (3,)
    b: np.ndarray,  # its end
    n: np.ndarray,  # unit normal of its plane, zeros for a point
) -> float:
    """Distance from P to the nearest point of the great-circle arc from a to b."""
    theta, qx, qy, qz = arc_angle(px, py, pz, a, b, n)
    return angle_km(theta, px, py, pz, qx, qy, qz)


@njit(cache=True, nogil=True)
def point_distances_km(
    px: float,
    py: float,
    pz: float,
    segments: np.ndarray,  # segment numbers to measure
    a: np.ndarray,
    b: np.ndarray,
    n: np.ndarray,
) -> np.ndarray:
    """Distance from one point to each of the given segments."""
    out = np.empty(len(segments))
    for k in range(len(segments)):
        s = segments[k]
        out[k] = arc_distance_km(px, py, pz, a[s], b[s], n[s])
    return out


@njit(cache=True, inline="always")
def chord2(
    px: float,
    py: float,
    pz: float,
    ax: float,
    ay: float,
    az: float,
    bx: float,
    by: float,
    bz: float,
    nx: float,
    ny: float,
    nz: float,
) -> tuple[float, int]:
    """Squared chord from P to the nearest point of the arc a-b (unit normal n, zeros for
    a point) on the sphere, as :func:`arc_angle` finds that point: its very tests, so
    the two agree even where rounding decides (a degenerate arc's normal is far from
    exact), and no trigonometry. And which point: 1 for a, 2 for b when ``arc_angle``
    surely returns that vertex (then its angle is ``central_angle`` to it), 0 otherwise."""
    if nx != 0.0 or ny != 0.0 or nz != 0.0:
        s = px * nx + py * ny + pz * nz
        qx, qy, qz = px - s * nx, py - s * ny, pz - s * nz
        c1 = (ay * qz - az * qy) * nx + (az * qx - ax * qz) * ny
        c1 += (ax * qy - ay * qx) * nz
        c2 = (qy * bz - qz * by) * nx + (qz * bx - qx * bz) * ny
        c2 += (qx * by - qy * bx) * nz
        q = math.sqrt(qx * qx + qy * qy + qz * qz)
        if c1 >= 0.0 and c2 >= 0.0 and q > 1e-15:
            return 2.0 * s * s / (1.0 + q), 0  # 2 (1 - cos) of the angle atan2(|s|, q)
    dx, dy, dz = px - ax, py - ay, pz - az
    to_a = dx * dx + dy * dy + dz * dz
    dx, dy, dz = px - bx, py - by, pz - bz
    to_b = dx * dx + dy * dy + dz * dz
    if to_a <= to_b:
        return to_a, 1 if to_a < to_b * _SURE_NEARER or to_a == 0.0 else 0
    return to_b, 2 if to_b < to_a * _SURE_NEARER else 0


@njit(cache=True, inline="always")
def spread(chord2: float) -> float:
    """The squared chord within which an arc may still be nearer on the ellipsoid than
    one at ``chord2`` on the sphere (``CURVATURE_SPREAD``, and rounding)."""
    bound = CURVATURE_SPREAD * math.sqrt(chord2) + CHORD_SLACK
    return bound * bound


@njit(cache=True, nogil=True)
def chords_of(radius_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per radius, squared chords on the sphere: beyond the first (the radius over the
    tightest curvature, and a hair) nothing is within the radius on the ellipsoid; within
    the second (over the widest curvature, less a hair) everything is (-1: nothing)."""
    reach = np.empty(len(radius_km))
    sure = np.empty(len(radius_km))
    for i in range(len(radius_km)):
        angle = min(radius_km[i] / TIGHTEST_KM + EDGE, math.pi)
        reach[i] = (2.0 * math.sin(0.5 * angle)) ** 2
        angle = radius_km[i] / (TIGHTEST_KM * CURVATURE_SPREAD) - EDGE
        sure[i] = (2.0 * math.sin(0.5 * angle)) ** 2 if 0.0 < angle < math.pi else -1.0
    return reach, sure


@njit(cache=True, inline="always")
def middle(
    ax: float, ay: float, az: float, bx: float, by: float, bz: float
) -> tuple[float, float, float, float]:
    """Unit vector halfway along the arc a-b, and the half arc's angle (a for a point)."""
    mx, my, mz = ax + bx, ay + by, az + bz
    norm = math.sqrt(mx * mx + my * my + mz * mz)
    if norm > 1e-12:
        mx, my, mz = mx / norm, my / norm, mz / norm
    else:
        mx, my, mz = ax, ay, az
    return mx, my, mz, central_angle(ax, ay, az, mx, my, mz)


@njit(cache=True, nogil=True)
def segment_frames(
    vertices: np.ndarray,  # (n_vertices, 3) unit vectors
    lon: np.ndarray,  # (n_vertices,) degrees
    start: np.ndarray,  # vertex number of each segment's start
    end: np.ndarray,  # and end
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per segment: start a, end b, unit normal n (zeros for a point), and its box
    (lowest and highest latitude along the arc, its crest included; longitudes the
    short way round), in one pass with no temporaries."""
    count = len(start)
    a = np.empty((count, 3))
    b = np.empty((count, 3))
    n = np.zeros((count, 3))
    box = np.empty((count, 4))
    for s in range(count):
        a[s] = vertices[start[s]]
        b[s] = vertices[end[s]]
        ax, ay, az = a[s, 0], a[s, 1], a[s, 2]
        bx, by, bz = b[s, 0], b[s, 1], b[s, 2]
        nx, ny, nz = ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx
        length = math.sqrt(nx * nx + ny * ny + nz * nz)
        z_lo, z_hi = min(az, bz), max(az, bz)
        if length > 1e-15:
            nx, ny, nz = nx / length, ny / length, nz / length
            n[s, 0], n[s, 1], n[s, 2] = nx, ny, nz
            # the crest: the north pole projected onto the arc's plane, if the arc passes it
            cx, cy, cz = -nz * nx, -nz * ny, 1.0 - nz * nz
            crest = math.sqrt(cx * cx + cy * cy + cz * cz)
            if crest > 1e-12:
                cx, cy, cz = cx / crest, cy / crest, cz / crest
                for sign in (1.0, -1.0):  # the top, then the bottom of the great circle
                    tx, ty, tz = sign * cx, sign * cy, sign * cz
                    after_a = (ay * tz - az * ty) * nx + (az * tx - ax * tz) * ny
                    after_a += (ax * ty - ay * tx) * nz
                    before_b = (ty * bz - tz * by) * nx + (tz * bx - tx * bz) * ny
                    before_b += (tx * by - ty * bx) * nz
                    if after_a >= 0.0 and before_b >= 0.0:
                        if sign > 0.0:
                            z_hi = max(z_hi, tz)
                        else:
                            z_lo = min(z_lo, tz)
        box[s, 0] = math.degrees(math.asin(min(max(z_lo, -1.0), 1.0)))
        box[s, 1] = math.degrees(math.asin(min(max(z_hi, -1.0), 1.0)))
        lon_a = lon[start[s]]
        turn = (lon[end[s]] - lon_a + 180.0) % 360.0 - 180.0  # the short way round
        box[s, 2] = lon_a + min(turn, 0.0)
        box[s, 3] = lon_a + max(turn, 0.0)
    return a, b, n, box


@njit(cache=True, nogil=True)
def chunks_of(asset_segments: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Each asset's segments in runs of at most ``size``: (asset_chunks, chunk_segments);
    asset k's runs are ``asset_chunks[k]:[k + 1]``, run c's segments
    ``chunk_segments[c]:[c + 1]``."""
    assets = len(asset_segments) - 1
    asset_chunks = np.zeros(assets + 1, np.int64)
    for k in range(assets):
        runs = (asset_segments[k + 1] - asset_segments[k] + size - 1) // size
        asset_chunks[k + 1] = asset_chunks[k] + runs
    chunk_segments = np.empty(asset_chunks[assets] + 1, np.int64)
    chunk_segments[-1] = asset_segments[assets]
    for k in range(assets):
        for c in range(asset_chunks[k], asset_chunks[k + 1]):
            chunk_segments[c] = asset_segments[k] + (c - asset_chunks[k]) * size
    return asset_chunks, chunk_segments


@njit(cache=True, nogil=True)
def caps(
    offsets: np.ndarray, a: np.ndarray, b: np.ndarray, reach: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per run of segments ``offsets[k]:[k + 1]``, a spherical cap holding them all,
    widened by ``reach`` radians: its centre and the cosine of its angle. A point is within
    reach of the run only if its dot product with the centre is at least that (-2 where
    the cap is the whole sphere, 2 for an empty run)."""
    runs = len(offsets) - 1
    centre = np.zeros((runs, 3))
    least = np.full(runs, -2.0)
    for k in range(runs):
        first, last = offsets[k], offsets[k + 1]
        if first == last:
            least[k] = 2.0  # nothing to reach
            continue
        cx = cy = cz = 0.0
        for s in range(first, last):
            cx += a[s, 0] + b[s, 0]
            cy += a[s, 1] + b[s, 1]
            cz += a[s, 2] + b[s, 2]
        norm = math.sqrt(cx * cx + cy * cy + cz * cz)
        if norm <= 1e-9 * (last - first):
            continue  # spread round the globe: the whole sphere
        cx, cy, cz = cx / norm, cy / norm, cz / norm
        widest = 0.0  # the longest chord from the centre to a point of an arc, bounded:
        for s in range(first, last):  # to the arc's midpoint, then on to an end
            mx, my, mz, _ = middle(a[s, 0], a[s, 1], a[s, 2], b[s, 0], b[s, 1], b[s, 2])
            to_middle = math.sqrt((cx - mx) ** 2 + (cy - my) ** 2 + (cz - mz) ** 2)
            half = math.sqrt((mx - a[s, 0]) ** 2 + (my - a[s, 1]) ** 2 + (mz - a[s, 2]) ** 2)
            widest = max(widest, to_middle + half)
        angle = 2.0 * math.asin(min(0.5 * widest, 1.0)) + reach + EDGE
        centre[k, 0], centre[k, 1], centre[k, 2] = cx, cy, cz
        if angle < math.pi:
            least[k] = math.cos(angle)
    return centre, least


@njit(cache=True, nogil=True)
def assets_near(
    px: float,
    py: float,
    pz: float,
    radius_km: float,
    asset_chunks: np.ndarray,
    chunk_segments: np.ndarray,
    asset_cap: tuple[np.ndarray, np.ndarray],
    chunk_cap: tuple[np.ndarray, np.ndarray],
    a: np.ndarray,
    b: np.ndarray,
    n: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(asset, km) of every asset within ``radius_km`` of P, by asset number.

    Caps (``caps``, widened by at least this radius) of the assets, then of their runs of
    segments, pass only what may be in reach; of those, arcs whose chord is beyond reach
    are dropped and the rest measured.
    """
    reach_chord2 = (2.0 * math.sin(0.5 * min(radius_km / TIGHTEST_KM + EDGE, math.pi))) ** 2
    asset_centre, asset_least = asset_cap
    chunk_centre, chunk_least = chunk_cap
    found = np.empty(len(asset_least), np.int64)
    found_km = np.empty(len(asset_least))
    count = 0
    for k in range(len(asset_least)):
        c = asset_centre[k]
        if px * c[0] + py * c[1] + pz * c[2] < asset_least[k]:
            continue
        best = np.inf
        for run in range(asset_chunks[k], asset_chunks[k + 1]):
            c = chunk_centre[run]
            if px * c[0] + py * c[1] + pz * c[2] < chunk_least[run]:
                continue
            for s in range(chunk_segments[run], chunk_segments[run + 1]):
                sa, sb, sn = a[s], b[s], n[s]
                c2, _ = chord2(
                    px, py, pz, sa[0], sa[1], sa[2], sb[0], sb[1], sb[2], sn[0], sn[1], sn[2]
                )
                if c2 > reach_chord2:
                    continue
                theta, qx, qy, qz = arc_angle(px, py, pz, sa, sb, sn)
                if theta * TIGHTEST_KM <= min(radius_km, best):
                    best = min(best, angle_km(theta, px, py, pz, qx, qy, qz))
        if best <= radius_km:
            found[count] = k
            found_km[count] = best
            count += 1
    return found[:count], found_km[:count]
