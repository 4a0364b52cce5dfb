"""Reporting an incident and sharing it are one transaction, on SQLite and PostgreSQL: a
group the report may not go to leaves nothing behind, neither incident nor audit entry."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import Engine, event, func, select

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


def test_reports_made_at_once_by_many_threads_are_all_stored(
    platform: Engine, atlas: Atlas, reporter: Principal
) -> None:
    """A server reports from many threads at once. On SQLite a report's transaction writes
    a temporary staging table before it reads and writes the incidents: begun deferred, it
    failed at once ("database is locked") whenever another report committed in between;
    it must wait its turn instead."""
    failed: list[BaseException] = []

    def report_some(thread: int) -> None:
        for n in range(15):
            record = {**RECORD, "source_id": f"T{thread}-{n}", "tlp": "green"}
            try:
                report_incident(platform, reporter, record, on=ON, atlas=atlas)
            except Exception as exc:  # counted below, with what it said
                failed.append(exc)

    threads = [threading.Thread(target=report_some, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert _counts(platform)[0] == 8 * 15


def test_a_report_reads_the_directory_once(
    platform: Engine, atlas: Atlas, reporter: Principal
) -> None:
    """Every report raises its alerts, which read the organizations and the sharing groups;
    nothing else in the report reads them again (a report shared with no group needs no
    sharing check at all)."""
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(" ".join(str(args[2]).split()))

    event.listen(platform, "before_cursor_execute", count)
    try:
        report_incident(platform, reporter, {**RECORD, "source_id": "once"}, on=ON, atlas=atlas)
    finally:
        event.remove(platform, "before_cursor_execute", count)
    for table in ("organizations", "sharing_groups", "group_members"):
        assert sum(f"FROM {table} " in f"{s} " for s in seen) == 1, table
