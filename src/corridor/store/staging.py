"""Where a batch waits before the merge: a staging table, loaded in bulk.

Row batches go in with executemany (SQLite) or COPY (PostgreSQL). Arrow batches
avoid Python per row altogether: on SQLite, ADBC writes them into a separate
staging database file that the store's connection attaches (two SQLite
libraries must never open the same file in one process: closing one's file
handle drops the other's POSIX locks); on PostgreSQL they are written as CSV by
Arrow and COPYed over the store's own connection, inside its transaction.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
from adbc_driver_sqlite import dbapi as adbc_sqlite
from pyarrow import csv as pacsv
from sqlalchemy import Connection, text

__all__ = ["STAGING", "Stager", "arrow_staging", "create_staging"]

STAGING = "incidents_staging"
_ALIAS = "corridor_staging"
# A memory-backed folder where there is one: the staging file is scratch, never worth an fsync.
_SCRATCH = "/dev/shm" if Path("/dev/shm").is_dir() else None

# Loads a full-width Arrow batch for ``connection`` and names the table it is in.
Stager = Callable[[Connection, pa.Table], str]


def create_staging(connection: Connection, columns: str) -> None:
    """An empty temporary table with the incidents' ``columns`` (made once per connection)."""
    empty_copy = f"SELECT {columns} FROM incidents WHERE 1 = 0"
    connection.execute(text(f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} AS {empty_copy}"))
    connection.execute(text(f"DELETE FROM {STAGING}"))


@contextmanager
def arrow_staging(connection: Connection) -> Iterator[Stager]:
    """A stager of Arrow batches for this connection, for as long as the block runs."""
    if connection.dialect.name == "postgresql":
        yield _copy_csv
        return
    with tempfile.TemporaryDirectory(prefix="corridor-staging-", dir=_SCRATCH) as folder:
        path = str(Path(folder) / "staging.sqlite")
        writer = adbc_sqlite.connect(path)
        raw = connection.connection.driver_connection
        raw.execute(f"ATTACH DATABASE ? AS {_ALIAS}", (path,))  # type: ignore[union-attr]
        try:

            def stage(_connection: Connection, table: pa.Table) -> str:
                with writer.cursor() as cursor:
                    cursor.adbc_ingest(STAGING, table, mode="replace")
                writer.commit()
                return f"{_ALIAS}.{STAGING}"

            yield stage
        finally:
            if connection.in_transaction():
                connection.rollback()
            raw.execute(f"DETACH DATABASE {_ALIAS}")  # type: ignore[union-attr]
            writer.close()


def _copy_csv(connection: Connection, table: pa.Table) -> str:
    """COPY the batch as CSV: Arrow writes it in C++, quoting text so '' is not NULL."""
    create_staging(connection, ", ".join(table.column_names))
    buffer = io.BytesIO()
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    pacsv.write_csv(table, buffer, options)
    raw: Any = connection.connection.driver_connection
    names = ", ".join(table.column_names)
    sql = f"COPY {STAGING} ({names}) FROM STDIN (FORMAT csv)"
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(buffer.getbuffer())
    return STAGING
