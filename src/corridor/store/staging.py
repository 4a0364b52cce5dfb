"""Where a batch waits before the merge: a staging table, loaded in bulk.

Row batches go in with executemany (SQLite) or COPY (PostgreSQL). Arrow batches
avoid Python per row altogether, and their staging is split in two so that the
heavy half runs in the reader's thread while the store merges the batch before:

* :meth:`ArrowStaging.prepare` (any thread) writes the batch where the store can
  read it: on SQLite, ADBC writes it into a scratch SQLite file of its own; on
  PostgreSQL, pgpq encodes it in COPY's binary format in memory (no text to parse
  on the server).
* :meth:`ArrowStaging.transaction` (the store's thread) opens the transaction in
  which the batch is readable: the scratch file attached (ATTACH is refused
  inside a transaction, so it comes first), or the bytes COPYed into a temporary
  (unlogged, the session's own) table inside the transaction.

Each SQLite batch gets a file of its own, written and closed by ADBC before the
store attaches it: two SQLite libraries in one process must never have one file
open together (their POSIX locks ignore each other, and closing one's handle
drops the other's locks).
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pgpq
import pyarrow as pa
from adbc_driver_sqlite import dbapi as adbc_sqlite
from sqlalchemy import Connection, text

from corridor.events.columnar import RECORD_SCHEMA

__all__ = ["SCRATCH", "STAGING", "ArrowStaging", "StagedBatch", "arrow_staging", "create_staging"]

_PG_TYPE = {
    "string": "text",
    "date32[day]": "date",
    "double": "float8",
    "int16": "int2",
    "int64": "int8",
    "timestamp[us]": "timestamp",
}
STAGING = "incidents_staging"
ARROW_STAGING = "incidents_arrow_staging"  # the record table's own types, for binary COPY
# The record table's columns as PostgreSQL types (what binary COPY of each Arrow type is).
_POSTGRES_COLUMNS = ", ".join(
    f"{column.name} {_PG_TYPE[str(column.type)]}" for column in RECORD_SCHEMA
)
_ALIAS = "corridor_staging"
# A memory-backed folder where there is one: staging files are scratch, never worth an fsync.
SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())


def create_staging(connection: Connection, columns: str) -> None:
    """An empty temporary table with the incidents' ``columns`` (made once per connection)."""
    empty_copy = f"SELECT {columns} FROM incidents WHERE 1 = 0"
    connection.execute(text(f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} AS {empty_copy}"))
    empty = "TRUNCATE" if connection.dialect.name == "postgresql" else "DELETE FROM"
    connection.execute(text(f"{empty} {STAGING}"))


@dataclass(frozen=True, slots=True)
class StagedBatch:
    """A batch ready to merge: in a scratch SQLite file, or as CSV for COPY."""

    rows: int
    columns: tuple[str, ...]
    path: Path | None = None
    copy: bytes = b""  # PostgreSQL: the rows in COPY's binary format


class ArrowStaging:
    """Stages Arrow batches for one store connection; see the module's docstring."""

    def __init__(self, dialect: str, folder: Path) -> None:
        self._postgresql = dialect == "postgresql"
        self._folder = folder
        self._numbers = itertools.count()

    def prepare(self, table: pa.Table) -> StagedBatch:
        """Write ``table`` where the store can read it; safe to call from another thread."""
        columns = tuple(table.column_names)
        if self._postgresql:  # COPY's binary format, written from the Arrow columns in Rust
            encoder = pgpq.ArrowToPostgresBinaryEncoder(table.schema)
            parts = [encoder.write_header()]
            parts += [encoder.write_batch(batch) for batch in table.to_batches()]
            parts.append(encoder.finish())
            return StagedBatch(table.num_rows, columns, copy=b"".join(parts))
        path = self._folder / f"batch-{next(self._numbers)}.sqlite"
        with (
            adbc_sqlite.connect(str(path), autocommit=True) as writer,
            writer.cursor() as cursor,
        ):
            for pragma in _SCRATCH_PRAGMAS:
                cursor.execute(pragma)
            cursor.adbc_ingest(STAGING, table, mode="create")
        return StagedBatch(table.num_rows, columns, path=path)

    @contextmanager
    def transaction(self, connection: Connection, batch: StagedBatch) -> Iterator[str]:
        """One transaction of ``connection`` in which the batch is readable as the name given."""
        if self._postgresql:
            with connection.begin():
                yield self._copy(connection, batch)
            return
        assert batch.path is not None
        raw: Any = connection.connection.driver_connection
        raw.execute(f"ATTACH DATABASE ? AS {_ALIAS}", (str(batch.path),))
        raw.execute(f"PRAGMA {_ALIAS}.mmap_size={_SCRATCH_MAP}")  # a batch: read in place
        try:
            with connection.begin():
                yield f"{_ALIAS}.{STAGING}"
        finally:
            raw.execute(f"DETACH DATABASE {_ALIAS}")
            batch.path.unlink(missing_ok=True)

    @staticmethod
    def _copy(connection: Connection, batch: StagedBatch) -> str:
        """COPY the batch into the session's staging table (temporary, so unlogged and
        its own; emptied at each commit) in binary, in the batch's transaction. A batch
        that commits without sync loses at most its own checkpoint in a crash, and is
        then done again: nothing else waits for the WAL's flush."""
        raw: Any = connection.connection.driver_connection
        with raw.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {ARROW_STAGING} ({_POSTGRES_COLUMNS}) "
                "ON COMMIT DELETE ROWS"
            )
            names = ", ".join(batch.columns)
            with cursor.copy(f"COPY {ARROW_STAGING} ({names}) FROM STDIN (FORMAT binary)") as copy:
                copy.write(batch.copy)
        return ARROW_STAGING


_PREFIX = "corridor-staging-"
_SCRATCH_MAP = 1 << 28
# A batch's scratch file is written once and read once: large pages (fewer calls to
# write and read), no journal and no sync (a crash loses the scratch, never the store).
_SCRATCH_PRAGMAS = ("PRAGMA page_size=65536", "PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF")


@contextmanager
def arrow_staging(dialect: str) -> Iterator[ArrowStaging]:
    """Staging for one import: its scratch folder is removed when the block ends."""
    _sweep_orphans(SCRATCH)
    prefix = f"{_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=SCRATCH) as folder:
        yield ArrowStaging(dialect, Path(folder))


def _sweep_orphans(scratch: Path) -> None:
    """Remove the scratch folders of imports whose process died (a kill -9 skips cleanup)."""
    for folder in scratch.glob(f"{_PREFIX}*-*"):
        pid = folder.name.removeprefix(_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
