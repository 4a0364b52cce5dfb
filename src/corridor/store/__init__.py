"""Storage: SQLAlchemy tables, repositories and Alembic migrations.

Only this package talks to the database. The embedded default is an SQLite
file; ``CORRIDOR_DATABASE_URL`` points the same code at PostgreSQL.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine

from corridor.store.database import make_engine, migrate

__all__ = ["open_store"]


@cache
def open_store(url: str) -> Engine:
    """An engine on ``url`` with the schema brought up to date (created on first use)."""
    engine = make_engine(url)
    migrate(engine)
    return engine
