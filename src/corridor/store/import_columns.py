"""Import record chunks (Arrow tables, or records the row logic made) with import_job's rules.

The same guarantees as :func:`~corridor.store.import_job.import_records`: one
transaction per batch of ``batch_size`` records that also moves the run's
checkpoint, resume after the last committed record, a reject file, ``strict``.
What differs is the traffic: a batch reaches the database as one Arrow table,
read, checked and staged in the reader's own thread while the store merges the
batch before it; and a load large next to the table drops the read-only
indexes and builds them once at the end.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyarrow as pa
from sqlalchemy import Connection, Engine, update

from corridor.background import ahead
from corridor.events.columnar import Chunk, record_table
from corridor.events.importers.base import Rejected
from corridor.events.model import Incident
from corridor.store.import_job import (
    ImportJob,
    ImportReport,
    StrictImportError,
    _checkpoint,
    _fail,
    _finish,
    start_report,
)
from corridor.store.incidents import merge_staged, storable_table
from corridor.store.indexes import drop_secondary_indexes, ensure_indexes
from corridor.store.staging import ArrowStaging, StagedBatch, arrow_staging
from corridor.store.tables import import_runs

__all__ = ["import_chunks"]


def _size(chunk: Chunk) -> int:
    return len(chunk) if isinstance(chunk, list) else chunk.num_rows


def _cut(chunk: Chunk, start: int, stop: int) -> Chunk:
    return chunk[start:stop] if isinstance(chunk, list) else chunk.slice(start, stop - start)


def batches(chunks: Iterable[Chunk], *, skip: int, size: int) -> Iterator[list[Chunk]]:
    """The chunks regrouped into batches of ``size`` records, after the first ``skip``."""
    pending: list[Chunk] = []
    count = 0
    for chunk in chunks:
        start, end = min(skip, _size(chunk)), _size(chunk)
        skip -= start
        while start < end:
            stop = min(end, start + size - count)
            pending.append(_cut(chunk, start, stop))
            count += stop - start
            start = stop
            if count == size:
                yield pending
                pending, count = [], 0
    if pending:
        yield pending


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A batch as the reader's thread leaves it: rejects in order, the rest staged."""

    size: int
    rejects: list[tuple[int, Rejected]]  # (position in the batch, reject)
    staged: StagedBatch


def _prepare(batch: list[Chunk], staging: ArrowStaging, *, dialect: str) -> _Prepared:
    """Everything a batch needs short of the store: runs in the reader's thread."""
    tables: list[pa.Table] = []
    rejects: list[tuple[int, Rejected]] = []
    position = 0
    for chunk in batch:
        if not isinstance(chunk, list):
            tables.append(chunk)
            position += chunk.num_rows
            continue
        rejects.extend((position + i, r) for i, r in enumerate(chunk) if isinstance(r, Rejected))
        tables.append(record_table([r for r in chunk if isinstance(r, Incident)]))
        position += len(chunk)
    rows = storable_table(pa.concat_tables(tables), dialect=dialect)
    return _Prepared(position, rejects, staging.prepare(rows))


def import_chunks(
    engine: Engine, chunks: Iterable[Chunk], job: ImportJob, *, bulk: bool = False
) -> ImportReport:
    """Store the records of ``chunks``; return what happened (see import_records).

    ``bulk`` drops the read-only indexes for the load and rebuilds them at the end.
    """
    report = start_report(engine, job)
    rejects, progress = job.rejects, job.progress
    started = time.perf_counter()
    dialect = engine.dialect.name
    with arrow_staging(dialect) as staging:
        # Two threads ahead of the store: one reads and checks, one stages.
        read = ahead(batches(chunks, skip=report.resumed_from, size=job.batch_size))
        work = ahead(_prepare(batch, staging, dialect=dialect) for batch in read)
        try:
            with engine.connect() as connection:
                if bulk:
                    with connection.begin():
                        drop_secondary_indexes(connection)
                for prepared in work:
                    _store(connection, staging, prepared, report, job)
                    if progress is not None:
                        progress(report.records)
                with connection.begin():
                    ensure_indexes(connection)
        except StrictImportError:
            _fail(engine, report.run_id)
            raise
        finally:
            work.close()  # type: ignore[attr-defined]
            read.close()  # type: ignore[attr-defined]
            report.seconds = time.perf_counter() - started
            if rejects is not None:
                rejects.close()
                report.rejects_file = rejects.path if rejects.used else None
    _finish(engine, report)
    return report


def _store(
    connection: Connection,
    staging: ArrowStaging,
    prepared: _Prepared,
    report: ImportReport,
    job: ImportJob,
) -> None:
    """One batch in one transaction with its checkpoint; rejects written first."""
    for position, reject in prepared.rejects:
        if job.rejects is not None:
            job.rejects.write(reject)
        if job.strict:
            report.records += position
            report.rejected += 1
            raise StrictImportError(reject, report)
    with staging.transaction(connection, prepared.staged) as source:
        report.counts = report.counts + merge_staged(
            connection, source, prepared.staged.rows, origin=job.origin
        )
        report.records += prepared.size
        report.rejected += len(prepared.rejects)
        connection.execute(
            update(import_runs).where(import_runs.c.id == report.run_id).values(_checkpoint(report))
        )
