"""Engines for the embedded SQLite default and PostgreSQL, and schema migration."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event

from corridor.store.indexes import ensure_indexes

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["alembic_config", "is_sqlite", "make_engine", "migrate", "writing"]


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def writing(store: Engine) -> Iterator[Connection]:
    """A transaction that will write, like ``store.begin()``; on SQLite it takes the write
    lock at once (``BEGIN IMMEDIATE``), after the other writers of this process.

    Begun deferred, a transaction that has read the database takes SQLite's lock at its
    first write to it, and fails there at once ("database is locked") if another writer
    committed meanwhile: one that writes a temporary table first is such a one. Between
    processes writers wait on the busy timeout, whose sleeps grow to 100 ms and go to
    whoever polls first; within one (a server's request threads and its delivery worker)
    they queue on a lock of the file's instead, each taking it the moment it is free."""
    with _file_lock(store), store.connect() as connection:
        if is_sqlite(store):
            # pysqlite begins on its own only before a write; an explicit BEGIN runs as is.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


_FILE_LOCKS: dict[str, threading.RLock] = {}
_FILE_LOCKS_GUARD = threading.Lock()


def _file_lock(store: Engine) -> AbstractContextManager[object]:
    """This process's lock on the SQLite file ``store`` writes (none for PostgreSQL, whose
    writers do not exclude each other). Re-entrant: a writer that opens a second write
    transaction in the same thread waits on SQLite, not here forever."""
    if not is_sqlite(store):
        return nullcontext()
    key = str(store.url.database or ":memory:")
    with _FILE_LOCKS_GUARD:
        return _FILE_LOCKS.setdefault(key, threading.RLock())


_SORT_THREADS = min(os.cpu_count() or 1, 4)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the importer
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints, safe with WAL
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # SQLite's own cache size and temporary files: measured on a million incidents, a
    # 64 MiB cache and temp_store=MEMORY made CREATE INDEX slower (6.0 s against 3.3 s)
    # and neither the merge nor the indexed queries faster. Helper threads for its sorter
    # did help: CREATE INDEX 2.6 s against 3.4 s on two cores.
    cursor.execute(f"PRAGMA threads={_SORT_THREADS}")
    # Reads through a memory map of the file rather than a read() into SQLite's page cache
    # per page: the API's list (100 rows from all over a million) took 20 % less CPU.
    cursor.execute(f"PRAGMA mmap_size={_MMAP_BYTES}")
    cursor.close()


_MMAP_BYTES = 1 << 30
# A server's threads (anyio's pool holds 40) each hold a connection while they read;
# connections beyond the pool are closed when returned, and a new one starts cold.
_SQLITE_POOL = {"pool_size": 20, "max_overflow": 30}


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL mode, a busy timeout and a memory map."""
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(url) if memory else create_engine(url, **_SQLITE_POOL)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # only when the schema needs a migration

    config = Config()
    location = resources.files("corridor.store").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
    with engine.begin() as connection:  # a bulk load that crashed left them out
        ensure_indexes(connection)
