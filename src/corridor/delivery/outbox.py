"""The outbox: events written as deliveries in the caller's transaction, claimed by workers
under a lease, settled after each attempt.

The alert and its deliveries commit together or not at all (:func:`enqueue` never opens a
transaction of its own). A worker :func:`claim`\\ s due deliveries in a short transaction of
its own that marks them ``sending`` until a lease runs out, POSTs them outside any
transaction, and :func:`settle`\\ s each one: delivered, or pending again after a backoff, or
dead. A worker killed mid-delivery leaves its rows ``sending``; when their lease runs out
the next claim takes them again, under the same delivery UUID, and records the lost
attempt. A late result of a claim that was taken over changes nothing.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from random import Random
from typing import TYPE_CHECKING, Any

from corridor.delivery.backoff import RetryPolicy
from corridor.delivery.models import (
    Answer,
    DeliveryStatus,
    Outcome,
    check_event,
    event_matches,
    from_row,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = [
    "ENQUEUED_FLAG",
    "NOTIFY_CHANNEL",
    "Claimed",
    "claim",
    "delivery_body",
    "enqueue",
    "enqueue_claimed",
    "settle",
]

NOTIFY_CHANNEL = "corridor_deliveries"  # PostgreSQL: NOTIFY on commit, LISTENing workers wake
ENQUEUED_FLAG = "corridor.delivery.enqueued"  # in connection.info until the commit


def _clock() -> datetime:
    from corridor.cooperation.records import utc

    return utc()


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def delivery_body(
    delivery: str, event: str, organization: str, created_at: datetime, payload: Mapping[str, Any]
) -> str:
    """The JSON body POSTed for a delivery: an envelope (``id`` = the delivery UUID,
    ``event``, ``organization``, ``created_at`` in UTC) around ``payload`` as ``data``."""
    envelope = {
        "id": delivery,
        "event": event,
        "organization": organization,
        "created_at": created_at.isoformat(timespec="milliseconds") + "Z",
        "data": payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def enqueue(
    connection: Connection,
    *,
    organization: str,
    event: str,
    payload: Mapping[str, Any],
    now: datetime,
    webhook_id: int | None = None,
) -> list[str]:
    """Write one delivery of ``event`` per active webhook of ``organization`` subscribed to
    it, in the caller's transaction; their UUIDs (none when the organization has no such
    webhook). ``payload`` must be JSON (dates, datetimes and UUIDs become ISO text);
    ``now`` (naive UTC, or aware) is when the event happened, stamped in the body. The
    deliveries are due at once, whatever ``now`` says. ``webhook_id`` narrows to one
    webhook (a test delivery)."""
    from corridor.cooperation.records import utc
    from corridor.store.deliveries import insert_deliveries, webhook_rows

    check_event(event)
    created = utc(now)
    due = _clock()
    hooks = webhook_rows(connection, organization=organization, webhook_id=webhook_id, active=True)
    rows = []
    for hook in hooks:
        if webhook_id is None and not event_matches(tuple(json.loads(hook["events"])), event):
            continue
        identifier = str(uuid.uuid4())
        rows.append(
            {
                "uuid": identifier,
                "organization": organization,
                "webhook_id": hook["id"],
                "event": event,
                "payload": delivery_body(identifier, event, organization, created, payload),
                "created_at": created,
                "status": DeliveryStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": due,
            }
        )
    if rows:
        insert_deliveries(connection, rows)
        connection.info[ENQUEUED_FLAG] = True  # a worker in this process wakes on the commit
        if connection.dialect.name == "postgresql":  # sent by the server at commit, if any
            from sqlalchemy import text

            connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
    return [row["uuid"] for row in rows]


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery a worker holds until ``lease_until`` under the claim ``claimed_by``: what to
    POST (``payload``), where, signed with what. ``attempts`` counts this one."""

    id: int
    uuid: str
    organization: str
    webhook_id: int
    url: str
    secret: str = field(repr=False)
    active: bool  # the webhook's: a removed one's deliveries die unsent
    event: str
    payload: str
    attempts: int
    claimed_by: str
    lease_until: datetime


def claim(
    store: Engine,
    *,
    worker: str,
    limit: int,
    lease_s: float,
    policy: RetryPolicy,
    now: datetime | None = None,
) -> list[Claimed]:
    """Take up to ``limit`` due deliveries for ``lease_s`` seconds, in a short transaction.

    Rows whose lease ran out (their worker stopped mid-delivery) get an attempt recorded
    for the lost try and go out again, or die if that try was their last."""
    from corridor.store.deliveries import (
        bookkeeping,
        claimed_rows,
        due_rows,
        finish_claimed,
        insert_attempts,
        mark_claimed,
    )

    at = now or _clock()
    token = _token(worker)
    lease_until = at + timedelta(seconds=lease_s)
    with bookkeeping(store) as connection:
        due = due_rows(connection, at, limit)
        lost = [row for row in due if row["status"] == DeliveryStatus.SENDING]
        insert_attempts(
            connection,
            (
                {
                    "delivery_id": row["id"],
                    "at": row["lease_until"],
                    "http_status": None,
                    "error": f"no result: {row['claimed_by']} stopped before recording one "
                    "(its lease ran out)",
                    "duration_ms": None,
                }
                for row in lost
            ),
        )
        spent = {row["id"] for row in lost if policy.gives_up_after(row["attempts"])}
        gave_up = {
            "status": DeliveryStatus.DEAD.value,
            "lease_until": None,
            "last_error": "out of attempts (the last one got no result)",
        }
        for row in lost:
            if row["id"] in spent:
                finish_claimed(connection, row["id"], row["claimed_by"], gave_up)
        taken = [row["id"] for row in due if row["id"] not in spent]
        mark_claimed(connection, taken, lease_until=lease_until, claimed_by=token)
        rows = claimed_rows(connection, taken)
    return [from_row(Claimed, row) for row in rows]


def enqueue_claimed(
    store: Engine,
    *,
    organization: str,
    webhook_id: int,
    event: str,
    payload: Mapping[str, Any],
    worker: str,
    lease_s: float,
    now: datetime | None = None,
) -> Claimed:
    """One delivery to one webhook, written already claimed by ``worker`` (no running worker
    can take it first): what a test delivery, sent at once, needs."""
    from corridor.store.deliveries import claimed_rows, delivery_rows, mark_claimed

    at = now or _clock()
    token = _token(worker)
    lease_until = at + timedelta(seconds=lease_s)
    with store.begin() as connection:
        made = enqueue(
            connection,
            organization=organization,
            event=event,
            payload=payload,
            now=at,
            webhook_id=webhook_id,
        )
        ids = [row["id"] for row in delivery_rows(connection, uuids=made)]
        mark_claimed(connection, ids, lease_until=lease_until, claimed_by=token)
        (row,) = claimed_rows(connection, ids)
    return from_row(Claimed, row)


def _token(worker: str) -> str:
    """A claim's own token: the worker's name and a random part (one worker's claims differ)."""
    return f"{worker[:50]}/{secrets.token_hex(4)}"


def settle(store: Engine, claimed: Claimed, answer: Answer, *, policy: RetryPolicy,
           rng: Random | None = None, retry: bool = True, now: datetime | None = None,
           ) -> Outcome:  # fmt: skip
    """Record the attempt and move the delivery on: delivered on a 2xx answer; else pending
    again after a backoff, or dead when out of attempts (or ``retry`` is off). If the claim
    was taken over meanwhile, only the attempt is recorded."""
    from corridor.store.deliveries import bookkeeping, finish_claimed, insert_attempts

    at = now or _clock()
    next_at: datetime | None = None
    if answer.ok:
        status = DeliveryStatus.DELIVERED
        values: dict[str, Any] = {"delivered_at": at, "last_error": None}
    elif not retry or policy.gives_up_after(claimed.attempts):
        status = DeliveryStatus.DEAD
        values = {"last_error": answer.error}
    else:
        status = DeliveryStatus.PENDING
        next_at = at + timedelta(seconds=policy.delay_s(claimed.attempts, rng))
        values = {"next_attempt_at": next_at, "last_error": answer.error}
    attempt = {"delivery_id": claimed.id, "at": at, **asdict(answer)}
    with bookkeeping(store) as connection:
        insert_attempts(connection, [attempt])
        kept = finish_claimed(connection, claimed.id, claimed.claimed_by,
                              {**values, "status": status.value, "lease_until": None})  # fmt: skip
    if not kept:
        status, next_at = DeliveryStatus.SENDING, None  # another worker holds it now
    return Outcome(claimed.uuid, claimed.webhook_id, claimed.url, claimed.event,
                   claimed.attempts, answer.http_status, answer.error, answer.duration_ms,
                   status, next_at)  # fmt: skip
