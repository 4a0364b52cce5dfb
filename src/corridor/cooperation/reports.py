"""An organization reports one incident: the use case behind ``POST /incidents``.

The reporter is always the acting principal's organization, whatever the record says,
so nobody can put words in another organization's mouth; and a report never replaces
an incident another organization reported (same source and source id). A report and
its sharing are one transaction: a group it may not be shared with stores nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING

from corridor.alerts.raising import Notify, raise_alerts
from corridor.alerts.services import current_rules
from corridor.cooperation.audit import audit_in
from corridor.cooperation.groups import atlas_of, sharable_groups, shares_in
from corridor.cooperation.models import (
    AuditAction,
    Permission,
    PermissionDeniedError,
    Principal,
)
from corridor.cooperation.records import utc
from corridor.events.model import Incident

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from corridor.atlas.catalog import Atlas

__all__ = ["report_incident"]


def report_incident(
    store: Engine,
    actor: Principal,
    record: Mapping[str, object],
    *,
    share_with: Iterable[str] = (),
    on: date | None = None,
    atlas: Atlas | Callable[[], Atlas] | None = None,
    now: datetime | None = None,
    instance: str = "local",
    notify: Notify | None = None,
) -> Incident:
    """Store ``record`` (the fields of the generic report format) as an incident reported
    by ``actor``'s organization, shared with the groups ``share_with`` (checked on ``on``,
    default today), and raise the alerts it calls for (queued to ``notify``), all in one
    transaction: nothing is stored unless all of it is.

    :class:`PermissionDeniedError` without the report permission (or the share permission,
    with ``share_with``), when the same (source, source_id) belongs to another
    organization or a group is not the reporter's; :class:`UnknownValueError` for an
    unknown group; ``FieldError`` for a bad field.
    """
    from corridor.events.importers.generic import incident_from_record
    from corridor.store.database import writing
    from corridor.store.incident_writes import upsert_incidents
    from corridor.store.parties import incident_owner

    actor.require(Permission.REPORT, "report incidents")
    organization = actor.organization
    if organization is None:  # pragma: no cover - roles always come with an organization
        raise PermissionDeniedError("an anonymous reader may not report incidents")
    groups = list(share_with)
    if groups:
        actor.require(Permission.SHARE, "share incidents")
    incident = dataclasses.replace(incident_from_record(record), reporter=organization)
    uuid = str(incident.uuid)
    at = utc(now)
    with writing(store) as connection:  # on SQLite: the write lock first, then the reads
        owner = incident_owner(connection, uuid)
        if owner is not None and owner != organization:
            raise PermissionDeniedError(
                f"source {incident.source!r} id {incident.source_id!r} is another "
                "organization's report; choose another source_id"
            )
        day = on or at.date()
        checked = sharable_groups(connection, actor, organization, groups, on=day, atlas=atlas)
        upsert_incidents(connection, [incident], origin=instance)
        audit_in(
            connection,
            actor.viewer,
            AuditAction.CREATE if owner is None else AuditAction.UPDATE,
            "incident",
            uuid,
            count=1,
            detail={"tlp": incident.tlp.value},
            now=at,
        )
        if checked:
            shares_in(connection, actor, "incident", uuid, uuid, checked, at=at)
        raise_alerts(connection, [incident], atlas=atlas_of(atlas),
                     rules=current_rules(connection), now=at, notify=notify)  # fmt: skip
    return incident
