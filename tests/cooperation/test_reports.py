"""Reporting an incident and sharing it are one transaction, on SQLite and PostgreSQL: a
group the report may not go to leaves nothing behind, neither incident nor audit entry."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from corridor.atlas import Atlas
from corridor.cooperation.models import PermissionDeniedError, Principal, Role
from corridor.cooperation.reports import report_incident
from corridor.cooperation.services import viewer_for
from corridor.errors import UnknownValueError
from corridor.events.access import Viewer
from corridor.events.query import IncidentQuery
from corridor.events.services import list_incidents
from corridor.store import tables

RECORD = {
    "source": "kz-mvd-reports",
    "source_id": "R-1",
    "title": "Valve station break-in",
    "start_date": "2023-03-04",
    "threat_class": "infrastructure_attack",
    "country": "KAZ",
    "tlp": "amber",
}
ON = date(2024, 6, 1)


def _counts(store: Engine) -> tuple[int, ...]:
    with store.connect() as connection:
        return tuple(
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (tables.incidents, tables.incident_shares, tables.audit_log)
        )


@pytest.fixture
def reporter(platform: Engine, atlas: Atlas) -> Principal:
    return Principal(viewer_for(platform, "kz-mvd", on=ON, atlas=atlas), frozenset({Role.REPORTER}))


@pytest.mark.parametrize(
    ("groups", "error", "says"),
    [
        (["sco", "no-such-group"], UnknownValueError, "sharing group 'no-such-group'"),
        (["sco", "nobody"], PermissionDeniedError, "may not share with 'nobody'"),  # not a member
    ],
)
def test_reporting_with_a_group_it_may_not_use_stores_nothing(
    platform: Engine, atlas: Atlas, reporter: Principal, groups: list[str], error: type, says: str
) -> None:
    before = _counts(platform)
    with pytest.raises(error, match=says):
        report_incident(platform, reporter, RECORD, share_with=groups, on=ON, atlas=atlas)
    assert _counts(platform) == before
    assert list_incidents(platform, Viewer("kz-mvd"), IncidentQuery()).incidents == ()


def test_a_report_and_its_sharing_land_together(
    platform: Engine, atlas: Atlas, reporter: Principal
) -> None:
    made = report_incident(platform, reporter, RECORD, share_with=["sco"], on=ON, atlas=atlas)
    cn = viewer_for(platform, "cn-mps", on=ON, atlas=atlas)
    assert [i.uuid for i in list_incidents(platform, cn, IncidentQuery()).incidents] == [made.uuid]
    assert _counts(platform)[:2] == (1, 1)
