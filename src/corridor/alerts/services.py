"""What callers do with alerts: read an inbox, look at one, acknowledge it, write rules and
try them on stored incidents. Every read passes the sharing rule: an organization sees an
alert it is a recipient of, and of that alert only the incidents it may read (none
readable: no alert)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine

from corridor.alerts.rules import AlertRule, bundled_rules, check_rule
from corridor.atlas.catalog import Atlas
from corridor.cooperation.audit import audit_in
from corridor.cooperation.models import AuditAction, Permission, PermissionDeniedError, Principal
from corridor.cooperation.records import ReadModel, utc
from corridor.errors import CorridorError, InputError, UnknownValueError
from corridor.events.access import Viewer

__all__ = [
    "STATUSES",
    "AlertEvent",
    "AlertIncident",
    "AlertView",
    "RuleTrial",
    "acknowledge_alert",
    "current_rules",
    "get_alert",
    "list_alerts",
    "remove_rule",
    "save_rule",
    "try_rule",
    "visible_alert_row",
]

STATUSES = ("open", "acknowledged", "closed")


class AlertEvent(ReadModel):
    """A step of an alert's timeline."""

    at: datetime
    kind: str
    actor: str | None
    detail: dict[str, Any]


class AlertIncident(ReadModel):
    """An incident of an alert the reader may read, and how far it was from the asset."""

    uuid: str
    distance_km: float


class AlertView(ReadModel):
    """An alert as one organization sees it: only the incidents it may read, and why it
    received the alert."""

    uuid: str
    rule: str
    asset: str
    status: str
    level: int
    severity: int
    threat_class: str
    first_on: date
    last_on: date
    incidents: tuple[AlertIncident, ...]  # those it may read
    hidden_incidents: int  # joined to the alert, not readable by this organization
    why: tuple[str, ...]
    opened_at: datetime
    escalate_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    case: str | None
    events: tuple[AlertEvent, ...] = ()


def _view(connection: Connection, row: Any, viewer: Viewer, *, events: bool) -> AlertView | None:
    """``row`` as ``viewer`` sees it, or None when it is not for them."""
    from corridor.store.alerts import events_of, recipients_of, visible_incidents

    if viewer.organization is None:
        return None
    mine = [r for r in recipients_of(connection, row.id) if r.organization == viewer.organization]
    if not mine:
        return None
    readable, hidden = visible_incidents(connection, row.id, viewer)
    if not readable:
        return None
    timeline = (
        tuple(AlertEvent(at=e.at, kind=e.kind, actor=e.actor,
                         detail=json.loads(e.detail or "{}"))
              for e in events_of(connection, row.id))
        if events else ()
    )  # fmt: skip
    return AlertView(
        uuid=row.uuid, rule=row.rule_id, asset=row.asset_id, status=row.status,
        level=row.level, severity=row.severity, threat_class=row.threat_class,
        first_on=row.first_on, last_on=row.last_on,
        incidents=tuple(AlertIncident(uuid=u, distance_km=d) for u, d in readable),
        hidden_incidents=hidden, why=tuple(json.loads(mine[0].reasons)),
        opened_at=row.opened_at, escalate_at=row.escalate_at,
        acknowledged_at=row.acknowledged_at, acknowledged_by=row.acknowledged_by,
        case=row.case_uuid, events=timeline,
    )  # fmt: skip


def list_alerts(
    store: Engine,
    viewer: Viewer,
    *,
    status: str | None = None,
    since: date | None = None,
    limit: int = 100,
) -> list[AlertView]:
    """The organization's inbox, most recently changed first."""
    from corridor.store.alerts import alert_rows_for

    if status is not None and status not in STATUSES:
        raise UnknownValueError("alert status", status, list(STATUSES))
    if viewer.organization is None:
        return []
    with store.begin() as connection:
        rows = alert_rows_for(connection, viewer.organization,
                              statuses=(status,) if status else (), since=since)  # fmt: skip
        found = []
        for row in rows:
            view = _view(connection, row, viewer, events=False)
            if view is not None:
                found.append(view)
            if len(found) >= limit:
                break
        audit_in(connection, viewer, AuditAction.READ, "alerts", count=len(found),
                 detail={"status": status, "since": since})  # fmt: skip
    return found


def visible_alert_row(connection: Connection, viewer: Viewer, uuid: str) -> Any:
    """The alert row ``viewer`` may see; UnknownValueError whether missing or hidden."""
    from corridor.store.alerts import alert_row

    row = alert_row(connection, uuid, viewer.organization) if viewer.organization else None
    if row is None or _view(connection, row, viewer, events=False) is None:
        raise UnknownValueError("alert", uuid)
    return row


def get_alert(store: Engine, viewer: Viewer, uuid: str) -> AlertView:
    """One alert with its timeline, if ``viewer`` is among its readers."""
    with store.begin() as connection:
        row = visible_alert_row(connection, viewer, uuid)
        view = _view(connection, row, viewer, events=True)
        audit_in(connection, viewer, AuditAction.READ, "alert", row.uuid, count=1)
    assert view is not None  # visible_alert_row checked it
    return view


def acknowledge_alert(
    store: Engine, actor: Principal, uuid: str, *, now: datetime | None = None
) -> AlertView:
    """A responder of a recipient organization takes the alert: escalation stops.
    Acknowledging twice changes nothing; a closed alert cannot be acknowledged."""
    from corridor.store.alerts import add_event, update_alert

    actor.require(Permission.RESPOND, "acknowledge alerts")
    at = now or utc()
    with store.begin() as connection:
        row = visible_alert_row(connection, actor.viewer, uuid)
        if row.status == "closed":
            raise CorridorError(f"alert {uuid} is closed; open a case to work on it again")
        if row.status == "open":
            update_alert(
                connection, row.id, status="acknowledged", acknowledged_at=at,
                acknowledged_by=actor.viewer.who, escalate_at=None, updated_at=at,
            )  # fmt: skip
            add_event(connection, row.id, "acknowledged", at, actor.viewer.who)
            audit_in(connection, actor.viewer, AuditAction.UPDATE, "alert", row.uuid,
                     detail={"status": "acknowledged"}, now=at)  # fmt: skip
        view = _view(connection, visible_alert_row(connection, actor.viewer, uuid), actor.viewer,
                     events=True)  # fmt: skip
    assert view is not None
    return view


# --------------------------------------------------------------------------- rules


def current_rules(connection: Connection) -> tuple[AlertRule, ...]:
    """The rules in force: the bundled ones, replaced or joined by those stored."""
    from corridor.store.alerts import rule_bodies

    rules = {rule.id: rule for rule in bundled_rules()}
    for _owner, body in rule_bodies(connection):
        rule = AlertRule.model_validate_json(body)
        rules[rule.id] = rule
    return tuple(rules.values())


def save_rule(
    store: Engine, actor: Principal, rule: AlertRule, atlas: Atlas, *, now: datetime | None = None
) -> AlertRule:
    """Add or replace a rule. An organization admin writes rules of its own organization
    (owner set to it); a platform admin may also replace the bundled ones."""
    from corridor.cooperation.directory import organizations_by_id
    from corridor.store.alerts import save_rule as store_rule

    at = now or utc()
    bundled = {r.id for r in bundled_rules()}
    if rule.id in bundled and not actor.can(Permission.MANAGE_PLATFORM):
        raise PermissionDeniedError(f"rule {rule.id!r} comes with the atlas; only a platform "
                                    "admin may replace it (choose another id)")  # fmt: skip
    owner = rule.owner or actor.organization
    if owner is None or not actor.may_manage(owner):
        raise PermissionDeniedError(f"{actor.viewer.who} may not write rules for {owner}")
    with store.begin() as connection:
        for existing in current_rules(connection):
            taken = existing.id == rule.id and existing.owner not in (None, owner)
            if taken and not actor.can(Permission.MANAGE_PLATFORM):
                raise PermissionDeniedError(f"rule {rule.id!r} belongs to {existing.owner}")
        stored = check_rule(rule.model_copy(update={"owner": owner}), atlas,
                            organizations_by_id(connection))  # fmt: skip
        new = store_rule(connection, stored.id, owner, stored.model_dump_json(), at)
        audit_in(connection, actor.viewer, AuditAction.CREATE if new else AuditAction.UPDATE,
                 "alert_rule", stored.id, now=at)  # fmt: skip
    return stored


def remove_rule(store: Engine, actor: Principal, rule_id: str) -> None:
    """Remove a stored rule (a replaced bundled rule comes back as shipped)."""
    from corridor.store.alerts import delete_rule

    with store.begin() as connection:
        rules = {r.id: r for r in current_rules(connection)}
        if rule_id not in rules:
            raise UnknownValueError("alert rule", rule_id, sorted(rules))
        owner = rules[rule_id].owner
        if owner is None and not actor.can(Permission.MANAGE_PLATFORM):
            raise PermissionDeniedError(f"rule {rule_id!r} comes with the atlas")
        if owner is not None and not actor.may_manage(owner):
            raise PermissionDeniedError(f"rule {rule_id!r} belongs to {owner}")
        if not delete_rule(connection, rule_id):
            raise InputError(f"rule {rule_id!r} is a bundled rule and was not replaced")
        audit_in(connection, actor.viewer, AuditAction.REVOKE, "alert_rule", rule_id)


@dataclass(frozen=True, slots=True)
class RuleTrial:
    """What a rule would have done over stored incidents: no alert is written."""

    rule: str
    incidents: int  # readable incidents looked at
    matches: tuple[tuple[str, str, str, float], ...]  # (asset, incident uuid, date, km)
    too_old: int

    @property
    def assets(self) -> tuple[str, ...]:
        return tuple(sorted({m[0] for m in self.matches}))


def try_rule(
    store: Engine,
    viewer: Viewer,
    rule: AlertRule,
    atlas: Atlas,
    *,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
) -> RuleTrial:
    """Which stored incidents ``viewer`` may read the rule would have fired on (the
    horizon counted from ``today``; None: ignored, to see the whole history)."""
    from corridor.alerts.matching import matcher_for
    from corridor.cooperation.directory import organizations_by_id
    from corridor.events.query import IncidentQuery
    from corridor.store.incidents import incidents_matching

    with store.connect() as connection:
        check_rule(rule, atlas, organizations_by_id(connection))
        operated = {o.id: o.assets for o in organizations_by_id(connection).values()}
        query = IncidentQuery(since=since, until=until, threat_classes=())
        stored = list(incidents_matching(connection, query, viewer))
    found, too_old = matcher_for(atlas).matches(stored, (rule,), operated, today=today)
    return RuleTrial(
        rule=rule.id,
        incidents=len(stored),
        matches=tuple(sorted(
            (m.asset, str(m.incident.uuid), m.incident.start_date.isoformat(),
             round(m.distance_km, 3)) for m in found
        )),
        too_old=len(too_old),
    )  # fmt: skip
