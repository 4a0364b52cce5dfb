"""The worker against a real receiver on 127.0.0.1, on SQLite and PostgreSQL: signed POSTs,
retries of failures with every attempt recorded, a receiver that goes down and comes back
getting each delivery exactly once by id, dead deliveries, two workers sharing one store."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event

from corridor.atlas import Atlas
from corridor.delivery import DeliveryStatus, RetryPolicy, add_webhook, remove_webhook, verify
from corridor.delivery.models import Outcome
from corridor.delivery.worker import Worker, WorkerOptions
from corridor.store.database import make_engine, migrate
from corridor.store.deliveries import attempt_rows, delivery_rows
from tests.delivery.conftest import ADMIN, QUICK, Hooked, add_organizations
from tests.delivery.receiver import Receiver


@contextmanager
def running(store: Engine, options: WorkerOptions = QUICK, name: str = "w") -> Iterator[Worker]:
    stop = threading.Event()
    with Worker(store, name=name, options=options) as worker:
        thread = threading.Thread(target=worker.run, args=(stop,))
        thread.start()
        try:
            yield worker
        finally:
            stop.set()
            thread.join(timeout=30)
            assert not thread.is_alive()


def _rows(store: Engine) -> dict[str, dict[str, object]]:
    with store.connect() as connection:
        return {row["uuid"]: row for row in delivery_rows(connection)}


def _attempts(store: Engine, uuid: str) -> list[dict[str, object]]:
    with store.connect() as connection:
        return attempt_rows(connection, int(_rows(store)[uuid]["id"]))  # type: ignore[call-overload]


def test_a_delivery_arrives_signed_with_its_id_and_event(hooked: Hooked) -> None:
    (made,) = hooked.enqueue()
    with Worker(hooked.store, options=QUICK) as worker:
        (outcome,) = worker.deliver_due()
    assert outcome.status is DeliveryStatus.DELIVERED and outcome.http_status == 200
    (got,) = hooked.receiver.received
    assert got.headers["X-Corridor-Delivery"] == made
    assert got.headers["X-Corridor-Event"] == "alert.raised"
    assert got.headers["Content-Type"] == "application/json"
    assert verify(hooked.hook.secret, got.headers["X-Corridor-Signature"], got.body)
    assert json.loads(got.body)["id"] == made and json.loads(got.body)["data"] == {"n": 0}
    row = _rows(hooked.store)[made]
    assert row["status"] == "delivered" and row["attempts"] == 1 and row["delivered_at"]
    (attempt,) = _attempts(hooked.store, made)
    assert attempt["http_status"] == 200 and attempt["error"] is None
    assert isinstance(attempt["duration_ms"], int) and attempt["duration_ms"] >= 0


def test_a_failing_receiver_is_retried_and_every_attempt_recorded(hooked: Hooked) -> None:
    hooked.receiver.status = 500
    (made,) = hooked.enqueue()
    with running(hooked.store):
        deadline = time.monotonic() + 10
        while len(hooked.receiver.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        hooked.receiver.status = 200
        assert hooked.receiver.wait_for(1)
    attempts = _attempts(hooked.store, made)
    assert [a["http_status"] for a in attempts][-1] == 200
    assert all(a["http_status"] == 500 and a["error"] == "HTTP 500: ok" for a in attempts[:-1])
    assert len(attempts) >= 3 and _rows(hooked.store)[made]["attempts"] == len(attempts)
    assert hooked.receiver.delivered() == {made: 1}


def test_receiver_down_then_up_gets_each_delivery_exactly_once(hooked: Hooked) -> None:
    hooked.receiver.down()
    made = hooked.enqueue(30)
    patient = WorkerOptions(
        timeout_s=2,
        lease_s=3,
        poll_s=0.02,
        retry=RetryPolicy(base_s=0.05, cap_s=0.3, max_attempts=100),
    )
    with running(hooked.store, patient):
        time.sleep(1.0)  # every delivery fails a few times: connection refused
        assert {r["status"] for r in _rows(hooked.store).values()} <= {"pending", "sending"}
        hooked.receiver.up()
        assert hooked.receiver.wait_for(30, timeout_s=15)
        time.sleep(0.3)  # anything sent twice would have arrived by now
    assert hooked.receiver.delivered() == dict.fromkeys(made, 1)
    rows = _rows(hooked.store)
    assert {r["status"] for r in rows.values()} == {"delivered"}
    refused = _attempts(hooked.store, made[0])[0]
    assert refused["http_status"] is None and "ConnectError" in str(refused["error"])


def test_out_of_attempts_a_delivery_is_dead_and_stays_so(hooked: Hooked) -> None:
    hooked.receiver.status = 503
    (made,) = hooked.enqueue()
    with running(hooked.store):
        deadline = time.monotonic() + 10
        while _rows(hooked.store)[made]["status"] != "dead" and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
    assert _rows(hooked.store)[made]["status"] == "dead"
    assert len(hooked.receiver.received) == QUICK.retry.max_attempts
    assert len(_attempts(hooked.store, made)) == QUICK.retry.max_attempts


def test_redirects_are_not_followed_and_slow_receivers_time_out(hooked: Hooked) -> None:
    hooked.receiver.status = 302
    hooked.enqueue()
    options = WorkerOptions(timeout_s=0.3, lease_s=2, poll_s=0.02, retry=QUICK.retry)
    with Worker(hooked.store, options=options) as worker:
        (moved,) = worker.deliver_due()
        assert moved.status is DeliveryStatus.PENDING and moved.http_status == 302
        assert "redirect" in str(moved.error) and "not followed" in str(moved.error)
        hooked.receiver.status, hooked.receiver.delay_s = 200, 1.0
        time.sleep(QUICK.retry.cap_s)
        (slow,) = worker.deliver_due()
    assert slow.http_status is None and slow.error == "no answer within 0.3 s"


def test_a_removed_webhooks_deliveries_die_unsent(hooked: Hooked) -> None:
    made = hooked.enqueue(3)
    remove_webhook(hooked.store, ADMIN, hooked.hook.webhook.id)
    assert {r["status"] for r in _rows(hooked.store).values()} == {"dead"}
    assert hooked.enqueue() == []  # nothing is enqueued for it any more
    with Worker(hooked.store, options=QUICK) as worker:
        assert worker.deliver_due() == []
    assert hooked.receiver.received == []
    assert all(_rows(hooked.store)[m]["last_error"] == "the webhook was removed" for m in made)


def test_two_workers_on_one_store_never_send_a_delivery_twice(hooked: Hooked) -> None:
    made = hooked.enqueue(60)
    seen: list[Outcome] = []
    with running(hooked.store, name="a") as a, running(hooked.store, name="b") as b:
        a.on_outcome = b.on_outcome = seen.append
        hooked.enqueue(60)
        assert hooked.receiver.wait_for(120, timeout_s=30)
        time.sleep(0.3)
    delivered = hooked.receiver.delivered()
    assert len(delivered) == 120 and set(delivered.values()) == {1}
    assert set(made) <= set(delivered)
    rows = _rows(hooked.store).values()
    assert {r["attempts"] for r in rows} == {1}
    assert {str(r["claimed_by"]).split("/")[0] for r in rows} <= {"a", "b"}


def test_on_postgresql_a_notify_wakes_the_worker_between_polls(hooked: Hooked) -> None:
    """A worker polling every 5 s still sends within a second: enqueue NOTIFYs at commit."""
    if hooked.store.dialect.name != "postgresql":
        return  # SQLite has no notifications: a worker elsewhere finds work by polling
    slow = WorkerOptions(timeout_s=2, lease_s=3, poll_s=5.0, retry=QUICK.retry)
    with running(hooked.store, slow):
        time.sleep(0.5)  # the worker has looked once, found nothing, and LISTENs
        started = time.monotonic()
        (made,) = hooked.enqueue()
        assert hooked.receiver.wait_for(1, timeout_s=2)
        assert time.monotonic() - started < 1.5
    assert hooked.receiver.delivered() == {made: 1}


def test_an_answer_is_recorded_when_a_busy_store_frees_up(
    tmp_path: Path, atlas: Atlas, receiver: Receiver
) -> None:
    """Another writer holds SQLite's lock past the busy timeout just as the receiver has
    answered: the worker records the answer once the store frees up, within the lease,
    instead of leaving the delivery to go out again (a duplicate) when the lease ends."""
    store = make_engine(f"sqlite:///{tmp_path / 'busy.sqlite'}")
    event.listen(store, "connect", lambda dbapi, _: dbapi.execute("PRAGMA busy_timeout=100"))
    migrate(store)
    add_organizations(store, atlas)
    hooked = Hooked(store, receiver, add_webhook(store, ADMIN, "pipechina", receiver.url))
    (made,) = hooked.enqueue()
    with Worker(store, options=dataclasses.replace(QUICK, lease_s=10)) as worker:
        (claimed,) = worker.claim(1)
        with store.connect() as holder, ThreadPoolExecutor(1) as pool:
            holder.exec_driver_sql("BEGIN IMMEDIATE")
            sending = pool.submit(worker.attempt, claimed)
            assert receiver.wait_for(1, timeout_s=5)
            time.sleep(1.5)  # the first try to record it gave up after 0.1 s
            holder.rollback()
            outcome = sending.result(timeout=15)
    assert outcome.status is DeliveryStatus.DELIVERED
    assert _rows(store)[made]["status"] == "delivered" and len(_attempts(store, made)) == 1
    assert receiver.delivered() == {made: 1}
    store.dispose()
