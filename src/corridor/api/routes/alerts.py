"""``/alerts`` and ``/alert-rules``: the caller's inbox, acknowledgement, escalation, and
the rules in force. Reads pass the sharing rule in the library: an alert is listed to a
recipient organization, with only the incidents it may read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from corridor.alerts.escalation import Escalation
from corridor.alerts.rules import AlertRule
from corridor.alerts.services import AlertView
from corridor.api.deps import AtlasDep, PrincipalDep, StoreDep
from corridor.api.problems import PROBLEM_RESPONSES, not_found
from corridor.dates import parse_day

__all__ = ["router"]

router = APIRouter(tags=["alerts"], responses=PROBLEM_RESPONSES)

_Uuid = Annotated[str, Path(max_length=64)]
_Status = Annotated[str | None, Query(description="open, acknowledged or closed")]
_Day = Annotated[str | None, Query(description="YYYY, YYYY-MM or YYYY-MM-DD")]


@router.get("/alerts")
def alerts(
    caller: PrincipalDep,
    store: StoreDep,
    status: _Status = None,
    since: _Day = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AlertView]:
    """The caller's organization's alerts, most recently changed first."""
    from corridor.alerts.services import list_alerts

    return list_alerts(store, caller.viewer, status=status, since=parse_day(since), limit=limit)


@router.get("/alerts/{uuid}")
def alert(uuid: _Uuid, caller: PrincipalDep, store: StoreDep) -> AlertView:
    """One alert with its timeline: 404 if missing or not for the caller."""
    from corridor.alerts.services import get_alert

    with not_found():
        return get_alert(store, caller.viewer, uuid)


@router.post("/alerts/{uuid}/ack")
def acknowledge(uuid: _Uuid, caller: PrincipalDep, store: StoreDep) -> AlertView:
    """Acknowledge (role responder): escalation stops."""
    from corridor.alerts.services import acknowledge_alert

    with not_found():
        return acknowledge_alert(store, caller, uuid)


@router.post("/alerts/{uuid}/escalate", status_code=status.HTTP_200_OK)
def escalate(uuid: _Uuid, caller: PrincipalDep, store: StoreDep, atlas: AtlasDep) -> Escalation:
    """Take the alert's next escalation step now (role responder)."""
    from corridor.alerts.escalation import escalate_alert
    from corridor.cooperation.records import utc

    with not_found():
        return escalate_alert(store, caller, uuid, atlas=atlas, now=utc())


@router.get("/alert-rules")
def rules(caller: PrincipalDep, store: StoreDep) -> list[AlertRule]:
    """The rules in force: the atlas's and those organizations wrote (rules are not
    secret: every signed-in organization reads them)."""
    from corridor.alerts.services import current_rules

    del caller  # signed in is enough
    with store.connect() as connection:
        return list(current_rules(connection))


@router.put("/alert-rules/{rule_id}")
def put_rule(
    rule_id: Annotated[str, Path(max_length=64)],
    rule: AlertRule,
    caller: PrincipalDep,
    store: StoreDep,
    atlas: AtlasDep,
) -> AlertRule:
    """Add or replace a rule of the caller's organization (role org_admin)."""
    from corridor.alerts.services import save_rule
    from corridor.errors import InputError

    if rule.id != rule_id:
        raise InputError(f"the rule's id {rule.id!r} differs from the path's {rule_id!r}")
    return save_rule(store, caller, rule, atlas)
