"""The trust repository: each organization's reliability level per source, and which
sources an organization reads incidents from.

Rows go in and come out as plain mappings; :mod:`corridor.cooperation.trust_services`
turns them into :class:`~corridor.cooperation.trust.SourceTrust` values.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from corridor.events.access import Viewer
from corridor.store.incidents import visible_to
from corridor.store.tables import incidents, source_trust

__all__ = [
    "delete_trust",
    "insert_trust",
    "reads_from",
    "reporters_visible",
    "trust_levels",
    "trust_rows",
    "update_trust",
]

Row = dict[str, Any]


def trust_rows(connection: Connection, organization: str, source: str | None = None) -> list[Row]:
    """``organization``'s settings (only ``source``'s if given), by source."""
    statement = select(source_trust).where(source_trust.c.organization == organization)
    if source is not None:
        statement = statement.where(source_trust.c.source == source)
    return [dict(r._mapping) for r in connection.execute(statement.order_by(source_trust.c.source))]


def trust_levels(connection: Connection, organization: str) -> dict[str, str]:
    """``organization``'s level (a letter) for each source it has set one for."""
    statement = select(source_trust.c.source, source_trust.c.level).where(
        source_trust.c.organization == organization
    )
    return {str(source): str(level) for source, level in connection.execute(statement)}


def insert_trust(connection: Connection, row: Mapping[str, Any]) -> None:
    connection.execute(insert(source_trust).values(**row))


def update_trust(
    connection: Connection,
    organization: str,
    source: str,
    *,
    level: str,
    set_by: str,
    at: datetime,
) -> None:
    """A new level for an existing setting; its version grows by one."""
    connection.execute(
        update(source_trust)
        .where(source_trust.c.organization == organization, source_trust.c.source == source)
        .values(level=level, set_by=set_by, updated_at=at, version=source_trust.c.version + 1)
    )


def delete_trust(connection: Connection, organization: str, source: str) -> int:
    """Remove a setting; how many rows went (0 or 1)."""
    result = connection.execute(
        delete(source_trust).where(
            source_trust.c.organization == organization, source_trust.c.source == source
        )
    )
    return int(result.rowcount)


def reads_from(connection: Connection, viewer: Viewer, reporter: str) -> bool:
    """Whether ``viewer`` may read at least one incident ``reporter`` reported."""
    statement = select(incidents.c.id).where(incidents.c.reporter == reporter, visible_to(viewer))
    return connection.execute(statement.limit(1)).first() is not None


def reporters_visible(connection: Connection, viewer: Viewer) -> list[str]:
    """The reporters of the incidents ``viewer`` may read, sorted (empty ones left out)."""
    statement = select(incidents.c.reporter).distinct().where(visible_to(viewer))
    return sorted(str(r) for (r,) in connection.execute(statement) if r)
