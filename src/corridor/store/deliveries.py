"""The delivery repository: webhooks, the deliveries outbox and its attempts.

Rows go in and come out as plain mappings; :mod:`corridor.delivery` owns the rules (who
may add a webhook, when to retry, when to give up). The one piece of locking lives here:
:func:`bookkeeping` opens the short transaction a claim runs in, so that two workers never
take the same row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    and_,
    func,
    insert,
    or_,
    select,
    update,
)

from corridor.store.database import is_sqlite, writing
from corridor.store.tables import deliveries, delivery_attempts, webhooks

__all__ = [
    "attempt_rows",
    "bookkeeping",
    "claimed_rows",
    "deactivate_webhook",
    "delivery_rows",
    "due_rows",
    "finish_claimed",
    "insert_attempts",
    "insert_deliveries",
    "insert_webhook",
    "mark_claimed",
    "next_due_at",
    "settle_pending",
    "status_counts",
    "webhook_rows",
]

Row = dict[str, Any]
_PENDING, _SENDING = "pending", "sending"


def insert_webhook(connection: Connection, row: Mapping[str, Any]) -> int:
    result = connection.execute(insert(webhooks).values(**row))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def _equal(table: Table, **values: object) -> list[ColumnElement[bool]]:
    """``column == value`` for each column given a value (None: any value)."""
    return [table.c[name] == value for name, value in values.items() if value is not None]


def webhook_rows(connection: Connection, *, organization: str | None = None,
                 webhook_id: int | None = None, active: bool | None = None,
                 ) -> list[Row]:  # fmt: skip
    """Webhooks by id, narrowed to one organization, one id, active or removed ones."""
    chosen = _equal(webhooks, organization=organization, id=webhook_id, active=active)
    statement = select(webhooks).where(*chosen).order_by(webhooks.c.id)
    return [dict(row) for row in connection.execute(statement).mappings()]


def deactivate_webhook(connection: Connection, webhook_id: int, at: datetime) -> bool:
    """Mark the webhook removed at ``at``; False if it was removed already."""
    statement = (
        update(webhooks)
        .where(webhooks.c.id == webhook_id, webhooks.c.active.is_(True))
        .values(active=False, removed_at=at)
    )
    return connection.execute(statement).rowcount == 1


def settle_pending(connection: Connection, webhook_id: int, *, status: str, error: str) -> int:
    """Give the webhook's pending deliveries ``status`` with ``error``; how many there were."""
    statement = (
        update(deliveries)
        .where(deliveries.c.webhook_id == webhook_id, deliveries.c.status == _PENDING)
        .values(status=status, last_error=error)
    )
    return int(connection.execute(statement).rowcount)


def insert_deliveries(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        connection.execute(insert(deliveries), list(rows))


@contextmanager
def bookkeeping(store: Engine) -> Iterator[Connection]:
    """A short transaction for a worker's own records (claims, attempts, outcomes).

    On SQLite it takes the write lock at once (``BEGIN IMMEDIATE``), so no other claim reads
    the due rows until this one has marked them. On PostgreSQL :func:`due_rows` locks the rows
    it returns and skips those locked by others, and the commit does not wait for the disk
    (``synchronous_commit = off``, for this transaction only): a server crash can lose the
    last fraction of a second of these records, which only sends a delivery again under its
    own id (a claim or a "delivered" forgotten); the deliveries themselves are written in
    the caller's transaction, durable as it is.
    """
    with writing(store) as connection:
        if not is_sqlite(store):
            connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
        yield connection


def _due(now: datetime) -> Any:
    c = deliveries.c
    return or_(
        and_(c.status == _PENDING, c.next_attempt_at <= now),
        and_(c.status == _SENDING, c.lease_until <= now),
    )


def due_rows(connection: Connection, now: datetime, limit: int) -> list[Row]:
    """Up to ``limit`` deliveries due at ``now`` (pending and due, or sending with their lease
    run out), soonest first; on PostgreSQL locked until the transaction ends, skipping rows
    another transaction holds."""
    c = deliveries.c
    statement = (
        select(c.id, c.status, c.attempts, c.claimed_by, c.lease_until)
        .where(_due(now))
        .order_by(c.next_attempt_at, c.id)
        .limit(limit)
    )
    if connection.dialect.name != "sqlite":
        statement = statement.with_for_update(skip_locked=True)
    return [dict(row) for row in connection.execute(statement).mappings()]


def mark_claimed(
    connection: Connection, ids: Sequence[int], *, lease_until: datetime, claimed_by: str
) -> None:
    """The rows are being sent under the claim ``claimed_by`` until ``lease_until``."""
    if ids:
        connection.execute(
            update(deliveries)
            .where(deliveries.c.id.in_(ids))
            .values(
                status=_SENDING,
                attempts=deliveries.c.attempts + 1,
                lease_until=lease_until,
                claimed_by=claimed_by,
            )
        )


def claimed_rows(connection: Connection, ids: Sequence[int]) -> list[Row]:
    """The deliveries with ``ids``, each with its webhook's url, secret and state."""
    if not ids:
        return []
    w = webhooks.c
    statement = (
        select(deliveries, w.url, w.secret, w.active)
        .join(webhooks, w.id == deliveries.c.webhook_id)
        .where(deliveries.c.id.in_(ids))
        .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def finish_claimed(
    connection: Connection, delivery_id: int, claimed_by: str, values: Mapping[str, Any]
) -> bool:
    """Set ``values`` on the delivery if it is still sending under ``claimed_by``; False when
    the claim was lost (its lease ran out and another worker took it)."""
    c = deliveries.c
    statement = (
        update(deliveries)
        .where(c.id == delivery_id, c.status == _SENDING, c.claimed_by == claimed_by)
        .values(**values)
    )
    return connection.execute(statement).rowcount == 1


def insert_attempts(connection: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
    found = list(rows)
    if found:
        connection.execute(insert(delivery_attempts), found)


def next_due_at(connection: Connection) -> datetime | None:
    """When the next delivery falls due (a pending one's attempt or a sending one's lease)."""
    c = deliveries.c
    pending = select(func.min(c.next_attempt_at)).where(c.status == _PENDING)
    leased = select(func.min(c.lease_until)).where(c.status == _SENDING)
    times = [connection.execute(pending).scalar(), connection.execute(leased).scalar()]
    found = [t for t in times if t is not None]
    return min(found) if found else None


def delivery_rows(
    connection: Connection,
    *,
    webhook_id: int | None = None,
    status: str | None = None,
    uuids: Sequence[str] | None = None,
    newest: int | None = None,
) -> list[Row]:
    """Deliveries oldest first (only the ``newest`` if given), of one webhook, one status,
    or with these UUIDs."""
    chosen = _equal(deliveries, webhook_id=webhook_id, status=status)
    if uuids is not None:
        chosen.append(deliveries.c.uuid.in_(list(uuids)))
    statement = select(deliveries).where(*chosen).order_by(deliveries.c.id.desc()).limit(newest)
    return [dict(row) for row in reversed(connection.execute(statement).mappings().all())]


def attempt_rows(connection: Connection, delivery_id: int) -> list[Row]:
    """The delivery's attempts, oldest first."""
    statement = (
        select(delivery_attempts)
        .where(delivery_attempts.c.delivery_id == delivery_id)
        .order_by(delivery_attempts.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def status_counts(connection: Connection, webhook_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """How many deliveries of each webhook are in each status."""
    if not webhook_ids:
        return {}
    c = deliveries.c
    statement = (
        select(c.webhook_id, c.status, func.count())
        .where(c.webhook_id.in_(list(webhook_ids)))
        .group_by(c.webhook_id, c.status)
    )
    found: dict[int, dict[str, int]] = {}
    for webhook_id, status, count in connection.execute(statement):
        found.setdefault(int(webhook_id), {})[str(status)] = int(count)
    return found
