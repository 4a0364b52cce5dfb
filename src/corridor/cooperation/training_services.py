"""The capacity-building use cases: record, list and show training courses.

Same shape and sharing as the meetings (:mod:`corridor.cooperation.meeting_services`):
the store, the acting viewer, typed arguments in; typed records out; every read
through :func:`~corridor.cooperation.meeting_services.readable`.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Unpack

from corridor.cooperation.meeting_services import (
    Listing,
    Result,
    acting,
    atlas_or_bundled,
    mechanism_family,
    period_filters,
    readable_one,
    readable_record,
    shares_seen,
    taken_by_another,
)
from corridor.cooperation.meetings import NotAllowedError
from corridor.cooperation.training import TrainingCourse, TrainingTally
from corridor.events.access import Viewer
from corridor.events.model import Tlp

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from corridor.atlas.catalog import Atlas
    from corridor.store.shared_records import Stored

__all__ = ["CourseRecord", "TallyRecord", "TrainingPage", "add_course", "course", "list_courses"]


class CourseRecord(Result):
    """A course as a reader gets it, with its sharing (``shared_with`` as far as the reader
    may know)."""

    course: TrainingCourse
    owner: str
    tlp: Tlp
    uuid: str
    version: int
    shared_with: tuple[str, ...] = ()


class TallyRecord(Result):
    """A running total as a reader gets it, with its sharing."""

    tally: TrainingTally
    owner: str
    tlp: Tlp


class TrainingPage(Result):
    """The courses matching a query, and the tallies of the mechanisms asked about."""

    courses: tuple[CourseRecord, ...]
    tallies: tuple[TallyRecord, ...]


def _record(viewer: Viewer, stored: Stored[TrainingCourse]) -> CourseRecord:
    return CourseRecord(
        course=stored.record,
        owner=stored.owner,
        tlp=stored.tlp,
        uuid=stored.uuid,
        version=stored.version,
        shared_with=shares_seen(viewer, stored.owner, stored.shared_with),
    )


def add_course(
    store: Engine,
    viewer: Viewer,
    course: TrainingCourse,
    *,
    tlp: Tlp = Tlp.GREEN,
    atlas: Atlas | None = None,
    instance: str = "local",
) -> CourseRecord:
    """Record ``course`` owned by the viewer's organization, labelled ``tlp``; saving it again
    with changes updates it. An unknown mechanism or another's id is refused."""
    from corridor.store.training import courses_where, save_course

    owner = acting(viewer)
    mechanism_family(atlas_or_bundled(atlas), course.mechanism)
    with store.begin() as connection:
        if taken_by_another(partial(courses_where, connection, TrainingCourse), course.id, owner):
            raise NotAllowedError(f"course id {course.id!r} is taken; choose another")
        save_course(connection, course, owner=owner, tlp=tlp, instance=instance)
        return _record(viewer, courses_where(connection, TrainingCourse, keys=[course.id])[0])


def list_courses(store: Engine, viewer: Viewer, **listing: Unpack[Listing]) -> TrainingPage:
    """The courses ``viewer`` may read, oldest first, narrowed by ``listing`` (see
    :class:`~corridor.cooperation.meeting_services.Listing`; a country counts if it sent
    participants); and the readable tallies of its mechanisms (all, without ``mechanism``)."""
    from corridor.store.training import courses_where, tallies_where

    filters = period_filters(listing)
    with store.connect() as connection:
        found = courses_where(connection, TrainingCourse, **filters)
        tallies = tallies_where(connection, TrainingTally, mechanisms=filters.get("mechanisms"))
    return TrainingPage(
        courses=tuple(_record(viewer, s) for s in found if readable_record(viewer, s)),
        tallies=tuple(
            TallyRecord(tally=s.record, owner=s.owner, tlp=s.tlp)
            for s in tallies
            if readable_record(viewer, s)
        ),
    )


def course(store: Engine, viewer: Viewer, id: str) -> CourseRecord:
    """Course ``id`` if ``viewer`` may read it; :class:`UnknownValueError` otherwise."""
    from corridor.store.training import courses_where

    with store.connect() as connection:
        where = partial(courses_where, connection, TrainingCourse)
        found = readable_one(
            viewer, where, id, what="training course", hint="see `corridor training list`"
        )
    return _record(viewer, found)
