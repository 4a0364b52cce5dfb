"""The one import engine: record chunks (Arrow tables, or parsed records) into the store.

Every import goes through :func:`import_chunks` inside one run
(:func:`~corridor.store.import_job.import_run`): one transaction per batch of
``batch_size`` records that also moves the run's checkpoint, resume after the
last committed record, a reject file, ``strict``. A batch reaches the database
as one Arrow table, read, checked and staged in the reader's own thread while
the store merges the batch before it; a load large next to the table drops the
read-only indexes and builds them once at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Engine

from corridor.background import ahead
from corridor.events.columnar import Chunk, record_table
from corridor.events.importers.base import NORMALIZED_POSITION_TAG, Rejected
from corridor.events.model import Incident
from corridor.store.import_job import (
    ImportJob,
    ImportReport,
    ImportRun,
    StrictImportError,
    checkpoint,
    import_run,
)
from corridor.store.incident_writes import merge_staged, storable_table
from corridor.store.indexes import drop_secondary_indexes, ensure_indexes
from corridor.store.staging import ArrowStaging, StagedBatch, arrow_staging

__all__ = ["import_chunks"]

_NORMALIZED = f'"{NORMALIZED_POSITION_TAG}"'  # the tag as a whole item of the JSON list


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
    normalized: int = 0  # incidents whose position was normalized on reading


def _prepare(
    batch: list[Chunk], staging: ArrowStaging, *, dialect: str, reporter: str | None
) -> _Prepared:
    """Everything a batch needs short of the store: runs in the reader's thread."""
    tables: list[pa.Table] = []
    rejects: list[tuple[int, Rejected]] = []
    position = normalized = 0
    for chunk in batch:
        if not isinstance(chunk, list):
            tables.append(chunk)
            position += chunk.num_rows
            normalized += pc.sum(pc.match_substring(chunk["tags"], _NORMALIZED)).as_py() or 0
            continue
        rejects.extend((position + i, r) for i, r in enumerate(chunk) if isinstance(r, Rejected))
        incidents = [r for r in chunk if isinstance(r, Incident)]
        normalized += sum(NORMALIZED_POSITION_TAG in r.tags for r in incidents)
        tables.append(record_table(incidents))
        position += len(chunk)
    rows = pa.concat_tables([t for t in tables if t.num_rows] or tables[:1])
    if reporter is not None:
        rows = rows.set_column(
            rows.schema.get_field_index("reporter"), "reporter", pa.array([reporter] * len(rows))
        )
    rows = storable_table(rows, dialect=dialect)
    return _Prepared(position, rejects, staging.prepare(rows), normalized)


def import_chunks(
    engine: Engine, chunks: Iterable[Chunk], job: ImportJob, *, bulk: bool = False
) -> ImportReport:
    """Store the records of ``chunks`` in one run of ``job``; return what happened.

    ``bulk`` drops the read-only indexes for the load and rebuilds them at the end.
    Raises :class:`StrictImportError` in ``strict`` mode at the first bad record.
    """
    dialect = engine.dialect.name
    with import_run(engine, job) as run, arrow_staging(dialect) as staging:
        # Two threads ahead of the store: one reads and checks, one stages.
        read = ahead(batches(chunks, skip=run.report.resumed_from, size=job.batch_size))
        work = ahead(
            _prepare(batch, staging, dialect=dialect, reporter=job.reporter) for batch in read
        )
        try:
            with engine.connect() as connection, _unmapped(connection):
                if bulk:
                    with connection.begin():
                        drop_secondary_indexes(connection)
                for prepared in work:
                    _store(connection, staging, prepared, run, job)
                    if job.progress is not None:
                        job.progress(run.report.records)
                with connection.begin():
                    ensure_indexes(connection)
        finally:
            work.close()  # type: ignore[attr-defined]
            read.close()  # type: ignore[attr-defined]
    return run.report


@contextmanager
def _unmapped(connection: Connection) -> Iterator[None]:
    """Read the SQLite file with read() on the import's connection, not through a memory
    map: a map of a growing file is counted as the process's memory page by page (a
    million rows: 300 MB more), and a write-mostly load gains nothing from it. The
    connection goes back to the pool as it came."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw: Any = connection.connection.driver_connection
    mapped = raw.execute("PRAGMA mmap_size").fetchone()[0]
    raw.execute("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA mmap_size={int(mapped)}")


def _store(
    connection: Connection,
    staging: ArrowStaging,
    prepared: _Prepared,
    run: ImportRun,
    job: ImportJob,
) -> None:
    """One batch in one transaction with its checkpoint; rejects written first."""
    report = run.report
    for position, reject in prepared.rejects:
        if run.rejects is not None:
            run.rejects.write(reject)
        if job.strict:
            report.records += position
            report.rejected += 1
            raise StrictImportError(reject, report)
    with staging.transaction(connection, prepared.staged) as source:
        report.counts = report.counts + merge_staged(
            connection,
            source,
            prepared.staged.rows,
            origin=job.origin,
            count_refused=job.reporter is not None,
        )
        report.records += prepared.size
        report.rejected += len(prepared.rejects)
        report.normalized += prepared.normalized
        checkpoint(connection, report)
