"""Upsert of a shared record kept whole as JSON (meetings, training courses, tallies).

One rule for all of them, as for incidents: a record is keyed by its id, gets a
UUID derived from it (so instances agree without asking each other), and its
``version`` grows by one only when its content, label or owner changed. Reads bring
each record's sharing groups along (``record_shares``, by that UUID).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Generic, Protocol, TypedDict, TypeVar, Unpack

from pydantic import BaseModel
from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Select,
    Table,
    and_,
    delete,
    insert,
    select,
    update,
)

from corridor.events.model import Tlp
from corridor.store.parties import record_shares_of

__all__ = [
    "RECORD_NAMESPACE",
    "PeriodFilters",
    "Saved",
    "SharedRecord",
    "Stored",
    "now",
    "period_records",
    "replace_rows",
    "stored_columns",
    "stored_rows",
    "upsert_record",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

RECORD_NAMESPACE = uuid.UUID("0c3a4f61-7d0e-4b8e-9f2c-5e1d3b7a9c42")


class SharedRecord(Protocol):
    """What the store needs of a record it keeps whole (the domain's pydantic models)."""

    @property
    def id(self) -> str: ...

    def model_dump_json(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Stored(Generic[T]):
    """A record as stored, with its owner, label, identity, version and the sharing groups
    it is shared with (sorted)."""

    row_id: int
    record: T
    owner: str
    tlp: Tlp
    uuid: str
    version: int
    shared_with: tuple[str, ...]


def stored_columns(table: Table) -> Select[Any]:
    """A select of the columns :func:`stored_rows` reads, from ``table``."""
    c = table.c
    return select(c.id, c.body, c.owner, c.tlp, c.uuid, c.version)


def stored_rows(connection: Connection, rows: Iterable[Any], model: type[M]) -> list[Stored[M]]:
    """Rows selected with id, body, owner, tlp, uuid and version, as :class:`Stored` records
    with their sharing groups (read in one query)."""
    found = list(rows)
    shares = record_shares_of(connection, [row.uuid for row in found])
    return [
        Stored(
            row.id,
            model.model_validate_json(row.body),
            row.owner,
            Tlp(row.tlp),
            row.uuid,
            row.version,
            shares.get(row.uuid, ()),
        )
        for row in found
    ]


class Saved(StrEnum):
    """What saving a record did."""

    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def now() -> datetime:
    """The time stored in ``created_at``/``updated_at``: UTC, naive (as the columns hold it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def upsert_record(
    connection: Connection,
    table: Table,
    record: SharedRecord,
    *,
    owner: str,
    tlp: Tlp,
    instance: str,
    columns: dict[str, Any],
) -> tuple[int, Saved]:
    """Insert or update the row of ``record`` (keyed by its id) in ``table``, filed by
    ``columns`` too; its row id and what happened."""
    c = table.c
    key, body = record.id, record.model_dump_json()
    found = connection.execute(
        select(c.id, c.body, c.owner, c.tlp, *(c[name] for name in columns)).where(c.key == key)
    ).first()
    values = {"body": body, "owner": owner, "tlp": tlp.value, **columns}
    if found is None:
        stamp = now()
        row_id = connection.execute(
            insert(table)
            .values(
                uuid=str(uuid.uuid5(RECORD_NAMESPACE, f"{table.name}/{key}")),
                key=key,
                origin_instance=instance,
                version=1,
                created_at=stamp,
                updated_at=stamp,
                **values,
            )
            .returning(c.id)
        ).scalar_one()
        return row_id, Saved.INSERTED
    stored = found._mapping
    if all(stored[name] == value for name, value in values.items()):
        return found.id, Saved.UNCHANGED
    connection.execute(
        update(table)
        .where(c.id == found.id)
        .values(version=c.version + 1, updated_at=now(), **values)
    )
    return found.id, Saved.UPDATED


def replace_rows(
    connection: Connection, table: Table, parent: str, row_id: int, rows: Sequence[dict[str, Any]]
) -> None:
    """Make ``rows`` the rows of ``table`` whose ``parent`` column is ``row_id`` (a record's
    countries or participants, written again when the record changed)."""
    connection.execute(delete(table).where(table.c[parent] == row_id))
    if rows:
        connection.execute(insert(table), [{parent: row_id, **row} for row in rows])


class PeriodFilters(TypedDict, total=False):
    """What meetings and courses are looked up by; a filter left out or None does not filter.

    ``keys``: their ids; ``mechanisms``: the mechanisms they belong to; ``countries``: a
    country that took part (an empty list does not filter); ``since``..``until``: a
    period they overlap.
    """

    keys: Collection[str] | None
    mechanisms: Collection[str] | None
    countries: Collection[str] | None
    since: date | None
    until: date | None


def period_records(
    connection: Connection,
    table: Table,
    model: type[M],
    taking_part: Column[int],
    *,
    also: Iterable[ColumnElement[bool]] = (),
    **filters: Unpack[PeriodFilters],
) -> list[Stored[M]]:
    """Records of ``table`` (with ``mechanism``, ``starts`` and ``ends``) matching every
    filter and every condition in ``also``, oldest first, read as ``model``. ``taking_part``
    is the column naming the record in the table of its countries (with ``country``)."""
    c = table.c
    conditions = list(also)
    if (keys := filters.get("keys")) is not None:
        conditions.append(c.key.in_(list(keys)))
    if (mechanisms := filters.get("mechanisms")) is not None:
        conditions.append(c.mechanism.in_(list(mechanisms)))
    if countries := filters.get("countries"):
        country = taking_part.table.c.country
        conditions.append(c.id.in_(select(taking_part).where(country.in_(list(countries)))))
    if (since := filters.get("since")) is not None:
        conditions.append(c.ends >= since)
    if (until := filters.get("until")) is not None:
        conditions.append(c.starts <= until)
    statement = stored_columns(table).where(and_(True, *conditions)).order_by(c.starts, c.key)
    return stored_rows(connection, connection.execute(statement), model)
