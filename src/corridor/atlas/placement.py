"""Does an asset lie in the countries it claims? Checked against 1:50m borders.

Borders at 1:50m are generalized by a few km, so land checks allow
``LAND_TOLERANCE_KM``. A sea lane claims the coastal states whose waters it
passes: each must lie within ``SEA_LANE_REACH_KM`` of the lane.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from corridor.atlas.borders import country_shapes
from corridor.atlas.geometry import to_shape
from corridor.atlas.models import Asset, AssetKind
from corridor.geodesy import great_circle_km

__all__ = ["LAND_TOLERANCE_KM", "SEA_LANE_REACH_KM", "placement_problems"]

LAND_TOLERANCE_KM = 15.0
SEA_LANE_REACH_KM = 150.0


def _geodesic_km(lines: np.ndarray) -> np.ndarray:
    """Geodesic lengths of two-point shapely lines (from shortest_line), in km."""
    ends = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    return great_circle_km(ends[:, 0, 0], ends[:, 0, 1], ends[:, 1, 0], ends[:, 1, 1])


def _vertex_distances_km(points: np.ndarray, country: BaseGeometry) -> np.ndarray:
    """Distance of each point to the country, 0 inside (nearest point found in degrees)."""
    inside = shapely.contains_xy(country, points[:, 0], points[:, 1])
    distances = np.zeros(len(points))
    outside = ~inside
    if outside.any():
        pts = shapely.points(points[outside])
        distances[outside] = _geodesic_km(shapely.shortest_line(pts, country))
    return distances


def placement_problems(asset: Asset) -> list[str]:
    """What is wrong with where ``asset`` lies; empty when it lies where it claims."""
    shapes = country_shapes()
    geom = to_shape(asset.geometry)
    points = shapely.get_coordinates(geom)
    claimed = [c for c in asset.countries if c in shapes]
    if not claimed:
        return []
    problems = []
    if asset.kind is AssetKind.SEA_LANE:
        reach, what = SEA_LANE_REACH_KM, "the sea lane"
    else:
        reach, what = LAND_TOLERANCE_KM, "the asset"
        per_country = np.vstack([_vertex_distances_km(points, shapes[c]) for c in claimed])
        closest = per_country.min(axis=0)
        stray = np.flatnonzero(closest > LAND_TOLERANCE_KM)
        if stray.size:
            i = int(stray[0])
            lon, lat = points[i]
            problems.append(
                f"vertex {i} at ({lon:.4f}, {lat:.4f}) lies {closest[i]:.0f} km outside "
                f"the claimed countries {', '.join(asset.countries)}"
                + (f" ({stray.size} vertices in all)" if stray.size > 1 else "")
            )
    for code in claimed:
        country = shapes[code]
        if shapely.intersects(geom, country):
            continue
        km = float(_geodesic_km(np.array([shapely.shortest_line(geom, country)]))[0])
        if km > reach:
            problems.append(f"claims {code}, but {what} comes no nearer to it than {km:.0f} km")
    return problems
