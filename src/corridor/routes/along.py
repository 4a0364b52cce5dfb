"""What a sea route passes: the atlas's chokepoints in order, and the states it comes near.

A chokepoint that searoute models as a passage is passed when the route walks that
passage's edges; one it does not model (the Singapore Strait, the Dardanelles, Lombok,
the Taiwan Strait) is passed when the route comes within ``CHOKEPOINT_KM`` of its
point. A state is near when the route passes within ``WATERS_KM`` (24 nautical miles,
the outer edge of the contiguous zone) of its land, measured geodesically with the
risk engine's index against Natural Earth borders.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from corridor.atlas.borders import country_shapes
from corridor.atlas.catalog import Atlas
from corridor.geodesy import km_along, wrap_longitude
from corridor.risk.index import AssetIndex
from corridor.risk.shapes import AssetShapes
from corridor.routes.sea import KM_PER_NM, SeaLeg

__all__ = [
    "CHOKEPOINT_KM",
    "WATERS_KM",
    "Passed",
    "chokepoints_passed",
    "states_near",
]

CHOKEPOINT_KM = 60.0
WATERS_KM = 24 * KM_PER_NM
_STEP_DEG = 0.1  # densify routes to about 10 km between points


@dataclass(frozen=True)
class Passed:
    """A chokepoint on a route, with how far along the route it comes."""

    chokepoint: str
    name: str
    km_along: float


def _dense(leg: SeaLeg) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The route's points about every 10 km (lon normalized to -180..180), km along each."""
    line = np.asarray(leg.line, np.float64).reshape(-1, 2)
    if len(line) < 2:
        return np.empty(0), np.empty(0)
    pieces = []
    for start, end in itertools.pairwise(line):
        steps = max(1, int(np.ceil(np.abs(end - start).max() / _STEP_DEG)))
        t = np.linspace(0.0, 1.0, steps, endpoint=False)[:, None]
        pieces.append(start + t * (end - start))
    pieces.append(line[-1:])
    points = np.concatenate(pieces)
    return wrap_longitude(points[:, 0]), points[:, 1]


def chokepoints_passed(atlas: Atlas, leg: SeaLeg) -> list[Passed]:
    """The atlas's chokepoints the route passes, in the order it passes them."""
    lon, lat = _dense(leg)
    if len(lon) == 0:
        return []
    along = km_along(lon, lat)
    points = list(atlas.chokepoints.values())
    shapes = AssetShapes.from_lines(
        [c.id for c in points], [np.array([[c.longitude, c.latitude]]) for c in points]
    )
    found = AssetIndex(shapes, CHOKEPOINT_KM).pairs(lon, lat, CHOKEPOINT_KM)
    passed = []
    for number, point in enumerate(points):
        mine = found.asset == number
        near = found.incident[mine][np.argmin(found.distance_km[mine])] if mine.any() else None
        if point.searoute_passage is not None:
            if point.searoute_passage not in leg.passages:
                continue
            if near is None:  # walked the passage's edges but never came within reach
                near = int(np.argmin((lon - point.longitude) ** 2 + (lat - point.latitude) ** 2))
        elif near is None:
            continue
        passed.append(Passed(point.id, point.name, float(along[near])))
    return sorted(passed, key=lambda p: p.km_along)


@cache
def _border_index() -> tuple[tuple[str, ...], AssetIndex]:
    """Every country's coast and land borders as lines, indexed for WATERS_KM."""
    outlines = {code: _outline(shape) for code, shape in country_shapes().items()}
    codes = tuple(sorted(code for code, outline in outlines.items() if outline is not None))
    borders = AssetShapes.from_geojson((code, *outlines[code]) for code in codes)  # type: ignore[misc]
    return codes, AssetIndex(borders, WATERS_KM)


def _outline(shape: BaseGeometry) -> tuple[str, Any] | None:
    """A country's outline (Antarctica comes as loose lines: it has no coast to near)."""
    polygons = [g for g in getattr(shape, "geoms", [shape]) if g.geom_type.endswith("Polygon")]
    if not polygons:
        return None
    geometry = mapping(shapely.union_all(polygons).boundary)
    return str(geometry["type"]), geometry["coordinates"]


def states_near(leg: SeaLeg) -> list[str]:
    """ISO alpha-3 codes of the states whose coasts the route passes within WATERS_KM of,
    in the order it first comes near them."""
    lon, lat = _dense(leg)
    if len(lon) == 0:
        return []
    codes, index = _border_index()
    found = index.pairs(lon, lat, WATERS_KM)
    first: dict[str, int] = {}
    for asset, point in sorted(
        zip(found.asset.tolist(), found.incident.tolist(), strict=True), key=lambda p: p[1]
    ):
        first.setdefault(codes[asset], point)
    return list(first)
