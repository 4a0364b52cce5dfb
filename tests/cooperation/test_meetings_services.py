"""The consultation use cases through the library surface, on SQLite and PostgreSQL: the forum
record loads with the seed's numbers and idempotently, sharing applies to every read, action
items fall overdue, unknown values are refused."""

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
    load_forum_record,
    meeting,
    update_action_item,
)
from corridor.cooperation.meetings import ActionStatus, Meeting, MeetingKind, NotAllowedError
from corridor.errors import InputError, UnknownValueError
from corridor.events.access import Viewer
from corridor.events.model import Tlp

ORG_A, ORG_B = Viewer("org-a"), Viewer("org-b")


def _liaison(key: str = "liaison-1", **more: object) -> Meeting:
    fields: dict[str, object] = {
        "id": key,
        "kind": MeetingKind.LIAISON_MEETING,
        "title": "Director-general liaison meeting",
        "mechanism": "LYG-FORUM",
        "when": "2024-03-12",
        "countries": ["KAZ", "CHN"],
        **more,
    }
    return Meeting.model_validate(fields)


@pytest.fixture
def forum(store: Engine, atlas: Atlas) -> Engine:
    load_forum_record(store, "cn-mps", atlas=atlas)
    return store


def test_the_forum_record_loads_with_the_seeds_numbers(forum: Engine, atlas: Atlas) -> None:
    found = list_meetings(forum, ORG_B, mechanism="LYG-FORUM", atlas=atlas)
    annual = {m.meeting.id: m for m in found if m.meeting.kind is MeetingKind.ANNUAL_MEETING}
    assert [(m.meeting.country_count, m.meeting.organization_count) for m in annual.values()] == [
        (12, 2),
        (31, 3),
        (33, 3),
        (30, 4),
    ]
    assert len(found) == 10  # LYG-PIPELINE's conference comes with its parent mechanism
    assert annual["lyg-2017"].notes == ("33 countries stated, 34 listed",)
    assert len(annual["lyg-2017"].meeting.countries) == 34
    assert {m.tlp for m in found} == {Tlp.CLEAR} and {m.owner for m in found} == {"cn-mps"}
    anonymous = list_meetings(forum, Viewer(), atlas=atlas)
    assert len(anonymous) == 10  # a published record is CLEAR: everyone reads it


def test_loading_again_changes_nothing(store: Engine, atlas: Atlas) -> None:
    first = load_forum_record(store, "cn-mps", atlas=atlas)
    assert first.meetings == {"inserted": 10} and first.courses == {"inserted": 2}
    assert first.tallies == {"inserted": 1}
    assert any("33 countries stated, 34 listed" in n for n in first.notes)
    again = load_forum_record(store, "cn-mps", atlas=atlas)
    assert again.meetings == {"unchanged": 10} and again.courses == {"unchanged": 2}
    other = load_forum_record(store, "kz-mvd", atlas=atlas)
    assert other.meetings == {"kept": 10}
    assert {m.version for m in list_meetings(store, ORG_A, atlas=atlas)} == {1}


def test_show_a_meeting_with_its_parts(forum: Engine) -> None:
    detail = meeting(forum, ORG_A, "lyg-2018")
    assert detail.record.meeting.level == "ministerial"
    assert [p.meeting.id for p in detail.parts] == [
        "lyg-2018-dg-sub-forum",
        "lyg-2018-prosperity",
        "lyg-2018-round-table",
    ]
    assert detail.record.notes == ("30 countries stated, none named",)


def test_filters_by_country_name_and_dates(forum: Engine, atlas: Atlas) -> None:
    by_name = list_meetings(forum, ORG_A, country="Myanmar", atlas=atlas)
    assert [m.meeting.id for m in by_name] == ["lyg-2017", "lyg-2017-pipelines"]
    turkmen = list_meetings(forum, ORG_A, country=["TKM"], since=date(2016, 1, 1), atlas=atlas)
    assert [m.meeting.id for m in turkmen] == ["lyg-2017-pipelines"]
    hosted = list_meetings(forum, ORG_A, country="CHN", until=date(2015, 12, 31), atlas=atlas)
    assert [m.meeting.id for m in hosted] == ["lyg-2015"]
    december = list_meetings(forum, ORG_A, since=date(2017, 12, 11), until=date(2017, 12, 11))
    assert {m.meeting.part_of or m.meeting.id for m in december} == {"lyg-2017"}
    pipeline = list_meetings(forum, ORG_A, mechanism="LYG-PIPELINE", atlas=atlas)
    assert [m.meeting.id for m in pipeline] == ["lyg-2017-pipelines"]


def test_an_amber_meeting_of_org_a_is_not_listed_for_org_b(store: Engine, atlas: Atlas) -> None:
    add_meeting(store, ORG_A, _liaison(), tlp=Tlp.AMBER, atlas=atlas)
    add_meeting(store, ORG_A, _liaison("liaison-2", when="2024-04"), atlas=atlas)  # GREEN
    assert [m.meeting.id for m in list_meetings(store, ORG_A)] == ["liaison-1", "liaison-2"]
    assert [m.meeting.id for m in list_meetings(store, ORG_B)] == ["liaison-2"]
    assert list_meetings(store, Viewer()) == []
    with pytest.raises(UnknownValueError, match="meeting 'liaison-1' is unknown"):
        meeting(store, ORG_B, "liaison-1")
    item = add_action_item(store, ORG_A, "liaison-1", "Exchange contact lists", owner="org-b")
    assert action_items(store, ORG_B) == []  # shared as its meeting is, whoever owns it
    with pytest.raises(UnknownValueError):
        update_action_item(store, ORG_B, item.id, status=ActionStatus.DONE)


def test_action_items_fall_overdue(store: Engine, atlas: Atlas) -> None:
    add_meeting(store, ORG_A, _liaison(), atlas=atlas)
    early = add_action_item(
        store, ORG_A, "liaison-1", "Name liaison officers", owner="kz-mvd",
        deadline=date(2024, 4, 30), as_of=date(2024, 4, 1),
    )  # fmt: skip
    late = add_action_item(
        store, ORG_A, "liaison-1", "Draft the joint exercise plan", owner="cn-mps",
        deadline=date(2024, 9, 30),
    )  # fmt: skip
    assert early.status is ActionStatus.OPEN
    may = date(2024, 5, 1)
    overdue = action_items(store, ORG_B, status=ActionStatus.OVERDUE, overdue_as_of=may)
    assert [i.id for i in overdue] == [early.id]
    still_open = action_items(store, ORG_B, status=ActionStatus.OPEN, overdue_as_of=may)
    assert [i.id for i in still_open] == [late.id]
    assert [i.id for i in action_items(store, ORG_B, owner="cn-mps")] == [late.id]
    done = update_action_item(
        store, Viewer("kz-mvd"), early.id, status=ActionStatus.DONE, as_of=may
    )
    assert (done.status, done.done_on) == (ActionStatus.DONE, may)
    assert action_items(store, ORG_B, status=ActionStatus.OVERDUE, overdue_as_of=may) == []
    assert [a.id for a in meeting(store, ORG_B, "liaison-1").actions] == [early.id, late.id]
    moved = update_action_item(store, ORG_A, late.id, deadline=date(2025, 1, 31))
    assert moved.deadline == date(2025, 1, 31)


def test_who_may_change_what(store: Engine, atlas: Atlas) -> None:
    add_meeting(store, ORG_A, _liaison(), atlas=atlas)
    with pytest.raises(NotAllowedError, match="only the organization that recorded"):
        add_action_item(store, ORG_B, "liaison-1", "Anything", owner="org-b")
    item = add_action_item(store, ORG_A, "liaison-1", "Report back", owner="org-c")
    with pytest.raises(NotAllowedError, match="its owner 'org-c'"):
        update_action_item(store, ORG_B, item.id, status=ActionStatus.DONE)
    with pytest.raises(NotAllowedError, match="is taken"):
        add_meeting(store, ORG_B, _liaison(), atlas=atlas)
    with pytest.raises(NotAllowedError, match="needs an organization"):
        add_meeting(store, Viewer(), _liaison("liaison-9"), atlas=atlas)


def test_saving_a_changed_meeting_raises_its_version(store: Engine, atlas: Atlas) -> None:
    first = add_meeting(store, ORG_A, _liaison(), atlas=atlas)
    same = add_meeting(store, ORG_A, _liaison(), atlas=atlas)
    changed = add_meeting(store, ORG_A, _liaison(place="Astana"), atlas=atlas)
    assert (first.version, same.version, changed.version) == (1, 1, 2)
    assert first.uuid == changed.uuid


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda s, a: list_meetings(s, ORG_A, mechanism="LYG-FORUMM", atlas=a), "did you mean"),
        (lambda s, a: list_meetings(s, ORG_A, country="Atlantis", atlas=a), "country 'Atlantis'"),
        (lambda s, a: meeting(s, ORG_A, "lyg-2019"), "meeting 'lyg-2019' is unknown"),
        (lambda s, a: add_meeting(s, ORG_A, _liaison(mechanism="NATOO"), atlas=a), "NATOO"),
        (lambda s, a: add_meeting(s, ORG_A, _liaison(part_of="lyg-1999"), atlas=a), "lyg-1999"),
        (lambda s, a: add_action_item(s, ORG_A, "lyg-2015", " ", owner="x"), "needs a text"),
        (lambda s, a: add_action_item(s, ORG_A, "nope", "Do", owner="x"), "meeting 'nope'"),
        (lambda s, a: update_action_item(s, ORG_A, 999), "action item '999'"),
        (
            lambda s, a: update_action_item(s, ORG_A, 1, status=ActionStatus.OVERDUE),
            "worked out from the deadline",
        ),
        (lambda s, a: action_items(s, ORG_A, meeting="nope"), "meeting 'nope'"),
    ],
    ids=["mechanism", "country", "meeting", "add-mechanism", "add-part-of", "empty-text",
         "action-meeting", "action-item", "set-overdue", "actions-meeting"],
)  # fmt: skip
def test_unknown_values_are_refused(forum: Engine, atlas: Atlas, call, says: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=says):
        call(forum, atlas)


def test_a_meeting_that_is_not_a_meeting_is_refused() -> None:
    with pytest.raises(ValueError, match="KAZ more than once"):
        _liaison(countries=["KAZ", "KAZ"])
    with pytest.raises(ValueError, match="not a date"):
        _liaison(when="March 2024")
    with pytest.raises(ValueError, match="unknown country code"):
        _liaison(countries=["KAZ", "ZZZ"])
