"""Compiled grid scan of the spatial index (numba): every incident within reach of an asset.

Incidents are counting-sorted into latitude-longitude cells about a radius wide. Every
segment of an asset, widened by the radius, covers a box of cells. An asset is scanned
cell by cell: each incident of a cell is tried against just the asset's segments whose
box covers that cell, one after the other, so all it needs to remember lives in a few
local variables. Most incidents are dropped by one dot product (the segment's midpoint
is beyond reach), the rest ranked by their squared chord to the arc on the sphere; only
arcs that can be the nearest on the ellipsoid, and those that decide when an incident
first comes within its radius, are measured with :func:`kernels.arc_angle` and
``angle_km``. An asset whose boxes wrap round the antimeridian or span every longitude
is scanned segment by segment instead (``_by_segments``), with the same answers.

The answers, the order of the pairs included, are those of measuring every segment of
the asset in scan order (segment, cell, incident) and keeping the smallest km: each
asset's incidents in the order the scan first finds them within their radius.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from corridor.geodesy import TIGHTEST_KM, angle_km, central_angle
from corridor.risk.kernels import EDGE, arc_angle, arc_angle_at, chord2, middle, spread

__all__ = ["WIDEST_ASSET_CELLS", "grid_order", "pairs_in_grid"]

WIDEST_ASSET_CELLS = 1 << 22  # an asset whose cells' bounding box is larger goes by segments


@njit(cache=True, nogil=True)
def grid_order(
    lon: np.ndarray, lat: np.ndarray, cell_deg: float, rows: int, cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Incidents counting-sorted by grid cell: (order, cell_start, unit vectors in order).

    Cell c (row-major, ``cols`` columns from -180) holds sorted positions
    ``cell_start[c]:cell_start[c + 1]``; within a cell the incidents keep their order.
    The vectors are :func:`corridor.geodesy.unit_vectors`'s, computed the same way.
    """
    count = len(lon)
    cell = np.empty(count, np.int64)
    cell_start = np.zeros(rows * cols + 1, np.int64)
    for i in range(count):
        row = min(math.floor((lat[i] + 90.0) / cell_deg), rows - 1)
        c = row * cols + math.floor((lon[i] + 180.0) / cell_deg) % cols
        cell[i] = c
        cell_start[c + 1] += 1
    for c in range(rows * cols):
        cell_start[c + 1] += cell_start[c]
    order = np.empty(count, np.int32)
    points = np.empty((count, 3))
    cursor = cell_start[:-1].copy()
    for i in range(count):
        k = cursor[cell[i]]
        cursor[cell[i]] += 1
        order[k] = i
        lam, phi = math.radians(lon[i]), math.radians(lat[i])
        cos_phi = math.cos(phi)
        points[k, 0] = cos_phi * math.cos(lam)
        points[k, 1] = cos_phi * math.sin(lam)
        points[k, 2] = math.sin(phi)
    return order, cell_start, points


@njit(cache=True, inline="always")
def _cells(
    lat_lo: float, lat_hi: float, lon_lo: float, lon_hi: float, reach: float,
    cell_deg: float, rows: int, cols: int,
) -> tuple[int, int, int, int, bool]:  # fmt: skip
    """Rows and columns of the cells a segment's box (degrees) covers once widened by
    ``reach`` radians; columns count on past the last one where the box crosses 180
    degrees. True if the widened box spans every longitude (then all columns)."""
    widen = math.degrees(reach)
    lat_lo, lat_hi = lat_lo - widen, lat_hi + widen
    row_lo = max(0, math.floor((lat_lo + 90.0) / cell_deg))
    row_hi = min(rows - 1, math.floor((lat_hi + 90.0) / cell_deg))
    extreme = max(abs(lat_lo), abs(lat_hi))
    ratio = math.sin(reach) / math.cos(math.radians(min(extreme, 90.0)))
    if extreme >= 89.999 or ratio >= 1.0:
        return row_lo, row_hi, 0, cols - 1, True
    spread_deg = math.degrees(math.asin(ratio))
    lon_lo, lon_hi = lon_lo - spread_deg, lon_hi + spread_deg
    if lon_hi - lon_lo >= 360.0:
        return row_lo, row_hi, 0, cols - 1, True
    shift = math.floor((lon_lo + 180.0) / 360.0) * 360.0  # lon_lo into -180..180
    col_lo = math.floor((lon_lo - shift + 180.0) / cell_deg)
    col_hi = math.floor((lon_hi - shift + 180.0) / cell_deg)
    if col_hi - col_lo + 1 >= cols:
        return row_lo, row_hi, 0, cols - 1, True
    return row_lo, row_hi, col_lo, col_hi, False


@njit(cache=True, nogil=True)
def _grow(values: np.ndarray, size: int) -> np.ndarray:
    """``values`` (one or two dimensions) in a buffer of at least ``size`` rows, doubling."""
    capacity = max(len(values), 1)
    while capacity < size:
        capacity *= 2
    if values.ndim == 1:
        grown = np.empty(capacity, values.dtype)
    else:
        grown = np.empty((capacity, values.shape[-1]), values.dtype)
    grown[: len(values)] = values
    return grown


@njit(cache=True, inline="always")
def _measured_km(
    px: float, py: float, pz: float, s: int, a: np.ndarray, b: np.ndarray, n: np.ndarray,
    below: float,
) -> float:  # fmt: skip
    """km from P to arc s on the ellipsoid, or inf if it cannot be ``below`` or less."""
    theta, qx, qy, qz = arc_angle(px, py, pz, a[s], b[s], n[s])
    if theta * TIGHTEST_KM > below:
        return np.inf
    return angle_km(theta, px, py, pz, qx, qy, qz)


@njit(cache=True, nogil=True)
def _frames(
    first: int, last: int, a: np.ndarray, b: np.ndarray, n: np.ndarray, box: np.ndarray,
    reach: float, cell_deg: float, rows: int, cols: int, frame: np.ndarray, span: np.ndarray,
) -> tuple[bool, int, int, int, int]:  # fmt: skip
    """Each segment's cells (``span``: rows, columns) and what the scan reads of it
    (``frame``: midpoint, cosine of its reach, a, b, n); and the bounding box of all
    the cells. False if a box wraps or spans every longitude: scan by segments."""
    row_min = col_min = 1 << 62
    row_max = col_max = -1
    for j in range(last - first):
        s = first + j
        row_lo, row_hi, col_lo, col_hi, everywhere = _cells(
            box[s, 0], box[s, 1], box[s, 2], box[s, 3], reach, cell_deg, rows, cols
        )
        if everywhere or col_hi >= cols:
            return False, 0, 0, 0, 0
        span[j, 0], span[j, 1], span[j, 2], span[j, 3] = row_lo, row_hi, col_lo, col_hi
        row_min, row_max = min(row_min, row_lo), max(row_max, row_hi)
        col_min, col_max = min(col_min, col_lo), max(col_max, col_hi)
        ax, ay, az, bx, by, bz = a[s, 0], a[s, 1], a[s, 2], b[s, 0], b[s, 1], b[s, 2]
        mx, my, mz, half = middle(ax, ay, az, bx, by, bz)
        frame[j, 0], frame[j, 1], frame[j, 2] = mx, my, mz
        frame[j, 3] = math.cos(min(half + reach, math.pi))
        frame[j, 4], frame[j, 5], frame[j, 6] = ax, ay, az
        frame[j, 7], frame[j, 8], frame[j, 9] = bx, by, bz
        frame[j, 10], frame[j, 11], frame[j, 12] = n[s, 0], n[s, 1], n[s, 2]
    return True, row_min, row_max, col_min, col_max


@njit(cache=True, nogil=True)
def _groups(
    segments: int, span: np.ndarray, row_min: int, col_min: int, width: int, cells: int,
    counts: np.ndarray, group: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The segments whose cells cover each cell of the asset's bounding box, in segment
    order (a counting sort): cell c's are ``group[counts[c - 1]:counts[c]]``."""
    if len(counts) < cells + 1:
        counts = np.empty(2 * cells + 1, np.int64)
    counts[: cells + 1] = 0
    for j in range(segments):
        for row in range(span[j, 0], span[j, 1] + 1):
            at = (row - row_min) * width - col_min + 1
            for c in range(at + span[j, 2], at + span[j, 3] + 1):
                counts[c] += 1
    for c in range(cells):
        counts[c + 1] += counts[c]
    if len(group) < counts[cells]:
        group = _grow(group, counts[cells])
    for j in range(segments):
        for row in range(span[j, 0], span[j, 1] + 1):
            at = (row - row_min) * width - col_min
            for c in range(at + span[j, 2], at + span[j, 3] + 1):
                group[counts[c]] = j
                counts[c] += 1
    return counts, group


@njit(cache=True, nogil=True)
def _by_cells(  # noqa: PLR0915 (one body: a compiled call passing arrays costs more than this work)
    first: int,
    last: int,
    a: np.ndarray,
    b: np.ndarray,
    n: np.ndarray,
    box: np.ndarray,
    reach: float,
    points: np.ndarray,
    radius_km: np.ndarray,
    reach_chord2: np.ndarray,
    sure_chord2: np.ndarray,
    cell_start: np.ndarray,
    cell_deg: float,
    rows: int,
    cols: int,
    widest: int,
    work: tuple[np.ndarray, ...],
) -> tuple[int, tuple[np.ndarray, ...]]:
    """One asset (segments ``first:last``), cell by cell. Its pairs go to ``work``'s last
    three arrays as (the segment that first put the incident within its radius, counted
    from ``first``; incident; km), in cell order; -1 pairs if it must go by segments.

    Each incident of a cell is tried against the cell's segments in segment order. The
    squared chords within reach are noted (``chords``, and in ``kinds`` the segment and
    which point of it is nearest); only arcs that decide when it first comes within its
    radius, or that may be its nearest, are measured, and a vertex shared by two once.
    """
    frame, span, counts, group, chords, kinds, found_segment, found_incident, found_km = work
    segments = last - first
    if segments == 0:
        return 0, work  # an asset with no vertices reaches nothing
    if len(frame) < segments:
        frame, span = _grow(frame, segments), _grow(span, segments)
        chords, kinds = _grow(chords, segments), _grow(kinds, segments)
    fits, row_min, row_max, col_min, col_max = _frames(
        first, last, a, b, n, box, reach, cell_deg, rows, cols, frame, span
    )
    width = col_max - col_min + 1
    cells = (row_max - row_min + 1) * width
    if not fits or cells > widest:
        return -1, work
    counts, group = _groups(segments, span, row_min, col_min, width, cells, counts, group)
    found = 0
    end = 0
    for local in range(cells):  # counts[c] is now where cell c's group ends
        start, end = end, counts[local]
        if start == end:
            continue
        cell = (row_min + local // width) * cols + col_min + local % width
        if found + cell_start[cell + 1] - cell_start[cell] > len(found_segment):
            size = found + cell_start[cell + 1] - cell_start[cell]
            found_segment, found_incident = _grow(found_segment, size), _grow(found_incident, size)
            found_km = _grow(found_km, size)
        for i in range(cell_start[cell], cell_start[cell + 1]):
            px, py, pz = points[i, 0], points[i, 1], points[i, 2]
            radius = radius_km[i]
            nearest, within, best, noted = np.inf, -1, np.inf, 0
            for k in range(start, end):
                j = group[k]
                if px * frame[j, 0] + py * frame[j, 1] + pz * frame[j, 2] < frame[j, 3]:
                    continue  # beyond reach of the midpoint
                c2, kind = chord2(
                    px, py, pz, frame[j, 4], frame[j, 5], frame[j, 6], frame[j, 7],
                    frame[j, 8], frame[j, 9], frame[j, 10], frame[j, 11], frame[j, 12],
                )  # fmt: skip
                if c2 > reach_chord2[i]:
                    continue
                chords[noted], kinds[noted] = c2, j * 4 + kind
                noted += 1
                nearest = min(nearest, c2)
                if within < 0:
                    if c2 <= sure_chord2[i]:
                        within = j
                    else:  # near the edge: measure
                        km = _measured_km(px, py, pz, first + j, a, b, n, radius)
                        if km <= radius:
                            within, best = j, km
            if within < 0:
                continue
            bound = spread(nearest)
            last_x = last_y = last_z = np.nan  # the vertex last measured
            for m in range(noted):
                if chords[m] > bound:
                    continue  # cannot be the nearest
                j, kind = kinds[m] // 4, kinds[m] % 4
                if kind == 0:
                    theta, qx, qy, qz = arc_angle_at(
                        px, py, pz, frame[j, 4], frame[j, 5], frame[j, 6], frame[j, 7],
                        frame[j, 8], frame[j, 9], frame[j, 10], frame[j, 11], frame[j, 12],
                    )  # fmt: skip
                else:  # arc_angle's answer: that vertex, at central_angle
                    at = 1 + 3 * kind  # a's x, or b's
                    qx, qy, qz = frame[j, at], frame[j, at + 1], frame[j, at + 2]
                    if qx == last_x and qy == last_y and qz == last_z:
                        continue  # the vertex just measured (the end of the arc before)
                    last_x, last_y, last_z = qx, qy, qz
                    theta = central_angle(px, py, pz, qx, qy, qz)
                if theta * TIGHTEST_KM > min(radius, best):
                    continue
                km = angle_km(theta, px, py, pz, qx, qy, qz)
                if km <= radius and km < best:
                    best = km
            found_segment[found], found_incident[found], found_km[found] = within, i, best
            found += 1
    return found, (
        frame, span, counts, group, chords, kinds, found_segment, found_incident, found_km,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def _settle(
    noted: int, noted_slot: np.ndarray, noted_segment: np.ndarray, noted_chord2: np.ndarray,
    touched: np.ndarray, nearest: np.ndarray, best: np.ndarray, points: np.ndarray,
    radius_km: np.ndarray, a: np.ndarray, b: np.ndarray, n: np.ndarray,
) -> None:  # fmt: skip
    """Each slot within its radius gets its smallest km (``best``, nan if not measured
    yet): the noted arcs within the curvature spread of its shortest chord are measured."""
    for k in range(noted):
        t = noted_slot[k]
        if best[t] == np.inf or noted_chord2[k] > spread(nearest[t]):
            continue  # never within its radius, or not its nearest
        i = touched[t]
        px, py, pz = points[i, 0], points[i, 1], points[i, 2]
        below = radius_km[i] if np.isnan(best[t]) else min(radius_km[i], best[t])
        km = _measured_km(px, py, pz, noted_segment[k], a, b, n, below)
        if km <= radius_km[i] and not km >= best[t]:  # smaller, or the first (nan)
            best[t] = km


@njit(cache=True, nogil=True)
def _by_segments(
    first: int,
    last: int,
    a: np.ndarray,
    b: np.ndarray,
    n: np.ndarray,
    box: np.ndarray,
    reach: float,
    points: np.ndarray,
    radius_km: np.ndarray,
    reach_chord2: np.ndarray,
    sure_chord2: np.ndarray,
    cell_start: np.ndarray,
    cell_deg: float,
    rows: int,
    cols: int,
    slot: np.ndarray,
    work: tuple[np.ndarray, ...],
) -> tuple[int, tuple[np.ndarray, ...]]:
    """One asset, segment by segment in scan order, for boxes of any shape. Its pairs go
    to ``work``'s last three arrays as (0, incident, km), in the order the incidents first
    come within their radius.

    Every incident within reach of an arc gets a slot (``slot[i]``, -1 on entry and on
    exit) holding its shortest squared chord and what it knows so far; arcs that may be
    its nearest are noted, then measured once all arcs have been seen.
    """
    touched, nearest, best, noted_slot, noted_segment, noted_chord2, _, found_incident, _ = work
    reached = found = noted = 0
    for s in range(first, last):
        row_lo, row_hi, col_lo, col_hi, _ = _cells(
            box[s, 0], box[s, 1], box[s, 2], box[s, 3], reach, cell_deg, rows, cols
        )
        mx, my, mz, half = middle(a[s, 0], a[s, 1], a[s, 2], b[s, 0], b[s, 1], b[s, 2])
        cut = math.cos(min(half + reach, math.pi))
        ax, ay, az, bx, by, bz, nx, ny, nz = (
            a[s, 0], a[s, 1], a[s, 2], b[s, 0], b[s, 1], b[s, 2], n[s, 0], n[s, 1], n[s, 2]
        )  # fmt: skip
        for row in range(row_lo, row_hi + 1):
            for column in range(col_lo, col_hi + 1):
                cell = row * cols + column % cols
                for i in range(cell_start[cell], cell_start[cell + 1]):
                    px, py, pz = points[i, 0], points[i, 1], points[i, 2]
                    if px * mx + py * my + pz * mz < cut:
                        continue
                    c2, _ = chord2(px, py, pz, ax, ay, az, bx, by, bz, nx, ny, nz)
                    if c2 > reach_chord2[i]:
                        continue
                    t = slot[i]
                    if t < 0:
                        if reached == len(touched):
                            touched = _grow(touched, reached + 1)
                            nearest, best = _grow(nearest, reached + 1), _grow(best, reached + 1)
                        t = reached
                        reached += 1
                        slot[i], touched[t], nearest[t], best[t] = t, i, c2, np.inf
                    nearest[t] = min(nearest[t], c2)
                    if best[t] == np.inf:  # not within its radius yet: is it now?
                        km = np.nan  # within for sure; its km comes from its nearest arc
                        if c2 > sure_chord2[i]:
                            km = _measured_km(px, py, pz, s, a, b, n, radius_km[i])
                        if not km > radius_km[i]:
                            best[t] = km
                            if found == len(found_incident):
                                found_incident = _grow(found_incident, found + 1)
                            found_incident[found] = t
                            found += 1
                        if not np.isnan(km):
                            continue  # measured: nothing more to learn from this arc
                    if c2 > spread(nearest[t]):
                        continue  # cannot be its nearest
                    if noted == len(noted_slot):
                        noted_slot = _grow(noted_slot, noted + 1)
                        noted_segment = _grow(noted_segment, noted + 1)
                        noted_chord2 = _grow(noted_chord2, noted + 1)
                    noted_slot[noted], noted_segment[noted], noted_chord2[noted] = t, s, c2
                    noted += 1
    found_segment, found_km = work[6], work[8]
    if len(found_segment) < found:
        found_segment, found_km = _grow(found_segment, found), _grow(found_km, found)
    _settle(
        noted, noted_slot, noted_segment, noted_chord2, touched, nearest, best, points,
        radius_km, a, b, n,
    )  # fmt: skip
    for k in range(found):
        t = found_incident[k]
        found_segment[k], found_incident[k], found_km[k] = 0, touched[t], best[t]
    for t in range(reached):
        slot[touched[t]] = -1
    return found, (
        touched, nearest, best, noted_slot, noted_segment, noted_chord2,
        found_segment, found_incident, found_km,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def pairs_in_grid(
    first_asset: int,
    last_asset: int,
    asset_segments: np.ndarray,  # segment offsets per asset (n_assets + 1)
    a: np.ndarray,  # (n_segments, 3) unit vectors
    b: np.ndarray,
    n: np.ndarray,
    box: np.ndarray,  # (n_segments, 4) lat_lo, lat_hi, lon_lo, lon_hi of the arc
    largest_km: float,  # the largest radius of any incident
    points: np.ndarray,  # (n_incidents, 3) unit vectors, sorted by grid cell
    radius_km: np.ndarray,  # per incident, in the same order
    reach_chord2: np.ndarray,  # per incident, ``kernels.chords_of(radius_km)``
    sure_chord2: np.ndarray,
    cell_start: np.ndarray,  # incidents of grid cell c are cell_start[c]:cell_start[c + 1]
    cell_deg: float,
    rows: int,
    cols: int,
    order: np.ndarray,  # the caller's number of each sorted incident (int32)
    slot: np.ndarray,  # scratch, all -1 on entry and on exit (n_incidents,)
    widest: int = WIDEST_ASSET_CELLS,  # assets over more cells go by segments (0: all)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(asset, incident, km) for every incident within its radius of an asset in the range;
    asset and incident as int32, incidents by the caller's numbers (``order``); by asset,
    each asset's incidents in the order a scan of its segments (segment, cell, incident)
    first finds them within."""
    reach = largest_km / TIGHTEST_KM + EDGE
    out_asset = np.empty(1 << 12, np.int32)
    out_incident = np.empty(1 << 12, np.int32)
    out_km = np.empty(1 << 12, np.float64)
    count = 0
    cells_work: tuple[np.ndarray, ...] = (
        np.empty((64, 13)), np.empty((64, 4), np.int64), np.empty(1 << 12, np.int64),
        np.empty(1 << 12, np.int64), np.empty(64), np.empty(64, np.int64),
        np.empty(1 << 12, np.int64), np.empty(1 << 12, np.int64), np.empty(1 << 12),
    )  # fmt: skip
    segments_work: tuple[np.ndarray, ...] = (
        np.empty(1 << 10, np.int64), np.empty(1 << 10), np.empty(1 << 10),
        np.empty(1 << 12, np.int64), np.empty(1 << 12, np.int64), np.empty(1 << 12),
        np.empty(1 << 10, np.int64), np.empty(1 << 10, np.int64), np.empty(1 << 10),
    )  # fmt: skip
    place = np.empty(64, np.int64)
    for asset in range(first_asset, last_asset):
        first, last = asset_segments[asset], asset_segments[asset + 1]
        found, cells_work = _by_cells(
            first, last, a, b, n, box, reach, points, radius_km, reach_chord2, sure_chord2,
            cell_start, cell_deg, rows, cols, widest, cells_work,
        )  # fmt: skip
        if found >= 0:
            by_segment, incident, km = cells_work[6], cells_work[7], cells_work[8]
        else:
            found, segments_work = _by_segments(
                first, last, a, b, n, box, reach, points, radius_km, reach_chord2,
                sure_chord2, cell_start, cell_deg, rows, cols, slot, segments_work,
            )  # fmt: skip
            by_segment, incident, km = segments_work[6], segments_work[7], segments_work[8]
        if count + found > len(out_asset):
            out_asset = _grow(out_asset, count + found)
            out_incident = _grow(out_incident, count + found)
            out_km = _grow(out_km, count + found)
        # into scan order: by the segment that first found each within, stably
        if len(place) < last - first + 1:
            place = _grow(place, last - first + 1)
        place[: last - first + 1] = 0
        for k in range(found):
            place[by_segment[k] + 1] += 1
        for j in range(last - first):
            place[j + 1] += place[j]
        for k in range(found):
            at = count + place[by_segment[k]]
            place[by_segment[k]] += 1
            out_asset[at], out_incident[at], out_km[at] = asset, order[incident[k]], km[k]
        count += found
    return out_asset[:count], out_incident[:count], out_km[:count]
