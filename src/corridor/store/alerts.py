"""The alert repository: rules organizations wrote, alerts, their incidents, recipients and
timeline. Raising and reading decide; this module only reads and writes rows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, func, insert, select, tuple_, update

from corridor.errors import InputError
from corridor.events.access import Viewer
from corridor.events.model import Incident
from corridor.store.tables import (
    alert_events,
    alert_incidents,
    alert_recipients,
    alert_rules,
    alerts,
    incidents,
)

__all__ = [
    "OPEN_STATUSES",
    "add_event",
    "add_incidents",
    "add_recipients",
    "alert_row",
    "alert_rows_for",
    "by_uuid",
    "delete_rule",
    "due_alerts",
    "events_of",
    "incidents_of",
    "incidents_written_since",
    "insert_alert",
    "known_keys",
    "open_alerts",
    "recipients_of",
    "rule_bodies",
    "save_rule",
    "update_alert",
    "visible_incidents",
]

OPEN_STATUSES = ("open", "acknowledged")  # alerts new incidents still group into
_CHUNK = 500  # keys per IN (...) query: well under every database's parameter limit


def rule_bodies(connection: Connection) -> list[tuple[str | None, str]]:
    """(owner, JSON body) of every rule organizations wrote, by id."""
    statement = select(alert_rules.c.owner, alert_rules.c.body).order_by(alert_rules.c.id)
    return [(row.owner, row.body) for row in connection.execute(statement)]


def save_rule(
    connection: Connection, rule_id: str, owner: str | None, body: str, at: datetime
) -> bool:
    """Store a rule (replacing one with its id); True if it is new."""
    exists = connection.execute(select(alert_rules.c.id).where(alert_rules.c.id == rule_id)).first()
    if exists:
        connection.execute(
            update(alert_rules)
            .where(alert_rules.c.id == rule_id)
            .values(owner=owner, body=body, updated_at=at)
        )
        return False
    connection.execute(
        insert(alert_rules).values(id=rule_id, owner=owner, body=body, created_at=at, updated_at=at)
    )
    return True


def delete_rule(connection: Connection, rule_id: str) -> bool:
    """Remove a stored rule; False if there was none."""
    return bool(connection.execute(delete(alert_rules).where(alert_rules.c.id == rule_id)).rowcount)


def known_keys(
    connection: Connection, keys: Iterable[tuple[str, str, str]]
) -> set[tuple[str, str, str]]:
    """Which (rule, asset, incident) keys already raised or joined an alert."""
    wanted = sorted(set(keys))
    c = alert_incidents.c
    found: set[tuple[str, str, str]] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        statement = select(c.rule_id, c.asset_id, c.incident_uuid).where(
            c.incident_uuid.in_(sorted({k[2] for k in chunk}))
        )
        found |= {(r, a, i) for r, a, i in connection.execute(statement)}
    return found & set(wanted)


def incidents_written_since(
    connection: Connection, since: datetime, *, recent_from: date
) -> tuple[list[Incident], int]:
    """The incidents written (created or changed) since ``since`` that happened on or
    after ``recent_from``, and how many others were written (history)."""
    from corridor.store.incidents import incident_from_row

    c = incidents.c
    written = c.updated_at >= since
    recent = [
        incident_from_row(row)
        for row in connection.execute(
            select(incidents).where(written, c.start_date >= recent_from).order_by(c.id)
        )
    ]
    older = connection.execute(
        select(func.count()).select_from(incidents).where(written, c.start_date < recent_from)
    ).scalar_one()
    return recent, int(older)


def open_alerts(
    connection: Connection, pairs: Iterable[tuple[str, str]], *, last_on_from: date | None = None
) -> list[Row[Any]]:
    """The alerts not yet closed of these (rule, asset) pairs, oldest first; only those
    whose last incident is on or after ``last_on_from``, if given."""
    wanted = sorted(set(pairs))
    c = alerts.c
    recent = [c.last_on >= last_on_from] if last_on_from is not None else []
    rows: list[Row[Any]] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        statement = (
            select(alerts)
            .where(tuple_(c.rule_id, c.asset_id).in_(chunk), c.status.in_(OPEN_STATUSES), *recent)
            .order_by(c.id)
        )
        rows += list(connection.execute(statement))
    return rows


def due_alerts(connection: Connection, now: datetime, *, limit: int) -> list[Row[Any]]:
    """Open alerts whose acknowledgement time has passed, most overdue first; on
    PostgreSQL locked for this transaction and skipped by other workers."""
    c = alerts.c
    statement = (
        select(alerts)
        .where(c.status == "open", c.escalate_at.is_not(None), c.escalate_at <= now)
        .order_by(c.escalate_at, c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(connection.execute(statement))


def insert_alert(connection: Connection, row: Mapping[str, Any]) -> int:
    """Store a new alert; its row id."""
    key = connection.execute(insert(alerts).values(**row)).inserted_primary_key
    assert key is not None  # an insert of one row always has its key
    return int(key[0])


def update_alert(connection: Connection, alert_id: int, **values: Any) -> None:
    """Change an alert's columns."""
    connection.execute(update(alerts).where(alerts.c.id == alert_id).values(**values))


def add_incidents(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Join incidents to alerts (the key refuses a second join of the same incident)."""
    if rows:
        connection.execute(insert(alert_incidents), list(rows))


def add_recipients(
    connection: Connection,
    alert_id: int,
    reasons: Mapping[str, Sequence[str]],
    level: int,
    at: datetime,
) -> None:
    """Add organizations to an alert's recipients, with why."""
    if reasons:
        connection.execute(
            insert(alert_recipients),
            [
                {"alert_id": alert_id, "organization": org, "level": level,
                 "reasons": json.dumps(list(why)), "added_at": at}
                for org, why in sorted(reasons.items())
            ],
        )  # fmt: skip


def add_event(
    connection: Connection,
    alert_id: int,
    kind: str,
    at: datetime,
    actor: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append a step to an alert's timeline."""
    connection.execute(
        insert(alert_events).values(
            alert_id=alert_id, kind=kind, at=at, actor=actor,
            detail=json.dumps(dict(detail or {}), sort_keys=True, default=str),
        )
    )  # fmt: skip


def alert_row(connection: Connection, uuid: str, organization: str) -> Row[Any] | None:
    """The alert with ``uuid`` (or the one whose uuid starts with it) that ``organization``
    is a recipient of, or None."""
    r = alert_recipients.c
    receives = (
        select(r.alert_id).where(r.alert_id == alerts.c.id, r.organization == organization).exists()
    )
    return by_uuid(connection, alerts, uuid, receives)


def by_uuid(connection: Connection, table: Any, uuid: str, *where: Any) -> Row[Any] | None:
    """The row of ``table`` with ``uuid``, or with a uuid starting with it (8 characters
    at least, as people copy them); None when there is none. A prefix that fits several
    rows is an :class:`InputError` naming how to tell them apart."""
    if len(uuid) >= 36 or len(uuid) < 8:
        return connection.execute(select(table).where(table.c.uuid == uuid, *where)).first()
    escaped = uuid.lower().replace("\\", "").replace("%", "").replace("_", "")
    found = list(connection.execute(
        select(table).where(table.c.uuid.like(f"{escaped}%"), *where).limit(2)
    ))  # fmt: skip
    if len(found) > 1:
        raise InputError(f"{uuid!r} is the start of several UUIDs; give more of it")
    return found[0] if found else None


def alert_rows_for(
    connection: Connection,
    organization: str,
    *,
    statuses: Sequence[str] = (),
    since: date | None = None,
    limit: int | None = None,
) -> list[Row[Any]]:
    """The alerts ``organization`` is a recipient of, newest first (the caller then keeps
    those whose incidents it may read)."""
    r, c = alert_recipients.c, alerts.c
    conditions = [r.organization == organization]
    if statuses:
        conditions.append(c.status.in_(statuses))
    if since is not None:
        conditions.append(c.last_on >= since)
    statement = (
        select(alerts)
        .join(alert_recipients, r.alert_id == c.id)
        .where(and_(*conditions))
        .order_by(c.updated_at.desc(), c.id.desc())
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(connection.execute(statement))


def incidents_of(connection: Connection, alert_id: int) -> list[tuple[str, float]]:
    """(incident uuid, distance km) of the incidents joined to an alert, in join order."""
    c = alert_incidents.c
    statement = (
        select(c.incident_uuid, c.distance_km)
        .where(c.alert_id == alert_id)
        .order_by(c.added_at, c.incident_uuid)
    )
    return [(str(u), float(d)) for u, d in connection.execute(statement)]


def visible_incidents(
    connection: Connection, alert_id: int, viewer: Viewer
) -> tuple[list[tuple[str, float]], int]:
    """(uuid, km) of the alert's incidents ``viewer`` may read, in join order, and how
    many others it has."""
    from corridor.store.incidents import visible_to

    c = alert_incidents.c
    joined = (
        select(c.incident_uuid, c.distance_km, visible_to(viewer).label("readable"))
        .join(incidents, incidents.c.uuid == c.incident_uuid)
        .where(c.alert_id == alert_id)
        .order_by(c.added_at, c.incident_uuid)
    )
    rows = list(connection.execute(joined))
    readable = [(str(u), float(d)) for u, d, ok in rows if ok]
    total = connection.execute(
        select(func.count()).select_from(alert_incidents).where(c.alert_id == alert_id)
    ).scalar_one()
    return readable, int(total) - len(readable)


def recipients_of(connection: Connection, alert_id: int) -> list[Row[Any]]:
    """The recipients of an alert with their level and reasons, by level then name."""
    c = alert_recipients.c
    statement = (
        select(alert_recipients).where(c.alert_id == alert_id).order_by(c.level, c.organization)
    )
    return list(connection.execute(statement))


def events_of(connection: Connection, alert_id: int) -> list[Row[Any]]:
    """An alert's timeline, oldest first."""
    c = alert_events.c
    return list(
        connection.execute(select(alert_events).where(c.alert_id == alert_id).order_by(c.id))
    )
