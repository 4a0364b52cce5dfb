"""Import a stream of parsed records into the store: batched, resumable, with rejects.

Each batch is one transaction that also moves the run's checkpoint, so a crash
or Ctrl-C loses at most the batch in flight and the next run of the same file
(same digest, same format) resumes after the last committed record. Records
are upserted by (source, source_id), so even a run from the start duplicates
nothing.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine, insert, select, update

from corridor.errors import InputError
from corridor.events.importers.base import NORMALIZED_POSITION_TAG, ParsedRecord, Rejected
from corridor.events.model import Incident
from corridor.store.incidents import UpsertCounts, upsert_incidents
from corridor.store.tables import import_runs

__all__ = [
    "ImportJob",
    "ImportReport",
    "RejectFile",
    "StrictImportError",
    "import_records",
    "start_report",
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
    normalized: int = 0  # kept with a position set right (NORMALIZED_POSITION_TAG)
    resumed_from: int = 0
    seconds: float = 0.0
    rejects_file: Path | None = None
    run_id: int | None = None

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
    """Rejected records as CSV (file, line, field, value, reason), opened on first use."""

    COLUMNS = ("file", "line", "field", "value", "reason")

    def __init__(self, path: Path, *, append: bool = False) -> None:
        self.path = path
        self.append = append
        self._handle: TextIO | None = None
        self._writer: csv.DictWriter[str] | None = None

    def write(self, reject: Rejected) -> None:
        if self._writer is None:
            fresh = not (self.append and self.path.exists())
            self._handle = self.path.open("w" if fresh else "a", encoding="utf-8", newline="")
            self._writer = csv.DictWriter(self._handle, fieldnames=self.COLUMNS)
            if fresh:
                self._writer.writeheader()
        self._writer.writerow({name: getattr(reject, name) for name in self.COLUMNS})

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


def _checkpoint(report: ImportReport, status: str | None = None) -> dict[str, object]:
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


@dataclass(frozen=True)
class ImportJob:
    """What to import and how, for the row path and the columnar path alike.

    ``digest`` (of the file) lets an interrupted run resume; ``batch_size`` records
    make one transaction; ``progress`` is told the records done after each batch.
    """

    file_name: str
    fmt: str
    digest: str | None = None
    rejects: RejectFile | None = None
    strict: bool = False
    batch_size: int = DEFAULT_BATCH
    origin: str = "local"
    progress: Callable[[int], None] | None = None


def start_report(engine: Engine, job: ImportJob) -> ImportReport:
    """A report for a new run of ``job``, or for the unfinished run it resumes."""
    run_id, resume_from = _start_run(engine, job.file_name, job.digest, job.fmt)
    report = ImportReport(
        file=job.file_name, format=job.fmt, resumed_from=resume_from, run_id=run_id
    )
    report.records = resume_from
    return report


def import_records(engine: Engine, records: Iterable[ParsedRecord], job: ImportJob) -> ImportReport:
    """Store ``records``; return what happened.

    Raises :class:`StrictImportError` in ``strict`` mode at the first bad record.
    """
    report = start_report(engine, job)
    resume_from, run_id = report.resumed_from, report.run_id
    rejects, strict, progress = job.rejects, job.strict, job.progress
    started = time.perf_counter()
    batch: list[Incident] = []
    rejected_in_batch = 0

    def flush() -> None:
        nonlocal rejected_in_batch
        with engine.begin() as connection:
            report.counts = report.counts + upsert_incidents(connection, batch, origin=job.origin)
            report.rejected += rejected_in_batch
            connection.execute(
                update(import_runs).where(import_runs.c.id == run_id).values(_checkpoint(report))
            )
        batch.clear()
        rejected_in_batch = 0
        if progress is not None:
            progress(report.records)

    try:
        for index, record in enumerate(records):
            if index < resume_from:
                continue
            report.records += 1
            if isinstance(record, Rejected):
                if rejects is not None:
                    rejects.write(record)
                rejected_in_batch += 1
                if strict:
                    report.records -= 1
                    raise StrictImportError(record, report)
            else:
                batch.append(record)
                if NORMALIZED_POSITION_TAG in record.tags:
                    report.normalized += 1
            if len(batch) >= job.batch_size:
                flush()
        flush()
    except StrictImportError:
        report.rejected += rejected_in_batch
        _fail(engine, run_id)
        raise
    finally:
        report.seconds = time.perf_counter() - started
        if rejects is not None:
            rejects.close()
            report.rejects_file = rejects.path if rejects.used else None
    _finish(engine, report)
    return report


def _fail(engine: Engine, run_id: int | None) -> None:
    if run_id is None:
        return
    with engine.begin() as connection:
        connection.execute(
            update(import_runs)
            .where(import_runs.c.id == run_id)
            .values(status="failed", finished_at=_now())
        )


def _finish(engine: Engine, report: ImportReport) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(import_runs)
            .where(import_runs.c.id == report.run_id)
            .values(_checkpoint(report, "finished"))
        )
