"""The outbox on SQLite and PostgreSQL: deliveries are written in the caller's transaction,
one per subscribed webhook; claims hold them under a lease; a lease that runs out gives the
delivery to the next claim under the same id; a late result of a lost claim changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from corridor.delivery import DeliveryStatus, RetryPolicy, add_webhook, enqueue, remove_webhook
from corridor.delivery.models import Answer
from corridor.delivery.outbox import claim, settle
from corridor.errors import InputError
from corridor.store.deliveries import attempt_rows, delivery_rows
from tests.delivery.conftest import ADMIN, Hooked

POLICY = RetryPolicy(base_s=1, cap_s=10, max_attempts=3)
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def _statuses(store: Engine) -> dict[str, str]:
    with store.connect() as connection:
        return {row["uuid"]: row["status"] for row in delivery_rows(connection)}


def test_one_delivery_per_subscribed_active_webhook_of_the_organization(hooked: Hooked) -> None:
    store = hooked.store
    alerts = add_webhook(store, ADMIN, "pipechina", "https://a.example/h", events=["alert.*"])
    add_webhook(store, ADMIN, "pipechina", "https://b.example/h", events=["case.closed"])
    gone = add_webhook(store, ADMIN, "pipechina", "https://c.example/h")
    remove_webhook(store, ADMIN, gone.webhook.id)
    add_webhook(store, ADMIN, "kz-mvd", "https://kz.example/h")
    with store.begin() as connection:
        made = enqueue(
            connection,
            organization="pipechina",
            event="alert.raised",
            payload={"alert": 7},
            now=NOW,
        )
        assert (
            enqueue(connection, organization="nobody", event="alert.raised", payload={}, now=NOW)
            == []
        )
    with store.connect() as connection:
        rows = delivery_rows(connection)
    assert [r["uuid"] for r in rows] == made and len(set(made)) == 2
    assert {r["webhook_id"] for r in rows} == {hooked.hook.webhook.id, alerts.webhook.id}
    assert {r["status"] for r in rows} == {"pending"} and {r["attempts"] for r in rows} == {0}


def test_the_body_is_an_envelope_with_the_delivery_id(hooked: Hooked) -> None:
    with hooked.store.begin() as connection:
        (made,) = enqueue(
            connection,
            organization="pipechina",
            event="alert.raised",
            payload={"alert": 7, "at": NOW},
            now=NOW,
        )
    with hooked.store.connect() as connection:
        (row,) = delivery_rows(connection, uuids=[made])
    assert json.loads(row["payload"]) == {
        "id": made,
        "event": "alert.raised",
        "organization": "pipechina",
        "created_at": "2026-12-05T09:00:00.000Z",
        "data": {"alert": 7, "at": "2026-12-05T09:00:00+00:00"},
    }


def test_deliveries_commit_and_roll_back_with_the_callers_transaction(hooked: Hooked) -> None:
    store = hooked.store
    with pytest.raises(RuntimeError), store.begin() as connection:
        enqueue(connection, organization="pipechina", event="alert.raised", payload={}, now=NOW)
        raise RuntimeError("the alert failed to write")
    assert _statuses(store) == {}
    with store.begin() as connection:
        made = enqueue(
            connection, organization="pipechina", event="alert.raised", payload={}, now=NOW
        )
        with store.connect() as other:  # not visible to others before the commit
            assert delivery_rows(other) == []
    assert list(_statuses(store)) == made


@pytest.mark.parametrize("event", ["Alert.Raised", "alert raised", "", "alert.", "a" * 65])
def test_a_bad_event_name_is_refused(hooked: Hooked, event: str) -> None:
    with pytest.raises(InputError, match="event"), hooked.store.begin() as connection:
        enqueue(connection, organization="pipechina", event=event, payload={}, now=NOW)


def test_a_claim_holds_a_delivery_until_its_lease_runs_out(hooked: Hooked) -> None:
    store = hooked.store
    (made,) = hooked.enqueue()
    now = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1)
    (first,) = claim(store, worker="w1", limit=10, lease_s=30, policy=POLICY, now=now)
    assert first.uuid == made and first.attempts == 1 and first.secret == hooked.hook.secret
    assert claim(store, worker="w2", limit=10, lease_s=30, policy=POLICY, now=now) == []
    assert _statuses(store) == {made: "sending"}
    later = now + timedelta(seconds=31)  # w1 died: its lease ran out
    (second,) = claim(store, worker="w2", limit=10, lease_s=30, policy=POLICY, now=later)
    assert second.uuid == made and second.attempts == 2
    assert second.payload == first.payload  # the same bytes, the same id, under a new claim
    # w1's late result is recorded as an attempt but changes nothing: w2 holds it
    late = settle(store, first, Answer(200, None, 5), policy=POLICY)
    assert late.status is DeliveryStatus.SENDING and _statuses(store) == {made: "sending"}
    done = settle(store, second, Answer(204, None, 5), policy=POLICY)
    assert done.status is DeliveryStatus.DELIVERED and _statuses(store) == {made: "delivered"}
    with store.connect() as connection:
        (row,) = delivery_rows(connection)
        attempts = attempt_rows(connection, row["id"])
    assert [a["http_status"] for a in attempts] == [None, 200, 204]
    assert "w1/" in attempts[0]["error"] and "lease ran out" in attempts[0]["error"]


def test_a_failed_attempt_waits_its_backoff_then_the_last_one_is_dead(hooked: Hooked) -> None:
    store = hooked.store
    (made,) = hooked.enqueue()
    now = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1)
    for attempt in range(1, POLICY.max_attempts + 1):
        (held,) = claim(store, worker="w", limit=1, lease_s=30, policy=POLICY, now=now)
        assert held.attempts == attempt
        outcome = settle(store, held, Answer(503, "HTTP 503", 3), policy=POLICY, now=now)
        if attempt < POLICY.max_attempts:
            assert outcome.status is DeliveryStatus.PENDING
            assert outcome.next_attempt_at is not None
            wait = (outcome.next_attempt_at - now).total_seconds()
            assert 0 <= wait <= POLICY.ceiling_s(attempt)
            now = outcome.next_attempt_at + timedelta(milliseconds=1)
    assert outcome.status is DeliveryStatus.DEAD and _statuses(store) == {made: "dead"}
    assert claim(store, worker="w", limit=1, lease_s=30, policy=POLICY, now=now) == []


def test_a_lost_last_attempt_makes_the_delivery_dead(hooked: Hooked) -> None:
    store = hooked.store
    (made,) = hooked.enqueue()
    now = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1)
    for _ in range(POLICY.max_attempts):  # every worker dies mid-delivery
        assert claim(store, worker="w", limit=1, lease_s=5, policy=POLICY, now=now)
        now += timedelta(seconds=6)
    assert claim(store, worker="w", limit=1, lease_s=5, policy=POLICY, now=now) == []
    assert _statuses(store) == {made: "dead"}


def test_the_claim_query_uses_the_indexes_on_postgresql(hooked: Hooked) -> None:
    if hooked.store.dialect.name != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    hooked.enqueue(3)
    with hooked.store.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(
            row[0]
            for row in connection.execute(
                text(
                    "EXPLAIN SELECT id FROM deliveries WHERE (status = 'pending' AND "
                    "next_attempt_at <= now()) OR (status = 'sending' AND lease_until <= now()) "
                    "ORDER BY next_attempt_at LIMIT 4 FOR UPDATE SKIP LOCKED"
                )
            )
        )
    assert "ix_deliveries_status_next_attempt_at" in plan
    assert "ix_deliveries_status_lease_until" in plan
