"""Country shapes from the bundled Natural Earth 1:50m TopoJSON, decoded with shapely."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from corridor.atlas.countries import iso_countries

__all__ = ["countries_at", "country_shapes"]

# Natural Earth features without an ISO numeric id, and the ISO countries they belong to.
# Siachen is administered by India and claimed by Pakistan: it counts for both.
_UNNUMBERED = {
    "Somaliland": ("SOM",),
    "N. Cyprus": ("CYP",),
    "Siachen Glacier": ("IND", "PAK"),
    "Indian Ocean Ter.": ("AUS",),
}

Arcs = list[list[tuple[float, float]]]


def _decode_arcs(topology: dict[str, Any]) -> Arcs:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: Arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: Arcs, indexes: Iterable[int]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def _polygon(arcs: Arcs, rings: list[list[int]]) -> Polygon:
    exterior, *holes = (_ring(arcs, r) for r in rings)
    return Polygon(exterior, holes)


def _shape(arcs: Arcs, geometry: dict[str, Any]) -> BaseGeometry | None:
    if geometry["type"] == "Polygon":
        return _polygon(arcs, geometry["arcs"])
    if geometry["type"] == "MultiPolygon":
        return MultiPolygon([_polygon(arcs, p) for p in geometry["arcs"]])
    return None


@cache
def country_shapes() -> dict[str, BaseGeometry]:
    """ISO alpha-3 code -> (multi)polygon, for the 236 countries Natural Earth draws at 1:50m."""
    text = resources.files("corridor.atlas").joinpath("data/borders/countries-50m.json")
    topology = json.loads(text.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    by_numeric = {numeric: alpha3 for alpha3, (_, numeric, _) in iso_countries().items()}
    parts: dict[str, list[BaseGeometry]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        geom = _shape(arcs, geometry)
        if geom is None:
            continue
        numeric = geometry.get("id")
        codes = (
            (by_numeric[numeric],)
            if numeric in by_numeric
            else _UNNUMBERED.get(geometry.get("properties", {}).get("name", ""), ())
        )
        for code in codes:
            parts.setdefault(code, []).append(shapely.make_valid(geom))
    shapes = {code: shapely.union_all(geoms) for code, geoms in parts.items()}
    for geom in shapes.values():
        shapely.prepare(geom)
    return shapes


@cache
def _border_tree() -> tuple[tuple[str, ...], shapely.STRtree]:
    """The country codes and an R-tree of their (prepared) shapes, in the same order."""
    shapes = country_shapes()
    codes = tuple(sorted(shapes))
    return codes, shapely.STRtree([shapes[code] for code in codes])


def countries_at(longitude: float, latitude: float) -> list[str]:
    """The countries whose 1:50m polygon contains the point (usually one, none at sea).

    The tree keeps the few countries whose box holds the point; their prepared shapes
    decide (a point on a border belongs to neither side, as ``contains`` says).
    """
    codes, tree = _border_tree()
    boxed = tree.query(shapely.Point(longitude, latitude))
    inside = boxed[shapely.contains_xy(tree.geometries[boxed], longitude, latitude)]
    return [codes[i] for i in sorted(inside.tolist())]
