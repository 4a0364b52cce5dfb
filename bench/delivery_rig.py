"""What the webhook benchmarks share: a receiver process on 127.0.0.1 that logs each
delivery id and the time its body was in, a fresh database (an SQLite file, or a
PostgreSQL database on the local server), and latency, loss and doubles counted by id.

``bench_delivery.py`` (commit to receipt) and ``bench_report_to_webhook.py`` (report
accepted by the server to receipt) use it. Run as a script it is the receiver:

    python bench/delivery_rig.py PORT LOG
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

POSTGRES = "postgresql://postgres@127.0.0.1:5432"


# --------------------------------------------------------------------------- the receiver


def receive(port: int, log_path: Path) -> None:
    """Run as its own process: answer every POST 204 and log "id received_at" per body."""
    lock = threading.Lock()
    log = log_path.open("a", buffering=1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            at = time.time()
            with lock:
                log.write(f"{self.headers.get('X-Corridor-Delivery')} {at:.6f}\n")
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128  # the worker opens up to 32 connections at once

    server = Server(("127.0.0.1", port), Handler)
    server.serve_forever(poll_interval=0.05)


class Receiver:
    """The receiver process, which can be stopped and started again on the same port.
    ``command`` prefixes its command line (``["taskset", "-c", "1"]`` pins it)."""

    def __init__(self, log_path: Path, command: tuple[str, ...] = ()) -> None:
        self.log_path = log_path
        self.command = command
        log_path.write_text("")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def up(self) -> None:
        self.process = subprocess.Popen(
            [*self.command, sys.executable, __file__, str(self.port), str(self.log_path)]
        )
        for _ in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError("the receiver did not start")

    def down(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def received(self) -> dict[str, list[float]]:
        """Every delivery id the receiver had, with the time of each arrival."""
        found: dict[str, list[float]] = {}
        for line in self.log_path.read_text().splitlines():
            delivery, at = line.split()
            found.setdefault(delivery, []).append(float(at))
        return found


# --------------------------------------------------------------------------- databases


def _postgres_admin() -> Any:
    from sqlalchemy import create_engine

    return create_engine(
        f"{POSTGRES.replace('postgresql://', 'postgresql+psycopg://')}/postgres",
        isolation_level="AUTOCOMMIT",
    )


def fresh_database(database: str, folder: Path, name: str) -> str:
    """The URL of an empty database: ``folder/name.sqlite`` (its old files removed) or the
    PostgreSQL database ``corridor_bench_delivery_{name}`` (dropped and made again)."""
    if database == "sqlite":
        path = folder / f"{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    from sqlalchemy import text

    admin = _postgres_admin()
    db = f"corridor_bench_delivery_{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{db}"'))
    admin.dispose()
    return f"{POSTGRES}/{db}"


def drop_database(database: str, name: str) -> None:
    """Drop what :func:`fresh_database` made on PostgreSQL (an SQLite file stays)."""
    if database != "postgresql":
        return
    from sqlalchemy import text

    admin = _postgres_admin()
    with admin.connect() as connection:
        connection.execute(
            text(f'DROP DATABASE IF EXISTS "corridor_bench_delivery_{name}" WITH (FORCE)')
        )
    admin.dispose()


# --------------------------------------------------------------------------- counting


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` by the nearest rank; NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Arrivals:
    """Deliveries sent against those received, by delivery id."""

    latencies_ms: list[float]  # first arrival minus the start time, per received delivery
    lost: int  # never arrived
    doubled: int  # arrived more than once

    def figures(self) -> dict[str, float]:
        found = self.latencies_ms
        return {
            "p50": percentile(found, 0.5),
            "p90": percentile(found, 0.9),
            "p99": percentile(found, 0.99),
            "max": max(found, default=float("nan")),
        }


def arrivals(started: Mapping[str, float], received: Mapping[str, list[float]]) -> Arrivals:
    """Count ``started`` (delivery id -> when its clock starts, ``time.time()``) against
    what the receiver logged."""
    return Arrivals(
        latencies_ms=[(min(received[d]) - at) * 1000 for d, at in started.items() if d in received],
        lost=sum(d not in received for d in started),
        doubled=sum(len(received.get(d, ())) > 1 for d in started),
    )


if __name__ == "__main__":
    receive(int(sys.argv[1]), Path(sys.argv[2]))
