"""The case repository: cases, who takes part, what they are shared with, their
observables, tasks and timeline. The services decide; this module reads and writes rows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, insert, or_, select, update

from corridor.events.access import GROUP_LABELS, Viewer
from corridor.store.tables import (
    alerts,
    case_observables,
    case_participants,
    case_shares,
    case_tasks,
    case_timeline,
    cases,
)

__all__ = [
    "add_observables",
    "add_participants",
    "add_shares",
    "add_task",
    "add_timeline",
    "case_row",
    "case_rows",
    "insert_case",
    "link_alert",
    "linked_alerts",
    "observables_of",
    "participants_of",
    "shares_of_case",
    "tasks_of",
    "timeline_of",
    "update_case",
    "update_task",
]


def _visible(viewer: Viewer) -> Any:
    """SQL: the case may be read by ``viewer``: its label's audience, its owner, the
    organizations taking part, and the group labels shared with a group of the viewer."""
    c = cases.c
    clause: Any = c.tlp.in_(sorted(t.value for t in viewer.visible_everywhere))
    if viewer.organization is None:
        return clause
    taking_part = (
        select(case_participants.c.case_id)
        .where(case_participants.c.case_id == c.id,
               case_participants.c.organization == viewer.organization)
        .exists()
    )  # fmt: skip
    clause = or_(clause, c.owner == viewer.organization, taking_part)
    if viewer.groups:
        shared = (
            select(case_shares.c.case_id)
            .where(case_shares.c.case_id == c.id, case_shares.c.group_id.in_(sorted(viewer.groups)))
            .exists()
        )
        clause = or_(clause, and_(c.tlp.in_(sorted(t.value for t in GROUP_LABELS)), shared))
    return clause


def insert_case(connection: Connection, row: Mapping[str, Any]) -> int:
    """Store a new case; its row id."""
    key = connection.execute(insert(cases).values(**row)).inserted_primary_key
    assert key is not None
    return int(key[0])


def update_case(connection: Connection, case_id: int, **values: Any) -> None:
    """Change a case's columns."""
    connection.execute(update(cases).where(cases.c.id == case_id).values(**values))


def case_row(connection: Connection, uuid: str, viewer: Viewer) -> Row[Any] | None:
    """The case with ``uuid`` (or a uuid starting with it) if ``viewer`` may read it
    (None: missing or hidden)."""
    from corridor.store.alerts import by_uuid

    return by_uuid(connection, cases, uuid, _visible(viewer))


def case_rows(
    connection: Connection, viewer: Viewer, *, status: str | None = None, kind: str | None = None
) -> list[Row[Any]]:
    """The cases ``viewer`` may read, most recently changed first."""
    c = cases.c
    conditions = [_visible(viewer)]
    if status is not None:
        conditions.append(c.status == status)
    if kind is not None:
        conditions.append(c.kind == kind)
    statement = select(cases).where(and_(*conditions)).order_by(c.updated_at.desc(), c.id.desc())
    return list(connection.execute(statement))


def _add(
    connection: Connection, table: Any, case_id: int, rows: Iterable[Mapping[str, Any]]
) -> int:
    """Insert the rows that are not there yet; how many were new."""
    new = 0
    for row in rows:
        key = [table.c[k] == v for k, v in row.items() if k != "note"]
        exists = connection.execute(select(table.c.case_id).where(table.c.case_id == case_id, *key))
        if exists.first() is None:
            connection.execute(insert(table).values(case_id=case_id, **row))
            new += 1
    return new


def add_participants(connection: Connection, case_id: int, organizations: Iterable[str]) -> int:
    """Organizations that take part (and so read the case)."""
    return _add(
        connection, case_participants, case_id, ({"organization": o} for o in organizations)
    )


def add_shares(connection: Connection, case_id: int, groups: Iterable[str]) -> int:
    """Sharing groups the case is shared with."""
    return _add(connection, case_shares, case_id, ({"group_id": g} for g in groups))


def add_observables(
    connection: Connection, case_id: int, observables: Iterable[tuple[str, str, str]]
) -> int:
    """(kind, value, note) observables: incidents, assets, vessels."""
    rows = ({"kind": k, "value": v, "note": n} for k, v, n in observables)
    return _add(connection, case_observables, case_id, rows)


def add_task(
    connection: Connection, case_id: int, *, title: str, owner: str, deadline: date | None
) -> int:
    """A task of the case; its id."""
    key = connection.execute(
        insert(case_tasks).values(
            case_id=case_id, title=title, owner=owner, deadline=deadline, status="open"
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def update_task(connection: Connection, case_id: int, task_id: int, **values: Any) -> bool:
    """Change a task of the case; False if the case has no such task."""
    statement = (
        update(case_tasks)
        .where(case_tasks.c.case_id == case_id, case_tasks.c.id == task_id)
        .values(**values)
    )
    return bool(connection.execute(statement).rowcount)


def add_timeline(
    connection: Connection,
    case_id: int,
    kind: str,
    at: datetime,
    actor: str | None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append to the case's timeline."""
    connection.execute(
        insert(case_timeline).values(
            case_id=case_id, kind=kind, at=at, actor=actor,
            detail=json.dumps(dict(detail or {}), sort_keys=True, default=str),
        )
    )  # fmt: skip


def link_alert(connection: Connection, alert_id: int, case_uuid: str | None, at: datetime) -> None:
    """Put an alert in a case (None: take it out)."""
    connection.execute(
        update(alerts).where(alerts.c.id == alert_id).values(case_uuid=case_uuid, updated_at=at)
    )


def linked_alerts(connection: Connection, case_uuid: str) -> list[Row[Any]]:
    """The alerts merged into a case."""
    statement = select(alerts).where(alerts.c.case_uuid == case_uuid).order_by(alerts.c.id)
    return list(connection.execute(statement))


def _of(connection: Connection, table: Any, case_id: int, *order: Any) -> list[Row[Any]]:
    statement = select(table).where(table.c.case_id == case_id).order_by(*order)
    return list(connection.execute(statement))


def participants_of(connection: Connection, case_id: int) -> list[str]:
    rows = _of(connection, case_participants, case_id, case_participants.c.organization)
    return [str(r.organization) for r in rows]


def shares_of_case(connection: Connection, case_id: int) -> list[str]:
    return [str(r.group_id) for r in _of(connection, case_shares, case_id, case_shares.c.group_id)]


def observables_of(connection: Connection, case_id: int) -> list[Row[Any]]:
    c = case_observables.c
    return _of(connection, case_observables, case_id, c.kind, c.value)


def tasks_of(connection: Connection, case_id: int) -> list[Row[Any]]:
    return _of(connection, case_tasks, case_id, case_tasks.c.id)


def timeline_of(connection: Connection, case_id: int) -> list[Row[Any]]:
    return _of(connection, case_timeline, case_id, case_timeline.c.id)


def remove_observable(connection: Connection, case_id: int, kind: str, value: str) -> bool:
    """Take an observable off a case; False if it was not there."""
    c = case_observables.c
    statement = delete(case_observables).where(
        c.case_id == case_id, c.kind == kind, c.value == value
    )
    return bool(connection.execute(statement).rowcount)
