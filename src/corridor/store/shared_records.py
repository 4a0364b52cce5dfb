"""Upsert of a shared record kept whole as JSON (meetings, training courses, tallies).

One rule for all of them, as for incidents: a record is keyed by its id, gets a
UUID derived from it (so instances agree without asking each other), and its
``version`` grows by one only when its content, label or owner changed. Reads bring
each record's sharing groups along (``record_shares``, by that UUID).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Table, insert, select, update

from corridor.events.model import Tlp
from corridor.store.parties import record_shares_of

__all__ = [
    "RECORD_NAMESPACE",
    "Saved",
    "SharedRecord",
    "Stored",
    "now",
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
    *,
    key: str,
    body: str,
    owner: str,
    tlp: str,
    instance: str,
    columns: dict[str, Any],
) -> tuple[int, Saved]:
    """Insert or update the row of ``key`` in ``table``; its row id and what happened."""
    c = table.c
    found = connection.execute(
        select(c.id, c.body, c.owner, c.tlp, *(c[name] for name in columns)).where(c.key == key)
    ).first()
    values = {"body": body, "owner": owner, "tlp": tlp, **columns}
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
