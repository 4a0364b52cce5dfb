"""List-endpoint benchmark: GET /incidents of `corridor serve` against a plain FastAPI +
SQLAlchemy ORM endpoint (baseline_api.py), same store, same queries, same run.

    python bench/bench_api_list.py                     # 1,000,000 incidents, both servers
    python bench/bench_api_list.py --repeat 3          # three rounds; medians at the end

The store (built once, then reused from --cache): 1,000,000 generated incidents
(generate_platform.py: public CLEAR data and agencies' GREEN..RED reports, about
60,000 shares with sharing groups, one of them a mechanism group), loaded by the
columnar import (``import_chunks``, the path ``corridor incidents import`` takes);
organizations, groups, users and tokens made through the cooperation services.

Each server runs in its own process pinned to one core (``taskset``), one uvicorn
worker; the load generator (asyncio + httpx, a fixed number of requests at a fixed
concurrency, every latency recorded) runs here, pinned to the other core, as analysts
of member agencies walking realistic filtered queries: a threat class x year x
5-degree box, or a country x half a year, newest first, following ``next_cursor``
for some pages. Before the load, both servers answer the same sample of walks and
the answers (totals, every page's uuids) must be equal; after ours stops, the audit
log must hold one entry per request it served.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

DEFAULT_CACHE = Path("/tmp/corridor-bench/api")
STORE_VERSION = 1  # bump when the generated platform changes shape


# --------------------------------------------------------------------------- the store


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_store(cache: Path, rows: int, seed: int) -> dict[str, Any]:
    """The benchmark store in ``cache`` (built unless a finished one is there) and what the
    load needs: its URL, the token secret, a token per reader."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"incidents-{rows}-s{seed}-v{STORE_VERSION}.sqlite"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        meta: dict[str, Any] = json.loads(meta_path.read_text())
        _say(f"reusing {path} ({meta['incidents']:,} incidents, {meta['shares']:,} shares)")
        return meta
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    meta_path.unlink(missing_ok=True)

    from sqlalchemy import insert, select

    from corridor.store import open_store
    from corridor.store.import_columns import import_chunks
    from corridor.store.import_job import ImportJob
    from corridor.store.tables import incident_shares, incidents
    from generate_platform import incident_tables, shares_for

    url = f"sqlite:///{path}"
    started = time.perf_counter()
    store = open_store(url, create=True)
    secret = secrets.token_hex(32)
    tokens = _parties(store, secret.encode())

    def progress(done: int) -> None:
        elapsed = time.perf_counter() - started
        _say(f"  {done:>9,} / {rows:,} incidents stored  ({elapsed:5.1f} s)")

    _say(f"building {path}: {rows:,} incidents")
    job = ImportJob(
        file_name="generated-platform", fmt="generic", batch_size=50_000, progress=progress
    )
    report = import_chunks(store, incident_tables(rows, seed=seed), job, bulk=True)
    loaded = time.perf_counter() - started
    _say(f"  imported {report.counts.inserted:,} in {loaded:.1f} s; sharing with groups")
    c = incidents.c
    with store.begin() as connection:
        reports = connection.execute(
            select(c.uuid, c.reporter)
            .where(c.source == "report", c.tlp.in_(("amber", "amber+strict", "red")))
            .order_by(c.id)
        ).all()
        now = datetime.now(UTC).replace(tzinfo=None)
        shares = [
            {
                "incident_uuid": uuid,
                "group_id": group,
                "shared_by": f"{org}-analyst@{org}",
                "shared_at": now,
            }
            for uuid, group, org in shares_for([r[0] for r in reports], [r[1] for r in reports])
        ]
        connection.execute(insert(incident_shares), shares)
    store.dispose()
    meta = {
        "url": url,
        "secret": secret,
        "tokens": tokens,
        "incidents": report.counts.inserted,
        "shares": len(shares),
        "build_s": round(time.perf_counter() - started, 1),
    }
    meta_path.write_text(json.dumps(meta, indent=1))
    _say(f"  {len(shares):,} shares; store built in {meta['build_s']} s")
    return meta


def _parties(store: Any, secret: bytes) -> dict[str, str]:
    """Organizations, groups, users and their tokens, through the cooperation services;
    the readers' tokens."""
    from corridor.atlas import load_atlas
    from corridor.cooperation.models import Principal
    from corridor.cooperation.services import (
        add_group_members,
        create_group,
        create_organization,
        create_user,
        issue_token,
    )
    from generate_platform import GROUPS, ORGANIZATIONS, READERS, USERS

    atlas = load_atlas()
    admin = Principal.operator("platform")
    for org, (kind, country, mechanism) in ORGANIZATIONS.items():
        create_organization(store, admin, org, name=org.upper(), kind=kind, country=country,
                            mechanism=mechanism, atlas=atlas)  # fmt: skip
    for group, (mechanism, confidential, owner, members) in GROUPS.items():
        create_group(store, admin, group, name=group, mechanism=mechanism,
                     confidential=confidential, owner=owner, atlas=atlas)  # fmt: skip
        if members:
            add_group_members(store, admin, group, members)
    tokens: dict[str, str] = {}
    for user, (org, roles) in USERS.items():
        create_user(store, admin, user, organization=org, roles=roles)
        issued = issue_token(store, admin, user, secret=secret, expires_in_days=366)
        if user in READERS:
            tokens[user] = issued.secret
    return tokens


# --------------------------------------------------------------------------- the walks


@dataclass(frozen=True)
class Walk:
    """One reader's query and how many pages of it they read (following next_cursor)."""

    reader: str
    params: tuple[tuple[str, str], ...]
    pages: int


def walks(count: int, seed: int, readers: list[str]) -> list[Walk]:
    """Seeded realistic queries: a class x year x 5-degree box around a hot spot, or a
    country x half a year; a quarter of them read 2-4 pages."""
    from generate_platform import HOT_SPOTS

    rng = random.Random(seed)
    classes = (
        "armed_conflict",
        "terrorism",
        "three_forces",
        "political_turmoil",
        "infrastructure_attack",
        "organized_crime",
    )
    found = []
    for _ in range(count):
        lon, lat, _spread, country = rng.choice(HOT_SPOTS)
        if rng.random() < 0.5:
            year = rng.randint(1990, 2024)
            west, south = (
                round(lon - 2.5 + rng.uniform(-1, 1), 1),
                round(lat - 2.5 + rng.uniform(-1, 1), 1),
            )
            params: tuple[tuple[str, str], ...] = (
                ("class", rng.choice(classes)),
                ("since", f"{year}-01-01"),
                ("until", f"{year}-12-31"),
                ("bbox", f"{west},{south},{west + 5:.1f},{south + 5:.1f}"),
            )
        else:
            year, half = rng.randint(1990, 2024), rng.choice((1, 7))
            params = (
                ("country", country),
                ("since", f"{year}-{half:02d}-01"),
                ("until", f"{year}-{half + 5:02d}-{30 if half == 1 else 31}"),
            )
        pages = 1 if rng.random() < 0.75 else rng.randint(2, 4)
        found.append(Walk(rng.choice(readers), params, pages))
    return found


# --------------------------------------------------------------------------- the servers


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    settings: str
    log: Path

    def _tree(self) -> list[int]:
        """The server's process and its workers (uvicorn --workers forks them)."""
        found = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if parent in found:
                found.append(int(stat.parent.name))
        return found

    def peak_rss_mb(self) -> tuple[float, float]:
        """The high-water resident size of the server's processes, and their private
        (anonymous) memory now, from /proc: SQLite's memory map of the file counts in the
        first once per connection that touched a page, though the pages are shared."""
        peak = private = 0.0
        for pid in self._tree():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak += int(line.split()[1]) / 1024
                if line.startswith("RssAnon:"):
                    private += int(line.split()[1]) / 1024
        return peak, private

    def cpu_s(self) -> float:
        """CPU seconds the server's processes (and their threads) used so far."""
        total = 0.0
        for pid in self._tree():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self) -> int:
        """Stop it as an operator would (SIGINT: uvicorn's clean shutdown)."""
        self.process.send_signal(2)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def _environment(meta: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    source = str(HERE.parent / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, str(HERE), env.get("PYTHONPATH")) if p)
    env["CORRIDOR_TOKEN_SECRET"] = env["BASELINE_TOKEN_SECRET"] = meta["secret"]
    env["BASELINE_DATABASE_URL"] = meta["url"]
    return env


def start_server(which: str, meta: dict[str, Any], args: argparse.Namespace, log: Path) -> Server:
    port = args.port + (0 if which == "ours" else 1)
    pin = ["taskset", "-c", args.server_cpus]
    if which == "ours":
        command = [
            *pin,
            sys.executable,
            "-m",
            "corridor.cli",
            "--db",
            meta["url"],
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ]
        settings = f"corridor serve --workers {args.workers} (uvicorn {_uvicorn_auto()})"
    else:
        command = [
            *pin,
            sys.executable,
            "-m",
            "uvicorn",
            "baseline_api:app",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--loop",
            "auto",
            "--http",
            "auto",
            "--no-access-log",
        ]
        settings = f"uvicorn --workers {args.workers} ({_uvicorn_auto()})"
    settings += f", pinned to CPU {args.server_cpus}"
    handle = log.open("wb")
    process = subprocess.Popen(command, env=_environment(meta), stdout=handle, stderr=handle)
    url = f"http://127.0.0.1:{port}"
    server = Server(which, process, url, settings, log)
    wait_ready(server)
    return server


def _uvicorn_auto() -> str:
    """What uvicorn's loop="auto", http="auto" pick here."""
    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:
        loop = "asyncio"
    try:
        import httptools  # noqa: F401

        http = "httptools"
    except ImportError:
        http = "h11"
    return f"loop {loop}, http {http}"


def wait_ready(server: Server) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} server exited: see {server.log}")
        try:
            httpx.get(server.url + "/incidents", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit(f"{server.name} server did not start in 120 s: see {server.log}")


# --------------------------------------------------------------------------- the load


@dataclass
class Outcome:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)  # of the errors; 0: no reply

    def record(self, status: int, seconds: float) -> None:
        """One request's answer (0: none) and how long it took."""
        self.latencies.append(seconds)
        self.requests += 1
        if status != 200:
            self.errors += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "rps": self.requests / self.seconds,
            "p50_ms": self.percentile(50),
            "p99_ms": self.percentile(99),
            "statuses": self.statuses,
        }


def _next_cursor(body: bytes) -> str | None:
    """``next_cursor`` of a page without parsing the page (it is the last field)."""
    at = body.rfind(b'"next_cursor":')
    tail = json.loads(body[at + len(b'"next_cursor":') : -1])
    return tail if isinstance(tail, str) else None


class _Connection:
    """One keep-alive HTTP/1.1 connection, GET only, bodies by Content-Length.

    httpx spent 2.3 ms of client CPU per request here (measured against a static
    60 kB reply): one client core could not have sent 500 requests a second. This
    costs 0.05 ms, so the client measures the server, not itself."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def get(self, target: str, authorization: str) -> tuple[int, bytes]:
        self.writer.write(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: {authorization}\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        at = head.lower().find(b"content-length:")
        if at < 0:
            raise ValueError("no Content-Length in the reply")
        size = int(head[at + 15 : head.index(b"\r\n", at)])
        return status, await self.reader.readexactly(size)


async def drive(
    url: str, plan: list[Walk], tokens: dict[str, str], *, requests: int, concurrency: int
) -> Outcome:
    """Send exactly ``requests`` requests over ``concurrency`` connections, each one
    request at a time, walking ``plan`` round and round; every latency is kept."""
    from urllib.parse import urlencode, urlsplit

    where = urlsplit(url)
    outcome = Outcome()
    budget = [requests]
    position = [0]
    bearer = {reader: f"Bearer {token}" for reader, token in tokens.items()}

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(where.hostname, where.port)
        connection = _Connection(reader, writer)
        try:
            while budget[0] > 0:
                walk = plan[position[0] % len(plan)]
                position[0] += 1
                params = dict(walk.params)
                for page in range(walk.pages):
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                    started = time.perf_counter()
                    try:
                        status, body = await connection.get(
                            "/incidents?" + urlencode(params), bearer[walk.reader]
                        )
                    except (OSError, ValueError, asyncio.IncompleteReadError):
                        status, body = 0, b""
                    outcome.record(status, time.perf_counter() - started)
                    if status != 200:
                        if status == 0:  # the connection is gone: open another
                            writer.close()
                            reader, writer = await asyncio.open_connection(
                                where.hostname, where.port
                            )
                            connection = _Connection(reader, writer)
                        break
                    if page + 1 < walk.pages:
                        cursor = _next_cursor(body)
                        if cursor is None:
                            break
                        params["cursor"] = cursor
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    outcome.seconds = time.perf_counter() - started
    return outcome


async def drive_at_rate(
    url: str, plan: list[Walk], tokens: dict[str, str], *, requests: int, rate: float
) -> Outcome:
    """Open loop: send exactly ``requests`` requests at ``rate`` a second, on schedule
    whether or not earlier ones have been answered (as users arrive), each on an idle
    keep-alive connection or a new one. A latency runs from the request's scheduled time,
    so a client that fell behind counts against the server, not in its favour
    (coordinated omission). Walks go on as before: the next page of a walk is sent at the
    next free slot after its previous page came back."""
    from collections import deque
    from urllib.parse import urlencode, urlsplit

    where = urlsplit(url)
    outcome = Outcome()
    bearer = {reader: f"Bearer {token}" for reader, token in tokens.items()}
    idle: list[_Connection] = []
    follow_ons: deque[tuple[Walk, dict[str, str], int]] = deque()
    walk_at = [0]

    async def fresh() -> _Connection:
        return _Connection(*await asyncio.open_connection(where.hostname, where.port))

    async def one(walk: Walk, params: dict[str, str], page: int, scheduled: float) -> None:
        target, authorization = "/incidents?" + urlencode(params), bearer[walk.reader]
        connection = idle.pop() if idle else await fresh()
        try:
            try:
                status, body = await connection.get(target, authorization)
            except (OSError, asyncio.IncompleteReadError):
                # an idle connection the server closed (its keep-alive timeout): as an HTTP
                # client library does, send again on a new one
                connection.writer.close()
                connection = await fresh()
                status, body = await connection.get(target, authorization)
        except (OSError, ValueError, asyncio.IncompleteReadError):
            status, body = 0, b""
        outcome.record(status, time.perf_counter() - scheduled)
        if status != 200:
            connection.writer.close()
            return
        idle.append(connection)
        if page + 1 < walk.pages and (cursor := _next_cursor(body)) is not None:
            follow_ons.append((walk, {**params, "cursor": cursor}, page + 1))

    def next_request() -> tuple[Walk, dict[str, str], int]:
        if follow_ons:
            return follow_ons.popleft()
        walk = plan[walk_at[0] % len(plan)]
        walk_at[0] += 1
        return walk, dict(walk.params), 0

    tasks = []
    started = time.perf_counter()
    for number in range(requests):
        scheduled = started + number / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(*next_request(), scheduled)))
    await asyncio.gather(*tasks)
    outcome.seconds = time.perf_counter() - started
    for connection in idle:
        connection.writer.close()
    return outcome


def load_generator(args: argparse.Namespace, requests: int) -> Any:
    """The load ``args`` ask for: at a fixed rate (open loop) or at a fixed concurrency."""

    def run(url: str, plan: list[Walk], tokens: dict[str, str]) -> Outcome:
        if args.rate:
            return _run_loop(drive_at_rate(url, plan, tokens, requests=requests, rate=args.rate))
        work = drive(url, plan, tokens, requests=requests, concurrency=args.concurrency)
        return _run_loop(work)

    return run


def _run_loop(work: Any) -> Outcome:
    """Run the load on uvloop when it is installed (the client's own cost, lower)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)
    return uvloop.run(work)  # type: ignore[no-any-return]


def answers(url: str, plan: list[Walk], tokens: dict[str, str]) -> list[Any]:
    """Every page of each walk in ``plan``, as (total, uuids, next_cursor): to compare."""
    import httpx

    found = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for walk in plan:
            params = dict(walk.params)
            for _ in range(walk.pages):
                response = client.get(
                    "/incidents",
                    params=params,
                    headers={"Authorization": f"Bearer {tokens[walk.reader]}"},
                )
                response.raise_for_status()
                page = response.json()
                found.append(
                    (page["total"], [i["uuid"] for i in page["incidents"]], page["next_cursor"])
                )
                if page["next_cursor"] is None:
                    break
                params["cursor"] = page["next_cursor"]
    return found


def audit_entries(meta: dict[str, Any]) -> int:
    import sqlite3

    path = meta["url"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def run_server(
    which: str,
    meta: dict[str, Any],
    args: argparse.Namespace,
    plan: list[Walk],
    sample: list[Walk],
) -> dict[str, Any]:
    """Start one server, check its answers, warm it, load it, stop it; what was seen."""
    log = Path(args.cache) / f"server-{which}.log"
    before = audit_entries(meta)
    server = start_server(which, meta, args, log)
    try:
        checked = answers(server.url, sample, meta["tokens"])
        served = len(checked)
        warm = load_generator(args, args.warmup)(server.url, plan[::-1], meta["tokens"])
        served += warm.requests
        time.sleep(0.5)
        cpu = server.cpu_s()
        load = load_generator(args, args.requests)(server.url, plan, meta["tokens"])
        served += load.requests
        cpu = server.cpu_s() - cpu
        peak, private = server.peak_rss_mb()
    finally:
        code = server.stop()
    result = {
        **load.summary(),
        "peak_rss_mb": peak,
        "private_mb": private,
        "cpu_ms": cpu / load.requests * 1000,
        "settings": server.settings,
        "answers": checked,
        "exit": code,
    }
    result["audited"] = audit_entries(meta) - before
    result["served"] = served
    return result


def _uptime() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="incidents in the store")
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"where the store is built and reused (default {DEFAULT_CACHE})",
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--requests", type=int, default=20_000, help="measured requests per server")
    parser.add_argument("--warmup", type=int, default=2_000, help="requests before measuring")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument(
        "--rate",
        type=float,
        help="open loop: requests a second, sent on schedule (instead of --concurrency)",
    )
    parser.add_argument(
        "--walks",
        type=int,
        default=20_000,
        help="distinct query walks (as many as requests: no walk is read twice, so a kept "
        "total comes only from the walk's own first page)",
    )
    parser.add_argument("--sample", type=int, default=40, help="walks both servers must agree on")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--server-cpus", default="0", help="taskset CPU list for the servers")
    parser.add_argument("--client-cpu", type=int, default=1, help="CPU the load generator uses")
    parser.add_argument("--port", type=int, default=8750)
    parser.add_argument("--repeat", type=int, default=1, help="rounds (ours then baseline)")
    parser.add_argument("--only", choices=("ours", "baseline"), help="run one server only")
    parser.add_argument("--build-only", action="store_true", help="build the store and stop")
    args = parser.parse_args()

    meta = build_store(args.cache, args.rows, args.seed)
    if args.build_only:
        return
    os.sched_setaffinity(0, {args.client_cpu})
    readers = sorted(meta["tokens"])
    plan = walks(args.walks, args.seed, readers)
    sample = walks(args.sample, args.seed + 1, readers)
    which = [args.only] if args.only else ["ours", "baseline"]
    rounds: list[dict[str, dict[str, Any]]] = []
    for number in range(1, args.repeat + 1):
        loads = [Path("/proc/loadavg").read_text().split()[:3]]
        results = {name: run_server(name, meta, args, plan, sample) for name in which}
        loads.append(Path("/proc/loadavg").read_text().split()[:3])
        if len(results) == 2 and results["ours"]["answers"] != results["baseline"]["answers"]:
            raise SystemExit("the two servers disagree on the sample walks: not the same query")
        rounds.append(results)
        _report(f"round {number}/{args.repeat}", results, loads, args, meta)
    print("\nplans (ours, SQLite):")
    for line in plans(meta, sample):
        print(f"  {line}")
    if args.repeat > 1:
        median = {
            name: {
                key: statistics.median(r[name][key] for r in rounds)
                for key in (
                    "rps",
                    "p50_ms",
                    "p99_ms",
                    "errors",
                    "peak_rss_mb",
                    "private_mb",
                    "cpu_ms",
                )
            }
            | {"settings": rounds[0][name]["settings"]}
            for name in which
        }
        _report(f"median of {args.repeat} rounds", median, [], args, meta)


def plans(meta: dict[str, Any], sample: list[Walk]) -> list[str]:
    """The SQLite plans of our list's statements (page ids, page rows, count) for the first
    class walk and the first country walk of ``sample``, read as the first reader."""
    from sqlalchemy import event

    from corridor.atlas import load_atlas
    from corridor.cooperation.services import authenticate
    from corridor.events.query import IncidentQuery, parse_bbox
    from corridor.events.services import list_incidents_json
    from corridor.store.database import make_engine

    store = make_engine(meta["url"])
    atlas = load_atlas()
    reader = sorted(meta["tokens"])[0]
    who = authenticate(store, meta["tokens"][reader], secret=meta["secret"].encode(), atlas=atlas)
    lines = []
    seen: list[tuple[str, Any]] = []

    def grab(*args: Any) -> None:
        seen.append((args[2], args[3]))

    for kind in ("class", "country"):
        walk = next(w for w in sample if kind in dict(w.params))
        p = dict(walk.params)
        query = IncidentQuery(
            since=date.fromisoformat(p["since"]),
            until=date.fromisoformat(p["until"]),
            bbox=parse_bbox(p["bbox"]) if "bbox" in p else None,
            countries=(p["country"],) if "country" in p else (),
            threat_classes=(p["class"],) if "class" in p else (),
            limit=100,
            newest_first=True,
        )
        seen.clear()
        event.listen(store, "before_cursor_execute", grab)
        list_incidents_json(store, who.viewer, query, atlas=atlas)
        event.remove(store, "before_cursor_execute", grab)
        with store.connect() as connection:
            raw = connection.connection.driver_connection
            for statement, parameters in seen:
                if "audit_log" in statement:
                    continue
                plan = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
                what = "count" if "count(*)" in statement else "page"
                lines.append(f"{kind} {what}: " + " | ".join(str(r[-1]) for r in plan))
    store.dispose()
    return lines


def _report(
    title: str,
    results: dict[str, dict[str, Any]],
    loads: list[list[str]],
    args: argparse.Namespace,
    meta: dict[str, Any],
) -> None:
    pace = f"at concurrency {args.concurrency}"
    if args.rate:
        pace = f"at {args.rate:.0f}/s (open loop)"
    print(
        f"\n{title}: GET /incidents, {meta['incidents']:,} incidents ({meta['shares']:,} shares), "
        f"{args.requests:,} requests {pace}, client on CPU {args.client_cpu}"
    )
    if loads:
        print(f"  load average before/after: {' '.join(loads[0])} / {' '.join(loads[-1])}")
    for name, r in results.items():
        print(
            f"  {name:8s} {r['rps']:7.0f} req/s  p50 {r['p50_ms']:6.1f} ms  "
            f"p99 {r['p99_ms']:6.1f} ms  errors {r['errors']:.0f} {r.get('statuses') or ''} "
            f"peak RSS {r['peak_rss_mb']:5.0f} MB (private {r['private_mb']:.0f})  "
            f"server CPU {r['cpu_ms']:.2f} ms/request  "
            f"[{r['settings']}]"
        )
        if "audited" in r and name == "ours":
            print(
                f"           audit entries written: {r['audited']:,} for {r['served']:,} "
                "requests served"
            )
    if len(results) == 2:
        ratio = results["ours"]["rps"] / results["baseline"]["rps"]
        print(f"  ratio (ours / baseline, req/s): {ratio:.1f}x")
        if "answers" in results["ours"]:
            pages = len(results["ours"]["answers"])
            print(f"  both servers gave the same {pages} sample pages (totals and uuids)")


if __name__ == "__main__":
    main()
