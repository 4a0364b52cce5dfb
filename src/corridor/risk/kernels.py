"""Compiled loops of the spatial index (numba): distance to a great-circle arc, grid scan.

Everything here works on the unit vectors of :mod:`corridor.geodesy` and measures with its
``central_angle`` and ``angle_km``, the project's one distance: the nearest point of an
arc is found on the sphere, then the angle to it becomes km on WGS 84 (far better than
0.1 % at the distances risk cares about). Numba compiles them once and caches the
machine code on disk.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from corridor.geodesy import TIGHTEST_KM, angle_km, central_angle

__all__ = [
    "arc_distance_km",
    "pairs_in_grid",
    "point_distances_km",
    "segments_around",
]


@njit(cache=True, inline="always")
def _arc_angle(
    px: float, py: float, pz: float, a: np.ndarray, b: np.ndarray, n: np.ndarray
) -> tuple[float, float, float, float]:
    """Angle from P to the nearest point of the arc from a to b, and that point."""
    if n[0] != 0.0 or n[1] != 0.0 or n[2] != 0.0:
        s = px * n[0] + py * n[1] + pz * n[2]
        qx, qy, qz = px - s * n[0], py - s * n[1], pz - s * n[2]
        # Q between a and b on the arc: (a x Q) . n >= 0 and (Q x b) . n >= 0
        c1 = (a[1] * qz - a[2] * qy) * n[0] + (a[2] * qx - a[0] * qz) * n[1]
        c1 += (a[0] * qy - a[1] * qx) * n[2]
        c2 = (qy * b[2] - qz * b[1]) * n[0] + (qz * b[0] - qx * b[2]) * n[1]
        c2 += (qx * b[1] - qy * b[0]) * n[2]
        q = math.sqrt(qx * qx + qy * qy + qz * qz)
        if c1 >= 0.0 and c2 >= 0.0 and q > 1e-15:
            return math.atan2(abs(s), q), qx / q, qy / q, qz / q
    to_a = central_angle(px, py, pz, a[0], a[1], a[2])
    to_b = central_angle(px, py, pz, b[0], b[1], b[2])
    if to_a <= to_b:
        return to_a, a[0], a[1], a[2]
    return to_b, b[0], b[1], b[2]


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
    theta, qx, qy, qz = _arc_angle(px, py, pz, a, b, n)
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


@njit(cache=True, nogil=True)
def pairs_in_grid(
    first_asset: int,
    last_asset: int,
    asset_segments: np.ndarray,  # segment offsets per asset (n_assets + 1)
    a: np.ndarray,  # (n_segments, 3) unit vectors
    b: np.ndarray,
    n: np.ndarray,
    mid: np.ndarray,  # (n_segments, 3) unit vector of the arc's midpoint
    reach_cos: np.ndarray,  # cos(half arc + largest radius): nothing farther is in reach
    box: np.ndarray,  # (n_segments, 4) lat_lo, lat_hi, lon_lo, lon_hi widened by the radius
    everywhere: np.ndarray,  # segment's widened box spans every longitude
    points: np.ndarray,  # (n_incidents, 3) unit vectors, sorted by grid cell
    radius_km: np.ndarray,  # per incident, in the same order
    cell_start: np.ndarray,  # incidents of grid cell c are cell_start[c]:cell_start[c + 1]
    cell_deg: float,
    rows: int,
    cols: int,
    best: np.ndarray,  # scratch, all inf on entry and on exit (n_incidents,)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(asset, incident, km) for every incident within its radius of an asset in the range;
    incidents are numbered in their sorted order.

    Each segment visits the grid cells its widened box touches; an incident near several
    segments of one asset keeps its smallest distance (``best``, reset before returning).
    """
    capacity = 1 << 12
    out_asset = np.empty(capacity, np.int64)
    out_incident = np.empty(capacity, np.int64)
    out_km = np.empty(capacity, np.float64)
    count = 0
    touched = np.empty(1 << 10, np.int64)
    for asset in range(first_asset, last_asset):
        seen = 0
        for s in range(asset_segments[asset], asset_segments[asset + 1]):
            row_lo = max(0, math.floor((box[s, 0] + 90.0) / cell_deg))
            row_hi = min(rows - 1, math.floor((box[s, 1] + 90.0) / cell_deg))
            col_lo = math.floor((box[s, 2] + 180.0) / cell_deg)
            col_hi = math.floor((box[s, 3] + 180.0) / cell_deg)
            if everywhere[s] or col_hi - col_lo + 1 >= cols:
                col_lo, col_hi = 0, cols - 1
            mx, my, mz = mid[s, 0], mid[s, 1], mid[s, 2]
            for row in range(row_lo, row_hi + 1):
                for column in range(col_lo, col_hi + 1):
                    cell = row * cols + column % cols
                    for i in range(cell_start[cell], cell_start[cell + 1]):
                        px, py, pz = points[i, 0], points[i, 1], points[i, 2]
                        if px * mx + py * my + pz * mz < reach_cos[s]:
                            continue
                        theta, qx, qy, qz = _arc_angle(px, py, pz, a[s], b[s], n[s])
                        # no direction curves tighter than TIGHTEST_KM: a bound before the km
                        if theta * TIGHTEST_KM > min(radius_km[i], best[i]):
                            continue
                        km = angle_km(theta, px, py, pz, qx, qy, qz)
                        if km > radius_km[i] or km >= best[i]:
                            continue
                        if best[i] == np.inf:
                            if seen == len(touched):
                                touched = np.concatenate((touched, np.empty_like(touched)))
                            touched[seen] = i
                            seen += 1
                        best[i] = km
        if count + seen > capacity:
            while count + seen > capacity:
                capacity *= 2
            out_asset = np.concatenate((out_asset, np.empty(capacity - len(out_asset), np.int64)))
            out_incident = np.concatenate(
                (out_incident, np.empty(capacity - len(out_incident), np.int64))
            )
            out_km = np.concatenate((out_km, np.empty(capacity - len(out_km), np.float64)))
        for t in range(seen):
            i = touched[t]
            out_asset[count] = asset
            out_incident[count] = i
            out_km[count] = best[i]
            best[i] = np.inf
            count += 1
    return out_asset[:count], out_incident[:count], out_km[:count]


@njit(cache=True, nogil=True)
def segments_around(lon: float, lat: float, box: np.ndarray, everywhere: np.ndarray) -> np.ndarray:
    """The segments whose widened box holds the point (one pass, no temporaries)."""
    found = np.empty(len(box), np.int64)
    count = 0
    for s in range(len(box)):
        if box[s, 0] <= lat <= box[s, 1] and (
            everywhere[s] or (lon - box[s, 2]) % 360.0 <= box[s, 3] - box[s, 2]
        ):
            found[count] = s
            count += 1
    return found[:count]
