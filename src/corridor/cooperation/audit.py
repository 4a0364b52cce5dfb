"""The audit log: who read, changed or exported what, and how many. Append-only.

:func:`audit` adds an entry, :func:`audit_log` reads them; nothing in the library
changes or removes one. Reads of incidents are logged by the incident services
themselves, so every entry point (command line, HTTP) leaves the same trail.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from corridor.choices import member
from corridor.cooperation.models import (
    AuditAction,
    AuditEntry,
    Permission,
    PermissionDeniedError,
    Principal,
)
from corridor.cooperation.records import utc
from corridor.errors import InputError
from corridor.events.access import Viewer

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = ["audit", "audit_in", "audit_log"]


def audit(
    store: Engine,
    viewer: Viewer,
    action: AuditAction | str,
    object_type: str,
    object_id: str = "",
    *,
    count: int | None = None,
    detail: Mapping[str, Any] | str = "",
    now: datetime | None = None,
) -> AuditEntry:
    """Append an entry: ``viewer`` did ``action`` to ``object_type``/``object_id``
    (``count`` records; ``detail`` a mapping stored as JSON, or text)."""
    with store.begin() as connection:
        return audit_in(
            connection, viewer, action, object_type, object_id, count=count, detail=detail, now=now
        )


def audit_in(
    connection: Connection,
    viewer: Viewer,
    action: AuditAction | str,
    object_type: str,
    object_id: str = "",
    *,
    count: int | None = None,
    detail: Mapping[str, Any] | str = "",
    now: datetime | None = None,
) -> AuditEntry:
    """:func:`audit` in the caller's transaction (a change and its entry commit together)."""
    from corridor.store.audit import append_entry, audit_row

    action = member(AuditAction, action, "audit action")
    text = detail if isinstance(detail, str) else json.dumps(detail, sort_keys=True, default=str)
    at = utc(now)
    row = audit_row(
        at=at,
        organization=viewer.organization,
        user=viewer.user,
        action=action.value,
        object_type=object_type,
        object_id=object_id,
        count=count,
        detail=text,
    )
    entry_id = append_entry(connection, row)
    return AuditEntry(
        entry_id, at, viewer.organization, viewer.user, action, object_type, object_id, count, text
    )


def audit_log(
    store: Engine,
    actor: Principal,
    *,
    organization: str | None = None,
    action: AuditAction | str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Entries newest first. A platform admin reads all; an organization admin only what
    their organization did; nobody else reads the log. ``until`` is inclusive."""
    from corridor.store.audit import entry_rows

    if not actor.can(Permission.MANAGE_PLATFORM):
        actor.require(Permission.MANAGE_ORGANIZATION, "read the audit log")
        if organization not in (None, actor.organization):
            raise PermissionDeniedError(
                f"{actor.viewer.who} may read only its own organization's audit entries"
            )
        organization = actor.organization
    if limit < 1:
        raise InputError(f"limit {limit}: must be at least 1")
    if action is not None:
        action = member(AuditAction, action, "audit action")
    start = datetime.combine(since, time()) if since else None
    end = datetime.combine(until + timedelta(days=1), time()) if until else None
    with store.connect() as connection:
        rows = entry_rows(
            connection,
            organization=organization,
            action=action.value if action else None,
            since=start,
            until=end,
            limit=limit,
        )
    return [
        AuditEntry(
            r["id"],
            r["at"],
            r["organization"],
            r["user_id"],
            AuditAction(r["action"]),
            r["object_type"],
            r["object_id"],
            r["count"],
            r["detail"],
        )
        for r in rows
    ]
