"""Open the store a user named, or say in one line why it cannot be used.

Commands that only read never create a database: with none there they say
where they looked and how to make one, and leave no file behind.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from corridor.errors import StoreError, StoreMissingError
from corridor.locations import sqlite_path
from corridor.store.database import make_engine, migrate

__all__ = ["MISSING_HINT", "describe_database_error", "open_store", "where"]

MISSING_HINT = (
    "make one with `corridor demo` (the bundled data) or `corridor incidents import FILE`, "
    "or name another with --db"
)


def where(url: str) -> str:
    """The store as a person reads it: the file of an SQLite URL, else the URL sans password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_store(url: str, *, create: bool = False) -> Engine:
    """An engine on ``url`` with the schema up to date.

    Without ``create``, a missing SQLite file is a :class:`StoreError` and nothing is
    written; with it, the file is made, but never its folder. Unreachable servers,
    malformed URLs and files that are not databases raise :class:`StoreError` too.
    """
    try:
        make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"--db {url!r} is neither a database URL (sqlite:///FILE, "
            "postgresql://USER@HOST/DB) nor a file path"
        ) from exc
    path = sqlite_path(url)
    if path is not None:
        if not path.exists() and not create:
            raise StoreMissingError(f"no database at {path}: {MISSING_HINT}")
        if not path.parent.is_dir():
            raise StoreError(
                f"no folder {path.parent} for the database {path.name}: create it first"
            )
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a database file")
    try:
        engine = make_engine(url)
    except (NoSuchModuleError, ArgumentError) as exc:
        raise StoreError(f"--db {where(url)}: unsupported database ({exc})") from exc
    try:
        if create or not _at_head(engine):
            migrate(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise describe_database_error(exc, url) from exc
    return engine


def _at_head(engine: Engine) -> bool:
    """Whether the schema exists already (reads need no migration then)."""
    from corridor.store.tables import metadata

    names = set(inspect(engine).get_table_names())
    return {"alembic_version", *metadata.tables} <= names


def describe_database_error(exc: BaseException, url: str) -> StoreError:
    """One line for a database failure a user can act on (busy, unreachable, read-only)."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc) else ""
    place = where(url)
    lowered = text.lower()
    if "database is locked" in lowered or "database is busy" in lowered:
        return StoreError(
            f"the database {place} is busy: another process is writing to it; "
            "try again when it has finished"
        )
    if "readonly database" in lowered or "read-only" in lowered:
        return StoreError(f"the database {place} is read-only: name a writable one with --db")
    if "file is not a database" in lowered or "not a database" in lowered:
        return StoreError(f"{place} is not an SQLite database")
    if "unable to open database file" in lowered:
        return StoreError(f"cannot open the database {place}")
    if isinstance(exc, OperationalError) and not url.startswith("sqlite"):
        return StoreError(f"cannot reach the database {place}: {text}")
    return StoreError(f"the database {place} failed: {text}")
