"""Who is on the platform: organizations, their users, their liaison contacts.

Use cases over the store, each taking the acting :class:`Principal`: platform
admins register organizations; an organization's admin manages its users and
contacts; everyone signed in reads the directory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from corridor.choices import member
from corridor.cooperation.audit import audit_in
from corridor.cooperation.models import (
    AuditAction,
    ContactLevel,
    LiaisonContact,
    Organization,
    OrganizationKind,
    Permission,
    PermissionDeniedError,
    Principal,
    Role,
    User,
    check_identifier,
)
from corridor.cooperation.records import new_origin, origin_of, utc
from corridor.errors import InputError, UnknownValueError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from corridor.atlas.catalog import Atlas

__all__ = [
    "add_contact",
    "create_organization",
    "create_user",
    "list_contacts",
    "list_organizations",
    "list_users",
    "organization_of",
]


def _organization(row: Mapping[str, Any]) -> Organization:
    return Organization(
        id=row["id"],
        name=row["name"],
        kind=OrganizationKind(row["kind"]),
        country=row["country"],
        mechanism=row["mechanism"],
        assets=tuple(row["assets"]),
        origin=origin_of(row),
    )


def organizations_by_id(connection: Connection) -> dict[str, Organization]:
    """Every organization, by id (for the sharing rule and for checks)."""
    from corridor.store.parties import organization_rows

    return {row["id"]: _organization(row) for row in organization_rows(connection)}


def known_organization(connection: Connection, organization: str) -> Organization:
    """The organization, or :class:`UnknownValueError` naming the known ones."""
    found = organizations_by_id(connection)
    if organization not in found:
        raise UnknownValueError(
            "organization", organization, sorted(found), hint="`corridor admin org list`"
        )
    return found[organization]


def create_organization(
    store: Engine,
    actor: Principal,
    organization: str,
    *,
    name: str,
    kind: OrganizationKind | str,
    atlas: Atlas,
    country: str | None = None,
    mechanism: str | None = None,
    assets: Iterable[str] = (),
    instance: str = "local",
    now: datetime | None = None,
) -> Organization:
    """Register an organization. ``country`` is an ISO alpha-3 code of the atlas;
    ``mechanism`` (an atlas mechanism id) is required for a secretariat and names what
    it serves; ``assets`` are atlas asset ids it operates. Platform admins only."""
    from corridor.store.parties import insert_organization

    actor.require(Permission.MANAGE_PLATFORM, "register organizations")
    check_identifier("organization", organization, longest=160)
    chosen = member(OrganizationKind, kind, "organization kind")
    if not name.strip():
        raise InputError(f"organization {organization!r}: the name is empty")
    if country is not None and country not in atlas.countries:
        raise UnknownValueError("country", country, sorted(atlas.countries))
    if mechanism is not None and mechanism not in atlas.mechanisms:
        raise UnknownValueError(
            "mechanism", mechanism, sorted(atlas.mechanisms), hint="`corridor atlas mechanisms`"
        )
    if chosen is OrganizationKind.SECRETARIAT and mechanism is None:
        raise InputError(f"organization {organization!r}: a secretariat names its --mechanism")
    owned = tuple(dict.fromkeys(assets))
    for asset in owned:
        if asset not in atlas.assets:
            raise UnknownValueError(
                "asset", asset, sorted(atlas.assets), hint="`corridor atlas assets`"
            )
    at = utc(now)
    with store.begin() as connection:
        if organization in organizations_by_id(connection):
            raise InputError(f"organization {organization!r} exists already")
        row = {
            "id": organization,
            "name": name.strip(),
            "kind": chosen.value,
            "country": country,
            "mechanism": mechanism,
            **new_origin(instance, organization, at),
        }
        insert_organization(connection, row, owned)
        audit_in(connection, actor.viewer, AuditAction.CREATE, "organization", organization, now=at)
        return _organization({**row, "assets": list(owned)})


def list_organizations(store: Engine, actor: Principal) -> list[Organization]:
    """Every organization on the platform, by id: the directory members read."""
    actor.require(Permission.READ, "read the directory")
    with store.connect() as connection:
        return list(organizations_by_id(connection).values())


def organization_of(store: Engine, organization: str) -> Organization | None:
    """The organization with this id, or None (for entry points checking a name)."""
    with store.connect() as connection:
        return organizations_by_id(connection).get(organization)


def _user(row: Mapping[str, Any]) -> User:
    return User(
        id=row["id"],
        organization=row["organization"],
        display_name=row["display_name"],
        roles=frozenset(Role(r) for r in json.loads(row["roles"])),
        disabled=bool(row["disabled"]),
        origin=origin_of(row),
    )


def create_user(
    store: Engine,
    actor: Principal,
    user: str,
    *,
    organization: str,
    roles: Iterable[Role | str],
    display_name: str = "",
    instance: str = "local",
    now: datetime | None = None,
) -> User:
    """Add a user to ``organization`` with ``roles`` (at least one). An organization's
    admin adds users to it; only a platform admin grants platform_admin."""
    from corridor.store.parties import insert_user, user_rows

    check_identifier("user", user, longest=160)
    granted = frozenset(member(Role, r, "role") for r in roles)
    if not granted:
        raise InputError(f"user {user!r}: give at least one role ({', '.join(Role)})")
    if not actor.may_manage(organization):
        raise PermissionDeniedError(f"{actor.viewer.who} may not add users to {organization!r}")
    if Role.PLATFORM_ADMIN in granted and not actor.can(Permission.MANAGE_PLATFORM):
        raise PermissionDeniedError(f"{actor.viewer.who} may not grant platform_admin")
    at = utc(now)
    with store.begin() as connection:
        known_organization(connection, organization)
        if user_rows(connection, user=user):
            raise InputError(f"user {user!r} exists already")
        row = {
            "id": user,
            "organization": organization,
            "display_name": display_name.strip(),
            "roles": json.dumps(sorted(granted)),
            "disabled": False,
            **new_origin(instance, organization, at),
        }
        insert_user(connection, row)
        audit_in(connection, actor.viewer, AuditAction.CREATE, "user", user, now=at)
        return _user(row)


def list_users(store: Engine, actor: Principal, *, organization: str | None = None) -> list[User]:
    """Users by id: a platform admin sees all (or one organization's); an organization
    admin sees their own organization's."""
    from corridor.store.parties import user_rows

    if not actor.can(Permission.MANAGE_PLATFORM):
        organization = organization or actor.organization
        if organization is None or not actor.may_manage(organization):
            raise PermissionDeniedError(f"{actor.viewer.who} may not list these users")
    with store.connect() as connection:
        if organization is not None:
            known_organization(connection, organization)
        return [_user(row) for row in user_rows(connection, organization=organization)]


def user_by_id(connection: Connection, user: str) -> User:
    """The user, or :class:`UnknownValueError`."""
    from corridor.store.parties import user_rows

    found = user_rows(connection, user=user)
    if not found:
        known = [row["id"] for row in user_rows(connection)]
        raise UnknownValueError("user", user, known, hint="`corridor admin user list`")
    return _user(found[0])


def _contact(row: Mapping[str, Any]) -> LiaisonContact:
    return LiaisonContact(
        id=row["id"],
        organization=row["organization"],
        name=row["name"],
        position=row["position"],
        level=ContactLevel(row["level"]),
        email=row["email"],
        phone=row["phone"],
        origin=origin_of(row),
    )


def add_contact(
    store: Engine,
    actor: Principal,
    organization: str,
    *,
    name: str,
    level: ContactLevel | str = ContactLevel.WORKING,
    position: str = "",
    email: str = "",
    phone: str = "",
    instance: str = "local",
    now: datetime | None = None,
) -> LiaisonContact:
    """Add a liaison contact (the forum's liaison mechanism) to ``organization``."""
    from corridor.store.parties import insert_contact

    if not actor.may_manage(organization):
        raise PermissionDeniedError(f"{actor.viewer.who} may not add contacts to {organization!r}")
    chosen = member(ContactLevel, level, "contact level")
    if not name.strip():
        raise InputError(f"contact of {organization!r}: the name is empty")
    at = utc(now)
    with store.begin() as connection:
        known_organization(connection, organization)
        row: dict[str, Any] = {
            "organization": organization,
            "name": name.strip(),
            "position": position,
            "level": chosen.value,
            "email": email,
            "phone": phone,
            **new_origin(instance, organization, at),
        }
        row["id"] = insert_contact(connection, row)
        audit_in(connection, actor.viewer, AuditAction.CREATE, "contact", str(row["id"]), now=at)
        return _contact(row)


def list_contacts(
    store: Engine, actor: Principal, *, organization: str | None = None
) -> list[LiaisonContact]:
    """Liaison contacts, of one organization if given: every member reads the directory."""
    from corridor.store.parties import contact_rows

    actor.require(Permission.READ, "read the liaison directory")
    with store.connect() as connection:
        if organization is not None:
            known_organization(connection, organization)
        return [_contact(row) for row in contact_rows(connection, organization=organization)]
