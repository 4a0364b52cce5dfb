"""Checks and measures on GeoJSON geometries, in (longitude, latitude) degrees."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

__all__ = ["geodesic_length_km", "geometry_problem", "max_vertex_gap_km", "to_shape"]

_DEPTH = {"Point": 1, "LineString": 2, "MultiLineString": 3, "Polygon": 3, "MultiPolygon": 4}


def _positions(coordinates: Any, depth: int) -> list[Any]:
    if depth == 1:
        return [coordinates]
    if not isinstance(coordinates, list | tuple):
        raise TypeError
    return [p for part in coordinates for p in _positions(part, depth - 1)]


def geometry_problem(kind: str, coordinates: Any) -> str | None:
    """Why a GeoJSON geometry is unusable, or None when it is fine.

    Catches wrong nesting, positions that are not [lon, lat] numbers, values
    out of range (often latitude and longitude swapped), lines of one point,
    unclosed rings and self-intersecting polygons.
    """
    try:
        positions = _positions(coordinates, _DEPTH[kind])
    except (TypeError, KeyError):
        return f"coordinates are not nested as a {kind} needs"
    if not positions:
        return "geometry has no coordinates"
    for position in positions:
        if (
            not isinstance(position, list | tuple)
            or len(position) not in (2, 3)
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
        ):
            return f"position {position!r} is not [longitude, latitude]"
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return f"position [{lon}, {lat}] is outside longitude -180..180 / latitude -90..90"
    try:
        geom = shape({"type": kind, "coordinates": coordinates})
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        return f"invalid {kind}: {exc}"
    if kind in ("LineString", "MultiLineString") and geom.length == 0:
        return f"{kind} has zero length"
    if not geom.is_valid:
        return f"invalid {kind}: {shapely.is_valid_reason(geom)}"
    return None


def to_shape(geometry: Any) -> BaseGeometry:
    """A shapely geometry from a mapping or model with ``type`` and ``coordinates``."""
    if isinstance(geometry, dict):
        return shape(geometry)
    return shape({"type": geometry.type, "coordinates": geometry.coordinates})


def _steps_km(geom: BaseGeometry) -> list[NDArray[np.float64]]:
    """The distance between consecutive vertices of each line of ``geom``, in km; a
    polygon counts its outer ring, as pyproj's ``Geod.geometry_length`` does."""
    from corridor.geodesy import great_circle_km  # numba: only where lengths are measured

    parts = shapely.get_parts(geom)
    if geom.geom_type.endswith("Polygon"):
        parts = shapely.get_exterior_ring(parts)
    steps = []
    for part in parts:
        coords = shapely.get_coordinates(part)
        if len(coords) > 1:
            lon, lat = coords[:, 0], coords[:, 1]
            steps.append(great_circle_km(lon[:-1], lat[:-1], lon[1:], lat[1:]))
    return steps


def geodesic_length_km(geom: BaseGeometry) -> float:
    """Length on the WGS 84 ellipsoid, in km (0 for points)."""
    return float(sum(step.sum() for step in _steps_km(geom)))


def max_vertex_gap_km(geom: BaseGeometry) -> float:
    """The longest distance between consecutive vertices of a line, in km."""
    return max((float(step.max()) for step in _steps_km(geom)), default=0.0)
