"""Where a voyage starts and ends: an atlas port, a world port by name or UN/LOCODE, a point.


World ports are searoute's list (3,955 ports with UN/LOCODE). A user's port list is a
CSV with a ``name`` column and either ``lon``/``lat`` (or ``longitude``/``latitude``)
columns or names the resolver knows; a bad row is named with its line and field.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from corridor.atlas.catalog import Atlas
from corridor.coordinates import Axis, CoordinateError, parse_coordinate, parse_position
from corridor.errors import InputError, UnknownValueError
from corridor.routes.disruption import Place

__all__ = [
    "PlaceError",
    "UnknownPlaceError",
    "atlas_ports",
    "read_places",
    "resolve_place",
    "unique",
]


class PlaceError(InputError):
    """A place that cannot be found or read."""


class UnknownPlaceError(UnknownValueError, PlaceError):
    """A name that is no atlas port, no world port and no position (exit 2, "did you mean")."""

    def __init__(self, text: str, atlas: Atlas) -> None:
        names = [p.name for p in atlas_ports(atlas)] + _world_port_names()
        super().__init__(
            "port", text, names, hint="an atlas port id, a world port name or UN/LOCODE, or lon,lat"
        )


@cache
def _world_port_names() -> list[str]:
    """World port names as searoute spells them, for suggestions."""
    from searoute.data.ports_dict import node_list

    return sorted({str(data["name"]) for data in node_list.values() if data.get("name")})


@cache
def _world_ports() -> dict[str, Place]:
    from searoute.data.ports_dict import node_list

    found: dict[str, Place] = {}
    for (lon, lat), data in node_list.items():
        place = Place(str(data.get("name") or data.get("port")), float(lon), float(lat))
        if data.get("port"):
            found.setdefault(str(data["port"]).upper(), place)
        if data.get("name"):
            found.setdefault(str(data["name"]).casefold(), place)
    return found


def atlas_ports(atlas: Atlas) -> list[Place]:
    """The atlas's sea ports, named by their asset ids."""
    return [
        Place(a.id, float(a.geometry.coordinates[0]), float(a.geometry.coordinates[1]))
        for a in atlas.assets.values()
        if a.kind.value == "port" and a.geometry.type == "Point"
    ]


def resolve_place(text: str, atlas: Atlas) -> Place:
    """An atlas port id, a world port's name or UN/LOCODE, or a position: "lon,lat" or any
    form corridor.coordinates reads ("29.73N 93.87W"); PlaceError if none."""
    text = text.strip()
    for port in atlas_ports(atlas):
        if port.name == text:
            return port
    try:
        lon, lat = parse_position(text)
    except CoordinateError as exc:
        if not exc.unreadable:
            raise PlaceError(f"{text}: {exc.reason}") from None
    else:
        return Place(text, lon, lat)
    ports = _world_ports()
    found = ports.get(text.upper()) or ports.get(text.casefold())
    if found is not None:
        return Place(text, found.lon, found.lat)
    raise UnknownPlaceError(text, atlas)


def read_places(path: Path, atlas: Atlas) -> list[Place]:
    """Ports from a CSV (see the module docstring)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream))
    except OSError as exc:
        raise PlaceError(f"{path}: {exc.strerror or exc}") from exc
    if not rows or "name" not in rows[0]:
        raise PlaceError(f"{path}:1: name: the header needs a name column")
    places = []
    for line, row in enumerate(rows, start=2):
        places.append(_row_place(path, line, row, atlas))
    return places


def _row_place(path: Path, line: int, row: dict[str, str], atlas: Atlas) -> Place:
    name = (row.get("name") or "").strip()
    lon = (row.get("lon") or row.get("longitude") or "").strip()
    lat = (row.get("lat") or row.get("latitude") or "").strip()
    if not name:
        raise PlaceError(f"{path}:{line}: name: empty")
    if not lon and not lat:
        try:
            return Place(name, *resolve_place(name, atlas).point)
        except PlaceError as exc:
            raise PlaceError(f"{path}:{line}: name: {exc}") from exc
    fields: tuple[tuple[Axis, str], ...] = (("lon", lon), ("lat", lat))
    degrees = []
    for axis, value in fields:
        try:
            degrees.append(parse_coordinate(value, axis))
        except CoordinateError as exc:
            raise PlaceError(f"{path}:{line}: {axis}: {value!r} {exc.reason}") from None
    return Place(name, degrees[0], degrees[1])


def unique(places: Sequence[Place]) -> list[Place]:
    """Places in order, each name once."""
    seen: dict[str, Place] = {}
    for place in places:
        seen.setdefault(place.name, place)
    return list(seen.values())
