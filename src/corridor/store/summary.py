"""What a store holds, in counts: for ``corridor info`` and health checks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select, text

from corridor.store.tables import import_runs, incidents

__all__ = ["StoreSummary", "store_summary"]


@dataclass(frozen=True)
class StoreSummary:
    """Row counts of a store and the schema revision it is at."""

    dialect: str
    revision: str | None
    incidents: int
    incidents_by_source: dict[str, int]
    import_runs: int


def store_summary(engine: Engine) -> StoreSummary:
    """Counts over the whole store (no sharing filter: it says how much, never what)."""
    with engine.connect() as connection:
        by_source: dict[str, int] = dict(
            connection.execute(
                select(incidents.c.source, func.count()).group_by(incidents.c.source)
            ).all()
        )
        runs = connection.execute(select(func.count()).select_from(import_runs)).scalar_one()
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return StoreSummary(
        dialect=engine.dialect.name,
        revision=revision,
        incidents=sum(by_source.values()),
        incidents_by_source=dict(sorted(by_source.items())),
        import_runs=runs,
    )
