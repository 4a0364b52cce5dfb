"""Faults with real processes: ``corridor worker`` killed with SIGKILL mid-delivery and
started again loses nothing and repeats only under the same delivery id; two worker
processes on one store never send a delivery twice; SIGTERM and Ctrl-C stop a worker
cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from corridor.store.deliveries import attempt_rows, delivery_rows
from tests.delivery.conftest import Hooked

SRC = Path(__file__).parents[2] / "src"
CORRIDOR = (sys.executable, "-c", "from corridor.cli import main; main()")
# Retries in tens of milliseconds and a short lease, so a killed worker's claims come back
# within seconds; the timeout leaves a loaded machine room to answer.
QUICK = ("--poll-ms", "20", "--timeout", "4", "--lease", "5", "--retry-base", "0.05",
         "--retry-cap", "0.2", "--max-attempts", "50")  # fmt: skip
PATIENT = ("--timeout", "20", "--lease", "60")  # no lease runs out: every attempt counts


class WorkerProcess:
    """``corridor worker`` on the store, its stderr in a file."""

    def __init__(self, store: Engine, log: Path, *args: str) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(SRC),
            "CORRIDOR_DATABASE_URL": store.url.render_as_string(hide_password=False),
        }
        self.log = log
        self.process = subprocess.Popen(
            [*CORRIDOR, "worker", *QUICK, *args],
            env=env,
            stderr=log.open("w"),
            stdout=subprocess.DEVNULL,
        )

    def stop(self, sent: signal.Signals = signal.SIGTERM) -> str:
        """SIGTERM (or Ctrl-C's SIGINT), and what it said; it must exit 0 having said so."""
        self.process.send_signal(sent)
        assert self.process.wait(timeout=30) == 0, self.log.read_text()
        said = self.log.read_text()
        assert f"{sent.name}: finishing the deliveries under way" in said and "stopped;" in said
        return said

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.kill()


def _rows(store: Engine) -> list[dict[str, object]]:
    with store.connect() as connection:
        return delivery_rows(connection)


def _wait(condition: object, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)
    assert condition(), "timed out"  # type: ignore[operator]


def test_a_worker_killed_mid_delivery_loses_nothing_and_repeats_only_by_id(
    hooked: Hooked, workers: list[WorkerProcess], tmp_path: Path
) -> None:
    store, receiver = hooked.store, hooked.receiver
    receiver.delay_s = 1.0  # every POST takes a second: the worker is caught mid-delivery
    made = hooked.enqueue(12)
    first = WorkerProcess(store, tmp_path / "first.log", "--name", "first")
    workers.append(first)
    _wait(lambda: sum(r["status"] == "sending" for r in _rows(store)) >= 4)
    time.sleep(0.3)
    first.kill()  # SIGKILL: no chance to settle what it was sending
    caught = {str(r["uuid"]) for r in _rows(store) if r["status"] == "sending"}
    assert caught, "the worker was not caught mid-delivery"
    receiver.delay_s = 0.0
    second = WorkerProcess(store, tmp_path / "second.log", "--name", "second")
    workers.append(second)
    _wait(lambda: {r["status"] for r in _rows(store)} == {"delivered"})
    time.sleep(0.3)
    said = second.stop()
    delivered = receiver.delivered()
    assert set(delivered) == set(made)  # nothing lost
    twice = {d for d, n in delivered.items() if n > 1}
    assert twice <= caught and max(delivered.values()) <= 2  # repeats: only those in flight
    for delivery in twice:  # a repeat is the same delivery: same id, same body
        bodies = {r.body for r in receiver.received if r.delivery == delivery}
        assert len(bodies) == 1
    with store.connect() as connection:
        for row in delivery_rows(connection, uuids=sorted(caught)):
            lost = attempt_rows(connection, int(row["id"]))[0]
            assert lost["http_status"] is None and "first/" in lost["error"]
            assert "lease ran out" in lost["error"]
    assert "delivered alert.raised" in said


@pytest.mark.parametrize("count", [300])
def test_two_worker_processes_never_send_one_delivery_twice(
    hooked: Hooked, workers: list[WorkerProcess], tmp_path: Path, count: int
) -> None:
    store, receiver = hooked.store, hooked.receiver
    for name in ("a", "b"):
        log = tmp_path / f"{name}.log"
        workers.append(WorkerProcess(store, log, "--name", name, "--quiet", *PATIENT))
    _wait(lambda: all("SIGTERM or Ctrl-C stops it" in w.log.read_text() for w in workers))
    made = []
    for _ in range(count // 10):  # a steady trickle, so both are busy at once
        made += hooked.enqueue(10)
        time.sleep(0.02)
    assert receiver.wait_for(count, timeout_s=60)
    time.sleep(0.5)
    workers[0].stop(signal.SIGTERM)
    workers[1].stop(signal.SIGINT)  # Ctrl-C
    delivered = receiver.delivered()
    assert set(delivered) == set(made) and set(delivered.values()) == {1}
    rows = _rows(store)
    assert {r["status"] for r in rows} == {"delivered"}
    with store.connect() as connection:  # a second attempt only after a first that failed
        for row in rows:
            answers = [a["http_status"] for a in attempt_rows(connection, int(row["id"]))]
            assert len(answers) == row["attempts"] and answers[-1] == 200
            assert all(a is None or not 200 <= a < 300 for a in answers[:-1]), answers
    by = {str(r["claimed_by"]).split("/")[0] for r in rows}
    assert by == {"a", "b"}, "one worker did everything: the test did not test sharing"
