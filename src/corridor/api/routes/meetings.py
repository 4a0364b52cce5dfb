"""``/meetings``, ``/action-items``, ``/training``: consultations and training, as shared;
``/meetings/{id}/shares`` and ``/training/{id}/shares``: share them with sharing groups."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from corridor.api.deps import AtlasDep, PrincipalDep, ServerState, StoreDep, server_state
from corridor.api.problems import PROBLEM_RESPONSES, not_found
from corridor.cooperation.meeting_services import Listing, MeetingDetail, MeetingRecord
from corridor.cooperation.meetings import ActionItem, ActionStatus
from corridor.cooperation.record_sharing import RecordKind, RecordShares, UnknownRecordError
from corridor.cooperation.training_services import CourseRecord, TrainingPage
from corridor.dates import parse_day

__all__ = ["router"]

router = APIRouter(tags=["consultations"], responses=PROBLEM_RESPONSES)

_Id = Annotated[str, Path(max_length=200)]
_Mechanism = Annotated[str | None, Query(max_length=100, description="atlas mechanism id")]
_Countries = Annotated[list[str] | None, Query(description="ISO code or name; repeatable")]
_Day = Annotated[str | None, Query(description="YYYY, YYYY-MM or YYYY-MM-DD")]


def _listing(
    atlas: AtlasDep,
    mechanism: _Mechanism = None,
    country: _Countries = None,
    since: _Day = None,
    until: _Day = None,
) -> Listing:
    """The query parameters ``/meetings`` and ``/training`` are narrowed by."""
    return Listing(
        mechanism=mechanism,
        country=country,
        since=parse_day(since),
        until=parse_day(until, end=True),
        atlas=atlas,
    )


_ListingDep = Annotated[Listing, Depends(_listing)]


@router.get("/meetings")
def meetings(caller: PrincipalDep, store: StoreDep, listing: _ListingDep) -> list[MeetingRecord]:
    """The meetings the caller may read, oldest first."""
    from corridor.cooperation.meeting_services import list_meetings

    return list_meetings(store, caller.viewer, **listing)


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
def training(caller: PrincipalDep, store: StoreDep, listing: _ListingDep) -> TrainingPage:
    """The training courses the caller may read, and the running totals."""
    from corridor.cooperation.training_services import list_courses

    return list_courses(store, caller.viewer, **listing)


@router.get("/training/{id}")
def course(id: _Id, caller: PrincipalDep, store: StoreDep) -> CourseRecord:
    """One training course: 404 if missing or not readable."""
    from corridor.cooperation.training_services import course as read_course

    with not_found():
        return read_course(store, caller.viewer, id)


# --------------------------------------------------------------------------- sharing

_Group = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"\S")]


class ShareRequest(BaseModel):
    """The sharing groups to share a record with."""

    model_config = ConfigDict(extra="forbid")

    groups: list[_Group] = Field(min_length=1, max_length=50)


def _sharing_routes(path: str, kind: RecordKind) -> None:
    """``POST {path}/{id}/shares`` and ``DELETE {path}/{id}/shares/{group}`` for ``kind``:
    the record's owner (role with the share permission) or a platform admin; 404 for a
    record the caller may not read, 403 for one it reads but does not own."""

    def share(
        id: _Id,
        body: ShareRequest,
        caller: PrincipalDep,
        state: Annotated[ServerState, Depends(server_state)],
    ) -> RecordShares:
        from corridor.cooperation.record_sharing import share_record

        with not_found(UnknownRecordError):
            return share_record(state.store, caller, kind, id, body.groups, on=state.today(),
                                atlas=state.atlas)  # fmt: skip

    def unshare(
        id: _Id,
        group: Annotated[str, Path(max_length=64)],
        caller: PrincipalDep,
        store: StoreDep,
    ) -> RecordShares:
        from corridor.cooperation.record_sharing import unshare_record

        with not_found(UnknownRecordError):
            return unshare_record(store, caller, kind, id, [group])

    label = kind.label
    share.__doc__ = f"Share a {label} with sharing groups (all or none)."
    unshare.__doc__ = f"Stop sharing a {label} with a sharing group."
    router.post(f"{path}/{{id}}/shares", name=f"share_{kind.value}")(share)
    router.delete(f"{path}/{{id}}/shares/{{group}}", name=f"unshare_{kind.value}")(unshare)


_sharing_routes("/meetings", RecordKind.MEETING)
_sharing_routes("/training", RecordKind.COURSE)
