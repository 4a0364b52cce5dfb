"""The training use cases through the library surface, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.cooperation.meeting_services import load_forum_record
from corridor.cooperation.training import TrainingCourse
from corridor.cooperation.training_services import add_course, course, list_courses
from corridor.errors import UnknownValueError
from corridor.events.access import Viewer
from corridor.events.model import Tlp

ORG_A, ORG_B = Viewer("org-a"), Viewer("org-b")


def test_the_forum_training_record(store: Engine, atlas: Atlas) -> None:
    load_forum_record(store, "cn-mps", atlas=atlas)
    page = list_courses(store, ORG_B, mechanism="LYG-FORUM", atlas=atlas)
    assert [c.course.id for c in page.courses] == [
        "lyg-training-2017-05",
        "lyg-training-2018-pipelines",
    ]
    (tally,) = page.tallies
    assert (str(tally.tally.courses), str(tally.tally.participants)) == (
        "more than 30",
        "more than 400",
    )
    belarus = list_courses(store, ORG_B, country="Belarus", atlas=atlas)
    assert [c.course.id for c in belarus.courses] == ["lyg-training-2017-05"]
    july = list_courses(store, ORG_B, since=date(2018, 7, 15), until=date(2018, 7, 15))
    assert [c.course.id for c in july.courses] == ["lyg-training-2018-pipelines"]
    shown = course(store, ORG_B, "lyg-training-2018-pipelines")
    assert shown.course.host == "Lianyungang City Police Training School"


def test_an_amber_course_stays_with_its_owner(store: Engine, atlas: Atlas) -> None:
    drill = TrainingCourse(
        id="pipeline-drill-2024",
        title="Pipeline incident response",
        host="KazTransOil security",
        host_country="KAZ",
        starts="2024-05-13",
        ends="2024-05-17",
        participants=({"country": "KAZ", "count": 12}, {"country": "CHN", "count": 4}),  # type: ignore[arg-type]
    )
    add_course(store, ORG_A, drill, tlp=Tlp.AMBER, atlas=atlas)
    assert [c.course.id for c in list_courses(store, ORG_A).courses] == ["pipeline-drill-2024"]
    assert list_courses(store, ORG_B).courses == ()
    with pytest.raises(UnknownValueError, match="training course 'pipeline-drill-2024'"):
        course(store, ORG_B, "pipeline-drill-2024")
    assert course(store, ORG_A, "pipeline-drill-2024").course.participants[0].count == 12


def test_a_course_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before starts"):
        TrainingCourse(id="x", title="x", host="x", starts="2024-05", ends="2024-04")
