"""What a reader asks of the incident store: filters, paging and order, as plain values.

The store turns a query into SQL; the service layer checks its names (threat
classes, sources) first; the command line builds one from options.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from corridor.errors import InputError

__all__ = ["BBox", "IncidentQuery", "parse_bbox"]


class BBox(NamedTuple):
    """A box in degrees; ``west > east`` crosses the antimeridian."""

    west: float
    south: float
    east: float
    north: float


@dataclass(frozen=True)
class IncidentQuery:
    """Filters for reading incidents; None means no filter. Dates are inclusive."""

    since: date | None = None
    until: date | None = None
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    countries: tuple[str, ...] = ()
    threat_classes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    min_fatalities: int | None = None
    limit: int | None = None
    offset: int = 0
    newest_first: bool = False
    # Keyset paging: the (start_date, uuid) of the last incident of the previous page; the
    # page starts after it in the listing order, so inserts elsewhere never shift a page.
    after: tuple[date, str] | None = None


def parse_bbox(text: str) -> BBox:
    """(west, south, east, north) in degrees from "WEST,SOUTH,EAST,NORTH"; west > east
    crosses the antimeridian. :class:`InputError` for anything else."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise InputError(f"bbox {text!r}: expected WEST,SOUTH,EAST,NORTH in degrees") from exc
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise InputError(f"bbox {text!r}: out of range, or south above north")
    return BBox(west, south, east, north)
