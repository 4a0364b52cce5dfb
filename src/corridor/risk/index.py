"""The spatial index: which incidents lie within a radius of which assets, and how far.

One method behind one class, chosen by measuring (README, "Benchmarks"): the
incidents are counting-sorted into a latitude-longitude grid (no tree); each segment
of each asset, a great-circle arc, visits only the cells its radius-widened bounding
box touches, keeps the incidents whose chord to the arc is within reach (a few dot
products), and only the arcs nearest each incident are measured exactly
(``kernels.arc_distance_km``, the distance of :mod:`corridor.geodesy`). Assets are split
into blocks scanned by threads (the compiled loops release the GIL), and the blocks'
pairs are copied into place as they finish, so the result is held once. A new incident
is measured against the assets whose enclosing cap it reaches, without any grid.

Distances are geodesic km on WGS 84 to the nearest point of the line, exact on the
sphere and corrected by the radius of curvature: within 0.1 % of pyproj's ``Geod``
at up to a few hundred km.
"""

from __future__ import annotations

import itertools
import math
import mmap
import os
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from corridor.geodesy import TIGHTEST_KM, unit_vectors
from corridor.risk.grid import grid_order, pairs_in_grid
from corridor.risk.kernels import assets_near, caps, chords_of, chunks_of, segment_frames
from corridor.risk.shapes import AssetShapes

__all__ = ["AssetIndex", "Pairs", "segment_ends"]

_SMALLEST_CELL_DEG = 0.2  # keeps the grid under two million cells for tiny radii
_RUN = 16  # segments per cap below the asset's, for ``near``
_PAIRS_RESERVED = 32  # per incident: room reserved (not taken) for the pairs found,
_MOST_RESERVED = 1 << 26  # up to this many (a machine may refuse to reserve far beyond RAM)
_BLOCKS_PER_WORKER = 64  # small blocks: balanced threads, and little held before copying

Block = tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]


@dataclass(frozen=True, eq=False)
class Pairs:
    """Asset-incident pairs within reach, with the incident's distance to the asset.

    Asset and incident numbers are int32 (a million incidents make tens of millions of
    pairs: half the memory of int64); widen them before multiplying them together.
    """

    asset: NDArray[np.int32]
    incident: NDArray[np.int32]
    distance_km: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.asset)

    @classmethod
    def none(cls) -> Pairs:
        return cls(np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0))


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


def _untouched(count: int, dtype: type[np.generic]) -> NDArray[Any]:
    """An array in fresh anonymous memory: the system gives it pages only as they are
    written, small ones (numpy asks for huge pages, which a busy machine may spend a
    second of system time finding and clearing)."""
    size = max(count, 1) * np.dtype(dtype).itemsize
    if not hasattr(mmap, "MAP_ANONYMOUS"):  # not a POSIX system: plain memory
        return np.empty(count, dtype)
    memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    return np.frombuffer(memory, dtype, count)


class _Collected:
    """Blocks' pairs copied into place, in block order, as they finish.

    The arrays are reserved for more pairs than most scans find, and memory is only taken
    for the pages written, so what is held is the pairs found. Past that they move to
    a larger reservation (rare: a copy).
    """

    def __init__(self, capacity: int) -> None:
        self.asset = _untouched(capacity, np.int32)
        self.incident = _untouched(capacity, np.int32)
        self.km = _untouched(capacity, np.float64)
        self.count = 0

    def add(self, block: Block) -> None:
        size = len(block[0])
        end = self.count + size
        if end > len(self.asset):
            capacity = max(end, 2 * len(self.asset))
            self.asset, self.incident, self.km = (
                self._moved(column, capacity) for column in (self.asset, self.incident, self.km)
            )
        self.asset[self.count : end] = block[0]
        self.incident[self.count : end] = block[1]
        self.km[self.count : end] = block[2]
        self.count = end

    def _moved(self, column: NDArray[Any], capacity: int) -> NDArray[Any]:
        larger = _untouched(capacity, column.dtype.type)
        larger[: self.count] = column[: self.count]
        return larger

    def pairs(self) -> Pairs:
        """The pairs found (views of the reservations: the rest was never taken)."""
        count = self.count
        return Pairs(self.asset[:count], self.incident[:count], self.km[:count])


class AssetIndex:
    """Assets' segments, prepared once for any number of incident queries up to a radius."""

    def __init__(self, shapes: AssetShapes, max_radius_km: float) -> None:
        if max_radius_km <= 0:
            raise ValueError("the radius must be positive")
        self.shapes = shapes
        self.max_radius_km = float(max_radius_km)
        start, end = segment_ends(shapes)
        vertices = unit_vectors(shapes.lon, shapes.lat)
        self._a, self._b, self._n, self._box = segment_frames(vertices, shapes.lon, start, end)
        del vertices, start, end
        part_of = np.repeat(
            np.arange(shapes.parts), np.maximum(np.diff(shapes.part_offsets) - 1, 1)
        )
        self._asset = shapes.part_asset[part_of]
        self._asset_segments = np.searchsorted(self._asset, np.arange(len(shapes) + 1)).astype(
            np.int64
        )
        # caps for ``near``: of each asset, and of each run of a few of its segments
        self._asset_chunks, self._chunk_segments = chunks_of(self._asset_segments, _RUN)
        reach = self.max_radius_km / TIGHTEST_KM
        self._asset_cap = caps(self._asset_segments, self._a, self._b, reach)
        self._chunk_cap = caps(self._chunk_segments, self._a, self._b, reach)

    @property
    def segments(self) -> int:
        return len(self._asset)

    def pairs(
        self, lon: ArrayLike, lat: ArrayLike, radius_km: float | ArrayLike, *, workers: int = 0
    ) -> Pairs:
        """Every (asset, incident) with the incident within its radius of the asset.

        ``radius_km`` is one radius or one per incident, at most the index's maximum.
        Incidents sharing a radius (a profile has a few) are scanned together, with a grid
        and boxes sized for it rather than for the largest. Incidents with no finite
        position reach nothing.
        """
        lon_deg = np.asarray(lon, np.float64).reshape(-1)
        lat_deg = np.asarray(lat, np.float64).reshape(-1)
        radius = np.broadcast_to(np.asarray(radius_km, np.float64), lon_deg.shape)
        if len(radius) and radius.max() > self.max_radius_km * (1 + 1e-12):
            raise ValueError(f"a radius exceeds the index's {self.max_radius_km} km")
        located = np.isfinite(lon_deg) & np.isfinite(lat_deg)
        values = np.unique(radius)
        if located.all() and len(values) <= 1:
            return self._scan(lon_deg, lat_deg, np.ascontiguousarray(radius), workers)
        groups = [radius == v for v in values] if len(values) <= 4 else [np.ones(len(radius), bool)]
        found = []
        for chosen in groups:
            rows = np.flatnonzero(chosen & located)
            if len(rows) == 0:
                continue
            part = self._scan(lon_deg[rows], lat_deg[rows], radius[rows], workers)
            renumbered = rows.astype(np.int32)[part.incident]
            found.append(Pairs(part.asset, renumbered, part.distance_km))
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
        """One group of incidents, through a grid sized for the largest of their radii."""
        count = len(lon)
        if count == 0 or len(self.shapes) == 0:
            return Pairs.none()
        largest = float(radius.max())
        smallest = max(math.degrees(largest / TIGHTEST_KM), _SMALLEST_CELL_DEG)
        # a whole number of columns round the globe, so a box past 180 wraps onto the right
        # ones (with a narrow last column, -179 and 181 fell in different cells)
        cols = max(1, math.floor(360.0 / smallest))
        cell_deg = 360.0 / cols
        rows = math.ceil(180.0 / cell_deg)
        order, cell_start, points = grid_order(lon, lat, cell_deg, rows, cols)
        if radius.min() == largest:  # one radius: one value for all, not an array of copies
            by_cell = np.broadcast_to(radius[:1], (count,))
            reach, sure = (np.broadcast_to(c, (count,)) for c in chords_of(radius[:1]))
        else:
            by_cell = np.ascontiguousarray(radius[order])
            reach, sure = chords_of(by_cell)
        threads = max(1, workers or os.cpu_count() or 1)
        slots = [np.full(count, -1, np.int32) for _ in range(threads)]

        def scan(block: tuple[int, int]) -> Block:
            slot = slots.pop()  # list.pop is atomic; at most ``threads`` blocks run at once
            try:
                return pairs_in_grid(
                    block[0], block[1], self._asset_segments, self._a, self._b, self._n,
                    self._box, largest, points, by_cell, reach, sure, cell_start, cell_deg,
                    rows, cols, order, slot,
                )  # fmt: skip
            finally:
                slots.append(slot)

        collected = _Collected(min(max(_PAIRS_RESERVED * count, 1 << 16), _MOST_RESERVED))
        with ThreadPoolExecutor(max_workers=threads) as pool:
            # a window of blocks in flight: finished ones wait for their turn to be copied,
            # a few at a time, then are dropped
            running: deque[Future[Block]] = deque()
            for block in self._blocks(threads):
                running.append(pool.submit(scan, block))
                if len(running) > threads:
                    collected.add(running.popleft().result())
            while running:
                collected.add(running.popleft().result())
        return collected.pairs()

    def _blocks(self, workers: int) -> Iterable[tuple[int, int]]:
        """Asset ranges of about equal segment counts, many per worker for balance."""
        assets = len(self.shapes)
        pieces = min(assets, workers * _BLOCKS_PER_WORKER)
        targets = np.linspace(0, self.segments, pieces + 1)[1:-1]
        cuts = np.unique(np.searchsorted(self._asset_segments, targets))
        edges = [0, *[int(c) for c in cuts if 0 < c < assets], assets]
        return [(lo, hi) for lo, hi in itertools.pairwise(edges) if hi > lo]

    def near(
        self, lon: float, lat: float, radius_km: float
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """The assets within ``radius_km`` of one point (by asset number) and its distance
        to each.

        This is the incremental path: no grid, only the assets whose enclosing cap comes
        within reach are measured.
        """
        if radius_km > self.max_radius_km * (1 + 1e-12):
            raise ValueError(f"the radius exceeds the index's {self.max_radius_km} km")
        if not (math.isfinite(lon) and math.isfinite(lat)):
            return np.empty(0, np.int64), np.empty(0)
        point = unit_vectors([lon], [lat])[0]
        return assets_near(
            point[0], point[1], point[2], float(radius_km), self._asset_chunks,
            self._chunk_segments, self._asset_cap, self._chunk_cap, self._a, self._b, self._n,
        )  # fmt: skip
