"""The incident: one security event, from our own reports or public event data.

An incident is a plain frozen record so importers can make a million of them
quickly; the store adds identity (UUID), origin, version and timestamps.
Coordinates are (longitude, latitude) in WGS 84 degrees.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum, StrEnum

__all__ = [
    "INCIDENT_NAMESPACE",
    "DatePrecision",
    "Incident",
    "LocationPrecision",
    "Target",
    "Tlp",
    "incident_uuid",
    "severity_for",
]

# Fixed namespace: every instance derives the same UUID for the same (source, source_id),
# so national instances can exchange incidents idempotently.
INCIDENT_NAMESPACE = uuid.UUID("5b0c7e3e-6f4b-4c36-9a53-2f1d8e0c9a11")


class Tlp(StrEnum):
    """Traffic Light Protocol 2.0 labels, least restrictive first."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"


class DatePrecision(StrEnum):
    """How exactly the source knows when the event happened."""

    DAY = "day"
    WEEK = "week"  # known to within a few days
    MONTH = "month"
    YEAR = "year"


class LocationPrecision(IntEnum):
    """How exactly the source knows where, on one scale for every source (1 best).

    UCDP ``where_prec`` 1..7 and ACLED ``geo_precision`` 1..3 map onto it.
    """

    EXACT = 1  # the place itself
    NEAR = 2  # within about 25 km
    DISTRICT = 3  # second-order administrative division
    PROVINCE = 4  # first-order administrative division or a linear feature
    COUNTRY = 5  # the country, or a large area of sea


class Target(StrEnum):
    """What the event struck."""

    PEOPLE = "people"
    VESSEL = "vessel"
    PIPELINE = "pipeline"
    RAILWAY = "railway"
    PORT = "port"
    ROAD = "road"
    ENERGY = "energy"
    MILITARY = "military"
    GOVERNMENT = "government"
    PROPERTY = "property"
    OTHER = "other"


def incident_uuid(source: str, source_id: str) -> uuid.UUID:
    """The stable UUID of an incident, the same on every instance."""
    return uuid.uuid5(INCIDENT_NAMESPACE, f"{source}\x1f{source_id}")


@dataclass(frozen=True, slots=True)
class Incident:
    """One security event as a source reports it, classified in the atlas taxonomy.

    ``threat_class`` is an atlas threat id; ``source_categories`` keeps the
    source's own labels beside it. ``severity`` runs 1 (minor) to 5 (mass
    casualties or strategic damage). ``source_updated`` is when the source last
    changed the record (an aware UTC datetime), if it says: a re-import only
    replaces a stored record with one at least as new.
    """

    source: str
    source_id: str
    title: str
    start_date: date
    threat_class: str
    end_date: date | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    longitude: float | None = None
    latitude: float | None = None
    location_precision: LocationPrecision = LocationPrecision.EXACT
    country: str | None = None
    location_name: str = ""
    description: str = ""
    source_categories: tuple[str, ...] = ()
    severity: int = 1
    fatalities_best: int | None = None
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    actors: tuple[str, ...] = ()
    target: Target | None = None
    tags: tuple[str, ...] = ()
    reporter: str = ""
    tlp: Tlp = Tlp.CLEAR
    source_updated: datetime | None = None

    @property
    def uuid(self) -> uuid.UUID:
        return incident_uuid(self.source, self.source_id)


def severity_for(fatalities: int | None, *, floor: int = 1) -> int:
    """Severity 1..5 from a death toll: 0 -> 1, 1-2 -> 2, 3-9 -> 3, 10-99 -> 4, 100+ -> 5.

    ``floor`` lifts non-lethal events whose kind is grave in itself (a hijacking).
    """
    if not fatalities or fatalities <= 0:
        level = 1
    elif fatalities < 3:
        level = 2
    elif fatalities < 10:
        level = 3
    elif fatalities < 100:
        level = 4
    else:
        level = 5
    return max(level, floor)
