"""The delivery worker: claims due deliveries, POSTs them signed, settles each attempt.

``corridor worker`` runs one standalone; ``corridor serve`` runs one in a thread. Several
may share a store: on PostgreSQL each claim skips the rows another holds (``FOR UPDATE
SKIP LOCKED``), on SQLite claims take turns (``BEGIN IMMEDIATE``), so no delivery is sent
by two workers at once. A worker finds new deliveries by polling every ``poll_s`` (50 ms by
default: a cheap indexed read, no lock), and at once when woken: by a commit in its own
process that enqueued something (:func:`wake_on_commit`), or on PostgreSQL by the
``NOTIFY`` that :func:`~corridor.delivery.outbox.enqueue` sends at commit.

Each POST has a timeout and follows no redirect; a delivery's lease is longer than the
timeout, so only a worker that stopped (killed, crashed, cut off) loses its claims, and
those go out again after the lease under the same delivery id.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import TYPE_CHECKING, Any

from corridor.delivery.backoff import RetryPolicy
from corridor.delivery.models import Answer, DeliveryStatus, Outcome
from corridor.delivery.outbox import ENQUEUED_FLAG, NOTIFY_CHANNEL, Claimed, claim, settle
from corridor.delivery.signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign
from corridor.errors import InputError

if TYPE_CHECKING:
    import httpx
    from sqlalchemy import Engine

__all__ = [
    "Worker",
    "WorkerOptions",
    "background_worker",
    "default_worker_name",
    "outcome_line",
    "post",
    "wake_on_commit",
]

log = logging.getLogger("corridor.delivery")

_ANSWER_BYTES = 300  # how much of a failed answer's body the attempt keeps
_ERROR_PAUSE_S = 1.0  # after the store failed: wait, then try again


def default_worker_name() -> str:
    """``host:pid``: whose claims a delivery's ``claimed_by`` names."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """How a worker works. ``lease_s`` must outlast a POST's ``timeout_s`` with room to
    settle: a lease that runs out while the POST is still waiting lets another worker send
    the same delivery again."""

    concurrency: int = 16
    timeout_s: float = 10.0
    lease_s: float = 60.0
    poll_s: float = 0.05
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def __post_init__(self) -> None:
        if not 1 <= self.concurrency <= 64:
            raise InputError(f"concurrency {self.concurrency}: choose 1 to 64")
        if not 0 < self.timeout_s <= 300:
            raise InputError(f"timeout {self.timeout_s} s: choose above 0 and at most 300 s")
        if not self.lease_s >= self.timeout_s + 1:
            raise InputError(
                f"lease {self.lease_s:g} s: must be at least the timeout ({self.timeout_s:g} s) "
                "plus 1 s, or a slow receiver's delivery would be sent twice"
            )
        if not 0.001 <= self.poll_s <= 60:
            raise InputError(f"poll interval {self.poll_s} s: choose 0.001 to 60 s")


def _user_agent() -> str:
    from corridor import __version__

    return f"secure-corridor-webhooks/{__version__}"


def post(client: httpx.Client, claimed: Claimed, *, timeout_s: float) -> Answer:
    """POST one claimed delivery, signed now; what the receiver answered."""
    import httpx

    body = claimed.payload.encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": _user_agent(),
        EVENT_HEADER: claimed.event,
        DELIVERY_HEADER: claimed.uuid,
        "X-Corridor-Attempt": str(claimed.attempts),
        SIGNATURE_HEADER: sign(claimed.secret, int(time.time()), body),
    }
    started = time.perf_counter()
    status: int | None = None
    error: str | None = None
    try:
        with client.stream(
            "POST", claimed.url, content=body, headers=headers, timeout=timeout_s
        ) as response:
            status = response.status_code
            if not 200 <= status < 300:
                error = _answer_error(response)
    except httpx.TimeoutException:
        error = f"no answer within {timeout_s:g} s"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    return Answer(status, error, round((time.perf_counter() - started) * 1000))


def _answer_error(response: httpx.Response) -> str:
    """What a non-2xx answer said: its status, where a redirect pointed, the body's start."""
    if response.is_redirect:
        target = response.headers.get("location")
        return f"HTTP {response.status_code}: redirect to {target!r} not followed"
    seen = b""
    with suppress(Exception):  # an answer that breaks off mid-body still has its status
        for chunk in response.iter_bytes():
            seen += chunk
            if len(seen) >= _ANSWER_BYTES:
                break
    text = seen[:_ANSWER_BYTES].decode("utf-8", "replace").strip()
    return f"HTTP {response.status_code}" + (f": {text}" if text else "")


class Worker:
    """Delivers what is due in ``store``: :meth:`deliver_due` once, or :meth:`run` until
    stopped. ``on_outcome`` hears of every attempt (from the sending threads)."""

    def __init__(
        self,
        store: Engine,
        *,
        name: str | None = None,
        options: WorkerOptions | None = None,
        on_outcome: Callable[[Outcome], None] | None = None,
        client: httpx.Client | None = None,
        rng: Random | None = None,
        periodic: Callable[[], object] | None = None,
        period_s: float = 30.0,
    ) -> None:
        import httpx

        self.periodic, self.period_s = periodic, period_s
        self._next_tick = 0.0
        self.store = store
        self.name = name or default_worker_name()
        self.options = options or WorkerOptions()
        self.on_outcome = on_outcome
        self.rng = rng or Random()
        self._rng_lock = threading.Lock()
        self._own_client = client is None
        # No redirects (a receiver must answer at its URL), no proxies from the environment
        # (deliveries go where the URL says), a pool as wide as the worker's concurrency.
        self.client = client or httpx.Client(
            follow_redirects=False,
            trust_env=False,
            limits=httpx.Limits(max_connections=self.options.concurrency * 2),
        )

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def claim(self, limit: int) -> list[Claimed]:
        """Up to ``limit`` due deliveries, held for this worker's lease."""
        return claim(
            self.store,
            worker=self.name,
            limit=limit,
            lease_s=self.options.lease_s,
            policy=self.options.retry,
        )

    def attempt(self, claimed: Claimed, *, retry: bool = True) -> Outcome:
        """POST one claimed delivery and settle it (a removed webhook's delivery dies unsent)."""
        if claimed.active:
            answer = post(self.client, claimed, timeout_s=self.options.timeout_s)
        else:
            answer, retry = Answer(None, "the webhook was removed", 0), False
        with self._rng_lock:
            rng = Random(self.rng.random())
        outcome = self._settle(claimed, answer, rng=rng, retry=retry)
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome

    def _settle(self, claimed: Claimed, answer: Answer, *, rng: Random, retry: bool) -> Outcome:
        """Record the attempt; if the store is busy or away, try again while the claim's
        lease lasts. The POST is done: a claim left ``sending`` goes out again when its
        lease ends, a duplicate (under its id) that waiting a moment here avoids."""
        from sqlalchemy.exc import OperationalError

        from corridor.cooperation.records import utc

        while True:
            try:
                return settle(self.store, claimed, answer, policy=self.options.retry, rng=rng,
                              retry=retry)  # fmt: skip
            except OperationalError as exc:
                left_s = (utc(claimed.lease_until) - utc()).total_seconds()
                if left_s < 2 * _ERROR_PAUSE_S:
                    raise
                log.info("worker %s: recording %s waits for the store (%s)", self.name,
                         claimed.uuid, _first_line(exc))  # fmt: skip
                time.sleep(_ERROR_PAUSE_S)

    def deliver_due(self, limit: int = 100) -> list[Outcome]:
        """One pass: claim up to ``limit`` due deliveries and send them (``concurrency`` at a
        time); their outcomes."""
        found = self.claim(limit)
        if not found:
            return []
        with ThreadPoolExecutor(self.options.concurrency) as pool:
            return list(pool.map(self.attempt, found))

    def _maybe_due(self) -> bool:
        """Whether anything may be due now: a read without a lock, so an idle worker polling
        every 50 ms never takes SQLite's write lock."""
        from corridor.cooperation.records import utc
        from corridor.store.deliveries import next_due_at

        with self.store.connect() as connection:
            due = next_due_at(connection)
        return due is not None and due <= utc()

    def run(self, stop: threading.Event, wake: threading.Event | None = None) -> None:
        """Deliver until ``stop`` is set, then finish the POSTs under way and return.
        ``wake`` (set by :func:`wake_on_commit` or a PostgreSQL notification) cuts a poll
        short. A store that fails (restarting, locked) is retried after a pause."""
        wake = wake or threading.Event()
        listener = self._listen(stop, wake)
        in_flight: set[Future[Outcome]] = set()
        pool = ThreadPoolExecutor(self.options.concurrency, thread_name_prefix="corridor-delivery")
        look_first = True  # a poll looks (a read, no lock) before it claims; a wake-up claims
        try:
            while not stop.is_set():
                self._tick()
                in_flight = {f for f in in_flight if not _reaped(f)}
                free = self.options.concurrency - len(in_flight)
                found: list[Claimed] = []
                if free > 0:
                    try:
                        due = not look_first or self._maybe_due()
                        found = self.claim(free) if due else []
                    except Exception as exc:  # the store: keep going when it comes back
                        log.warning(
                            "worker %s: the store failed (%s); trying again",
                            self.name,
                            _first_line(exc),
                        )
                        stop.wait(_ERROR_PAUSE_S)
                        continue
                in_flight |= {pool.submit(self.attempt, c) for c in found}
                look_first = True
                if found and len(found) == free:
                    continue  # every slot filled: more may be due
                if len(in_flight) >= self.options.concurrency:
                    wait(in_flight, timeout=self.options.poll_s, return_when=FIRST_COMPLETED)
                else:
                    look_first = not wake.wait(self.options.poll_s)
                    wake.clear()
        finally:
            wait(in_flight)
            for future in in_flight:
                _reaped(future)
            pool.shutdown()
            if listener is not None:
                listener.join(timeout=5)

    def _tick(self) -> None:
        """Run the ``periodic`` job (escalating overdue alerts) every ``period_s``: it
        queues deliveries of its own, which this loop then sends."""
        if self.periodic is None or time.monotonic() < self._next_tick:
            return
        self._next_tick = time.monotonic() + self.period_s
        try:
            self.periodic()
        except Exception as exc:  # the store or the job: the next tick tries again
            log.warning("worker %s: the periodic job failed (%s)", self.name, _first_line(exc))

    def _listen(self, stop: threading.Event, wake: threading.Event) -> threading.Thread | None:
        """On PostgreSQL, a thread that LISTENs for enqueued deliveries and sets ``wake``."""
        if self.store.dialect.name != "postgresql":
            return None
        thread = threading.Thread(
            target=_listen_loop, args=(self.store, stop, wake), name="corridor-listen", daemon=True
        )
        thread.start()
        return thread


def _reaped(future: Future[Outcome]) -> bool:
    """Whether ``future`` is done; a send that raised is logged (its lease brings it back)."""
    if not future.done():
        return False
    exc = future.exception()
    if exc is not None:
        log.warning(
            "a delivery failed to settle (%s); it goes out again when its lease ends",
            _first_line(exc),
        )
    return True


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def _listen_loop(store: Engine, stop: threading.Event, wake: threading.Event) -> None:
    """LISTEN on a connection of its own (taken out of the pool and thrown away after);
    reconnect after a pause if it drops. Polling goes on meanwhile, so this only speeds up."""
    while not stop.is_set():
        raw: Any = None
        try:
            raw = store.raw_connection()
            connection = raw.driver_connection
            connection.autocommit = True
            connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
            while not stop.is_set():
                for _ in connection.notifies(timeout=0.5, stop_after=1):
                    wake.set()
        except Exception as exc:  # the server went away: polling carries on meanwhile
            log.info("LISTEN %s stopped (%s); polling meanwhile", NOTIFY_CHANNEL, _first_line(exc))
            stop.wait(_ERROR_PAUSE_S)
        finally:
            if raw is not None:
                with suppress(Exception):
                    raw.invalidate()


def wake_on_commit(store: Engine, wake: threading.Event) -> Callable[[], None]:
    """Set ``wake`` whenever a transaction on ``store`` (in this process) that enqueued a
    delivery commits: a worker in the same process then sends it at once instead of at its
    next poll. Returns the function that stops this."""
    from sqlalchemy import event

    def committed(connection: Any) -> None:
        if connection.info.pop(ENQUEUED_FLAG, False):
            wake.set()

    def rolled_back(connection: Any) -> None:
        connection.info.pop(ENQUEUED_FLAG, None)

    event.listen(store, "commit", committed)
    event.listen(store, "rollback", rolled_back)

    def remove() -> None:
        event.remove(store, "commit", committed)
        event.remove(store, "rollback", rolled_back)

    return remove


def outcome_line(outcome: Outcome) -> str:
    """One line for a person: what an attempt did."""
    answer = f"HTTP {outcome.http_status}" if outcome.http_status is not None else "no answer"
    head = (
        f"{outcome.event} {outcome.delivery} -> {outcome.url}: {answer}, {outcome.duration_ms} ms"
    )
    if outcome.status is DeliveryStatus.DELIVERED:
        return f"delivered {head} (attempt {outcome.attempt})"
    if outcome.status is DeliveryStatus.PENDING and outcome.next_attempt_at is not None:
        when = _clock_text(outcome.next_attempt_at)
        return f"retry {head} ({outcome.error}); attempt {outcome.attempt + 1} at {when}"
    if outcome.status is DeliveryStatus.DEAD:
        return f"dead {head} ({outcome.error}) after {outcome.attempt} attempt(s)"
    return f"taken over {head}: another worker holds it now"


def _clock_text(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds") + " UTC"


@contextmanager
def background_worker(
    store: Engine,
    *,
    options: WorkerOptions | None = None,
    name: str | None = None,
    periodic: Callable[[], object] | None = None,
) -> Iterator[Worker]:
    """A worker delivering in a thread of this process while the block runs (what
    ``corridor serve`` starts), woken by this process's own commits; on leaving, it
    finishes the POSTs under way and stops."""
    stop, wake = threading.Event(), threading.Event()
    unhook = wake_on_commit(store, wake)
    worker = Worker(store, name=name, options=options, on_outcome=_log_outcome, periodic=periodic)
    thread = threading.Thread(
        target=worker.run, args=(stop, wake), name="corridor-delivery-worker", daemon=True
    )
    thread.start()
    try:
        yield worker
    finally:
        stop.set()
        thread.join(timeout=worker.options.timeout_s + 5)
        worker.close()
        unhook()


def _log_outcome(outcome: Outcome) -> None:
    level = logging.WARNING if outcome.status is DeliveryStatus.DEAD else logging.INFO
    log.log(level, "%s", outcome_line(outcome))
