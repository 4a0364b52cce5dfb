"""Incidents in the order the store added them, for feeds that pull what is new (TAXII).

An incident's ``date_added`` in a feed is the last time it changed for that feed's
readers: its ``updated_at``, or later the moment it was shared with a group the feed
reads through (sharing an old incident must reach a client that pulls
``added_after`` its last pull). Reads page by key ``(date_added, id)``, so a page
boundary never moves when rows are added behind it; and every read applies the
sharing rule through :func:`corridor.store.incidents.filtered`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from corridor.events.access import Viewer
from corridor.events.model import Incident
from corridor.events.query import IncidentQuery
from corridor.store.incidents import filtered, incident_from_row
from corridor.store.tables import incident_shares, incidents

__all__ = ["AddedIncident", "incidents_added"]


@dataclass(frozen=True, slots=True)
class AddedIncident:
    """An incident, its row key and when the feed's readers got it (naive UTC)."""

    key: int
    date_added: datetime
    incident: Incident


def _later(first: Any, second: Any) -> Any:
    """SQL: the later of two times, either of which may be NULL (portable: no GREATEST)."""
    return case((and_(first.is_not(None), first > second), first), else_=second)


def _shared_at(groups: Iterable[str]) -> Any:
    """SQL: when the incident was last shared with one of ``groups`` (NULL if never)."""
    return (
        select(func.max(incident_shares.c.shared_at))
        .where(
            incident_shares.c.incident_uuid == incidents.c.uuid,
            incident_shares.c.group_id.in_(sorted(groups)),
        )
        .scalar_subquery()
    )


def incidents_added(
    connection: Connection,
    viewer: Viewer,
    *,
    group: str | None = None,
    added_after: datetime | None = None,
    start: tuple[datetime, int] | None = None,
    limit: int,
) -> list[AddedIncident]:
    """Up to ``limit`` incidents ``viewer`` may read, by ``(date_added, key)``: shared
    with ``group`` (None: all it may read), added strictly after ``added_after``, from
    key ``start`` on (inclusive). Times are naive UTC."""
    c = incidents.c
    groups = [group] if group is not None else sorted(viewer.groups)
    date_added = _later(_shared_at(groups), c.updated_at) if groups else c.updated_at
    statement = select(incidents, date_added.label("date_added"))
    if group is not None:
        shared = incident_shares.c
        statement = statement.where(
            select(shared.incident_uuid)
            .where(shared.incident_uuid == c.uuid, shared.group_id == group)
            .exists()
        )
    statement = filtered(statement, IncidentQuery(), viewer)
    if added_after is not None:
        statement = statement.where(date_added > added_after)
    if start is not None:
        moment, key = start
        statement = statement.where(
            or_(date_added > moment, and_(date_added == moment, c.id >= key))
        )
    statement = statement.order_by(date_added, c.id).limit(limit)
    return [
        AddedIncident(row.id, _naive(row.date_added), incident_from_row(row))
        for row in connection.execute(statement)
    ]


def _naive(moment: datetime | str) -> datetime:
    """A CASE over two DateTime columns comes back as text on SQLite."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.replace(tzinfo=None)
