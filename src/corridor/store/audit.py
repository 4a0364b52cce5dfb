"""The audit log's repository: append an entry, read entries. Nothing else.

There is deliberately no function here (nor anywhere in the library) that updates
or deletes an entry: the log is append-only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from corridor.store.tables import audit_log

__all__ = ["append_entry", "entry_rows"]


def append_entry(
    connection: Connection,
    *,
    at: datetime,
    organization: str | None,
    user: str | None,
    action: str,
    object_type: str,
    object_id: str = "",
    count: int | None = None,
    detail: str = "",
) -> int:
    """Add one entry in the caller's transaction; its id."""
    result = connection.execute(
        insert(audit_log).values(
            at=at,
            organization=organization,
            user_id=user,
            action=action,
            object_type=object_type,
            object_id=object_id,
            count=count,
            detail=detail,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def entry_rows(
    connection: Connection,
    *,
    organization: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Entries newest first, narrowed to one organization, one action, a time range."""
    c = audit_log.c
    statement = select(audit_log).order_by(c.at.desc(), c.id.desc()).limit(limit)
    if organization is not None:
        statement = statement.where(c.organization == organization)
    if action is not None:
        statement = statement.where(c.action == action)
    if since is not None:
        statement = statement.where(c.at >= since)
    if until is not None:
        statement = statement.where(c.at < until)
    return [dict(row) for row in connection.execute(statement).mappings()]
