"""The alert services on both databases: the inbox with sharing, acknowledgement, the
escalation ladder, rules organizations write and try, and alerts raised by a report."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import Engine

from corridor.alerts.escalation import LADDER, escalate_alert, escalate_due
from corridor.alerts.rules import AlertRule
from corridor.alerts.services import (
    acknowledge_alert,
    get_alert,
    list_alerts,
    remove_rule,
    save_rule,
    try_rule,
)
from corridor.atlas import Atlas
from corridor.cooperation.models import PermissionDeniedError, Principal, Role
from corridor.cooperation.reports import report_incident
from corridor.cooperation.services import add_contact, create_organization
from corridor.errors import CorridorError, UnknownValueError
from corridor.events.access import Viewer
from tests.alerts.test_raising import EXTRA, NOW, TODAY, kazakh_point
from tests.cooperation.conftest import ADMIN, build_platform


def acting(org: str, *roles: Role) -> Principal:
    return Principal(Viewer(org, user=f"someone@{org}"), frozenset(roles))


@pytest.fixture
def platform(store: Engine, atlas: Atlas) -> Engine:
    build_platform(store, atlas)
    for org, (kind, country, mechanism) in EXTRA.items():
        create_organization(store, ADMIN, org, name=org.upper(), kind=kind, country=country,
                            mechanism=mechanism, atlas=atlas)  # fmt: skip
    add_contact(store, ADMIN, "pipechina", name="Duty officer", level="director_general")
    return store


def report(store: Engine, atlas: Atlas, n: int, tlp: str = "GREEN", **more: object) -> str:
    lon, lat = kazakh_point(atlas)
    record = {
        "source": "report", "source_id": f"kz-{n}", "title": f"shots fired at a valve {n}",
        "start_date": (TODAY - timedelta(days=1)).isoformat(), "threat_class": "terrorism",
        "severity": 3, "longitude": lon, "latitude": lat, "country": "KAZ", "tlp": tlp,
        **more,
    }  # fmt: skip
    incident = report_incident(store, acting("kz-mvd", Role.REPORTER), record, atlas=atlas,
                               now=NOW)  # fmt: skip
    return str(incident.uuid)


def inbox(store: Engine, org: str, **filters: object) -> list[str]:
    return [a.asset for a in list_alerts(store, Viewer(org), **filters)]  # type: ignore[arg-type]


def test_a_report_raises_alerts_its_recipients_find_in_their_inbox(
    platform: Engine, atlas: Atlas
) -> None:
    uuid = report(platform, atlas, 1)
    assert "cagp-line-a" in inbox(platform, "pipechina")
    assert "cagp-line-a" in inbox(platform, "cn-mps")
    assert inbox(platform, "us-fbi") == []
    alert = next(a for a in list_alerts(platform, Viewer("pipechina")) if a.asset == "cagp-line-a")
    assert [i.uuid for i in alert.incidents] == [uuid]
    assert alert.why and "operates" in alert.why[0]


def test_an_amber_report_reaches_only_its_owner_until_shared(
    platform: Engine, atlas: Atlas
) -> None:
    report(platform, atlas, 2, tlp="AMBER")
    assert inbox(platform, "pipechina") == []
    assert "cagp-line-a" in inbox(platform, "kz-mvd")


def test_acknowledging_stops_escalation_and_is_recorded(platform: Engine, atlas: Atlas) -> None:
    report(platform, atlas, 3)
    alert = next(a for a in list_alerts(platform, Viewer("pipechina")) if a.asset == "cagp-line-a")
    with pytest.raises(PermissionDeniedError, match="respond"):
        acknowledge_alert(platform, acting("pipechina", Role.VIEWER), alert.uuid)
    with pytest.raises(UnknownValueError):
        acknowledge_alert(platform, acting("us-fbi", Role.RESPONDER), alert.uuid)
    taken = acknowledge_alert(platform, acting("pipechina", Role.RESPONDER), alert.uuid,
                              now=NOW + timedelta(minutes=5))  # fmt: skip
    assert taken.status == "acknowledged" and taken.escalate_at is None
    assert [e.kind for e in taken.events] == ["raised", "acknowledged"]
    later = NOW + timedelta(days=1)
    assert alert.uuid not in {e.alert for e in escalate_due(platform, atlas=atlas, now=later)}


def test_an_unacknowledged_alert_climbs_the_ladder_on_time(platform: Engine, atlas: Atlas) -> None:
    report(platform, atlas, 4)
    alert = next(a for a in list_alerts(platform, Viewer("pipechina")) if a.asset == "cagp-line-a")
    assert alert.escalate_at == (NOW + timedelta(minutes=60)).replace(tzinfo=UTC)
    assert not [e for e in escalate_due(platform, atlas=atlas, now=NOW + timedelta(minutes=59))
                if e.alert == alert.uuid]  # fmt: skip
    steps = []
    moment = NOW
    for _ in LADDER:
        moment += timedelta(minutes=61)
        steps += [
            e for e in escalate_due(platform, atlas=atlas, now=moment) if e.alert == alert.uuid
        ]
    assert [s.step for s in steps] == list(LADDER)
    assert "pipechina:org_admin" in steps[0].told
    assert any(t.startswith("pipechina:Duty officer") for t in steps[1].told)
    seen = get_alert(platform, Viewer("pipechina"), alert.uuid)
    assert seen.level == len(LADDER) and seen.escalate_at is None
    assert [e.kind for e in seen.events].count("escalated") == len(LADDER)
    with pytest.raises(CorridorError, match="last step"):
        escalate_alert(platform, acting("pipechina", Role.RESPONDER), alert.uuid, atlas=atlas,
                       now=moment)  # fmt: skip


def test_a_closed_or_unknown_status_is_refused(platform: Engine) -> None:
    with pytest.raises(UnknownValueError, match="alert status"):
        list_alerts(platform, Viewer("pipechina"), status="pending")


def test_an_organization_writes_tries_and_removes_its_own_rule(
    platform: Engine, atlas: Atlas
) -> None:
    report(platform, atlas, 5)
    rule = AlertRule(id="pipechina-watch", name="Anything near our line A", within_km=30,
                     assets=("cagp-line-a",))  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        save_rule(platform, acting("pipechina", Role.RESPONDER), rule, atlas)
    saved = save_rule(platform, acting("pipechina", Role.ORG_ADMIN), rule, atlas)
    assert saved.owner == "pipechina"
    trial = try_rule(platform, Viewer("pipechina"), rule, atlas)
    assert trial.assets == ("cagp-line-a",) and len(trial.matches) == 1
    with pytest.raises(PermissionDeniedError, match="comes with the atlas"):
        save_rule(platform, acting("pipechina", Role.ORG_ADMIN),
                  rule.model_copy(update={"id": "attack-near-pipeline"}), atlas)  # fmt: skip
    with pytest.raises(PermissionDeniedError, match="belongs to pipechina"):
        remove_rule(platform, acting("cn-mps", Role.ORG_ADMIN), "pipechina-watch")
    remove_rule(platform, acting("pipechina", Role.ORG_ADMIN), "pipechina-watch")
    with pytest.raises(UnknownValueError, match="pipechina-watch"):
        remove_rule(platform, acting("pipechina", Role.ORG_ADMIN), "pipechina-watch")


def test_a_rule_naming_what_does_not_exist_is_refused(platform: Engine, atlas: Atlas) -> None:
    cases = (
        ({"classes": ("pirate",)}, "threat class"),
        ({"assets": ("cagp-e",)}, "asset"),
        ({"operators": ("nobody-inc",)}, "organization"),
    )
    for bad, what in cases:
        rule = AlertRule(id="bad", name="a bad rule", within_km=5, **bad)  # type: ignore[arg-type]
        with pytest.raises(UnknownValueError, match=what):
            save_rule(platform, ADMIN, rule, atlas)
