"""The incident repository: bulk upsert by (source, source_id) and filtered reads.

Writes go through a staging table: records are bulk-loaded into it (executemany
on SQLite, COPY on PostgreSQL), then one ``INSERT ... SELECT ... ON CONFLICT``
merges them. A stored record is replaced only when its content changed and
the incoming record is at least as new (``source_updated``); its ``version``
then grows by one. Every read applies the sharing rule for the viewer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Select, and_, func, or_, select, text

from corridor.events.access import GROUP_LABELS, Viewer
from corridor.events.columnar import NUL, NUL_STANDIN, RECORD_SCHEMA, record_values
from corridor.events.model import (
    DatePrecision,
    Incident,
    LocationPrecision,
    Target,
    Tlp,
)
from corridor.events.query import IncidentQuery
from corridor.store.staging import STAGING, create_staging
from corridor.store.tables import incident_shares, incidents

__all__ = [
    "IncidentQuery",
    "UpsertCounts",
    "count_matching",
    "filtered",
    "incident_by_uuid",
    "incidents_matching",
    "merge_staged",
    "sources_visible",
    "stats",
    "storable_table",
    "upsert_incidents",
    "visible_to",
]

COLUMNS: tuple[str, ...] = tuple(c.name for c in incidents.columns if c.name != "id")
_META = {"uuid", "source", "source_id", "origin_instance", "version", "created_at", "updated_at"}
_CONTENT: tuple[str, ...] = tuple(c for c in COLUMNS if c not in _META)
# What a staging table holds: the record; the merge adds origin, version and times.
RECORD_COLUMNS: tuple[str, ...] = tuple(RECORD_SCHEMA.names)
assert COLUMNS[: len(RECORD_COLUMNS)] == RECORD_COLUMNS


def _sqlite_time(moment: datetime) -> str:
    """A time as SQLAlchemy's SQLite DateTime stores it (4-digit year, microseconds)."""
    return moment.isoformat(sep=" ", timespec="microseconds")


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """What a batch did to the store."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


def _row(incident: Incident, *, as_text: bool) -> tuple[Any, ...]:
    """The incident as a tuple in RECORD_COLUMNS order.

    ``as_text`` writes dates and times as SQLAlchemy's SQLite types store them.
    """
    values = record_values(incident)
    if not as_text:
        return values
    start, end, updated = values[5], values[6], values[24]
    return (
        *values[:5],
        start.isoformat(),
        end.isoformat() if end is not None else None,
        *values[7:24],
        _sqlite_time(updated) if updated is not None else None,
    )


def _stage(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    names = ", ".join(RECORD_COLUMNS)
    create_staging(connection, names)
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {STAGING} ({names}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(RECORD_COLUMNS))
    cursor = raw.cursor()  # type: ignore[union-attr]
    cursor.executemany(f"INSERT INTO {STAGING} ({names}) VALUES ({marks})", rows)
    cursor.close()


# The incoming record is at least as new as the stored one (or either has no date).
_NEWER = (
    "(excluded.source_updated IS NULL OR incidents.source_updated IS NULL "
    "OR excluded.source_updated >= incidents.source_updated)"
)


def _differs(distinct: str) -> str:
    """SQL: some content column of the incoming record differs from the stored one."""
    return "(" + " OR ".join(f"excluded.{c} {distinct} incidents.{c}" for c in _CONTENT) + ")"


def merge_staged(
    connection: Connection, staging: str, staged: int, *, origin: str = "local"
) -> UpsertCounts:
    """Merge ``staged`` records from the table ``staging`` into incidents, in the caller's
    transaction; what happened, counted in the same transaction.

    The staging table holds RECORD_COLUMNS; origin, version and times are added here.
    """
    now: Any = datetime.now(UTC).replace(tzinfo=None)
    if connection.dialect.name == "sqlite":
        now = _sqlite_time(now)
    stamp = {"origin": origin, "now": now}
    names = ", ".join(COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _CONTENT)
    distinct = "IS DISTINCT FROM" if connection.dialect.name == "postgresql" else "IS NOT"
    merge = text(
        f"INSERT INTO incidents ({names}) SELECT {', '.join(RECORD_COLUMNS)}, "
        f":origin, 1, :now, :now FROM {staging} WHERE true "
        f"ON CONFLICT (source, source_id) DO UPDATE SET {updates}, "
        "version = incidents.version + 1, updated_at = excluded.updated_at "
        f"WHERE {_differs(distinct)} AND {_NEWER}"
    )
    if connection.dialect.name == "sqlite":
        # One writer at a time, and a new row's id is above every stored id: the rows
        # above the old maximum are the inserted ones, the rest of the changes updates.
        highest = connection.execute(text("SELECT coalesce(max(id), 0) FROM incidents")).scalar()
        written = connection.execute(merge, stamp).rowcount
        inserted = connection.execute(
            text("SELECT count(*) FROM incidents WHERE id > :highest"), {"highest": highest}
        ).scalar_one()
        return UpsertCounts(int(inserted), written - int(inserted), staged - written)
    # PostgreSQL: a row the statement inserted has no xmax yet; one it updated has ours.
    returning = merge.text + " RETURNING (xmax = 0) AS inserted"
    inserted, updated = connection.execute(
        text(
            f"WITH merged AS ({returning}) SELECT count(*) FILTER (WHERE inserted), "
            "count(*) FILTER (WHERE NOT inserted) FROM merged"
        ),
        stamp,
    ).one()
    return UpsertCounts(int(inserted), int(updated), staged - int(inserted) - int(updated))


def upsert_incidents(
    connection: Connection, batch: Sequence[Incident], *, origin: str = "local"
) -> UpsertCounts:
    """Insert new incidents and update changed ones, in the caller's transaction.

    A batch that names the same (source, source_id) twice keeps the last one.
    """
    if not batch:
        return UpsertCounts()
    as_text = connection.dialect.name == "sqlite"
    unique = {(i.source, i.source_id): i for i in batch}
    rows = [_row(incident, as_text=as_text) for incident in unique.values()]
    _stage(connection, rows)
    return merge_staged(connection, STAGING, len(rows), origin=origin)


def storable_table(table: pa.Table, *, dialect: str) -> pa.Table:
    """A record table as :func:`upsert_incidents` stages it, for :func:`merge_staged`.

    One record per (source, source_id), the last; values as the dialect stores them.
    """
    table = _last_of_each(table)
    text_columns = ("source", "source_id", "title", "description", "location_name", "reporter")
    for name in text_columns:  # as storable() does
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, pc.replace_substring(table[name], NUL, NUL_STANDIN))
    if dialect == "sqlite":  # as SQLAlchemy's SQLite types store them
        for name in ("start_date", "end_date"):
            table = table.set_column(
                table.schema.get_field_index(name), name, table[name].cast(pa.string())
            )
        updated = pc.strftime(table["source_updated"], format="%Y-%m-%d %H:%M:%S")
        table = table.set_column(len(RECORD_SCHEMA) - 1, "source_updated", updated)
    return table


def _last_of_each(table: pa.Table) -> pa.Table:
    """The table with only the last record of each (source, source_id), as upsert_incidents."""
    if pc.count_distinct(table["source_id"]).as_py() == table.num_rows:
        return table
    numbered = table.append_column("_n", pa.array(range(table.num_rows), pa.int64()))
    last = numbered.group_by(["source", "source_id"]).aggregate([("_n", "max")])
    return table.take(np.sort(last["_n_max"].to_numpy()))


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


def incidents_matching(
    connection: Connection, query: IncidentQuery, viewer: Viewer
) -> Iterator[Incident]:
    """Incidents that pass the filters and that ``viewer`` may read, oldest first."""
    c = incidents.c
    order = (c.start_date.desc(), c.id.desc()) if query.newest_first else (c.start_date, c.id)
    statement = filtered(select(incidents), query, viewer).order_by(*order)
    if query.limit is not None:
        statement = statement.limit(query.limit)
    if query.offset:
        statement = statement.offset(query.offset)
    for row in connection.execute(statement):
        yield _incident(row)


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
