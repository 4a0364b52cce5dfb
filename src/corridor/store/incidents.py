"""The incident repository's reads: filtered, paged, counted; every one applies the
sharing rule for the viewer. Writes (the staged upsert) are in ``incident_writes``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date
from typing import Any

from sqlalchemy import Connection, Select, and_, func, or_, select

from corridor.events.access import GROUP_LABELS, Viewer
from corridor.events.model import (
    DatePrecision,
    Incident,
    LocationPrecision,
    Target,
    Tlp,
)
from corridor.events.query import IncidentQuery
from corridor.store.tables import incident_shares, incidents

__all__ = [
    "IncidentQuery",
    "count_matching",
    "filtered",
    "incident_by_uuid",
    "incident_from_row",
    "incidents_matching",
    "sources_visible",
    "stats",
    "visible_to",
]

# --------------------------------------------------------------------------- reads


def visible_to(viewer: Viewer) -> Any:
    """SQL: the incident may be read by ``viewer``; mirrors
    :func:`corridor.events.access.may_read` clause for clause (a property test holds
    the two together): the labels everyone of its kind reads, what it owns, and the
    group labels shared with a group it belongs to on the read date."""
    c = incidents.c
    everywhere = sorted(label.value for label in viewer.visible_everywhere)
    clause: Any = c.tlp.in_(everywhere)
    if viewer.organization:
        clause = or_(clause, c.reporter == viewer.organization)
        if viewer.groups:
            shared = (
                select(incident_shares.c.incident_uuid)
                .where(
                    incident_shares.c.incident_uuid == c.uuid,
                    incident_shares.c.group_id.in_(sorted(viewer.groups)),
                )
                .exists()
            )
            group_labels = sorted(label.value for label in GROUP_LABELS)
            clause = or_(clause, and_(c.tlp.in_(group_labels), shared))
    return clause


def filtered(statement: Select[Any], query: IncidentQuery, viewer: Viewer) -> Select[Any]:
    """``statement`` narrowed to the query's filters and to what ``viewer`` may read."""
    c = incidents.c
    conditions = [visible_to(viewer)]
    if query.since is not None:
        conditions.append(c.start_date >= query.since)
    if query.until is not None:
        conditions.append(c.start_date <= query.until)
    if query.bbox is not None:
        west, south, east, north = query.bbox
        conditions += [c.latitude >= south, c.latitude <= north]
        if west <= east:
            conditions += [c.longitude >= west, c.longitude <= east]
        else:  # the box crosses the antimeridian
            conditions.append(or_(c.longitude >= west, c.longitude <= east))
    if query.countries:
        conditions.append(c.country.in_(query.countries))
    if query.threat_classes:
        conditions.append(c.threat_class.in_(query.threat_classes))
    if query.sources:
        conditions.append(c.source.in_(query.sources))
    if query.min_fatalities is not None:
        conditions.append(c.fatalities_best >= query.min_fatalities)
    return statement.where(and_(*conditions))


def _incident(row: Any) -> Incident:
    m = row._mapping
    return Incident(
        source=m["source"],
        source_id=m["source_id"],
        title=m["title"],
        description=m["description"],
        start_date=m["start_date"],
        end_date=m["end_date"],
        date_precision=DatePrecision(m["date_precision"]),
        longitude=m["longitude"],
        latitude=m["latitude"],
        location_precision=LocationPrecision(m["location_precision"]),
        country=m["country"],
        location_name=m["location_name"],
        threat_class=m["threat_class"],
        source_categories=tuple(json.loads(m["source_categories"])),
        severity=m["severity"],
        fatalities_best=m["fatalities_best"],
        fatalities_low=m["fatalities_low"],
        fatalities_high=m["fatalities_high"],
        actors=tuple(json.loads(m["actors"])),
        target=Target(m["target"]) if m["target"] else None,
        tags=tuple(json.loads(m["tags"])),
        reporter=m["reporter"],
        tlp=Tlp(m["tlp"]),
        source_updated=m["source_updated"].replace(tzinfo=UTC) if m["source_updated"] else None,
    )


def incident_from_row(row: Any) -> Incident:
    """The incident of a row that selects every column of ``incidents`` (and maybe more):
    for other repositories that read incidents in an order of their own."""
    return _incident(row)


def incidents_matching(
    connection: Connection, query: IncidentQuery, viewer: Viewer
) -> Iterator[Incident]:
    """Incidents that pass the filters and that ``viewer`` may read, oldest first."""
    c = incidents.c
    order = (c.start_date.desc(), c.id.desc()) if query.newest_first else (c.start_date, c.id)
    statement = filtered(select(incidents), query, viewer).order_by(*order)
    if query.after is not None:
        statement = statement.where(_after(query.after, newest_first=query.newest_first))
    if query.limit is not None:
        statement = statement.limit(query.limit)
    if query.offset:
        statement = statement.offset(query.offset)
    for row in connection.execute(statement):
        yield _incident(row)


def _after(key: tuple[date, str], *, newest_first: bool) -> Any:
    """SQL: the incident comes after ``key`` = (start_date, uuid) in the listing order
    (start_date, then the row id of that uuid; a key whose incident is gone falls back
    to the date alone)."""
    c = incidents.c
    day, uuid = key
    row_id = select(c.id).where(c.uuid == uuid).scalar_subquery()
    if newest_first:
        return or_(c.start_date < day, and_(c.start_date == day, c.id < row_id))
    return or_(c.start_date > day, and_(c.start_date == day, c.id > row_id))


def incident_by_uuid(connection: Connection, uuid: str, viewer: Viewer) -> Incident | None:
    """The incident with ``uuid`` if ``viewer`` may read it; None whether it is missing or
    hidden, so a reader learns nothing of what it may not see."""
    statement = filtered(select(incidents), IncidentQuery(), viewer).where(incidents.c.uuid == uuid)
    row = connection.execute(statement.limit(1)).first()
    return _incident(row) if row is not None else None


def stats(connection: Connection, query: IncidentQuery, viewer: Viewer) -> dict[str, Any]:
    """Counts per threat class, country, year and year x class of what ``viewer`` may read."""
    c = incidents.c
    year = (
        func.extract("year", c.start_date)
        if connection.dialect.name == "postgresql"
        else (func.strftime("%Y", c.start_date))
    )
    result: dict[str, Any] = {}
    for name, key in (("threat_class", c.threat_class), ("country", c.country), ("year", year)):
        statement = filtered(select(key, func.count()), query, viewer).group_by(key).order_by(key)
        result[name] = {
            (str(int(k)) if name == "year" and k is not None else k): n
            for k, n in connection.execute(statement)
        }
    per_year_class = (
        filtered(select(year, c.threat_class, func.count()), query, viewer)
        .group_by(year, c.threat_class)
        .order_by(year)
    )
    by_year: dict[str, dict[str, int]] = {}
    for y, threat, n in connection.execute(per_year_class):
        by_year.setdefault(str(int(y)), {})[threat] = n
    result["year_class"] = by_year
    total = filtered(select(func.count()), query, viewer)
    result["total"] = connection.execute(total).scalar_one()
    return result


def count_matching(connection: Connection, query: IncidentQuery, viewer: Viewer) -> int:
    """How many incidents pass the filters and ``viewer`` may read (paging aside)."""
    total = filtered(select(func.count()), query, viewer)
    return int(connection.execute(total).scalar_one())


def sources_visible(connection: Connection, viewer: Viewer) -> list[str]:
    """The sources of the incidents ``viewer`` may read, sorted."""
    statement = filtered(select(incidents.c.source).distinct(), IncidentQuery(), viewer)
    return sorted(str(s) for (s,) in connection.execute(statement))
