"""The API's request and response bodies, declared so the OpenAPI document is exact.

Field names are the generic report format's (``corridor incidents export --format
csv``), so a record read from the API can be reported again as it is.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from corridor.errors import InputError
from corridor.events.model import DatePrecision, Incident, Target, Tlp

__all__ = [
    "IncidentOut",
    "IncidentPageOut",
    "IncidentReport",
    "cursor_after",
    "decode_cursor",
    "encode_cursor",
    "page_json",
]

_Text = Annotated[str, StringConstraints(max_length=10_000)]
_Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]


class _Incident(BaseModel):
    source: _Name
    source_id: _Name
    title: _Name
    start_date: date
    end_date: date | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    longitude: float | None = Field(default=None, ge=-180, le=180)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    location_precision: int = Field(default=1, ge=1, le=5)
    country: str | None = Field(default=None, max_length=100)
    location_name: _Text = ""
    description: _Text = ""
    threat_class: _Name
    source_categories: list[_Name] = Field(default_factory=list, max_length=100)
    severity: int = Field(default=1, ge=1, le=5)
    fatalities_best: int | None = Field(default=None, ge=0)
    fatalities_low: int | None = Field(default=None, ge=0)
    fatalities_high: int | None = Field(default=None, ge=0)
    actors: list[_Name] = Field(default_factory=list, max_length=100)
    target: Target | None = None
    tags: list[_Name] = Field(default_factory=list, max_length=100)
    tlp: Tlp


class IncidentReport(_Incident):
    """One incident an organization reports. There is no ``reporter``: the reporting
    organization is the caller's, never the body's. ``share_with`` names sharing groups
    that receive an AMBER, AMBER+STRICT or RED report."""

    model_config = ConfigDict(extra="forbid")

    share_with: list[_Name] = Field(default_factory=list, max_length=50)


class IncidentOut(_Incident):
    """An incident as a reader gets it."""

    uuid: str
    reporter: str
    source_updated: datetime | None = None

    @classmethod
    def of(cls, incident: Incident) -> IncidentOut:
        from corridor.events.importers.generic import incident_to_dict

        return cls.model_validate({**incident_to_dict(incident), "uuid": str(incident.uuid)})


class IncidentPageOut(BaseModel):
    """One page of incidents the caller may read; ``next_cursor`` fetches the next page
    (None on the last), ``total`` counts every match, on every page."""

    incidents: list[IncidentOut]
    total: int
    next_cursor: str | None


def encode_cursor(incident: Incident) -> str:
    """An opaque cursor after ``incident``: its (start_date, uuid), base64."""
    return cursor_after(incident.start_date, str(incident.uuid))


def cursor_after(start_date: date, uuid: str) -> str:
    """An opaque cursor after the incident of ``start_date`` and ``uuid``."""
    key = f"{start_date.isoformat()}|{uuid}"
    return base64.urlsafe_b64encode(key.encode("ascii")).decode("ascii")


def page_json(incidents: list[str], total: int, next_cursor: str | None) -> bytes:
    """An :class:`IncidentPageOut` document around incidents already written as JSON
    objects (IncidentOut's fields)."""
    cursor = "null" if next_cursor is None else f'"{next_cursor}"'  # base64url: no escapes
    return (
        f'{{"incidents":[{",".join(incidents)}],"total":{total},"next_cursor":{cursor}}}'.encode()
    )


def decode_cursor(cursor: str) -> tuple[date, str]:
    """The (start_date, uuid) in ``cursor``; :class:`InputError` when it is not one of ours."""
    try:
        day, uuid = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii").split("|")
        return date.fromisoformat(day), uuid
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise InputError(f"cursor {cursor!r} is not one this server gave out") from exc
