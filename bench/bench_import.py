"""Import benchmark: every CSV format, both databases, ours against plain SQLAlchemy.

    .venv/bin/python bench/bench_import.py                         # 1,000,000 rows, all
    .venv/bin/python bench/bench_import.py --rows 200000 --formats ucdp,acled --databases sqlite
    .venv/bin/python bench/bench_import.py --rows 10000000 --formats ucdp --skip-baseline

Each way runs in a process of its own (so its peak memory and CPU time are its own) on the
same generated file, in the publisher's layout (``generate.py``), into a fresh migrated
schema of the same store:

* ours: ``corridor.events.services.import_file`` (what ``corridor incidents import``
  runs, without raising alerts), the columnar reader for every CSV format;
* baseline: the standard ``csv`` module and SQLAlchemy Core
  ``insert(...).on_conflict_do_update(...)`` executemany in batches of 20,000 inside
  transactions, with the mapping a user would write for the format
  (../shared/BENCHMARKS.md);
* copy (PostgreSQL only): the known fast path by hand: the ``csv`` module, psycopg's
  ``COPY ... FROM STDIN`` of the rows into a staging table, one ``INSERT ... SELECT ...
  ON CONFLICT`` per batch.

Printed per format and database: rows stored, wall seconds, rows per second, CPU seconds
of the process (all its threads) and, on PostgreSQL, of the server's backends, peak RSS,
and the ratio to the baseline; the load average (``uptime``) before and after each way.
For UCDP it then times the filtered query users run most, with its plan, against a scan.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from corridor.store.database import make_engine, migrate
from corridor.store.tables import incidents

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import WRITERS  # noqa: E402

DATA = Path(os.environ.get("CORRIDOR_BENCH_DATA", "/tmp/corridor-bench"))
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
BATCH = 20_000


def _load() -> str:
    """The load averages over 1, 5 and 15 minutes, as ``uptime`` prints them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _fresh(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine = make_engine(url)
    else:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    return engine


def _own_cpu() -> float:
    """CPU seconds of this process so far, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server_cpu(engine: Engine) -> Callable[[], float]:
    """The CPU seconds of every PostgreSQL backend ``engine`` opens from now on."""
    backends: list[int] = []
    if engine.dialect.name != "postgresql":
        return lambda: 0.0
    engine.dispose()  # backends opened before (migrations) are not the import's

    @event.listens_for(engine, "connect")
    def _remember(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backends.append(int(cursor.fetchone()[0]))

    def seconds() -> float:
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in backends:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    return seconds


# --------------------------------------------------------------------------- ours


def ours(path: Path, fmt: str, url: str) -> dict[str, Any]:
    """What ``corridor incidents import`` runs, minus raising alerts."""
    from corridor.events.services import import_file

    engine = _fresh(url)
    server = _server_cpu(engine)
    cpu, started = _own_cpu(), time.perf_counter()
    report = import_file(engine, path, fmt=fmt, organization="bench", alerts=False)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu": _own_cpu() - cpu,
        "rows": report.counts.inserted,
        "rejected": report.rejected,
        "server_cpu": server(),
    }


# --------------------------------------------------------------------------- baselines
# The mapping a user would write for each format: the columns the table needs, plainly.

_THREATS = {
    "Battles": "armed_conflict",
    "Riots": "political_turmoil",
    "Protests": "political_turmoil",
    "Strategic developments": "political_turmoil",
}
_MONTHS = {m: i for i, m in enumerate(("January", "February", "March", "April", "May", "June",
           "July", "August", "September", "October", "November", "December"), 1)}  # fmt: skip


def _day(value: str) -> date:
    if "-" in value[:5]:
        return date.fromisoformat(value[:10])
    if "/" in value:
        month, day, year = value.split("/")
        return date(int(year), int(month), int(day))
    day, month, year = value.split()
    return date(int(year), _MONTHS[month], int(day))


def _degrees(text: str) -> tuple[float, float]:
    """(lon, lat) of an ASAM DMS position: 1°07'00"N 103°31'00"E."""
    found = []
    for part in text.split():
        d, rest = part.split("°")
        m, rest = rest.split("'")
        s = rest[:-2]
        value = int(d) + int(m) / 60 + int(s) / 3600
        found.append(-value if part[-1] in "SW" else value)
    return found[1], found[0]


def _record(fmt: str, row: dict[str, str]) -> dict[str, Any]:
    if fmt == "ucdp":
        best = int(float(row["best"] or 0))
        return dict(source="ucdp", source_id=row["id"], title=row["dyad_name"],
                    description=row["source_headline"], start_date=_day(row["date_start"]),
                    end_date=_day(row["date_end"]), longitude=float(row["longitude"]),
                    latitude=float(row["latitude"]), country=row["country"][:3].upper(),
                    location_name=row["where_coordinates"], threat_class="armed_conflict",
                    fatalities_best=best,
                    actors=json.dumps([row["side_a"], row["side_b"]]))  # fmt: skip
    if fmt == "acled":
        return dict(source="acled", source_id=row["event_id_cnty"],
                    title=f"{row['sub_event_type']} in {row['location']}",
                    description=row["notes"], start_date=_day(row["event_date"]),
                    longitude=float(row["longitude"]), latitude=float(row["latitude"]),
                    country=row["country"][:3].upper(), location_name=row["location"],
                    threat_class=_THREATS.get(row["event_type"], "terrorism"),
                    fatalities_best=int(row["fatalities"] or 0),
                    actors=json.dumps([row["actor1"], row["actor2"]]),
                    source_updated=datetime.fromtimestamp(int(row["timestamp"]), UTC))  # fmt: skip
    if fmt == "piracy":
        return dict(source="piracy", source_id=f"{row['date']}-{row['vessel_name']}",
                    title=f"{row['attack_type']}: {row['vessel_name']}",
                    description=row["attack_description"], start_date=_day(row["date"]),
                    longitude=float(row["longitude"]), latitude=float(row["latitude"]),
                    country=row["nearest_country"], location_name=row["location_description"],
                    threat_class="piracy")  # fmt: skip
    if fmt == "asam":
        lon, lat = _degrees(row["position"])
        return dict(source="asam", source_id=row["reference"],
                    title=f"{row['hostility'] or 'Incident'}: {row['victim']}",
                    description=row["description"], start_date=_day(row["date"]),
                    longitude=lon, latitude=lat, threat_class="piracy")  # fmt: skip
    return dict(source=row["source"], source_id=row["source_id"], title=row["title"],
                description=row["description"], start_date=_day(row["start_date"]),
                longitude=float(row["longitude"]), latitude=float(row["latitude"]),
                country=row["country"], location_name=row["location_name"],
                threat_class=row["threat_class"], tlp=row["tlp"], reporter="bench")  # fmt: skip


def _rows(path: Path, fmt: str, now: datetime) -> Iterator[dict[str, Any]]:
    defaults = {
        "description": "", "end_date": None, "date_precision": "day", "longitude": None,
        "latitude": None, "location_precision": 1, "country": None, "location_name": "",
        "source_categories": "[]", "severity": 1, "fatalities_best": None,
        "fatalities_low": None, "fatalities_high": None, "actors": "[]", "target": None,
        "tags": "[]", "reporter": f"public:{fmt}", "tlp": "clear", "source_updated": None,
        "origin_instance": "local", "version": 1, "created_at": now, "updated_at": now,
    }  # fmt: skip
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        for values in reader:
            record = defaults | _record(fmt, dict(zip(header, values, strict=True)))
            record["uuid"] = f"{record['source']}-{record['source_id']}"
            yield record


def _batches(records: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


_CONTENT = ("title", "description", "start_date", "longitude", "latitude", "country",
            "threat_class", "fatalities_best", "actors", "source_updated")  # fmt: skip


def baseline(path: Path, fmt: str, url: str) -> dict[str, Any]:
    """SQLAlchemy Core upserts, executemany in batches of 20,000, one transaction each."""
    engine = _fresh(url)
    server = _server_cpu(engine)
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(incidents)
    statement = statement.on_conflict_do_update(
        index_elements=["source", "source_id"],
        set_={c: statement.excluded[c] for c in _CONTENT},
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    cpu, started = _own_cpu(), time.perf_counter()
    rows = 0
    for batch in _batches(_rows(path, fmt, now)):
        with engine.begin() as connection:
            connection.execute(statement, batch)
        rows += len(batch)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": _own_cpu() - cpu, "rows": rows, "server_cpu": server()}


def copy_baseline(path: Path, fmt: str, url: str) -> dict[str, Any]:
    """The known PostgreSQL fast path by hand: COPY each batch into a staging table (text
    protocol, psycopg's write_row), then one INSERT ... SELECT ... ON CONFLICT."""
    engine = _fresh(url)
    server = _server_cpu(engine)
    columns = [c.name for c in incidents.columns if c.name != "id"]
    names = ", ".join(columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _CONTENT)
    now = datetime.now(UTC).replace(tzinfo=None)
    cpu, started = _own_cpu(), time.perf_counter()
    rows = 0
    with engine.connect() as connection:
        raw: Any = connection.connection.driver_connection
        for batch in _batches(_rows(path, fmt, now)):
            with raw.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS staging AS SELECT {names} "
                    "FROM incidents WHERE false"
                )
                cursor.execute("TRUNCATE staging")
                with cursor.copy(f"COPY staging ({names}) FROM STDIN") as copy:
                    for record in batch:
                        copy.write_row([record[c] for c in columns])
                cursor.execute(
                    f"INSERT INTO incidents ({names}) SELECT {names} FROM staging "
                    f"ON CONFLICT (source, source_id) DO UPDATE SET {updates}"
                )
            raw.commit()
            rows += len(batch)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": _own_cpu() - cpu, "rows": rows, "server_cpu": server()}


# --------------------------------------------------------------------------- query

QUERY = (
    "SELECT count(*) FROM incidents {hint} WHERE threat_class = 'armed_conflict' "
    "AND start_date BETWEEN '2010-01-01' AND '2010-12-31' "
    "AND longitude BETWEEN 35 AND 40 AND latitude BETWEEN 30 AND 35"
)


def query(url: str) -> dict[str, Any]:
    """The filtered query users run most, indexed and forced to scan, with its plan."""
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    timings: dict[str, Any] = {}
    with engine.connect() as connection:
        if not sqlite:  # psycopg would reuse the indexed plan it prepared for the same text
            connection.connection.driver_connection.prepare_threshold = None  # type: ignore[union-attr]
        for name, hint in (("indexed", ""), ("scan", "NOT INDEXED" if sqlite else "")):
            if not sqlite and name == "scan":
                for setting in ("indexscan", "bitmapscan", "indexonlyscan"):
                    connection.execute(text(f"SET enable_{setting} = off"))
            sql = QUERY.format(hint=hint)
            count = connection.execute(text(sql)).scalar()
            runs = []
            for _ in range(15):
                started = time.perf_counter()
                connection.execute(text(sql)).scalar()
                runs.append(time.perf_counter() - started)
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            plan = [str(r[-1]) for r in connection.execute(text(explain + sql))]
            timings[name] = {"ms": statistics.median(runs) * 1000, "rows": count, "plan": plan}
    return timings


# --------------------------------------------------------------------------- runs

WAYS: dict[str, Callable[..., dict[str, Any]]] = {
    "ours": ours,
    "baseline": baseline,
    "copy": copy_baseline,
}


def _child(way: str, path: Path, fmt: str, url: str) -> dict[str, Any]:
    outcome = query(url) if way == "query" else WAYS[way](path, fmt, url)
    outcome["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return outcome


def _spawn(way: str, path: Path, fmt: str, url: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", way, "--csv", str(path), "--fmt", fmt]
    command += ["--url", url]
    before = _load()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{way} failed:\n{done.stderr}")
    outcome: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    outcome["load"] = f"{before} -> {_load()}"
    return outcome


def _line(label: str, result: dict[str, Any], reference: float | None) -> str:
    rate = result["rows"] / result["seconds"]
    server = f" + {result['server_cpu']:5.1f} server" if result.get("server_cpu") else ""
    ratio = f"  {rate / reference:5.1f}x" if reference else ""
    return (
        f"  {label:9s}{result['rows']:>11,} rows {result['seconds']:7.1f} s "
        f"{rate:>9,.0f} rows/s  cpu {result['cpu']:6.1f} s{server}  "
        f"peak {result['peak_mb']:5.0f} MB{ratio}   load {result['load']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", default=",".join(WRITERS))
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA, help="where generated files go")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fmt", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.csv, args.fmt, args.url)))
        return
    targets = {
        "sqlite": ("SQLite", f"sqlite:///{args.data / 'bench.sqlite'}"),
        "postgresql": ("PostgreSQL", POSTGRES),
    }
    print(f"{os.cpu_count()} cores; load average at start {_load()}", flush=True)
    for name in args.formats.split(","):
        fmt, write = WRITERS[name]
        path = args.data / f"{name}_{args.rows}.csv"
        if not path.exists():
            print(f"generating {args.rows:,} {name} rows -> {path}", file=sys.stderr)
            write(path, args.rows)
        for database in args.databases.split(","):
            label, url = targets[database]
            print(f"\n{name} ({fmt}), {label}: {args.rows:,} rows", flush=True)
            ways = ["ours"] + ([] if args.skip_baseline else ["baseline"])
            if database == "postgresql" and not args.skip_baseline:
                ways.append("copy")
            results = {"ours": _spawn("ours", path, fmt, url)}
            timings = _spawn("query", path, fmt, url) if fmt == "ucdp" else {}  # our store
            results |= {way: _spawn(way, path, fmt, url) for way in ways[1:]}
            base = results.get("baseline")
            reference = base["rows"] / base["seconds"] if base else None
            for way, result in results.items():
                print(_line(way, result, reference if way != "baseline" else None), flush=True)
            if "baseline" in results and results["baseline"]["rows"] != results["ours"]["rows"]:
                print(f"  rows differ: ours {results['ours']['rows']:,}", flush=True)
            for kind, timing in timings.items():
                if kind in ("indexed", "scan"):
                    plan = " | ".join(timing["plan"])[:120]
                    print(f"  query {kind:8s}{timing['ms']:8.2f} ms ({timing['rows']} rows)"
                          f"  plan: {plan}")  # fmt: skip


if __name__ == "__main__":
    main()
