"""One import run: batched, resumable, with rejects; the lifecycle every import shares.

Each batch is one transaction that also moves the run's checkpoint, so a crash
or Ctrl-C loses at most the batch in flight and the next run of the same file
(same digest, same format) resumes after the last committed record. Records
are upserted by (source, source_id), so even a run from the start duplicates
nothing. :func:`import_run` is the run's lifecycle (start or resume, fail,
finish); the one engine that fills it is
:func:`corridor.store.import_columns.import_chunks`, for Arrow tables and
parsed records alike (:func:`import_records`).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TextIO, cast

from sqlalchemy import Connection, Engine, insert, select, update

from corridor.errors import InputError
from corridor.events.importers.base import ParsedRecord, Rejected
from corridor.store.incident_writes import UpsertCounts
from corridor.store.tables import import_runs

__all__ = [
    "ImportJob",
    "ImportReport",
    "ImportRun",
    "RejectFile",
    "StrictImportError",
    "checkpoint",
    "import_records",
    "import_run",
    "rejects_file_name",
    "run_started_at",
]

DEFAULT_BATCH = 20_000


@dataclass
class ImportReport:
    """What one import did."""

    file: str
    format: str
    records: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    rejected: int = 0
    normalized: int = 0  # positions kept after normalizing (ASAM rounding carries)
    resumed_from: int = 0
    seconds: float = 0.0
    rejects_file: Path | None = None
    run_id: int | None = None
    alerts: str = ""  # what raising alerts did with what the run wrote

    @property
    def records_per_second(self) -> float:
        done = self.records - self.resumed_from
        return done / self.seconds if self.seconds > 0 else 0.0


class StrictImportError(InputError):
    """``strict`` mode met a bad record: nothing after it was imported."""

    def __init__(self, reject: Rejected, report: ImportReport) -> None:
        super().__init__(str(reject))
        self.reject = reject
        self.report = report


class RejectFile:
    """Rejected records as CSV (file, line, field, value, reason), opened on first use.

    ``source`` (the path the user gave) fills the file column, so a reject file names
    what it came from wherever it is moved; ``append`` only for a resumed run's own file.
    """

    COLUMNS = ("file", "line", "field", "value", "reason")

    def __init__(self, path: Path, *, append: bool = False, source: str | None = None) -> None:
        self.path = path
        self.append = append
        self.source = source
        self._handle: TextIO | None = None
        self._writer: csv.DictWriter[str] | None = None

    def write(self, reject: Rejected) -> None:
        if self._writer is None:
            fresh = not (self.append and self.path.exists())
            self.path.parent.mkdir(exist_ok=True)  # the store's own rejects folder, at most
            self._handle = self.path.open("w" if fresh else "a", encoding="utf-8", newline="")
            self._writer = csv.DictWriter(self._handle, fieldnames=self.COLUMNS)
            if fresh:
                self._writer.writeheader()
        row = {name: getattr(reject, name) for name in self.COLUMNS}
        if self.source is not None:
            row["file"] = self.source
        self._writer.writerow(row)

    @property
    def used(self) -> bool:
        return self._writer is not None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _start_run(engine: Engine, file_name: str, digest: str | None, fmt: str) -> tuple[int, int]:
    """(run id, records already done): an unfinished run of the same file is resumed."""
    with engine.begin() as connection:
        if digest is not None:
            unfinished = connection.execute(
                select(import_runs.c.id, import_runs.c.records_done)
                .where(
                    import_runs.c.file_digest == digest,
                    import_runs.c.format == fmt,
                    import_runs.c.status != "finished",
                )
                .order_by(import_runs.c.id.desc())
                .limit(1)
            ).first()
            if unfinished is not None:
                connection.execute(
                    update(import_runs)
                    .where(import_runs.c.id == unfinished.id)
                    .values(status="running")
                )
                return int(unfinished.id), int(unfinished.records_done)
        run_id = connection.execute(
            insert(import_runs).values(
                file_name=file_name,
                file_digest=digest or "",
                format=fmt,
                records_done=0,
                inserted=0,
                updated=0,
                unchanged=0,
                rejected=0,
                status="running",
                started_at=_now(),
            )
        ).inserted_primary_key
        assert run_id is not None
        return int(run_id[0]), 0


def _values(report: ImportReport, status: str | None = None) -> dict[str, object]:
    """The run's row as ``report`` says it, with ``status`` and its end time if given."""
    values: dict[str, object] = {
        "records_done": report.records,
        "inserted": report.counts.inserted,
        "updated": report.counts.updated,
        "unchanged": report.counts.unchanged,
        "rejected": report.rejected,
    }
    if status is not None:
        values["status"] = status
        values["finished_at"] = _now()
    return values


def checkpoint(connection: Connection, report: ImportReport) -> None:
    """Move the run's checkpoint, in the transaction that stored the batch."""
    connection.execute(
        update(import_runs).where(import_runs.c.id == report.run_id).values(_values(report))
    )


def _end(engine: Engine, report: ImportReport, status: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(import_runs)
            .where(import_runs.c.id == report.run_id)
            .values(_values(report, status))
        )


@dataclass(frozen=True)
class ImportJob:
    """What to import and how, for every import path alike.

    ``digest`` (of the file) lets an interrupted run resume; ``batch_size`` records
    make one transaction; ``progress`` is told the records done after each batch.
    ``reporter`` signs every record; records of another organization's stored
    incidents are then counted as refused.
    """

    file_name: str
    fmt: str
    digest: str | None = None
    rejects: RejectFile | None = None
    strict: bool = False
    batch_size: int = DEFAULT_BATCH
    origin: str = "local"
    progress: Callable[[int], None] | None = None
    rejects_folder: Path | None = None  # without ``rejects``: a file per run in here
    reporter: str | None = None  # an organization's own reports: signed by it, whatever they say


@dataclass
class ImportRun:
    """A run under way: its report, and where its rejects go (if anywhere)."""

    report: ImportReport
    rejects: RejectFile | None


def run_started_at(connection: Connection, run_id: int) -> datetime:
    """When run ``run_id`` first started (a resumed run keeps its first start)."""
    statement = select(import_runs.c.started_at).where(import_runs.c.id == run_id)
    return cast(datetime, connection.execute(statement).scalar_one())


def rejects_file_name(run_id: int, file_name: str) -> str:
    """The reject file of a run: named after the run and the file, never reused by another."""
    name = Path(file_name).name if file_name != "-" else "stdin"
    return f"run-{run_id}-{name}.rejects.csv"


@contextmanager
def import_run(engine: Engine, job: ImportJob) -> Iterator[ImportRun]:
    """The run of ``job``: a new one, or the unfinished run of the same file it resumes.

    The block stores batches (each with :func:`checkpoint`). A clean end finishes the
    run; :class:`StrictImportError` fails it; an interruption leaves it running, to be
    resumed. The reject file is closed and the report timed in every case.
    """
    run_id, resume_from = _start_run(engine, job.file_name, job.digest, job.fmt)
    report = ImportReport(
        file=job.file_name, format=job.fmt, resumed_from=resume_from, run_id=run_id
    )
    report.records = resume_from
    rejects = job.rejects
    if rejects is None and job.rejects_folder is not None:
        path = job.rejects_folder / rejects_file_name(run_id, job.file_name)
        shown = job.file_name if job.file_name != "-" else "stdin"
        rejects = RejectFile(path, append=resume_from > 0, source=shown)
    started = time.perf_counter()
    try:
        yield ImportRun(report, rejects)
    except StrictImportError:
        _end(engine, report, "failed")
        raise
    finally:
        report.seconds = time.perf_counter() - started
        if rejects is not None:
            rejects.close()
            report.rejects_file = rejects.path if rejects.used else None
    _end(engine, report, "finished")


def import_records(engine: Engine, records: Iterable[ParsedRecord], job: ImportJob) -> ImportReport:
    """Store ``records`` (incidents and rejects in file order); return what happened.

    The same engine as Arrow chunks, fed lists of records. Raises
    :class:`StrictImportError` in ``strict`` mode at the first bad record.
    """
    from corridor.store.import_columns import import_chunks  # it builds on this module

    return import_chunks(engine, _lists(records, job.batch_size), job)


def _lists(records: Iterable[ParsedRecord], size: int) -> Iterator[list[ParsedRecord]]:
    """``records`` in lists of ``size`` (itertools.batched, from Python 3.12)."""
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk
