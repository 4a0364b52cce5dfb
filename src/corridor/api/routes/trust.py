"""``/organizations/{organization}/trust``: how far an organization trusts each source.

Its members read the settings (and platform admins); its org_admin sets and clears
them. Another organization gets 403: what a partner thinks of you is its business.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field

from corridor.api.deps import PrincipalDep, ServerState, StoreDep, server_state
from corridor.api.problems import PROBLEM_RESPONSES, not_found
from corridor.cooperation.trust import SourceTrust

__all__ = ["router"]

router = APIRouter(
    prefix="/organizations/{organization}/trust", tags=["trust"], responses=PROBLEM_RESPONSES
)

_Organization = Annotated[str, Path(max_length=160, description="the organization's id")]
_Source = Annotated[
    str,
    Path(
        max_length=160,
        description="who incidents come from: kz-mvd, stix:cert-ua, public:ucdp",
    ),
]


class SourceTrustOut(BaseModel):
    organization: str
    source: str
    level: str = Field(description="Admiralty source reliability, A-F")
    meaning: str
    weight: float = Field(description="what its incidents count for in risk figures, 0-1")
    set_by: str
    updated_at: datetime

    @classmethod
    def of(cls, trust: SourceTrust) -> SourceTrustOut:
        return cls(organization=trust.organization, source=trust.source,
                   level=trust.level.value, meaning=trust.level.label, weight=trust.weight,
                   set_by=trust.set_by, updated_at=trust.origin.updated_at)  # fmt: skip


class TrustLevelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: str = Field(
        max_length=40,
        description="A-F, or in words: completely-reliable ... cannot-be-judged",
    )


@router.get("")
def list_trust(
    organization: _Organization, caller: PrincipalDep, store: StoreDep
) -> list[SourceTrustOut]:
    """The organization's settings, by source; any source not listed weighs 1."""
    from corridor.cooperation.trust_services import list_trust

    return [SourceTrustOut.of(t) for t in list_trust(store, caller, organization)]


@router.put("/{source:path}")
def set_trust(
    organization: _Organization,
    source: _Source,
    body: TrustLevelIn,
    caller: PrincipalDep,
    state: Annotated[ServerState, Depends(server_state)],
) -> SourceTrustOut:
    """Set how reliable the organization judges ``source`` (its org_admin, or a platform
    admin); the organization's risk figures weigh that source's incidents by it."""
    from corridor.cooperation.trust_services import set_trust

    found = set_trust(state.store, caller, organization, source, body.level, atlas=state.atlas)
    return SourceTrustOut.of(found)


@router.delete("/{source:path}", status_code=status.HTTP_204_NO_CONTENT)
def clear_trust(
    organization: _Organization, source: _Source, caller: PrincipalDep, store: StoreDep
) -> Response:
    """Remove the setting: ``source``'s incidents weigh 1 again. 404 if there is none."""
    from corridor.cooperation.trust_services import clear_trust

    with not_found():
        clear_trust(store, caller, organization, source)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
