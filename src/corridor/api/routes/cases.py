"""``/cases``: open a case from alerts, work it with others, close it. Reads pass the
sharing rule in the library (owner, label, groups, organizations taking part)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from corridor.api.deps import PrincipalDep, StoreDep
from corridor.api.problems import PROBLEM_RESPONSES, not_found
from corridor.cases.services import CaseKind, CaseView
from corridor.events.model import Tlp

__all__ = ["router"]

router = APIRouter(prefix="/cases", tags=["cases"], responses=PROBLEM_RESPONSES)

_Uuid = Annotated[str, Path(max_length=64)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseOpening(_Body):
    title: str = Field(min_length=1, max_length=500)
    kind: CaseKind = CaseKind.CASE
    tlp: Tlp = Tlp.AMBER
    alerts: list[Annotated[str, Field(max_length=64)]] = Field(default=[], max_length=1000)
    participants: list[Annotated[str, Field(max_length=160)]] = Field(default=[], max_length=100)
    share_with: list[Annotated[str, Field(max_length=64)]] = Field(default=[], max_length=100)


class AlertsToMerge(_Body):
    alerts: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=1000)


class TaskIn(_Body):
    title: str = Field(min_length=1, max_length=500)
    owner: str | None = Field(default=None, max_length=160)
    deadline: date | None = None


class Closing(_Body):
    summary: str = Field(min_length=1, max_length=20_000)


@router.get("")
def cases(
    caller: PrincipalDep,
    store: StoreDep,
    status: Annotated[str | None, Query(description="open or closed")] = None,
    kind: Annotated[str | None, Query(description="case or exercise")] = None,
) -> list[CaseView]:
    """The cases the caller may read, most recently changed first."""
    from corridor.cases.services import list_cases

    return list_cases(store, caller.viewer, status=status, kind=kind)


@router.post("", status_code=status.HTTP_201_CREATED)
def open_(body: CaseOpening, caller: PrincipalDep, store: StoreDep) -> CaseView:
    """Open a case owned by the caller's organization (role responder)."""
    from corridor.cases.services import open_case

    return open_case(store, caller, title=body.title, kind=body.kind, tlp=body.tlp,
                     alerts=body.alerts, participants=body.participants,
                     share_with=body.share_with)  # fmt: skip


@router.get("/{uuid}")
def case(uuid: _Uuid, caller: PrincipalDep, store: StoreDep) -> CaseView:
    """One case: 404 if missing or not readable."""
    from corridor.cases.services import get_case

    with not_found():
        return get_case(store, caller.viewer, uuid)


@router.post("/{uuid}/alerts")
def merge(uuid: _Uuid, body: AlertsToMerge, caller: PrincipalDep, store: StoreDep) -> CaseView:
    """Merge alerts into the case, several at once."""
    from corridor.cases.services import merge_alerts

    with not_found():
        return merge_alerts(store, caller, uuid, body.alerts)


@router.delete("/{uuid}/alerts/{alert}")
def detach(uuid: _Uuid, alert: _Uuid, caller: PrincipalDep, store: StoreDep) -> CaseView:
    """Take an alert out of the case."""
    from corridor.cases.services import detach_alert

    with not_found():
        return detach_alert(store, caller, uuid, alert)


@router.post("/{uuid}/tasks")
def task(uuid: _Uuid, body: TaskIn, caller: PrincipalDep, store: StoreDep) -> CaseView:
    """Add a task for an organization taking part."""
    from corridor.cases.services import add_task

    with not_found():
        return add_task(store, caller, uuid, title=body.title, owner=body.owner,
                        deadline=body.deadline)  # fmt: skip


@router.post("/{uuid}/tasks/{task_id}/done")
def task_done(
    uuid: _Uuid, task_id: Annotated[int, Path(ge=1)], caller: PrincipalDep, store: StoreDep
) -> CaseView:
    """Mark a task done."""
    from corridor.cases.services import complete_task

    with not_found():
        return complete_task(store, caller, uuid, task_id)


@router.post("/{uuid}/close")
def close(uuid: _Uuid, body: Closing, caller: PrincipalDep, store: StoreDep) -> CaseView:
    """Close the case with its summary; its alerts close with it."""
    from corridor.cases.services import close_case

    with not_found():
        return close_case(store, caller, uuid, body.summary)
