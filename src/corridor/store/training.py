"""The training repository: courses with their participants by country, and tallies.

Reads return every row that matches; the services apply the sharing decision.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Connection, and_, delete, insert, select

from corridor.events.model import Tlp
from corridor.store.shared_records import Saved, SharedRecord, Stored, stored_rows, upsert_record
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
        key=course.id,
        body=course.model_dump_json(),
        owner=owner,
        tlp=tlp.value,
        instance=instance,
        columns={
            "mechanism": course.mechanism,
            "starts": course.first_day,
            "ends": course.last_day,
        },
    )
    if saved is not Saved.UNCHANGED:
        p = training_participants
        connection.execute(delete(p).where(p.c.course_id == row_id))
        if course.participants:
            connection.execute(
                insert(p),
                [
                    {"course_id": row_id, "country": x.country, "count": x.count}
                    for x in course.participants
                ],
            )
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
        key=tally.id,
        body=tally.model_dump_json(),
        owner=owner,
        tlp=tlp.value,
        instance=instance,
        columns={"mechanism": tally.mechanism, "as_of": as_of},
    )[1]


def courses_where(
    connection: Connection,
    model: type[M],
    *,
    keys: Collection[str] | None = None,
    mechanisms: Collection[str] | None = None,
    countries: Collection[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[Stored[M]]:
    """Courses matching every filter given, oldest first; a course counts for a period it
    overlaps and for a country that sent participants."""
    c = training_courses.c
    conditions: list[ColumnElement[bool]] = []
    if keys is not None:
        conditions.append(c.key.in_(list(keys)))
    if mechanisms is not None:
        conditions.append(c.mechanism.in_(list(mechanisms)))
    if countries:
        p = training_participants.c
        conditions.append(c.id.in_(select(p.course_id).where(p.country.in_(list(countries)))))
    if since is not None:
        conditions.append(c.ends >= since)
    if until is not None:
        conditions.append(c.starts <= until)
    rows = connection.execute(
        select(c.id, c.body, c.owner, c.tlp, c.uuid, c.version)
        .where(and_(True, *conditions))
        .order_by(c.starts, c.key)
    )
    return stored_rows(connection, rows, model)


def tallies_where(
    connection: Connection, model: type[M], *, mechanisms: Collection[str] | None = None
) -> list[Stored[M]]:
    """Tallies, oldest first."""
    c = training_tallies.c
    statement = select(c.id, c.body, c.owner, c.tlp, c.uuid, c.version).order_by(c.as_of, c.key)
    if mechanisms is not None:
        statement = statement.where(c.mechanism.in_(list(mechanisms)))
    return stored_rows(connection, connection.execute(statement), model)
