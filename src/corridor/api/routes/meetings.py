"""``/meetings``, ``/action-items``, ``/training``: consultations and training, as shared."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from corridor.api.deps import AtlasDep, PrincipalDep, StoreDep
from corridor.api.problems import PROBLEM_RESPONSES, not_found
from corridor.cooperation.meeting_services import MeetingDetail, MeetingRecord
from corridor.cooperation.meetings import ActionItem, ActionStatus
from corridor.cooperation.training_services import CourseRecord, TrainingPage

__all__ = ["router"]

router = APIRouter(tags=["consultations"], responses=PROBLEM_RESPONSES)

_Id = Annotated[str, Path(max_length=200)]
_Mechanism = Annotated[str | None, Query(max_length=100, description="atlas mechanism id")]
_Countries = Annotated[list[str] | None, Query(description="ISO code or name; repeatable")]
_Day = Annotated[str | None, Query(description="YYYY, YYYY-MM or YYYY-MM-DD")]


def _days(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    from corridor.dates import parse_day

    return (
        parse_day(since) if since is not None else None,
        parse_day(until, end=True) if until is not None else None,
    )


@router.get("/meetings")
def meetings(
    caller: PrincipalDep,
    store: StoreDep,
    atlas: AtlasDep,
    mechanism: _Mechanism = None,
    country: _Countries = None,
    since: _Day = None,
    until: _Day = None,
) -> list[MeetingRecord]:
    """The meetings the caller may read, oldest first."""
    from corridor.cooperation.meeting_services import list_meetings

    start, end = _days(since, until)
    return list_meetings(
        store, caller.viewer, mechanism=mechanism, country=country, since=start, until=end,
        atlas=atlas,
    )  # fmt: skip


@router.get("/meetings/{id}")
def meeting(id: _Id, caller: PrincipalDep, store: StoreDep) -> MeetingDetail:
    """One meeting with its parts and action items: 404 if missing or not readable."""
    from corridor.cooperation.meeting_services import meeting as read_meeting

    with not_found():
        return read_meeting(store, caller.viewer, id)


@router.get("/action-items")
def action_items(
    caller: PrincipalDep,
    store: StoreDep,
    status: ActionStatus | None = None,
    owner: Annotated[str | None, Query(max_length=200)] = None,
) -> list[ActionItem]:
    """The action items of meetings the caller may read, soonest deadline first."""
    from corridor.cooperation.meeting_services import action_items as read_items

    return read_items(store, caller.viewer, status=status, owner=owner)


@router.get("/training")
def training(
    caller: PrincipalDep,
    store: StoreDep,
    atlas: AtlasDep,
    mechanism: _Mechanism = None,
    country: _Countries = None,
    since: _Day = None,
    until: _Day = None,
) -> TrainingPage:
    """The training courses the caller may read, and the running totals."""
    from corridor.cooperation.training_services import list_courses

    start, end = _days(since, until)
    return list_courses(
        store, caller.viewer, mechanism=mechanism, country=country, since=start, until=end,
        atlas=atlas,
    )  # fmt: skip


@router.get("/training/{id}")
def course(id: _Id, caller: PrincipalDep, store: StoreDep) -> CourseRecord:
    """One training course: 404 if missing or not readable."""
    from corridor.cooperation.training_services import course as read_course

    with not_found():
        return read_course(store, caller.viewer, id)
