"""Migrations 0002 and 0004 on SQLite and PostgreSQL: a store at an older revision holding
incidents upgrades and keeps them, readable as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from corridor.atlas import Atlas
from corridor.events.access import Viewer
from corridor.events.model import Incident, Tlp
from corridor.events.query import IncidentQuery
from corridor.events.services import list_incidents
from corridor.store.database import alembic_config, make_engine
from corridor.store.incident_writes import upsert_incidents
from tests.cooperation.conftest import incident


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    from tests.conftest import _reset_postgres

    return _reset_postgres(request.getfixturevalue("postgres_server"))


def store_old_incidents(store: Engine, *records: Incident) -> None:
    """``records`` stored by today's code in a store at an older revision: the data version
    that code raises lives in a temporary table for the while (the old schema has none)."""
    with store.begin() as connection:
        connection.execute(
            text("CREATE TEMPORARY TABLE data_versions (name VARCHAR(32) PRIMARY KEY, version INT)")
        )
        upsert_incidents(connection, list(records))
        connection.execute(text("DROP TABLE data_versions"))


def test_upgrading_a_store_at_0001_keeps_its_incidents(empty: Engine) -> None:
    command.upgrade(alembic_config(empty), "0001")
    assert "organizations" not in inspect(empty).get_table_names()
    kept = [incident("old-1", Tlp.GREEN, "kz-mvd"), incident("old-2", Tlp.AMBER, "kz-mvd")]
    store_old_incidents(empty, *kept)
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


def test_upgrading_a_store_at_0003_adds_trust_and_keeps_the_rest(
    empty: Engine, atlas: Atlas
) -> None:
    """0004 adds the source_trust table only, exactly as the tables module declares it, and
    going back drops it and nothing else."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from corridor.cooperation.services import create_organization
    from corridor.cooperation.trust_services import list_trust, set_trust
    from corridor.store.tables import metadata
    from tests.cooperation.conftest import ADMIN

    command.upgrade(alembic_config(empty), "0003")
    store_old_incidents(empty, incident("old-1", Tlp.GREEN, "kz-mvd"))
    create_organization(empty, ADMIN, "kz-mvd", name="MVD", kind="ministry", atlas=atlas)
    assert "source_trust" not in inspect(empty).get_table_names()
    command.upgrade(alembic_config(empty), "0004")
    set_trust(empty, ADMIN, "kz-mvd", "kz-mvd", "A")
    assert [t.level.value for t in list_trust(empty, ADMIN, "kz-mvd")] == ["A"]
    with empty.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert [d for d in differences if "source_trust" in str(d)] == []
    command.downgrade(alembic_config(empty), "0003")
    assert "source_trust" not in inspect(empty).get_table_names()
    assert len(list_incidents(empty, Viewer("kz-mvd"), IncidentQuery()).incidents) == 1


def test_upgrading_a_store_at_0003_keeps_its_meetings_unshared(empty: Engine) -> None:
    """Migration 0005 (record shares): meetings stored before it read as before."""
    from corridor.cooperation.meeting_services import add_meeting, list_meetings
    from corridor.cooperation.meetings import Meeting

    command.upgrade(alembic_config(empty), "0003")
    body = Meeting(id="m-1", kind="round_table", title="T", when="2024-03-01").model_dump_json()
    with empty.begin() as connection:  # what 0003's code wrote: no record_shares yet
        connection.execute(
            text(
                "INSERT INTO meetings (uuid, key, kind, starts, ends, body, owner, tlp, "
                "origin_instance, version, created_at, updated_at) VALUES ('u-1', 'm-1', "
                "'round_table', '2024-03-01', '2024-03-01', :body, 'kz-mvd', 'amber', 'local', "
                "1, '2024-03-01', '2024-03-01')"
            ),
            {"body": body},
        )
    command.upgrade(alembic_config(empty), "0005")
    assert "record_shares" in inspect(empty).get_table_names()
    (found,) = list_meetings(empty, Viewer("kz-mvd"))
    assert (found.meeting.id, found.shared_with) == ("m-1", ())
    assert list_meetings(empty, Viewer("cn-mps")) == []
    later = Meeting(id="m-2", kind="round_table", title="T", when="2024-04-01")
    add_meeting(empty, Viewer("kz-mvd"), later)
    command.downgrade(alembic_config(empty), "0003")
    assert "record_shares" not in inspect(empty).get_table_names()
    with empty.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM meetings")).scalar() == 2
    empty.dispose()
