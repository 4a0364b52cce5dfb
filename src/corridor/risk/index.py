"""The spatial index: which incidents lie within a radius of which assets, and how far.

One method behind one class, chosen by measuring (README, "Benchmarks"): the
incidents go into a latitude-longitude grid (a counting sort, no tree); each segment
of each asset, a great-circle arc, visits only the cells its radius-widened bounding
box touches, rejects most incidents with one dot product, and measures the rest
exactly (``kernels.arc_distance_km``, the distance of :mod:`corridor.geodesy`). Assets
are split into blocks scanned by threads (the compiled loop releases the GIL). A new
incident is placed against precomputed segment boxes in a few milliseconds, without
touching the grid.

Distances are geodesic km on WGS 84 to the nearest point of the line, exact on the
sphere and corrected by the radius of curvature: within 0.1 % of pyproj's ``Geod``
at up to a few hundred km.
"""

from __future__ import annotations

import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from corridor.geodesy import TIGHTEST_KM, unit_vectors, wrap_longitude
from corridor.risk.kernels import pairs_in_grid, point_distances_km, segments_around
from corridor.risk.shapes import AssetShapes

__all__ = ["AssetIndex", "Pairs", "segment_ends"]

# boxes built with the tightest curvature miss nothing
_TIGHTEST_KM = TIGHTEST_KM
_SMALLEST_CELL_DEG = 0.2  # keeps the grid under two million cells for tiny radii
_EDGE = 1e-9  # widen boxes by a hair more than the radius: rounding never drops a pair


@dataclass(frozen=True, eq=False)
class Pairs:
    """Asset-incident pairs within reach, with the incident's distance to the asset."""

    asset: NDArray[np.int64]
    incident: NDArray[np.int64]
    distance_km: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.asset)

    @classmethod
    def none(cls) -> Pairs:
        return cls(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))


def segment_ends(shapes: AssetShapes) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Vertex numbers (start, end) of every segment; a one-vertex part is one point-segment."""
    offsets = shapes.part_offsets
    sizes = np.diff(offsets)
    counts = np.maximum(sizes - 1, 1)
    first = np.repeat(offsets[:-1], counts)
    step = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    start = first + step
    end = np.where(np.repeat(sizes, counts) > 1, start + 1, start)
    return start, end


def _latitude_range(
    a: NDArray[np.float64], b: NDArray[np.float64], normal: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Lowest and highest latitude (degrees) along each arc, its crest included."""
    z_lo = np.minimum(a[:, 2], b[:, 2])
    z_hi = np.maximum(a[:, 2], b[:, 2])
    crest = np.array([0.0, 0.0, 1.0]) - normal[:, 2:3] * normal  # north pole onto the plane
    length = np.linalg.norm(crest, axis=1, keepdims=True)
    length[np.linalg.norm(normal, axis=1) == 0] = 0.0  # a point has no arc, so no crest
    crest = np.divide(crest, length, out=np.zeros_like(crest), where=length > 1e-12)
    for sign in (1.0, -1.0):
        top = sign * crest
        inside = (np.einsum("ij,ij->i", np.cross(a, top), normal) >= 0) & (
            np.einsum("ij,ij->i", np.cross(top, b), normal) >= 0
        )
        inside &= length[:, 0] > 1e-12
        if sign > 0:
            z_hi = np.where(inside, np.maximum(z_hi, top[:, 2]), z_hi)
        else:
            z_lo = np.where(inside, np.minimum(z_lo, top[:, 2]), z_lo)
    return np.degrees(np.arcsin(np.clip(z_lo, -1, 1))), np.degrees(np.arcsin(np.clip(z_hi, -1, 1)))


class AssetIndex:
    """Assets' segments, prepared once for any number of incident queries up to a radius."""

    def __init__(self, shapes: AssetShapes, max_radius_km: float) -> None:
        if max_radius_km <= 0:
            raise ValueError("the radius must be positive")
        self.shapes = shapes
        self.max_radius_km = float(max_radius_km)
        start, end = segment_ends(shapes)
        vertices = unit_vectors(shapes.lon, shapes.lat)
        self._a = np.ascontiguousarray(vertices[start])
        self._b = np.ascontiguousarray(vertices[end])
        normal = np.cross(self._a, self._b)
        length = np.linalg.norm(normal, axis=1, keepdims=True)
        self._n = np.ascontiguousarray(
            np.divide(normal, length, out=np.zeros_like(normal), where=length > 1e-15)
        )
        part_of = np.repeat(
            np.arange(shapes.parts), np.maximum(np.diff(shapes.part_offsets) - 1, 1)
        )
        self._asset = shapes.part_asset[part_of]
        self._asset_segments = np.searchsorted(self._asset, np.arange(len(shapes) + 1)).astype(
            np.int64
        )
        middle = self._a + self._b
        norm = np.linalg.norm(middle, axis=1, keepdims=True)
        self._mid = np.ascontiguousarray(
            np.divide(middle, norm, out=self._a.copy(), where=norm > 1e-12)
        )
        self._half = np.arccos(np.clip(np.einsum("ij,ij->i", self._a, self._mid), -1, 1))
        self._lat_lo, self._lat_hi = _latitude_range(self._a, self._b, self._n)
        lon_a, lon_b = shapes.lon[start], shapes.lon[end]
        turn = wrap_longitude(lon_b - lon_a)  # the short way round
        self._lon_lo = lon_a + np.minimum(turn, 0.0)
        self._lon_hi = lon_a + np.maximum(turn, 0.0)
        self._near = self._reach(self.max_radius_km)

    def _reach(
        self, radius_km: float
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64]]:
        """Each segment's bounding box widened by the radius (its longitudes may wrap),
        whether that box spans every longitude, and the cosine beyond which no point of
        the sphere is within the radius of the arc."""
        reach = radius_km / _TIGHTEST_KM + _EDGE
        widen = math.degrees(reach)
        lat_lo, lat_hi = self._lat_lo - widen, self._lat_hi + widen
        extreme = np.maximum(np.abs(lat_lo), np.abs(lat_hi))
        ratio = math.sin(reach) / np.cos(np.radians(np.minimum(extreme, 90.0)))
        everywhere = (extreme >= 89.999) | (ratio >= 1.0)
        spread = np.degrees(np.arcsin(np.clip(ratio, 0.0, 1.0)))
        lon_lo, lon_hi = self._lon_lo - spread, self._lon_hi + spread
        everywhere |= lon_hi - lon_lo >= 360.0
        shift = np.floor((lon_lo + 180.0) / 360.0) * 360.0  # lon_lo into [-180, 180)
        box = np.ascontiguousarray(np.stack([lat_lo, lat_hi, lon_lo - shift, lon_hi - shift], 1))
        return box, everywhere, np.cos(np.minimum(self._half + reach, np.pi))

    @property
    def segments(self) -> int:
        return len(self._asset)

    def pairs(
        self, lon: ArrayLike, lat: ArrayLike, radius_km: float | ArrayLike, *, workers: int = 0
    ) -> Pairs:
        """Every (asset, incident) with the incident within its radius of the asset.

        ``radius_km`` is one radius or one per incident, at most the index's maximum.
        Incidents sharing a radius (a profile has a few) are scanned together, with a grid
        and boxes sized for it rather than for the largest.
        """
        lon_deg = np.asarray(lon, np.float64).reshape(-1)
        lat_deg = np.asarray(lat, np.float64).reshape(-1)
        radius = np.broadcast_to(np.asarray(radius_km, np.float64), lon_deg.shape).copy()
        if len(radius) and radius.max() > self.max_radius_km * (1 + 1e-12):
            raise ValueError(f"a radius exceeds the index's {self.max_radius_km} km")
        values = np.unique(radius)
        groups = [radius == v for v in values] if len(values) <= 4 else [np.ones(len(radius), bool)]
        found = []
        for chosen in groups:
            rows = np.flatnonzero(chosen)
            part = self._scan(lon_deg[rows], lat_deg[rows], radius[rows], workers)
            found.append(Pairs(part.asset, rows[part.incident], part.distance_km))
        if len(found) == 1:
            return found[0]
        if not found:
            return Pairs.none()
        return Pairs(
            np.concatenate([f.asset for f in found]),
            np.concatenate([f.incident for f in found]),
            np.concatenate([f.distance_km for f in found]),
        )

    def _scan(
        self,
        lon: NDArray[np.float64],
        lat: NDArray[np.float64],
        radius: NDArray[np.float64],
        workers: int,
    ) -> Pairs:
        """One group of incidents, sorted into grid order so the scan reads memory in order."""
        count = len(lon)
        largest = float(radius.max()) if count else self.max_radius_km
        box, everywhere, reach_cos = self._reach(largest)
        smallest = max(math.degrees(largest / _TIGHTEST_KM), _SMALLEST_CELL_DEG)
        # a whole number of columns round the globe, so a box past 180 wraps onto the right
        # ones (with a narrow last column, -179 and 181 fell in different cells)
        cols = max(1, math.floor(360.0 / smallest))
        cell_deg = 360.0 / cols
        rows = math.ceil(180.0 / cell_deg)
        row = np.minimum(np.floor((lat + 90.0) / cell_deg).astype(np.int64), rows - 1)
        cell = row * cols + np.floor((lon + 180.0) / cell_deg).astype(np.int64) % cols
        order = np.argsort(cell, kind="stable").astype(np.int64)
        points = unit_vectors(lon[order], lat[order])
        by_cell = np.ascontiguousarray(radius[order])
        cell_start = np.zeros(rows * cols + 1, np.int64)
        np.cumsum(np.bincount(cell, minlength=rows * cols), out=cell_start[1:])
        threads = workers or os.cpu_count() or 1

        def scan(block: tuple[int, int]) -> tuple[NDArray[np.int64], ...]:
            best = np.full(count, np.inf)
            return pairs_in_grid(
                block[0], block[1], self._asset_segments, self._a, self._b, self._n,
                self._mid, reach_cos, box, everywhere, points, by_cell,
                cell_start, cell_deg, rows, cols, best,
            )  # fmt: skip

        with ThreadPoolExecutor(max_workers=threads) as pool:
            found = list(pool.map(scan, self._blocks(threads)))
        if not found:
            return Pairs.none()
        return Pairs(
            np.concatenate([f[0] for f in found]),
            order[np.concatenate([f[1] for f in found])],
            np.concatenate([f[2] for f in found]).astype(np.float64),
        )

    def _blocks(self, workers: int) -> list[tuple[int, int]]:
        """Asset ranges of about equal segment counts, a few per worker for balance."""
        assets = len(self.shapes)
        if assets == 0:
            return []
        pieces = min(assets, workers * 8)
        targets = np.linspace(0, self.segments, pieces + 1)[1:-1]
        cuts = np.unique(np.searchsorted(self._asset_segments, targets))
        edges = [0, *[int(c) for c in cuts if 0 < c < assets], assets]
        return [(lo, hi) for lo, hi in itertools.pairwise(edges) if hi > lo]

    def near(
        self, lon: float, lat: float, radius_km: float
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """The assets within ``radius_km`` of one point and its distance to each.

        This is the incremental path: no grid, one pass over the segment boxes.
        """
        if radius_km > self.max_radius_km * (1 + 1e-12):
            raise ValueError(f"the radius exceeds the index's {self.max_radius_km} km")
        box, everywhere, _ = self._near
        candidates = segments_around(float(lon), float(lat), box, everywhere)
        point = unit_vectors([lon], [lat])[0]
        km = point_distances_km(point[0], point[1], point[2], candidates, self._a, self._b, self._n)
        keep = km <= radius_km
        assets, km = self._asset[candidates[keep]], km[keep]
        order = np.lexsort((km, assets))
        assets, km = assets[order], km[order]
        first = np.ones(len(assets), bool)
        first[1:] = assets[1:] != assets[:-1]
        return assets[first], km[first]
