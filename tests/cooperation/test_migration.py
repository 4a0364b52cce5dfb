"""Migration 0002 on SQLite and PostgreSQL: a store at 0001 holding incidents upgrades
and keeps them, readable as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from corridor.events.access import Viewer
from corridor.events.model import Tlp
from corridor.events.query import IncidentQuery
from corridor.events.services import list_incidents
from corridor.store.database import alembic_config, make_engine
from tests.cooperation.conftest import incident, store_incidents


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    from tests.conftest import _reset_postgres

    return _reset_postgres(request.getfixturevalue("postgres_server"))


def test_upgrading_a_store_at_0001_keeps_its_incidents(empty: Engine) -> None:
    command.upgrade(alembic_config(empty), "0001")
    assert "organizations" not in inspect(empty).get_table_names()
    kept = [incident("old-1", Tlp.GREEN, "kz-mvd"), incident("old-2", Tlp.AMBER, "kz-mvd")]
    store_incidents(empty, *kept)
    command.upgrade(alembic_config(empty), "0002")  # the migration under test, no further
    names = set(inspect(empty).get_table_names())
    assert {"organizations", "users", "api_tokens", "sharing_groups", "group_members",
            "incident_shares", "liaison_contacts", "audit_log"} <= names  # fmt: skip
    with empty.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        )
    own = list_incidents(empty, Viewer("kz-mvd"), IncidentQuery()).incidents
    assert sorted(own, key=lambda i: i.source_id) == kept
    assert [
        i.source_id for i in list_incidents(empty, Viewer("cn-mps"), IncidentQuery()).incidents
    ] == ["old-1"]
    command.downgrade(alembic_config(empty), "0001")  # and back, leaving the incidents
    assert "organizations" not in inspect(empty).get_table_names()
    with empty.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM incidents")).scalar() == 2
    empty.dispose()
