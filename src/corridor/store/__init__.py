"""Storage: SQLAlchemy tables, repositories and Alembic migrations.

Only this package talks to the database. The embedded default is an SQLite
file in the user's data directory; ``--db`` or ``CORRIDOR_DATABASE_URL`` point
the same code at another file or at PostgreSQL.
"""

from __future__ import annotations

from corridor.store.opening import describe_database_error, open_store, where

__all__ = ["describe_database_error", "open_store", "where"]
