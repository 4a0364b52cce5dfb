"""Alerts nobody acknowledged in time climb a ladder, each step recorded and announced.

The ladder follows seed 003's platform: first the recipient organizations' admins, then
their liaison contacts (the forum's liaison mechanism), then the secretariats of the
mechanisms that cover the asset's states for the threat, who join the recipients (if the
sharing rules let them read an incident of the alert). After the last step an alert
waits for a human. A worker calls :func:`escalate_due` on a clock; a responder may take
one step at once with :func:`escalate_alert`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine

from corridor.alerts.raising import Notify, to_outbox
from corridor.atlas.catalog import Atlas
from corridor.cooperation.models import Permission, Principal

__all__ = ["LADDER", "Escalation", "escalate_alert", "escalate_due", "escalation_job"]

LADDER = ("org_admin", "liaison_contact", "mechanism_secretariat")


@dataclass(frozen=True, slots=True)
class Escalation:
    """One step taken: the alert, the level reached, who was told."""

    alert: str
    level: int
    step: str
    told: tuple[str, ...]


def escalate_due(
    store: Engine, *, atlas: Atlas, now: datetime, notify: Notify | None = None, batch: int = 100
) -> list[Escalation]:
    """Take the next step for every open alert whose acknowledgement time has passed."""
    from corridor.store.alerts import due_alerts

    notify = notify or to_outbox
    taken = []
    with store.begin() as connection:
        for row in due_alerts(connection, now, limit=batch):
            taken.append(_step(connection, row, atlas, now, notify, actor=None))
    return taken


def escalation_job(
    store: Engine,
    atlas: Atlas | Callable[[], Atlas] | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
) -> Callable[[], list[Escalation]]:
    """What a worker runs on its clock: every escalation step that is due now (the atlas
    loaded on the first step it takes). ``clock`` gives now (UTC without a zone; the wall
    clock by default), so a test can run the worker's very job at a moment it chooses."""

    def job() -> list[Escalation]:
        from corridor.cooperation.groups import atlas_of
        from corridor.cooperation.records import utc
        from corridor.store.alerts import due_alerts

        now = clock() if clock is not None else utc()
        with store.connect() as connection:
            if not due_alerts(connection, now, limit=1):
                return []
        return escalate_due(store, atlas=atlas_of(atlas), now=now)

    return job


def escalate_alert(
    store: Engine,
    actor: Principal,
    uuid: str,
    *,
    atlas: Atlas,
    now: datetime,
    notify: Notify | None = None,
) -> Escalation:
    """Take the next step now (a responder who cannot wait)."""
    from corridor.alerts.services import visible_alert_row
    from corridor.errors import CorridorError

    actor.require(Permission.RESPOND, "escalate alerts")
    with store.begin() as connection:
        row = visible_alert_row(connection, actor.viewer, uuid)
        if row.status != "open":
            raise CorridorError(f"alert {uuid} is {row.status}: only an open alert escalates")
        if row.level >= len(LADDER):
            raise CorridorError(f"alert {uuid} has reached the last step ({LADDER[-1]})")
        return _step(connection, row, atlas, now, notify or to_outbox, actor=actor.viewer.who)


def _step(
    connection: Connection,
    row: Any,
    atlas: Atlas,
    now: datetime,
    notify: Notify | None,
    *,
    actor: str | None,
) -> Escalation:
    from corridor.alerts.services import current_rules
    from corridor.store.alerts import add_event, recipients_of, update_alert

    level = row.level + 1
    step = LADDER[level - 1]
    recipients = [r.organization for r in recipients_of(connection, row.id)]
    if step == "mechanism_secretariat":
        told = _add_secretariats(connection, row, atlas, now)
    elif step == "liaison_contact":
        told = _liaison_contacts(connection, recipients)
    else:
        told = tuple(f"{org}:org_admin" for org in recipients)
    rule = {r.id: r for r in current_rules(connection)}.get(row.rule_id)
    wait = timedelta(minutes=rule.ack_minutes if rule else 60)
    update_alert(connection, row.id, level=level, updated_at=now,
                 escalate_at=now + wait if level < len(LADDER) else None)  # fmt: skip
    add_event(connection, row.id, "escalated", now, actor, {"level": level, "step": step,
                                                            "told": list(told)})  # fmt: skip
    if notify is not None:
        everyone = {r.organization for r in recipients_of(connection, row.id)}
        for org in sorted(everyone):
            message = {"alert": row.uuid, "level": level, "step": step, "told": list(told)}
            notify(connection, org, "alert.escalated", message)
    return Escalation(row.uuid, level, step, told)


def _liaison_contacts(connection: Connection, organizations: Sequence[str]) -> tuple[str, ...]:
    """The liaison contacts of the recipient organizations, as ``org:name (level)``."""
    from corridor.store.parties import contact_rows

    told = []
    for org in organizations:
        for contact in contact_rows(connection, organization=org):
            told.append(f"{org}:{contact['name']} ({contact['level']})")
    return tuple(told)


def _add_secretariats(
    connection: Connection, row: Any, atlas: Atlas, now: datetime
) -> tuple[str, ...]:
    """Secretariats of the mechanisms covering the asset's states that are not yet
    recipients and may read one of the alert's incidents: they join at this level."""
    from corridor.alerts.routing import route_alert
    from corridor.cooperation.directory import organizations_by_id
    from corridor.cooperation.groups import memberships
    from corridor.cooperation.models import OrganizationKind
    from corridor.events.access import Viewer
    from corridor.store.alerts import add_recipients, recipients_of, visible_incidents

    organizations = {
        k: o
        for k, o in organizations_by_id(connection).items()
        if o.kind in (OrganizationKind.SECRETARIAT, OrganizationKind.INTERNATIONAL)
    }
    present = {r.organization for r in recipients_of(connection, row.id)}
    groups_on = memberships(connection, atlas)

    def reads(org: str) -> bool:
        viewer = Viewer(org, groups_on(org, row.last_on))
        return bool(visible_incidents(connection, row.id, viewer)[0])

    found, _ = route_alert(
        asset=atlas.assets[row.asset_id], incident_country=None, threat_class=row.threat_class,
        year=row.last_on.year, atlas=atlas, organizations=organizations, may_read=reads,
    )  # fmt: skip
    new = {r.organization: r.reasons for r in found if r.organization not in present}
    add_recipients(connection, row.id, new, len(LADDER), now)
    return tuple(sorted(new))
