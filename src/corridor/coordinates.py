"""Coordinates as people and exports write them: decimal, hemisphere letters, DMS.

One coordinate is degrees, then optional minutes and seconds, each with or without its
mark (``1°07'00"N``, ``1 07 00 N``, ``01-07N``, ``107'N`` for 1°07', ``1°07.5'N``), then a
hemisphere letter N, S, E or W in either case; or a signed decimal without a letter
(``-93.87``). A position is two coordinates in either order with a space, comma,
semicolon or slash between: the letters say which is which, and a pair of unlabelled
numbers is read in the order the caller names (``lon,lat`` on the command line, latitude
first in NGA's ASAM). Minutes or seconds of 60 or more (a rounding carry written as
``5°60'00"S``) and three-digit seconds (``010"``) are read as written and counted as
normalized; only a coordinate beyond 90 or 180 degrees is refused.

No numpy here: the command line parses its arguments with this before anything heavy loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from corridor.errors import InputError

__all__ = [
    "Axis",
    "Coordinate",
    "CoordinateError",
    "Position",
    "check_range",
    "parse_coordinate",
    "parse_position",
    "read_coordinate",
    "read_position",
]

Axis = Literal["lon", "lat"]
Order = Literal["lon,lat", "lat,lon"]

_LIMIT = {"lat": 90.0, "lon": 180.0}
_NAME = {"lat": "latitude", "lon": "longitude"}
_EXAMPLE = {"lon,lat": "-93.87,29.73", "lat,lon": "29.73,-93.87"}


class CoordinateError(InputError):
    """Text that is not a coordinate or position; ``reason`` completes "<value> ...".

    ``unreadable`` tells text that is no coordinate at all (a place name, say) from a
    coordinate that is wrong (out of range, two latitudes).
    """

    def __init__(self, reason: str, *, unreadable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreadable = unreadable


@dataclass(frozen=True, slots=True)
class Coordinate:
    """One coordinate as read: signed degrees (S and W negative), the axis its letter
    names (None without one), and whether a carry or three-digit seconds was set right."""

    degrees: float
    axis: Axis | None
    normalized: bool = False


@dataclass(frozen=True, slots=True)
class Position:
    """A position in degrees; ``normalized`` as for :class:`Coordinate`."""

    lon: float
    lat: float
    normalized: bool = False


_DEGREE_MARK = "[\u00b0\u00ba\u02da]"  # degree sign, masculine ordinal, ring above
_MINUTE_MARK = "['\u2032\u2019\u00b4]"  # apostrophe, prime, right quote, acute accent
_SECOND_MARK = "(?:''|\u2032\u2032|[\"\u2033\u201d])"  # two primes, quote, double prime


def _pattern() -> str:
    """One coordinate. Numbers need a mark, a space, "-" or ":" between them, except
    "107'" (no degree sign), read as 1 degree 07 minutes."""
    glued = rf"(?P<gdeg>\d{{1,3}})(?P<gmin>\d{{2}}(?:\.\d+)?)\s*{_MINUTE_MARK}"
    to_minutes = rf"(?:\s*(?P<mark>{_DEGREE_MARK})\s*[-:]?\s*|\s*[-:]\s*|\s+)"
    separate = (
        rf"(?P<deg>\d{{1,3}}(?:\.\d+)?)"
        rf"(?:{to_minutes}(?P<min>\d{{1,2}}(?:\.\d+)?)(?:\s*{_MINUTE_MARK})?"
        rf"|\s*(?P<only>{_DEGREE_MARK}))?"
    )
    to_seconds = rf"(?:(?<={_MINUTE_MARK})\s*|\s*[-:]\s*|\s+)"
    seconds = rf"(?:{to_seconds}(?P<sec>\d{{1,3}}(?:\.\d+)?)(?:\s*{_SECOND_MARK})?)?"
    sign = r"(?P<sign>[-+\u2212])?"
    return rf"\s*{sign}(?:{glued}|{separate}){seconds}(?:\s*(?P<hem>[NSEWnsew]))?\s*"


_ONE = re.compile(_pattern())
_GROUPS = ("sign", "gdeg", "deg", "mark", "only", "gmin", "min", "sec", "hem")
# Where a position may split in two: a comma, semicolon or slash (tried first), a space,
# or right after a hemisphere letter ("1°07'N103°31'E").
_SEPARATOR = re.compile(r"\s*[,;/]\s*")
_SPACE = re.compile(r"\s+|(?<=[NSEWnsew])(?=[-+\u2212\d])")


def _read(text: str) -> Coordinate:
    """One coordinate, its range unchecked; ``unreadable`` when it is none."""
    match = _ONE.fullmatch(text)
    if match is None:
        raise CoordinateError("is not a coordinate", unreadable=True)
    sign, gdeg, deg, mark, only, gmin, minutes, seconds, hemisphere = match.group(*_GROUPS)
    degrees_text, minutes_text = gdeg or deg, gmin or minutes
    if hemisphere is None and minutes_text is not None and not (mark or only or gmin):
        # "1 07" without letter or mark: not one coordinate (two numbers, or nothing)
        raise CoordinateError("is not a coordinate", unreadable=True)
    if sign and hemisphere:
        raise CoordinateError("has both a sign and a hemisphere letter")
    if "." in degrees_text and minutes_text is not None:
        raise CoordinateError("has minutes after decimal degrees")
    if minutes_text is not None and "." in minutes_text and seconds is not None:
        raise CoordinateError("has seconds after decimal minutes")
    minute_value = float(minutes_text) if minutes_text is not None else 0.0
    second_value = float(seconds) if seconds is not None else 0.0
    normalized = minute_value >= 60.0 or second_value >= 60.0
    normalized |= seconds is not None and len(seconds.split(".")[0]) == 3
    value = float(degrees_text) + minute_value / 60.0 + second_value / 3600.0
    letter = (hemisphere or "").upper()
    if sign in ("-", "\u2212") or letter in ("S", "W"):
        value = -value
    axis: Axis | None = "lat" if letter in ("N", "S") else "lon" if letter else None
    return Coordinate(value, axis, normalized)


def check_range(degrees: float, axis: Axis) -> float:
    """``degrees`` if it is a latitude (``axis="lat"``) or longitude in range, else raise."""
    limit = _LIMIT[axis]
    if not -limit <= degrees <= limit:  # NaN too
        raise CoordinateError(f"is outside -{limit:.0f}..{limit:.0f}")
    return degrees


def read_coordinate(text: str, axis: Axis) -> Coordinate:
    """One coordinate of the given axis (see the module docstring); raises
    :class:`CoordinateError` when it is unreadable, of the other axis or out of range."""
    try:
        found = _read(text)
    except CoordinateError as exc:
        if not exc.unreadable:
            raise
        raise CoordinateError(
            "is not a number of degrees such as -93.87, 93.87W or 93°52'12\"W", unreadable=True
        ) from None
    if found.axis is not None and found.axis != axis:
        raise CoordinateError(f"is a {_NAME[found.axis]}, not a {_NAME[axis]}")
    check_range(found.degrees, axis)
    return Coordinate(found.degrees, axis, found.normalized)


def parse_coordinate(text: str, axis: Axis) -> float:
    """Signed degrees of one coordinate: latitude for ``axis="lat"``, longitude for "lon"."""
    return read_coordinate(text, axis).degrees


def _assemble(first: Coordinate, second: Coordinate, order: Order) -> Position:
    """The position of two coordinates: letters decide the axes, else ``order`` does."""
    first_axis, second_axis = first.axis, second.axis
    if first_axis is None and second_axis is None:
        first_axis, second_axis = ("lon", "lat") if order == "lon,lat" else ("lat", "lon")
    elif first_axis is None:
        first_axis = "lon" if second_axis == "lat" else "lat"
    elif second_axis is None:
        second_axis = "lon" if first_axis == "lat" else "lat"
    if first_axis == second_axis:
        raise CoordinateError("needs one latitude (N/S) and one longitude (E/W)")
    lon, lat = (first, second) if first_axis == "lon" else (second, first)
    checks: tuple[tuple[Coordinate, Axis], ...] = ((lat, "lat"), (lon, "lon"))
    for coordinate, axis in checks:
        try:
            check_range(coordinate.degrees, axis)
        except CoordinateError as exc:
            raise CoordinateError(f"{_NAME[axis]} {exc.reason}") from None
    return Position(lon.degrees, lat.degrees, first.normalized or second.normalized)


def read_position(text: str, *, order: Order = "lon,lat") -> Position:
    """A position from two coordinates (see the module docstring); unlabelled numbers are
    taken in ``order``. Raises :class:`CoordinateError`.

    Each place the text may split in two is tried, separators first; the first split
    giving two coordinates wins, else the first thing wrong with one that read is said.
    """
    text = text.strip()
    splits = [*_SEPARATOR.finditer(text), *_SPACE.finditer(text)]
    wrong: CoordinateError | None = None
    for split in splits:
        try:
            first, second = _read(text[: split.start()]), _read(text[split.end() :])
            return _assemble(first, second, order)
        except CoordinateError as exc:
            if not exc.unreadable and wrong is None:
                wrong = exc
    if wrong is not None:
        raise wrong
    raise CoordinateError(
        f"is not a position such as 1°07'00\"N 103°31'00\"E or {_EXAMPLE[order]}",
        unreadable=True,
    )


def parse_position(text: str, *, order: Order = "lon,lat") -> tuple[float, float]:
    """(longitude, latitude) of a position such as "-93.87,29.73", "29.73N 93.87W" or
    ``1°07'00"N 103°31'00"E``; unlabelled numbers are taken in ``order``."""
    position = read_position(text, order=order)
    return position.lon, position.lat
