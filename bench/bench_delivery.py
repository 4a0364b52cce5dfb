"""Webhook delivery benchmark: latency from commit to receipt, lost and doubled deliveries,
our outbox and worker against a synchronous POST inside the request, same run.

    .venv/bin/python bench/bench_delivery.py                      # SQLite, 50/s for 60 s
    .venv/bin/python bench/bench_delivery.py --postgres           # and PostgreSQL
    .venv/bin/python bench/bench_delivery.py --seconds 10 --outage-seconds 10   # quick look

A reporter loop commits one "report" per tick at a steady rate: a transaction that writes
an entry (standing in for the alert) and enqueues its delivery, as the alert code does. A
receiver, its own process on 127.0.0.1, records the delivery id and the time each body is
in; the reporter records the time each transaction committed. So latency is measured, and
lost and doubled deliveries are counted by id, not guessed.

Ways, each on a fresh store:

* ``thread``: our worker in a thread of the reporting process, as ``corridor serve`` runs it
  (woken by the process's own commits, polling every 50 ms);
* ``process``: ``corridor worker`` on its own (polling every 50 ms; LISTEN/NOTIFY on
  PostgreSQL);
* ``naive``: what a user might write: commit, then POST the body at once in the request
  (a shared httpx client, 10 s timeout), no outbox, no retry.

Two scenarios: ``steady`` (the receiver up throughout) and ``outage`` (the receiver stopped
for a while in the middle and started again).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from delivery_rig import Receiver, arrivals, drop_database, fresh_database, percentile

ROOT = Path(__file__).resolve().parents[1]
ORG = "pipechina"


# --------------------------------------------------------------------------- stores


def _store(database: str, folder: Path, name: str) -> Any:
    from corridor.cooperation.models import Principal
    from corridor.cooperation.services import create_organization
    from corridor.store.database import make_engine, migrate

    store = make_engine(fresh_database(database, folder, name))
    migrate(store)
    create_organization(
        store,
        Principal.operator("platform"),
        ORG,
        name="PipeChina",
        kind="operator",
        country="CHN",
        atlas=_atlas(),
    )
    return store


@cache
def _atlas() -> Any:
    from corridor.atlas import load_atlas

    return load_atlas()


def _drop(database: str, store: Any, name: str) -> None:
    store.dispose()
    drop_database(database, name)


# --------------------------------------------------------------------------- one run


@dataclass
class Run:
    database: str
    way: str
    scenario: str
    rate: float
    seconds: float
    committed: dict[str, float] = field(default_factory=dict)  # delivery id -> commit time
    request_ms: list[float] = field(default_factory=list)  # how long each report took
    failed_posts: int = 0  # naive: POSTs that raised or did not answer 2xx
    down: tuple[float, float] | None = None  # when the receiver was down (time.time())


def _report(store: Any, *, deliver: bool) -> tuple[list[str], float]:
    """One report: a transaction writing an entry and enqueuing its delivery (ours), or only
    the entry (naive: the caller then POSTs). (delivery ids, commit time)."""
    from corridor.delivery import enqueue
    from corridor.store.audit import append_entry, audit_row

    now = datetime.now(UTC)
    with store.begin() as connection:
        entry = audit_row(at=now.replace(tzinfo=None), organization=ORG, user="bench",
                          action="create", object_type="alert")  # fmt: skip
        append_entry(connection, entry)
        made = (
            enqueue(
                connection,
                organization=ORG,
                event="alert.raised",
                payload={"alert": "bench"},
                now=now,
            )
            if deliver
            else []
        )
    return made, time.time()


def _naive_post(client: Any, url: str, secret: str) -> tuple[str, bool]:
    """The POST a user would write in the request handler, after the commit."""
    from corridor.delivery.outbox import delivery_body
    from corridor.delivery.signing import sign

    delivery = str(uuid.uuid4())
    body = delivery_body(delivery, "alert.raised", ORG, datetime.now(UTC), {"alert": "bench"})
    raw = body.encode()
    headers = {
        "Content-Type": "application/json",
        "X-Corridor-Delivery": delivery,
        "X-Corridor-Event": "alert.raised",
        "X-Corridor-Signature": sign(secret, int(time.time()), raw),
    }
    try:
        return delivery, client.post(url, content=raw, headers=headers).is_success
    except Exception:  # what a naive handler does: log it and move on
        return delivery, False


@contextmanager
def _worker(way: str, store: Any, folder: Path) -> Iterator[None]:
    if way == "thread":
        from corridor.delivery.worker import background_worker

        with background_worker(store):
            yield
        return
    if way == "naive":
        yield
        return
    log = (folder / "worker.log").open("w")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "CORRIDOR_DATABASE_URL": store.url.render_as_string(hide_password=False),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "from corridor.cli import main; main()", "worker", "--quiet"],
        env=env,
        stderr=log,
    )
    for _ in range(600):
        if "stops it" in (folder / "worker.log").read_text():
            break
        time.sleep(0.05)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=60)


def _drive(
    run: Run, store: Any, receiver: Receiver, secret: str, outage: tuple[float, float]
) -> float:
    """Report at the run's rate for its seconds (the receiver down for ``outage`` in an outage
    run); how many seconds the reporter ended behind its schedule."""
    import httpx

    client = httpx.Client(timeout=10, trust_env=False)
    went_down, restarting = 0.0, False

    def back_up(since: float) -> None:
        receiver.up()
        run.down = (since, time.time())

    started = time.perf_counter()
    for tick in range(int(run.rate * run.seconds)):
        elapsed = tick / run.rate
        in_outage = run.scenario == "outage" and outage[0] <= elapsed < outage[1]
        if in_outage and receiver.process is not None:
            receiver.down()
            went_down = time.time()
        elif not in_outage and receiver.process is None and not restarting:
            restarting = True  # starting takes a while: not in the reporter's time
            threading.Thread(target=back_up, args=(went_down,)).start()
        wait = started + elapsed - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        begun = time.perf_counter()
        if run.way == "naive":
            _, committed = _report(store, deliver=False)
            delivery, ok = _naive_post(client, receiver.url, secret)
            run.committed[delivery] = committed
            run.failed_posts += not ok
        else:
            made, committed = _report(store, deliver=True)
            run.committed.update(dict.fromkeys(made, committed))
        run.request_ms.append((time.perf_counter() - begun) * 1000)
    if receiver.process is None and not restarting:
        back_up(went_down)
    client.close()
    return time.perf_counter() - started - run.seconds


def run_one(
    database: str,
    way: str,
    scenario: str,
    rate: float,
    seconds: float,
    outage: tuple[float, float],
    folder: Path,
) -> dict[str, Any]:
    from corridor.cooperation.models import Principal
    from corridor.delivery import add_webhook

    name = f"{way}_{scenario}"
    work = folder / f"{database}-{name}"
    work.mkdir(parents=True, exist_ok=True)
    store = _store(database, work, name)
    receiver = Receiver(work / "received.log")
    receiver.up()
    secret = add_webhook(store, Principal.operator("platform"), ORG, receiver.url).secret
    run = Run(database, way, scenario, rate, seconds)
    load_before = os.getloadavg()[0]
    with _worker(way, store, work):
        behind = _drive(run, store, receiver, secret, outage)
        deadline = time.monotonic() + 120  # ours: let the retries of the outage drain
        while way != "naive" and time.monotonic() < deadline:
            if len(receiver.received().keys() & run.committed.keys()) >= len(run.committed):
                break
            time.sleep(0.1)
        time.sleep(0.5)  # anything sent twice has arrived by now
    receiver.down()
    result = _summary(run, receiver.received(), behind, load_before)
    _drop(database, store, name)
    return result


def _summary(
    run: Run, received: dict[str, list[float]], behind_s: float, load_before: float
) -> dict[str, Any]:
    counted = arrivals(run.committed, received)
    latencies = counted.latencies_ms
    down_from, down_to = run.down or (float("inf"), float("inf"))
    during = {d for d, at in run.committed.items() if down_from <= at < down_to}
    late = arrivals({d: run.committed[d] for d in during}, received).latencies_ms
    calm = arrivals(
        {d: at for d, at in run.committed.items() if d not in during}, received
    ).latencies_ms
    return {
        "database": run.database,
        "way": run.way,
        "scenario": run.scenario,
        "events": len(run.committed),
        "received": sum(d in received for d in run.committed),
        "lost": counted.lost,
        "doubled": counted.doubled,
        "latency_ms": {
            **counted.figures(),
            "mean": statistics.fmean(latencies) if latencies else float("nan"),
        },
        "while_down": {
            "events": len(during),
            "lost": sum(d not in received for d in during),
            "latency_p50_ms": percentile(late, 0.5),
            "latency_max_ms": max(late, default=float("nan")),
        },
        "latency_receiver_up_ms": {"p50": percentile(calm, 0.5), "p99": percentile(calm, 0.99)},
        "request_ms": {
            "p50": percentile(run.request_ms, 0.5),
            "p99": percentile(run.request_ms, 0.99),
            "max": max(run.request_ms),
        },
        "reporter_behind_s": round(behind_s, 2),
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def _line(result: dict[str, Any]) -> str:
    lat, req = result["latency_ms"], result["request_ms"]
    down = result["while_down"]
    if down["events"]:
        up = result["latency_receiver_up_ms"]
        outage = (
            f"\n{'':27s}committed while down {down['events']}: lost {down['lost']}, latency "
            f"p50 {down['latency_p50_ms']:.0f} max {down['latency_max_ms']:.0f} ms; the rest "
            f"p50 {up['p50']:.1f} p99 {up['p99']:.1f} ms"
        )
    else:
        outage = ""
    return (
        f"{result['database']:10s} {result['scenario']:7s} {result['way']:8s} "
        f"{result['events']:5d} events  lost {result['lost']:4d}  doubled {result['doubled']:3d}  "
        f"latency p50 {lat['p50']:7.1f} p99 {lat['p99']:8.1f} max {lat['max']:8.1f} ms  "
        f"request p50 {req['p50']:6.1f} p99 {req['p99']:7.1f} ms  load {result['load']}"
        f"{outage}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0, help="reports per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the steady run")
    parser.add_argument(
        "--outage-seconds", type=float, default=30.0, help="length of the outage run (0: none)"
    )
    parser.add_argument(
        "--down",
        type=float,
        nargs=2,
        default=(5.0, 15.0),
        metavar=("FROM", "TO"),
        help="the receiver is down from FROM to TO seconds into the outage run",
    )
    parser.add_argument("--ways", default="thread,process,naive")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/corridor-bench-delivery"))
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args()
    ways = args.ways.split(",")
    databases = ["sqlite", *(["postgresql"] if args.postgres else [])]
    print(
        f"{os.cpu_count()} cores, load {os.getloadavg()}; {args.rate:g} reports/s", file=sys.stderr
    )
    logging.getLogger("corridor.delivery").setLevel(logging.ERROR)  # no line per retry
    results = []
    for database in databases:
        plan = [("steady", args.seconds, way) for way in ways]
        if args.outage_seconds > 0:
            plan += [("outage", args.outage_seconds, way) for way in ways if way != "process"]
        for scenario, seconds, way in plan:
            result = run_one(
                database, way, scenario, args.rate, seconds, tuple(args.down), args.folder
            )
            results.append(result)
            print(_line(result), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
