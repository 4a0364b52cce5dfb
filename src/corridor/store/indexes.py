"""Secondary indexes off for a bulk load, and back on: sorting once beats a million inserts.

A crash between the two leaves the indexes missing, never the data wrong:
``migrate`` (so every open_store) and the end of every import recreate them.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, func, select, text

from corridor.store.tables import incidents

__all__ = ["bulk_load_worth_it", "drop_secondary_indexes", "ensure_indexes"]


# An import stamps every row it writes with the time of its batch, the newest there is:
# rows arrive at the index's right edge, so it stays through a bulk load (rebuilding it
# cost 0.7 s of CPU a million rows). The others get keys in no order and are rebuilt.
_APPENDED = frozenset({"ix_incidents_updated_at"})


def _secondary() -> list[str]:
    return sorted(str(index.name) for index in incidents.indexes if index.name not in _APPENDED)


def bulk_load_worth_it(engine: Engine, expected_records: int) -> bool:
    """True when the import is large next to the table: rebuilding then costs less."""
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(incidents)).scalar_one()
    return expected_records >= 50_000 and expected_records >= int(stored)


def drop_secondary_indexes(connection: Connection) -> None:
    """Drop the indexes that only serve reads and that a load fills in no order (the
    unique keys stay: the merge needs them; so does the append-only ``updated_at``)."""
    for name in _secondary():
        connection.execute(text(f"DROP INDEX IF EXISTS {name}"))


def ensure_indexes(connection: Connection) -> None:
    """Create any index of the schema that is missing (after a bulk load, or its crash).

    PostgreSQL sorts for them in memory given 256 MB for this transaction (the default
    64 MB spilled: a million incidents' indexes took 15.8 s, 11.4 s with it)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    for index in sorted(incidents.indexes, key=lambda i: str(i.name)):
        index.create(connection, checkfirst=True)
