"""Writing incidents: the staged upsert by (source, source_id) both import engines end in.

Records are bulk-loaded into a staging table (executemany on SQLite, COPY on
PostgreSQL), then one ``INSERT ... SELECT ... ON CONFLICT`` merges them. A stored
record is replaced only when its content changed and the incoming record is at least
as new (``source_updated``); its ``version`` then grows by one. Kept apart from the
reads so that a command that only lists incidents never loads numpy or pyarrow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, text

from corridor.events.columnar import NUL, NUL_STANDIN, RECORD_SCHEMA, record_values
from corridor.events.model import (
    Incident,
)
from corridor.store.staging import STAGING, create_staging
from corridor.store.tables import incidents
from corridor.store.versions import INCIDENTS, raise_version

__all__ = ["UpsertCounts", "merge_staged", "storable_table", "upsert_incidents"]

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
    refused: int = 0  # another organization's incident: never overwritten by a file

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.refused + other.refused,
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


# The stored incident is not another organization's (an organization's id has no colon;
# public and partner sources are namespaced): a file never takes one over.
_NOT_OWNED_ELSEWHERE = (
    "(incidents.reporter = excluded.reporter OR incidents.reporter = '' "
    "OR incidents.reporter LIKE '%:%')"
)


def _refused(connection: Connection, staging: str) -> int:
    """Staged records whose stored incident is another organization's."""
    return int(
        connection.execute(
            text(
                f"SELECT count(*) FROM {staging} AS s JOIN incidents AS i "
                "ON i.source = s.source AND i.source_id = s.source_id "
                "WHERE i.reporter <> s.reporter AND i.reporter <> '' "
                "AND i.reporter NOT LIKE '%:%'"
            )
        ).scalar_one()
    )


def _differs(distinct: str) -> str:
    """SQL: some content column of the incoming record differs from the stored one."""
    return "(" + " OR ".join(f"excluded.{c} {distinct} incidents.{c}" for c in _CONTENT) + ")"


def merge_staged(
    connection: Connection,
    staging: str,
    staged: int,
    *,
    origin: str = "local",
    count_refused: bool = False,
) -> UpsertCounts:
    """Merge ``staged`` records from the table ``staging`` into incidents, in the caller's
    transaction; what happened, counted in the same transaction.

    The staging table holds RECORD_COLUMNS; origin, version and times are added here.
    A stored incident of another organization is never changed; ``count_refused``
    counts such records apart (an organization's own reports), else they count as
    unchanged.
    """
    refused = _refused(connection, staging) if count_refused else 0
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
        f"WHERE {_differs(distinct)} AND {_NEWER} AND {_NOT_OWNED_ELSEWHERE}"
    )
    if connection.dialect.name == "sqlite":
        # The version first, whatever the merge changes: that write takes SQLite's write
        # lock before this transaction reads the incidents, so no other writer can commit
        # in between and leave it a stale snapshot to write from ("database is locked" at
        # once, busy timeout or not; seen with the audit writer's commits).
        raise_version(connection, INCIDENTS)
        # One writer at a time, and a new row's id is above every stored id: the rows
        # above the old maximum are the inserted ones, the rest of the changes updates.
        highest = connection.execute(text("SELECT coalesce(max(id), 0) FROM incidents")).scalar()
        written = connection.execute(merge, stamp).rowcount
        inserted = connection.execute(
            text("SELECT count(*) FROM incidents WHERE id > :highest"), {"highest": highest}
        ).scalar_one()
        return UpsertCounts(
            int(inserted), written - int(inserted), staged - written - refused, refused
        )
    # PostgreSQL: a row the statement inserted has no xmax yet; one it updated has ours.
    returning = merge.text + " RETURNING (xmax = 0) AS inserted"
    inserted, updated = connection.execute(
        text(
            f"WITH merged AS ({returning}) SELECT count(*) FILTER (WHERE inserted), "
            "count(*) FILTER (WHERE NOT inserted) FROM merged"
        ),
        stamp,
    ).one()
    unchanged = staged - int(inserted) - int(updated) - refused
    counts = UpsertCounts(int(inserted), int(updated), unchanged, refused)
    return _changed(connection, counts)


def _changed(connection: Connection, counts: UpsertCounts) -> UpsertCounts:
    """``counts``, after raising the incidents' data version if any row changed (on
    PostgreSQL: the row lock is held to the commit, so only writers that changed wait)."""
    if counts.inserted or counts.updated:
        raise_version(connection, INCIDENTS)
    return counts


def upsert_incidents(
    connection: Connection, batch: Sequence[Incident], *, origin: str = "local"
) -> UpsertCounts:
    """Insert new incidents and update changed ones, in the caller's transaction.

    A batch that names the same (source, source_id) twice keeps the last one; another
    organization's stored incident is left as it is (``merge_staged``).
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
