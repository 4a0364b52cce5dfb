"""An organization reports an incident: stored as its own, shared as asked, or not at all."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.cooperation.groups import viewer_for
from corridor.cooperation.models import PermissionDeniedError, Principal
from corridor.cooperation.reports import report_incident
from corridor.cooperation.services import authenticate, create_group, create_user, issue_token
from corridor.errors import UnknownValueError
from corridor.events.query import IncidentQuery
from corridor.events.services import list_incidents
from tests.cooperation.conftest import ADMIN

RECORD = {
    "source": "kz-mvd-reports",
    "source_id": "R-7",
    "title": "Valve station break-in",
    "start_date": "2024-02-01",
    "threat_class": "infrastructure_attack",
    "country": "KAZ",
    "reporter": "someone-else",
    "tlp": "amber",
}


def _sees(store: Engine, organization: str, atlas: Atlas) -> set[str]:
    viewer = viewer_for(store, organization, on=date.today(), atlas=atlas)
    page = list_incidents(store, viewer, IncidentQuery())
    return {incident.source_id for incident in page.incidents}


def test_a_report_is_the_actors_and_reaches_the_groups_it_is_shared_with(
    platform: Engine, atlas: Atlas
) -> None:
    actor = Principal.operator("kz-mvd")
    stored = report_incident(platform, actor, RECORD, share_with=["pipeline-pair"], atlas=atlas)
    assert stored.reporter == "kz-mvd"  # never the record's
    assert "R-7" in _sees(platform, "uz-mvd", atlas)
    assert "R-7" not in _sees(platform, "tr-police", atlas)


@pytest.mark.parametrize("group", ["no-such-group", "cn-only"])
def test_a_report_whose_sharing_is_refused_is_not_stored(
    platform: Engine, atlas: Atlas, group: str
) -> None:
    """The report and its sharing commit together: a bad group leaves nothing behind."""
    create_group(platform, ADMIN, "cn-only", name="cn-only", owner="cn-mps", atlas=atlas)
    create_user(platform, ADMIN, "aigerim", organization="kz-mvd", roles=["reporter"])
    token = issue_token(platform, ADMIN, "aigerim", secret=b"k" * 32).secret
    reporter = authenticate(platform, token, secret=b"k" * 32, atlas=atlas)
    expected = UnknownValueError if group == "no-such-group" else PermissionDeniedError
    with pytest.raises(expected):
        report_incident(platform, reporter, RECORD, share_with=[group], atlas=atlas,
                        on=date(2024, 3, 1))  # fmt: skip
    assert "R-7" not in _sees(platform, "kz-mvd", atlas)
