"""Assets as flat coordinate arrays: the shape the spatial index and the kernels want.

A thousand shapely objects cost more to walk than to measure; one array of vertices,
with offsets saying where each part (a point, or a line of vertices) starts and which
asset it belongs to, costs nothing to walk. Coordinates are (longitude, latitude),
WGS 84 degrees; a line's consecutive vertices are joined by great-circle arcs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["AssetShapes"]


def _parts(kind: str, coordinates: Any) -> list[list[Sequence[float]]]:
    """The geometry's parts as vertex lists; a polygon counts by its rings (its edges)."""
    if kind == "Point":
        return [[coordinates]]
    if kind in ("LineString", "MultiPoint"):
        return [list(coordinates)] if kind == "LineString" else [[p] for p in coordinates]
    if kind in ("MultiLineString", "Polygon"):
        return [list(line) for line in coordinates]
    if kind == "MultiPolygon":
        return [list(ring) for polygon in coordinates for ring in polygon]
    raise ValueError(f"unsupported geometry type {kind!r}")


@dataclass(frozen=True, eq=False)
class AssetShapes:
    """Every asset's parts, flattened. Part ``k`` is vertices ``part_offsets[k]:[k+1]``."""

    ids: tuple[str, ...]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    part_offsets: NDArray[np.int64]
    part_asset: NDArray[np.int64]

    @classmethod
    def from_geojson(cls, items: Iterable[tuple[str, str, Any]]) -> AssetShapes:
        """From (id, GeoJSON type, coordinates) triples, in the order given."""
        ids: list[str] = []
        vertices: list[Sequence[float]] = []
        offsets = [0]
        owners: list[int] = []
        for number, (asset_id, kind, coordinates) in enumerate(items):
            ids.append(asset_id)
            for part in _parts(kind, coordinates):
                if not part:
                    continue
                vertices.extend(part)
                offsets.append(len(vertices))
                owners.append(number)
        points = np.asarray([(p[0], p[1]) for p in vertices], np.float64).reshape(-1, 2)
        return cls(
            ids=tuple(ids),
            lon=np.ascontiguousarray(points[:, 0]),
            lat=np.ascontiguousarray(points[:, 1]),
            part_offsets=np.asarray(offsets, np.int64),
            part_asset=np.asarray(owners, np.int64),
        )

    @classmethod
    def from_lines(cls, ids: Sequence[str], lines: Sequence[NDArray[np.float64]]) -> AssetShapes:
        """One part per asset: an (n, 2) array of (lon, lat) vertices, n = 1 for a point."""
        arrays = [np.asarray(line, np.float64).reshape(-1, 2) for line in lines]
        kept = [k for k, a in enumerate(arrays) if len(a)]
        points = np.concatenate([arrays[k] for k in kept]) if kept else np.empty((0, 2))
        sizes = np.array([len(arrays[k]) for k in kept], np.int64)
        return cls(
            ids=tuple(ids),
            lon=np.ascontiguousarray(points[:, 0]),
            lat=np.ascontiguousarray(points[:, 1]),
            part_offsets=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
            part_asset=np.asarray(kept, np.int64),
        )

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def parts(self) -> int:
        return len(self.part_asset)
