"""Cases on both databases: opened from alerts, several merged at once, one detached, tasks,
observables, a joint action read by the organizations taking part, closed with its alerts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from corridor.alerts.services import get_alert, list_alerts
from corridor.atlas import Atlas
from corridor.cases.services import (
    add_observable,
    add_task,
    close_case,
    complete_task,
    detach_alert,
    get_case,
    list_cases,
    merge_alerts,
    open_case,
)
from corridor.cooperation.models import PermissionDeniedError, Role
from corridor.errors import CorridorError, InputError, UnknownValueError
from corridor.events.access import Viewer
from tests.alerts.test_raising import NOW
from tests.alerts.test_services import acting, platform, report

__all__ = ["platform"]  # the fixture, shared with the services' tests

RESPONDER = acting("kz-mvd", Role.RESPONDER)  # its agency receives every line's alert


def pipeline_alerts(store: Engine) -> list[str]:
    return [a.uuid for a in list_alerts(store, Viewer("kz-mvd")) if a.asset.startswith("cagp")]


def test_a_case_takes_alerts_tasks_and_observables_then_closes_them(
    platform: Engine, atlas: Atlas
) -> None:
    report(platform, atlas, 1)
    first, *others = pipeline_alerts(platform)
    assert others  # lines A, B and C each raised one
    case = open_case(platform, RESPONDER, title="Shots at the valve station", alerts=[first],
                     participants=["pipechina"], now=NOW)  # fmt: skip
    assert case.alerts == (first,) and case.owner == "kz-mvd"
    assert {o.kind for o in case.observables} == {"asset", "incident"}
    case = merge_alerts(platform, RESPONDER, case.uuid, others, now=NOW)
    assert set(case.alerts) == {first, *others}
    case = detach_alert(platform, RESPONDER, case.uuid, others[0], now=NOW)
    assert others[0] not in case.alerts
    assert get_alert(platform, Viewer("kz-mvd"), others[0]).case is None
    operator = acting("pipechina", Role.RESPONDER)
    case = add_task(platform, operator, case.uuid, title="Inspect the right of way",
                    deadline=date(2026, 6, 20), now=NOW)  # fmt: skip
    assert case.tasks[0].owner == "pipechina" and case.tasks[0].status == "open"
    case = complete_task(platform, RESPONDER, case.uuid, case.tasks[0].id, now=NOW)
    case = add_observable(platform, RESPONDER, case.uuid, "vessel", "IMO 9321483", now=NOW)
    case = close_case(platform, RESPONDER, case.uuid, "Valve repaired; two arrests.",
                      now=NOW + timedelta(days=2))  # fmt: skip
    assert case.status == "closed" and case.summary == "Valve repaired; two arrests."
    kinds = [e.kind for e in case.timeline]
    assert kinds[0] == "opened" and kinds[-1] == "closed"
    assert {"alert merged", "alert detached", "task added", "task done"} <= set(kinds)
    closed = {a.uuid: a.status for a in list_alerts(platform, Viewer("kz-mvd"))}
    assert closed[first] == "closed" and closed[others[0]] == "open"
    with pytest.raises(CorridorError, match="closed"):
        add_task(platform, RESPONDER, case.uuid, title="too late")


def test_a_joint_action_is_read_by_those_taking_part_and_nobody_else(
    platform: Engine, atlas: Atlas
) -> None:
    case = open_case(platform, RESPONDER, title="Joint patrol", participants=["pipechina"],
                     tlp="amber")  # fmt: skip
    assert get_case(platform, Viewer("pipechina"), case.uuid).title == "Joint patrol"
    assert case.uuid not in {c.uuid for c in list_cases(platform, Viewer("cn-mps"))}
    with pytest.raises(UnknownValueError):
        get_case(platform, Viewer("cn-mps"), case.uuid)
    outsider = acting("uz-mvd", Role.RESPONDER)
    with pytest.raises(UnknownValueError):
        add_task(platform, outsider, case.uuid, title="x")
    public = open_case(platform, RESPONDER, title="Open briefing", tlp="green")
    assert get_case(platform, Viewer("uz-mvd"), public.uuid)  # reads a GREEN case...
    with pytest.raises(PermissionDeniedError, match="takes no part"):
        add_task(platform, outsider, public.uuid, title="x")  # ...but works only on its own


def test_a_case_shared_with_a_group_reaches_its_members(platform: Engine, atlas: Atlas) -> None:
    case = open_case(platform, RESPONDER, title="Pair briefing", tlp="amber",
                     share_with=["pipeline-pair"])  # fmt: skip
    assert get_case(platform, Viewer("uz-mvd", frozenset({"pipeline-pair"})), case.uuid)
    with pytest.raises(UnknownValueError):
        get_case(platform, Viewer("uz-mvd", frozenset({"nobody"})), case.uuid)


def test_an_exercise_is_a_case_of_its_own_kind(platform: Engine) -> None:
    exercise = open_case(platform, RESPONDER, title="Peace Mission pipeline drill",
                         kind="exercise", tlp="green")  # fmt: skip
    assert [c.uuid for c in list_cases(platform, Viewer("cn-mps"), kind="exercise")] == [
        exercise.uuid
    ]
    assert list_cases(platform, Viewer("cn-mps"), kind="case") == []


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": " "}, InputError),
        ({"kind": "drill"}, UnknownValueError),
        ({"tlp": "purple"}, UnknownValueError),
        ({"participants": ["nobody-inc"]}, UnknownValueError),
        ({"share_with": ["no-group"]}, UnknownValueError),
        ({"alerts": ["no-such-alert"]}, UnknownValueError),
    ],
)
def test_bad_cases_are_refused_and_nothing_is_stored(
    platform: Engine, changes: dict[str, object], error: type[Exception]
) -> None:
    arguments: dict[str, object] = {"title": "A case", **changes}
    with pytest.raises(error):
        open_case(platform, RESPONDER, **arguments)  # type: ignore[arg-type]
    assert list_cases(platform, Viewer("kz-mvd")) == []


def test_an_alert_in_one_case_must_leave_it_before_joining_another(
    platform: Engine, atlas: Atlas
) -> None:
    report(platform, atlas, 2)
    alert = pipeline_alerts(platform)[0]
    open_case(platform, RESPONDER, title="First", alerts=[alert])
    with pytest.raises(CorridorError, match="detach it"):
        open_case(platform, RESPONDER, title="Second", alerts=[alert])
