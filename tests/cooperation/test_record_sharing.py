"""Meetings and training courses shared with sharing groups, as incidents are, on SQLite and
PostgreSQL: who reads them (and their action items) on which day, who may share, and that
sharing is all or nothing and audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.cooperation.meeting_services import (
    action_items,
    add_action_item,
    add_meeting,
    list_meetings,
    meeting,
)
from corridor.cooperation.meetings import Meeting, MeetingKind
from corridor.cooperation.models import PermissionDeniedError, Principal, Role
from corridor.cooperation.record_sharing import (
    RecordKind,
    UnknownRecordError,
    share_record,
    unshare_record,
)
from corridor.cooperation.services import audit_log, viewer_for
from corridor.cooperation.training import TrainingCourse
from corridor.cooperation.training_services import add_course, course, list_courses
from corridor.errors import InputError, UnknownValueError
from corridor.events.access import Viewer
from corridor.events.model import Tlp
from tests.cooperation.conftest import ADMIN

OWNER = "kz-mvd"
BEFORE, AFTER = date(2022, 6, 1), date(2024, 6, 1)  # Iran joined the SCO in 2023
MEETING = RecordKind.MEETING


def _meeting(key: str, tlp: Tlp, store: Engine, atlas: Atlas, **more: object) -> str:
    fields = {"id": key, "kind": MeetingKind.LIAISON_MEETING, "title": f"Liaison {key}",
              "when": "2024-03-12", "countries": ["KAZ", "CHN"], **more}  # fmt: skip
    add_meeting(store, Viewer(OWNER), Meeting.model_validate(fields), tlp=tlp, atlas=atlas)
    return key


def _as(platform: Engine, atlas: Atlas, org: str, role: Role, on: date = AFTER) -> Principal:
    return Principal(viewer_for(platform, org, on=on, atlas=atlas), frozenset({role}))


def _reader(platform: Engine, atlas: Atlas, org: str, on: date = AFTER) -> Viewer:
    return viewer_for(platform, org, on=on, atlas=atlas)


def _meetings(platform: Engine, viewer: Viewer) -> set[str]:
    return {m.meeting.id for m in list_meetings(platform, viewer)}


def test_a_shared_meeting_reaches_the_groups_members_on_the_day(
    platform: Engine, atlas: Atlas
) -> None:
    _meeting("m-sco", Tlp.AMBER, platform, atlas)
    item = add_action_item(platform, Viewer(OWNER), "m-sco", "Exchange lists", owner="cn-mps")
    assert _meetings(platform, _reader(platform, atlas, "cn-mps")) == set()
    shares = share_record(platform, ADMIN, MEETING, "m-sco", ["sco"], on=AFTER, atlas=atlas)
    assert (shares.shared_with, shares.changed) == (("sco",), 1)
    for org, on, reads in [
        ("cn-mps", AFTER, True), ("uz-mvd", BEFORE, True), ("sco-rats", AFTER, True),
        ("ir-police", BEFORE, False), ("ir-police", AFTER, True),  # joined in 2023
        ("tr-police", AFTER, False), ("interpol", AFTER, False),
    ]:  # fmt: skip
        viewer = _reader(platform, atlas, org, on)
        assert ("m-sco" in _meetings(platform, viewer)) is reads, (org, on)
        assert ([i.id for i in action_items(platform, viewer)] == [item.id]) is reads, (org, on)
    cn = _reader(platform, atlas, "cn-mps")
    assert [a.id for a in meeting(platform, cn, "m-sco").actions] == [item.id]
    with pytest.raises(UnknownValueError):
        meeting(platform, _reader(platform, atlas, "tr-police"), "m-sco")


def test_empty_and_confidential_groups(platform: Engine, atlas: Atlas) -> None:
    _meeting("m-nobody", Tlp.RED, platform, atlas)
    _meeting("m-quiet", Tlp.AMBER_STRICT, platform, atlas)
    share_record(platform, ADMIN, MEETING, "m-nobody", ["nobody"], on=AFTER, atlas=atlas)
    share_record(platform, ADMIN, MEETING, "m-quiet", ["quiet", "sco"], on=AFTER, atlas=atlas)
    everyone = ["cn-mps", "uz-mvd", "ir-police", "tr-police", "pipechina", "sco-rats", "interpol"]
    for org in everyone:
        assert "m-nobody" not in _meetings(platform, _reader(platform, atlas, org)), org
    tr = _reader(platform, atlas, "tr-police")
    (seen,) = list_meetings(platform, tr)
    # a reader learns only of the groups it is in; the owner of all of them
    assert (seen.meeting.id, seen.shared_with) == ("m-quiet", ("quiet",))
    owned = {m.meeting.id: m.shared_with for m in list_meetings(platform, Viewer(OWNER))}
    assert owned == {"m-nobody": ("nobody",), "m-quiet": ("quiet", "sco")}


def test_a_shared_course_reaches_the_groups_members(platform: Engine, atlas: Atlas) -> None:
    drill = TrainingCourse(id="drill", title="Pipeline incident response", host="KTO",
                           starts="2024-05-13", ends="2024-05-17")  # fmt: skip
    add_course(platform, Viewer(OWNER), drill, tlp=Tlp.RED, atlas=atlas)
    uz = _reader(platform, atlas, "uz-mvd")
    assert list_courses(platform, uz).courses == ()
    owner = _as(platform, atlas, OWNER, Role.ANALYST)
    share_record(platform, owner, RecordKind.COURSE, "drill", ["pipeline-pair"], on=AFTER,
                 atlas=atlas)  # fmt: skip
    assert course(platform, uz, "drill").shared_with == ("pipeline-pair",)
    assert list_courses(platform, _reader(platform, atlas, "cn-mps")).courses == ()
    unshare_record(platform, owner, RecordKind.COURSE, "drill", ["pipeline-pair"])
    assert list_courses(platform, uz).courses == ()


def test_only_the_owner_or_a_platform_admin_shares(platform: Engine, atlas: Atlas) -> None:
    _meeting("m-green", Tlp.GREEN, platform, atlas)
    _meeting("m-amber", Tlp.AMBER, platform, atlas)
    cn = _as(platform, atlas, "cn-mps", Role.ORG_ADMIN)
    with pytest.raises(PermissionDeniedError, match="is kz-mvd's"):  # reads it, does not own it
        share_record(platform, cn, MEETING, "m-green", ["sco"], on=AFTER, atlas=atlas)
    with pytest.raises(UnknownRecordError, match="m-amber"):  # may not read it: unknown
        share_record(platform, cn, MEETING, "m-amber", ["sco"], on=AFTER, atlas=atlas)
    for role in (Role.VIEWER, Role.RESPONDER):
        with pytest.raises(PermissionDeniedError, match="needs share"):
            share_record(platform, _as(platform, atlas, OWNER, role), MEETING, "m-amber",
                         ["sco"], on=AFTER, atlas=atlas)  # fmt: skip
    other_admin = _as(platform, atlas, "tr-police", Role.PLATFORM_ADMIN)
    shared = share_record(platform, other_admin, MEETING, "m-amber", ["sco"], on=AFTER,
                          atlas=atlas)  # fmt: skip
    assert shared.shared_with == ("sco",)
    reporter = _as(platform, atlas, OWNER, Role.REPORTER)
    assert unshare_record(platform, reporter, MEETING, "m-amber", ["sco"]).changed == 1
    assert unshare_record(platform, reporter, MEETING, "m-amber", ["sco"]).changed == 0


def test_sharing_is_all_or_nothing_and_audited(platform: Engine, atlas: Atlas) -> None:
    _meeting("m-amber", Tlp.AMBER, platform, atlas)
    owner = _as(platform, atlas, OWNER, Role.ORG_ADMIN)
    with pytest.raises(UnknownValueError, match="sharing group 'scoo'"):
        share_record(platform, owner, MEETING, "m-amber", ["sco", "scoo"], on=AFTER, atlas=atlas)
    with pytest.raises(PermissionDeniedError, match="'nobody': not a member on 2024"):
        share_record(platform, owner, MEETING, "m-amber", ["sco", "nobody"], on=AFTER, atlas=atlas)
    with pytest.raises(InputError, match="at least one sharing group"):
        share_record(platform, owner, MEETING, "m-amber", [], on=AFTER, atlas=atlas)
    assert list_meetings(platform, Viewer(OWNER))[0].shared_with == ()
    with pytest.raises(UnknownRecordError):
        share_record(platform, owner, RecordKind.COURSE, "m-amber", ["sco"], on=AFTER)
    share_record(platform, owner, MEETING, "m-amber", ["sco", "csto"], on=AFTER, atlas=atlas)
    unshare_record(platform, owner, MEETING, "m-amber", ["csto"])
    entries = [(e.action.value, e.object_type, e.object_id, e.detail, e.count)
               for e in audit_log(platform, ADMIN, organization=OWNER)]  # fmt: skip
    assert entries[:2] == [
        ("revoke", "meeting", "m-amber", '{"groups": ["csto"]}', 1),
        ("share", "meeting", "m-amber", '{"groups": ["sco", "csto"]}', 2),
    ]
    assert list_meetings(platform, Viewer(OWNER))[0].shared_with == ("sco",)
