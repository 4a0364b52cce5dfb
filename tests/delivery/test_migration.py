"""Migration 0008 on SQLite and PostgreSQL: a store at 0003 upgrades to the webhook and
delivery tables exactly as store/tables.py declares them, and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from corridor.store.database import alembic_config, make_engine
from corridor.store.tables import metadata

MINE = {"webhooks", "deliveries", "delivery_attempts"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    from tests.conftest import _reset_postgres

    return _reset_postgres(request.getfixturevalue("postgres_server"))


def test_0008_makes_the_delivery_tables_as_declared_and_drops_them(empty: Engine) -> None:
    command.upgrade(alembic_config(empty), "0003")
    assert not MINE & set(inspect(empty).get_table_names())
    command.upgrade(alembic_config(empty), "0008")
    assert set(inspect(empty).get_table_names()) >= MINE
    with empty.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    ours = [d for d in differences if MINE & {getattr(part, "name", None) for part in _parts(d)}]
    assert ours == []
    indexes = {i["name"] for i in inspect(empty).get_indexes("deliveries")}
    assert {"ix_deliveries_status_next_attempt_at", "ix_deliveries_status_lease_until"} <= indexes
    command.downgrade(alembic_config(empty), "0003")
    assert not MINE & set(inspect(empty).get_table_names())
    empty.dispose()


def _parts(difference: object) -> list[object]:
    """The schema objects an autogenerate difference names (a table, or an index's table)."""
    items = difference if isinstance(difference, list) else [difference]
    found: list[object] = []
    for item in items:
        for part in item[1:] if isinstance(item, tuple) else ():
            found.append(part)
            found.append(getattr(part, "table", None))
    return found
