"""Import and query benchmark: our importer against plain SQLAlchemy, same data, same run.

    .venv/bin/python bench/bench_import.py --rows 1000000            # SQLite
    .venv/bin/python bench/bench_import.py --rows 1000000 --postgres  # also PostgreSQL

Each way runs in its own process (so peak memory is its own) on the same
generated UCDP GED CSV (publisher layout) into the same migrated schema:

* ours: ``corridor.store.import_columns.import_chunks`` over ``read_ucdp_columns``
  (what ``corridor incidents import`` runs for a UCDP file);
* baseline: the standard ``csv`` module and SQLAlchemy Core
  ``insert(...).on_conflict_do_update(...)`` executemany in batches of 20,000
  inside transactions, as ../shared/BENCHMARKS.md describes.

Then the filtered query users run most (one year, a 5-degree box, one class)
over the imported table, with its plan, against the same query forced to scan.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from corridor.events.importers.ucdp_columns import read_ucdp_columns
from corridor.store.database import make_engine, migrate
from corridor.store.import_columns import import_chunks
from corridor.store.import_job import ImportJob
from corridor.store.indexes import bulk_load_worth_it
from corridor.store.tables import incidents

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import write_ged_csv  # noqa: E402

DATA = Path("/tmp/imports2")  # ged_1000000.csv may be a link to /tmp/bench/ged_1m.csv
POSTGRES = "postgresql://postgres@127.0.0.1:5432"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def ours(csv_path: Path, url: str) -> dict[str, Any]:
    """The path ``corridor incidents import`` takes for a UCDP file (columnar, bulk indexes)."""
    engine = _fresh(url)
    started = time.perf_counter()
    report = import_chunks(
        engine,
        read_ucdp_columns(csv_path, file_name=csv_path.name),
        ImportJob(file_name=str(csv_path), fmt="ucdp"),
        bulk=bulk_load_worth_it(engine, csv_path.stat().st_size // 400),
    )
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": report.counts.inserted, "rejected": report.rejected}


_VIOLENCE = {"1": "armed_conflict", "2": "armed_conflict", "3": "armed_conflict"}


def _baseline_row(row: dict[str, str], now: datetime) -> dict[str, Any]:
    """The mapping a user writes by hand: the columns the table needs, nothing clever."""
    best = int(float(row["best"] or 0))
    return {
        "uuid": f"ucdp-{row['id']}",
        "source": "ucdp",
        "source_id": row["id"],
        "title": row["conflict_name"],
        "description": row["source_headline"],
        "start_date": date.fromisoformat(row["date_start"][:10]),
        "end_date": date.fromisoformat(row["date_end"][:10]),
        "date_precision": "day",
        "longitude": float(row["longitude"]),
        "latitude": float(row["latitude"]),
        "location_precision": int(row["where_prec"]),
        "country": "SYR",
        "location_name": row["where_coordinates"],
        "threat_class": _VIOLENCE[row["type_of_violence"]],
        "source_categories": json.dumps([row["type_of_violence"]]),
        "severity": 1 if best == 0 else 3,
        "fatalities_best": best,
        "fatalities_low": int(float(row["low"] or 0)),
        "fatalities_high": int(float(row["high"] or 0)),
        "actors": json.dumps([row["side_a"], row["side_b"]]),
        "target": None,
        "tags": "[]",
        "reporter": "public:ucdp",
        "tlp": "clear",
        "source_updated": None,
        "origin_instance": "local",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def baseline(csv_path: Path, url: str) -> dict[str, Any]:
    engine = _fresh(url)
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(incidents)
    statement = statement.on_conflict_do_update(
        index_elements=["source", "source_id"],
        set_={c: statement.excluded[c] for c in ("title", "description", "fatalities_best")},
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    started = time.perf_counter()
    rows = 0
    with csv_path.open(encoding="utf-8", newline="") as stream:
        batch: list[dict[str, Any]] = []
        for row in csv.DictReader(stream):
            batch.append(_baseline_row(row, now))
            if len(batch) == 20_000:
                with engine.begin() as connection:
                    connection.execute(statement, batch)
                rows += len(batch)
                batch = []
        if batch:
            with engine.begin() as connection:
                connection.execute(statement, batch)
            rows += len(batch)
    return {"seconds": time.perf_counter() - started, "rows": rows}


QUERY = (
    "SELECT count(*) FROM incidents {hint} WHERE threat_class = 'armed_conflict' "
    "AND start_date BETWEEN '2010-01-01' AND '2010-12-31' "
    "AND longitude BETWEEN 35 AND 40 AND latitude BETWEEN 30 AND 35"
)


def query(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    timings: dict[str, Any] = {}
    with engine.connect() as connection:
        if not sqlite:  # psycopg would reuse the indexed plan it prepared for the same text
            connection.connection.driver_connection.prepare_threshold = None  # type: ignore[union-attr]
        for name, hint in (("indexed", ""), ("scan", "NOT INDEXED" if sqlite else "")):
            if not sqlite and name == "scan":
                connection.execute(text("SET enable_indexscan = off"))
                connection.execute(text("SET enable_bitmapscan = off"))
                connection.execute(text("SET enable_indexonlyscan = off"))
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


def _child(way: str, csv_path: Path, url: str) -> dict[str, Any]:
    result = {"ours": ours, "baseline": baseline, "query": query}[way]
    outcome: dict[str, Any] = result(url) if way == "query" else result(csv_path, url)  # type: ignore[operator]
    outcome["peak_mb"] = _peak_mb()
    return outcome


def _spawn(way: str, csv_path: Path, url: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", way, "--csv", str(csv_path), "--url", url]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    outcome: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true", help="also run against PostgreSQL")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.csv, args.url)))
        return
    csv_path = DATA / f"ged_{args.rows}.csv"
    if not csv_path.exists():
        print(f"generating {args.rows:,} GED rows -> {csv_path}", file=sys.stderr)
        write_ged_csv(csv_path, args.rows)
    targets = [("SQLite", f"sqlite:///{DATA / 'bench.sqlite'}")]
    if args.postgres:
        targets.append(("PostgreSQL", f"{POSTGRES}/test"))
    for label, url in targets:
        result = {"ours": _spawn("ours", csv_path, url)}
        if not args.skip_baseline:
            result["baseline"] = _spawn(
                "baseline", csv_path, url.replace("bench.sqlite", "base.sqlite")
            )
        result["query"] = _spawn("query", csv_path, url)
        ours_rate = result["ours"]["rows"] / result["ours"]["seconds"]
        print(f"\n{label}: {args.rows:,} UCDP-like rows")
        print(
            f"  ours      {result['ours']['seconds']:7.1f} s  {ours_rate:9,.0f} rows/s  "
            f"peak {result['ours']['peak_mb']:6.0f} MB"
        )
        if "baseline" in result:
            base = result["baseline"]
            base_rate = base["rows"] / base["seconds"]
            print(
                f"  baseline  {base['seconds']:7.1f} s  {base_rate:9,.0f} rows/s  "
                f"peak {base['peak_mb']:6.0f} MB   ratio {ours_rate / base_rate:.1f}x"
            )
        for name, timing in result["query"].items():
            if name == "peak_mb":
                continue
            print(
                f"  query {name:8s} {timing['ms']:8.2f} ms  ({timing['rows']} rows)  "
                f"plan: {' | '.join(timing['plan'])[:140]}"
            )


if __name__ == "__main__":
    main()
