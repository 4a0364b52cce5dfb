"""The training repository: courses with their participants by country, and tallies.

Reads return every row that matches; the services apply the sharing decision.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Protocol, TypeVar, Unpack

from pydantic import BaseModel
from sqlalchemy import Connection

from corridor.events.model import Tlp
from corridor.store.shared_records import (
    PeriodFilters,
    Saved,
    SharedRecord,
    Stored,
    period_records,
    replace_rows,
    stored_columns,
    stored_rows,
    upsert_record,
)
from corridor.store.tables import training_courses, training_participants, training_tallies

__all__ = [
    "CourseShape",
    "TallyShape",
    "courses_where",
    "save_course",
    "save_tally",
    "tallies_where",
]

M = TypeVar("M", bound=BaseModel)


class _Participants(Protocol):
    @property
    def country(self) -> str: ...
    @property
    def count(self) -> int | None: ...


class CourseShape(SharedRecord, Protocol):
    """What the store files a course by (the domain's ``TrainingCourse`` has it)."""

    @property
    def mechanism(self) -> str | None: ...
    @property
    def first_day(self) -> date: ...
    @property
    def last_day(self) -> date: ...
    @property
    def participants(self) -> tuple[_Participants, ...]: ...


class TallyShape(SharedRecord, Protocol):
    """What the store files a tally by."""

    @property
    def mechanism(self) -> str: ...


def save_course(
    connection: Connection, course: CourseShape, *, owner: str, tlp: Tlp, instance: str
) -> Saved:
    """Insert or update ``course`` (keyed by its id) with its participants by country."""
    row_id, saved = upsert_record(
        connection,
        training_courses,
        course,
        owner=owner,
        tlp=tlp,
        instance=instance,
        columns={
            "mechanism": course.mechanism,
            "starts": course.first_day,
            "ends": course.last_day,
        },
    )
    if saved is not Saved.UNCHANGED:
        rows = [{"country": x.country, "count": x.count} for x in course.participants]
        replace_rows(connection, training_participants, "course_id", row_id, rows)
    return saved


def save_tally(
    connection: Connection,
    tally: TallyShape,
    *,
    as_of: date,
    owner: str,
    tlp: Tlp,
    instance: str,
) -> Saved:
    """Insert or update ``tally`` (keyed by its id), counted up to ``as_of``."""
    return upsert_record(
        connection,
        training_tallies,
        tally,
        owner=owner,
        tlp=tlp,
        instance=instance,
        columns={"mechanism": tally.mechanism, "as_of": as_of},
    )[1]


def courses_where(
    connection: Connection, model: type[M], **filters: Unpack[PeriodFilters]
) -> list[Stored[M]]:
    """Courses matching every filter given, oldest first; a course counts for a country that
    sent participants."""
    taking_part = training_participants.c.course_id
    return period_records(connection, training_courses, model, taking_part, **filters)


def tallies_where(
    connection: Connection, model: type[M], *, mechanisms: Collection[str] | None = None
) -> list[Stored[M]]:
    """Tallies, oldest first."""
    c = training_tallies.c
    statement = stored_columns(training_tallies).order_by(c.as_of, c.key)
    if mechanisms is not None:
        statement = statement.where(c.mechanism.in_(list(mechanisms)))
    return stored_rows(connection, connection.execute(statement), model)
