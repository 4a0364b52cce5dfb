"""Import record chunks (Arrow tables, or records the row logic made) with import_job's rules.

The same guarantees as :func:`~corridor.store.import_job.import_records`: one
transaction per batch of ``batch_size`` records that also moves the run's
checkpoint, resume after the last committed record, a reject file, ``strict``.
What differs is the traffic: a batch reaches the database as one Arrow table,
the reader runs in its own thread, and a load large next to the table drops the
read-only indexes and builds them once at the end.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

import pyarrow as pa
from sqlalchemy import Connection, Engine, update

from corridor.background import ahead
from corridor.events.columnar import Chunk, record_table
from corridor.events.importers.base import Rejected
from corridor.events.model import Incident
from corridor.store.import_job import (
    ImportJob,
    ImportReport,
    RejectFile,
    StrictImportError,
    _checkpoint,
    _fail,
    _finish,
    start_report,
)
from corridor.store.incidents import upsert_table
from corridor.store.indexes import drop_secondary_indexes, ensure_indexes
from corridor.store.staging import Stager, arrow_staging
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


def import_chunks(
    engine: Engine, chunks: Iterable[Chunk], job: ImportJob, *, bulk: bool = False
) -> ImportReport:
    """Store the records of ``chunks``; return what happened (see import_records).

    ``bulk`` drops the read-only indexes for the load and rebuilds them at the end.
    """
    report = start_report(engine, job)
    rejects, strict, origin, progress = job.rejects, job.strict, job.origin, job.progress
    started = time.perf_counter()
    work = ahead(batches(chunks, skip=report.resumed_from, size=job.batch_size))
    try:
        with engine.connect() as connection:
            if bulk:
                with connection.begin():
                    drop_secondary_indexes(connection)
            with arrow_staging(connection) as stage:
                for batch in work:
                    _store(connection, stage, batch, report, rejects, strict=strict, origin=origin)
                    if progress is not None:
                        progress(report.records)
            with connection.begin():
                ensure_indexes(connection)
    except StrictImportError:
        _fail(engine, report.run_id)
        raise
    finally:
        work.close()  # type: ignore[attr-defined]
        report.seconds = time.perf_counter() - started
        if rejects is not None:
            rejects.close()
            report.rejects_file = rejects.path if rejects.used else None
    _finish(engine, report)
    return report


def _store(
    connection: Connection,
    stage: Stager,
    batch: list[Chunk],
    report: ImportReport,
    rejects: RejectFile | None,
    *,
    strict: bool,
    origin: str,
) -> None:
    """One batch in one transaction with its checkpoint; rejects written as they come."""
    tables: list[pa.Table] = []
    rejected = 0
    for position, chunk in enumerate(batch):
        if not isinstance(chunk, list):
            tables.append(chunk)
            continue
        for index, record in enumerate(chunk):
            if isinstance(record, Rejected):
                if rejects is not None:
                    rejects.write(record)
                rejected += 1
                if strict:
                    done = sum(_size(c) for c in batch[:position]) + index
                    report.records += done
                    report.rejected += rejected
                    raise StrictImportError(record, report)
        tables.append(record_table([r for r in chunk if isinstance(r, Incident)]))
    with connection.begin():
        report.counts = report.counts + upsert_table(
            connection, pa.concat_tables(tables), stage, origin=origin
        )
        report.records += sum(_size(c) for c in batch)
        report.rejected += rejected
        connection.execute(
            update(import_runs).where(import_runs.c.id == report.run_id).values(_checkpoint(report))
        )
