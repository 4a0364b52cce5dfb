"""``/organizations`` and ``/groups``: the platform's directory as a member reads it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from corridor.api.deps import AtlasDep, PrincipalDep, ServerState, StoreDep, server_state
from corridor.api.problems import PROBLEM_RESPONSES
from corridor.cooperation.groups import GroupListing
from corridor.cooperation.models import Organization

__all__ = ["router"]

router = APIRouter(tags=["directory"], responses=PROBLEM_RESPONSES)


@router.get("/organizations")
def organizations(caller: PrincipalDep, store: StoreDep) -> list[Organization]:
    """Every organization on the platform (the directory every member reads)."""
    from corridor.cooperation.services import list_organizations

    return list_organizations(store, caller)


@router.get("/groups")
def groups(
    caller: PrincipalDep,
    store: StoreDep,
    atlas: AtlasDep,
    state: Annotated[ServerState, Depends(server_state)],
) -> list[GroupListing]:
    """The sharing groups the caller's organization belongs to or administers today; a
    confidential group's ``members`` are null unless the caller administers it."""
    from corridor.cooperation.services import list_groups

    return list_groups(store, caller, on=state.today(), atlas=atlas)
