"""Imports users can trust: idempotent, atomic per batch, resumable, strict or forgiving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from corridor.datasets import dataset_path
from corridor.events.importers.base import ParsedRecord, Rejected
from corridor.events.model import Incident
from corridor.store.database import make_engine, migrate
from corridor.store.import_job import ImportJob, RejectFile, StrictImportError, import_records
from corridor.store.staging import SCRATCH
from corridor.store.tables import import_runs, incidents

ROOT = Path(__file__).resolve().parents[2]


def _records(count: int, bad_every: int = 0) -> Iterator[ParsedRecord]:
    for n in range(count):
        if bad_every and n % bad_every == bad_every - 1:
            yield Rejected("f.csv", n + 2, "latitude", "123", "is outside -90..90")
        else:
            yield Incident(
                source="test",
                source_id=str(n),
                title=f"event {n}",
                start_date=date(2020, 1, 1),
                threat_class="piracy",
            )


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(incidents)).scalar_one())


def _run(engine: Engine) -> dict[str, object]:
    with engine.connect() as connection:
        row = connection.execute(select(import_runs).order_by(import_runs.c.id.desc())).first()
        assert row is not None
        return dict(row._mapping)


def test_import_twice_inserts_once(store: Engine) -> None:
    first = import_records(
        store, _records(250), ImportJob(file_name="f.csv", fmt="csv", digest="d1", batch_size=100)
    )
    second = import_records(
        store, _records(250), ImportJob(file_name="f.csv", fmt="csv", digest="d1", batch_size=100)
    )
    assert first.counts.inserted == 250
    assert (second.counts.inserted, second.counts.unchanged) == (0, 250)
    assert _count(store) == 250


def test_bad_records_go_to_the_reject_file_and_the_rest_is_imported(
    store: Engine, tmp_path: Path
) -> None:
    rejects = RejectFile(tmp_path / "rejects.csv")
    report = import_records(
        store, _records(100, bad_every=10), ImportJob(file_name="f.csv", fmt="csv", rejects=rejects)
    )
    assert (report.counts.inserted, report.rejected) == (90, 10)
    lines = (tmp_path / "rejects.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file,line,field,value,reason"
    assert lines[1] == "f.csv,11,latitude,123,is outside -90..90"
    assert len(lines) == 11


def test_strict_stops_at_the_first_bad_record(store: Engine) -> None:
    with pytest.raises(StrictImportError) as stopped:
        import_records(
            store,
            _records(100, bad_every=30),
            ImportJob(file_name="f.csv", fmt="csv", strict=True, batch_size=10),
        )
    assert stopped.value.reject.line == 31
    assert "f.csv:31: field 'latitude'" in str(stopped.value)
    assert _count(store) == 20  # the batches committed before the bad record
    assert _run(store)["status"] == "failed"


def test_an_interrupted_import_resumes_after_the_last_committed_batch(store: Engine) -> None:
    def interrupt_after_two_batches(done: int) -> None:
        if done >= 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_records(
            store,
            _records(1000),
            ImportJob(
                file_name="f.csv",
                fmt="csv",
                digest="d2",
                batch_size=100,
                progress=interrupt_after_two_batches,
            ),
        )
    run = _run(store)
    assert (run["status"], run["records_done"]) == ("running", 200)
    report = import_records(
        store, _records(1000), ImportJob(file_name="f.csv", fmt="csv", digest="d2", batch_size=100)
    )
    assert report.resumed_from == 200
    assert report.counts.inserted == 800
    assert _count(store) == 1000


@pytest.mark.parametrize(
    ("dataset", "fmt", "records"),
    [
        ("pirate_attacks.csv.gz", "piracy", 7511),  # columnar, duplicates numbered in order
        ("ged_syria_2016_2019.csv.gz", "ucdp", 16_566),  # columnar, staged ahead
    ],
)
def test_an_import_killed_with_sigkill_leaves_a_consistent_store(
    tmp_path: Path, dataset: str, fmt: str, records: int
) -> None:
    database = tmp_path / "crash.sqlite"
    env = {**os.environ, "CORRIDOR_DATABASE_URL": f"sqlite:///{database}"}
    command = [
        sys.executable,
        "-m",
        "corridor.cli",
        "incidents",
        "import",
        str(dataset_path(dataset)),
        "--format",
        fmt,
        "--batch-size",
        "250",
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path
    )
    engine = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if process.poll() is not None:
            break
        if database.exists():
            engine = engine or make_engine(f"sqlite:///{database}")
            try:
                with engine.connect() as connection:
                    done = connection.execute(
                        text("SELECT max(records_done) FROM import_runs")
                    ).scalar()
            except Exception:
                continue
            if done and done >= 1000:
                process.send_signal(signal.SIGKILL)
                break
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    engine = engine or make_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        stored = connection.execute(select(func.count()).select_from(incidents)).scalar_one()
        done = connection.execute(text("SELECT records_done FROM import_runs")).scalar_one()
    assert (stored > 0 and stored % 250 == 0) or stored == done  # whole batches only
    finished = subprocess.run(
        command, check=False, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    migrate(engine)
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(incidents)).scalar_one()
        distinct = connection.execute(
            select(func.count(func.distinct(incidents.c.source_id)))
        ).scalar_one()
        runs = connection.execute(select(import_runs.c.status, import_runs.c.records_done)).all()
    assert total == distinct == records
    assert runs == [("finished", records)]
    assert not list(Path(SCRATCH).glob(f"corridor-staging-{process.pid}-*"))  # swept
