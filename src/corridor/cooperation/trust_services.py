"""Trust in sources as use cases: set, list and clear an organization's levels.

An organization's admin (or a platform admin) sets how reliable it judges a source;
its members read the settings, other organizations do not (what a partner thinks of
you is its business). Every change is audited. Risk scoring reads the levels through
:func:`trust_weights`, so every entry point weighs alike:

    from corridor.cooperation.trust_services import set_trust
    set_trust(engine, admin, "kz-mvd", "stix:cert-ua", "usually-reliable")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from corridor.cooperation.audit import audit_in
from corridor.cooperation.directory import known_organization, organizations_by_id
from corridor.cooperation.models import (
    AuditAction,
    Permission,
    PermissionDeniedError,
    Principal,
)
from corridor.cooperation.records import new_origin, origin_of, utc
from corridor.cooperation.trust import SourceTrust, TrustLevel, trust_level
from corridor.errors import UnknownValueError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from corridor.atlas.catalog import Atlas

__all__ = ["clear_trust", "list_trust", "set_trust", "trust_weights"]


def _trust(row: Mapping[str, Any]) -> SourceTrust:
    level = TrustLevel(row["level"])
    return SourceTrust(row["organization"], row["source"], level, row["set_by"], origin_of(row))


def _may_change(actor: Principal, organization: str) -> None:
    if not actor.may_manage(organization):
        raise PermissionDeniedError(
            f"{actor.viewer.who} may not set {organization}'s trust in sources "
            "(an org_admin of it or a platform_admin may)"
        )


def _known_source(
    store: Engine,
    organization: str,
    source: str,
    atlas: Atlas | Callable[[], Atlas] | None,
) -> None:
    """Refuse an unknown ``organization``, and a source it has nothing from: not an
    organization here, not rated yet, and no incident of it that the organization may
    read (so a typo never sets a rule that weighs nothing)."""
    from corridor.cooperation.groups import viewer_for
    from corridor.store.trust import reads_from, reporters_visible, trust_rows

    with store.connect() as connection:
        known_organization(connection, organization)
        organizations = organizations_by_id(connection)
        if source in organizations or trust_rows(connection, organization, source):
            return
    viewer = viewer_for(store, organization, on=date.today(), atlas=atlas)
    with store.connect() as connection:
        if reads_from(connection, viewer, source):
            return
        visible = reporters_visible(connection, viewer)
    known = sorted({*organizations, *visible})
    raise UnknownValueError(
        "source",
        source,
        known,
        hint=f"an organization, or the reporter of an incident {organization} may read, "
        "such as stix:PARTNER or public:ucdp",
    )


def set_trust(
    store: Engine,
    actor: Principal,
    organization: str,
    source: str,
    level: TrustLevel | str,
    *,
    atlas: Atlas | Callable[[], Atlas] | None = None,
    instance: str = "local",
    now: datetime | None = None,
) -> SourceTrust:
    """Set how reliable ``organization`` judges ``source`` (a level of the Admiralty scale:
    its letter or its words). Its admin or a platform admin only; audited.

    ``source`` must be an organization on the platform or the reporter of an incident
    ``organization`` may read (:class:`UnknownValueError` with a suggestion otherwise);
    ``atlas`` is needed only when a sharing group follows a mechanism."""
    from corridor.store.trust import insert_trust, trust_rows, update_trust

    chosen = trust_level(level)
    _may_change(actor, organization)
    _known_source(store, organization, source, atlas)
    at = utc(now)
    with store.begin() as connection:
        previous = trust_rows(connection, organization, source)
        if previous:
            update_trust(
                connection, organization, source, level=chosen.value, set_by=actor.viewer.who, at=at
            )
        else:
            row = {"organization": organization, "source": source, "level": chosen.value,
                   "set_by": actor.viewer.who}  # fmt: skip
            insert_trust(connection, {**row, **new_origin(instance, organization, at)})
        was = previous[0]["level"] if previous else None
        audit_in(
            connection, actor.viewer, AuditAction.UPDATE if previous else AuditAction.CREATE,
            "trust", f"{organization}/{source}",
            detail={"level": chosen.value, "weight": chosen.weight, "was": was}, now=at,
        )  # fmt: skip
        return _trust(trust_rows(connection, organization, source)[0])


def list_trust(store: Engine, actor: Principal, organization: str) -> list[SourceTrust]:
    """``organization``'s settings, by source: its own members read them, and platform
    admins; another organization may not."""
    from corridor.store.trust import trust_rows

    if not actor.can(Permission.MANAGE_PLATFORM):
        actor.require(Permission.READ, "read trust settings")
        if actor.organization != organization:
            raise PermissionDeniedError(
                f"{actor.viewer.who} may not read {organization}'s trust in sources"
            )
    with store.connect() as connection:
        known_organization(connection, organization)
        return [_trust(row) for row in trust_rows(connection, organization)]


def clear_trust(
    store: Engine,
    actor: Principal,
    organization: str,
    source: str,
    *,
    now: datetime | None = None,
) -> SourceTrust:
    """Remove ``organization``'s setting for ``source`` (its incidents weigh 1 again); the
    setting removed. Its admin or a platform admin only; audited."""
    from corridor.store.trust import delete_trust, trust_rows

    _may_change(actor, organization)
    at = utc(now)
    with store.begin() as connection:
        known_organization(connection, organization)
        found = trust_rows(connection, organization, source)
        if not found:
            rated = [row["source"] for row in trust_rows(connection, organization)]
            raise UnknownValueError(
                f"trust setting of {organization} for source", source, rated,
                hint=f"`corridor admin trust list --org {organization}`",
            )  # fmt: skip
        delete_trust(connection, organization, source)
        audit_in(
            connection, actor.viewer, AuditAction.UPDATE, "trust", f"{organization}/{source}",
            detail={"level": None, "was": found[0]["level"]}, now=at,
        )  # fmt: skip
        return _trust(found[0])


def trust_weights(connection: Connection, organization: str | None) -> dict[str, float]:
    """The weight of each source ``organization`` has rated (none for an anonymous
    reader): what risk scoring multiplies that organization's incidents by."""
    from corridor.store.trust import trust_levels

    if organization is None:
        return {}
    levels = trust_levels(connection, organization)
    return {source: TrustLevel(level).weight for source, level in levels.items()}
