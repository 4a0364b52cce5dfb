"""Cases: the work that follows alerts, as responders of several organizations do it.

A case is opened from alerts (or on its own, or as an exercise: the forum's joint
exercises are recorded the same way), takes more alerts at once, lets one go again,
and carries observables (incidents, assets, vessels), tasks with owners and deadlines,
a timeline of everything that happened, and a closing summary. It is read through the
sharing rule (owner, TLP label, sharing groups) and by the organizations taking part in
the joint action. Closing a case closes its alerts.
"""

from __future__ import annotations

import json
import uuid as uuids
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine

from corridor.choices import member
from corridor.cooperation.audit import audit_in
from corridor.cooperation.models import AuditAction, Permission, PermissionDeniedError, Principal
from corridor.cooperation.records import ReadModel, utc
from corridor.errors import CorridorError, InputError, UnknownValueError
from corridor.events.access import Viewer
from corridor.events.model import Tlp

__all__ = [
    "CaseKind",
    "CaseView",
    "ObservableKind",
    "add_observable",
    "add_task",
    "close_case",
    "complete_task",
    "detach_alert",
    "get_case",
    "list_cases",
    "merge_alerts",
    "open_case",
]


class CaseKind(StrEnum):
    CASE = "case"
    EXERCISE = "exercise"  # a joint exercise: planned, not raised by an incident


class ObservableKind(StrEnum):
    INCIDENT = "incident"
    ASSET = "asset"
    VESSEL = "vessel"  # an IMO number or a name


class CaseTask(ReadModel):
    id: int
    title: str
    owner: str
    deadline: date | None
    status: str
    done_at: datetime | None


class CaseEntry(ReadModel):
    at: datetime
    actor: str | None
    kind: str
    detail: dict[str, Any]


class Observable(ReadModel):
    kind: str
    value: str
    note: str


class CaseView(ReadModel):
    """A case as a reader gets it."""

    uuid: str
    kind: str
    title: str
    status: str
    owner: str
    tlp: Tlp
    summary: str
    participants: tuple[str, ...]
    shared_with: tuple[str, ...]
    alerts: tuple[str, ...]
    observables: tuple[Observable, ...]
    tasks: tuple[CaseTask, ...]
    timeline: tuple[CaseEntry, ...]
    opened_at: datetime
    closed_at: datetime | None


def _view(connection: Connection, row: Any) -> CaseView:
    from corridor.store import cases as repo

    return CaseView(
        uuid=row.uuid, kind=row.kind, title=row.title, status=row.status, owner=row.owner,
        tlp=Tlp(row.tlp), summary=row.summary,
        participants=tuple(repo.participants_of(connection, row.id)),
        shared_with=tuple(repo.shares_of_case(connection, row.id)),
        alerts=tuple(a.uuid for a in repo.linked_alerts(connection, row.uuid)),
        observables=tuple(Observable(kind=o.kind, value=o.value, note=o.note)
                          for o in repo.observables_of(connection, row.id)),
        tasks=tuple(CaseTask(id=t.id, title=t.title, owner=t.owner, deadline=t.deadline,
                             status=t.status, done_at=t.done_at)
                    for t in repo.tasks_of(connection, row.id)),
        timeline=tuple(CaseEntry(at=e.at, actor=e.actor, kind=e.kind,
                                 detail=json.loads(e.detail or "{}"))
                       for e in repo.timeline_of(connection, row.id)),
        opened_at=row.opened_at, closed_at=row.closed_at,
    )  # fmt: skip


def _readable(connection: Connection, viewer: Viewer, uuid: str) -> Any:
    from corridor.store.cases import case_row

    row = case_row(connection, uuid, viewer)
    if row is None:
        raise UnknownValueError("case", uuid)
    return row


def _workable(connection: Connection, actor: Principal, uuid: str, doing: str) -> Any:
    """The case, if ``actor`` may work on it: a responder of its owner or of an
    organization taking part, while it is open."""
    from corridor.store.cases import participants_of

    actor.require(Permission.RESPOND, doing)
    row = _readable(connection, actor.viewer, uuid)
    members = {row.owner, *participants_of(connection, row.id)}
    if actor.organization not in members and not actor.can(Permission.MANAGE_PLATFORM):
        raise PermissionDeniedError(f"{actor.viewer.who} takes no part in case {uuid}")
    if row.status == "closed":
        raise CorridorError(f"case {uuid} is closed")
    return row


def _check_parties(
    connection: Connection, organizations: Iterable[str], groups: Iterable[str]
) -> None:
    from corridor.cooperation.directory import known_organization
    from corridor.store.parties import group_rows

    for organization in organizations:
        known_organization(connection, organization)
    known = sorted(str(r["id"]) for r in group_rows(connection))
    for group in groups:
        if group not in known:
            raise UnknownValueError("sharing group", group, known)


def _merge(
    connection: Connection, actor: Principal, row: Any, alert_uuids: Sequence[str], at: datetime
) -> None:
    """Put alerts the actor can see into the case, with their incidents and asset as
    observables; an alert in another case must be detached from it first."""
    from corridor.alerts.services import visible_alert_row
    from corridor.store.alerts import visible_incidents
    from corridor.store.cases import add_observables, add_timeline, link_alert

    for alert_uuid in dict.fromkeys(alert_uuids):
        alert = visible_alert_row(connection, actor.viewer, alert_uuid)
        if alert.case_uuid not in (None, row.uuid):
            raise CorridorError(f"alert {alert_uuid} is in case {alert.case_uuid}; "
                                "detach it from there first")  # fmt: skip
        link_alert(connection, alert.id, row.uuid, at)
        readable, _ = visible_incidents(connection, alert.id, actor.viewer)
        add_observables(connection, row.id, [
            (ObservableKind.ASSET.value, alert.asset_id, f"alert {alert_uuid}"),
            *((ObservableKind.INCIDENT.value, u, f"{d:.1f} km from {alert.asset_id}")
              for u, d in readable),
        ])  # fmt: skip
        add_timeline(connection, row.id, "alert merged", at, actor.viewer.who,
                     {"alert": alert_uuid})  # fmt: skip


def open_case(
    store: Engine,
    actor: Principal,
    *,
    title: str,
    kind: CaseKind | str = CaseKind.CASE,
    tlp: Tlp | str = Tlp.AMBER,
    alerts: Sequence[str] = (),
    participants: Sequence[str] = (),
    share_with: Sequence[str] = (),
    now: datetime | None = None,
) -> CaseView:
    """Open a case owned by the actor's organization, from ``alerts`` (merged at once),
    as a joint action of ``participants``, shared with ``share_with`` groups."""
    from corridor.store import cases as repo

    actor.require(Permission.RESPOND, "open cases")
    if actor.organization is None:  # pragma: no cover - roles come with an organization
        raise PermissionDeniedError("an anonymous reader may not open cases")
    if not title.strip():
        raise InputError("a case needs a title")
    chosen_kind = member(CaseKind, kind, "case kind")
    label = member(Tlp, tlp, "TLP label")
    at = utc(now)
    with store.begin() as connection:
        _check_parties(connection, participants, share_with)
        case_uuid = str(uuids.uuid4())
        case_id = repo.insert_case(
            connection,
            {"uuid": case_uuid, "kind": chosen_kind.value, "title": title.strip(),
             "status": "open", "owner": actor.organization, "tlp": label.value, "summary": "",
             "opened_at": at, "updated_at": at},
        )  # fmt: skip
        repo.add_participants(connection, case_id, participants)
        repo.add_shares(connection, case_id, share_with)
        opened = {"kind": chosen_kind.value, "participants": list(participants)}
        repo.add_timeline(connection, case_id, "opened", at, actor.viewer.who, opened)
        row = _readable(connection, actor.viewer, case_uuid)
        _merge(connection, actor, row, alerts, at)
        audit_in(connection, actor.viewer, AuditAction.CREATE, "case", case_uuid, now=at)
        return _view(connection, row)


def _changed(
    store: Engine, actor: Principal, uuid: str, doing: str, now: datetime | None, change: Any
) -> CaseView:
    """Run ``change(connection, row, at)`` on a case the actor may work on, then record
    the time and audit it; the case as it is now."""
    from corridor.store.cases import update_case

    at = utc(now)
    with store.begin() as connection:
        row = _workable(connection, actor, uuid, doing)
        change(connection, row, at)
        update_case(connection, row.id, updated_at=at)
        audit_in(connection, actor.viewer, AuditAction.UPDATE, "case", row.uuid,
                 detail={"did": doing}, now=at)  # fmt: skip
        return _view(connection, _readable(connection, actor.viewer, uuid))


def merge_alerts(
    store: Engine,
    actor: Principal,
    uuid: str,
    alerts: Sequence[str],
    *,
    now: datetime | None = None,
) -> CaseView:
    """Merge several alerts into an open case at once."""

    def change(connection: Connection, row: Any, at: datetime) -> None:
        _merge(connection, actor, row, alerts, at)

    return _changed(store, actor, uuid, "merge alerts into cases", now, change)


def detach_alert(
    store: Engine, actor: Principal, uuid: str, alert: str, *, now: datetime | None = None
) -> CaseView:
    """Take an alert out of a case (its observables stay: they were seen)."""
    from corridor.alerts.services import visible_alert_row
    from corridor.store.cases import add_timeline, link_alert

    def change(connection: Connection, row: Any, at: datetime) -> None:
        found = visible_alert_row(connection, actor.viewer, alert)
        if found.case_uuid != row.uuid:
            raise CorridorError(f"alert {alert} is not in case {uuid}")
        link_alert(connection, found.id, None, at)
        add_timeline(connection, row.id, "alert detached", at, actor.viewer.who, {"alert": alert})

    return _changed(store, actor, uuid, "detach alerts from cases", now, change)


def add_task(
    store: Engine,
    actor: Principal,
    uuid: str,
    *,
    title: str,
    owner: str | None = None,
    deadline: date | None = None,
    now: datetime | None = None,
) -> CaseView:
    """A task for ``owner`` (an organization taking part; the actor's by default)."""
    from corridor.store.cases import add_task as store_task
    from corridor.store.cases import add_timeline, participants_of

    def change(connection: Connection, row: Any, at: datetime) -> None:
        doer = owner or actor.organization
        members = [row.owner, *participants_of(connection, row.id)]
        if doer not in members:
            raise UnknownValueError("organization taking part", str(doer), members)
        if not title.strip():
            raise InputError("a task needs a title")
        task = store_task(connection, row.id, title=title.strip(), owner=str(doer),
                          deadline=deadline)  # fmt: skip
        add_timeline(connection, row.id, "task added", at, actor.viewer.who,
                     {"task": task, "title": title.strip(), "owner": doer,
                      "deadline": deadline})  # fmt: skip

    return _changed(store, actor, uuid, "add tasks to cases", now, change)


def complete_task(
    store: Engine, actor: Principal, uuid: str, task: int, *, now: datetime | None = None
) -> CaseView:
    """Mark a task done."""
    from corridor.store.cases import add_timeline, update_task

    def change(connection: Connection, row: Any, at: datetime) -> None:
        if not update_task(connection, row.id, task, status="done", done_at=at):
            raise UnknownValueError("task", str(task))
        add_timeline(connection, row.id, "task done", at, actor.viewer.who, {"task": task})

    return _changed(store, actor, uuid, "complete tasks of cases", now, change)


def add_observable(
    store: Engine,
    actor: Principal,
    uuid: str,
    kind: ObservableKind | str,
    value: str,
    *,
    note: str = "",
    now: datetime | None = None,
) -> CaseView:
    """Record an incident, asset or vessel the case concerns."""
    from corridor.store.cases import add_observables, add_timeline

    chosen = member(ObservableKind, kind, "observable kind")

    def change(connection: Connection, row: Any, at: datetime) -> None:
        if not value.strip():
            raise InputError("an observable needs a value")
        add_observables(connection, row.id, [(chosen.value, value.strip(), note)])
        add_timeline(connection, row.id, "observable added", at, actor.viewer.who,
                     {"kind": chosen.value, "value": value.strip()})  # fmt: skip

    return _changed(store, actor, uuid, "add observables to cases", now, change)


def close_case(
    store: Engine, actor: Principal, uuid: str, summary: str, *, now: datetime | None = None
) -> CaseView:
    """Close a case with its summary; its alerts close with it."""
    from corridor.store.alerts import add_event, update_alert
    from corridor.store.cases import add_timeline, linked_alerts, update_case

    def change(connection: Connection, row: Any, at: datetime) -> None:
        if not summary.strip():
            raise InputError("closing a case needs a summary of what was done")
        for alert in linked_alerts(connection, row.uuid):
            if alert.status != "closed":
                update_alert(connection, alert.id, status="closed", closed_at=at,
                             escalate_at=None, updated_at=at)  # fmt: skip
                add_event(connection, alert.id, "closed", at, actor.viewer.who, {"case": uuid})
        update_case(connection, row.id, status="closed", closed_at=at, summary=summary.strip())
        add_timeline(connection, row.id, "closed", at, actor.viewer.who, {"summary": summary})

    return _changed(store, actor, uuid, "close cases", now, change)


def list_cases(
    store: Engine, viewer: Viewer, *, status: str | None = None, kind: str | None = None
) -> list[CaseView]:
    """The cases ``viewer`` may read, most recently changed first."""
    from corridor.store.cases import case_rows

    if status is not None and status not in ("open", "closed"):
        raise UnknownValueError("case status", status, ["open", "closed"])
    chosen = member(CaseKind, kind, "case kind").value if kind is not None else None
    with store.begin() as connection:
        found = [_view(connection, r) for r in case_rows(connection, viewer, status=status,
                                                            kind=chosen)]  # fmt: skip
        audit_in(connection, viewer, AuditAction.READ, "cases", count=len(found))
    return found


def get_case(store: Engine, viewer: Viewer, uuid: str) -> CaseView:
    """One case, if ``viewer`` may read it (UnknownValueError otherwise: missing or hidden)."""
    with store.begin() as connection:
        view = _view(connection, _readable(connection, viewer, uuid))
        audit_in(connection, viewer, AuditAction.READ, "case", view.uuid, count=1)
    return view
