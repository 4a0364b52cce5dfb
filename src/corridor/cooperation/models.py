"""The parties of the platform and what they hold: plain values, no I/O.

Organizations (agencies, ministries, international organizations, operating
companies, mechanism secretariats), their users and roles, API tokens, liaison
contacts, sharing groups and audit entries. Every shared object carries an
:class:`Origin` (UUID, origin instance and organization, a version that grows
on each update) so instances can exchange them idempotently and in any order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from corridor.errors import CorridorError, InputError
from corridor.events.access import Viewer

__all__ = [
    "ROLE_PERMISSIONS",
    "AuditAction",
    "AuditEntry",
    "AuthenticationError",
    "ContactLevel",
    "GroupKind",
    "IssuedToken",
    "LiaisonContact",
    "Organization",
    "OrganizationKind",
    "Origin",
    "Permission",
    "PermissionDeniedError",
    "Principal",
    "Role",
    "SharingGroup",
    "Token",
    "TokenState",
    "User",
    "check_identifier",
]


class PermissionDeniedError(CorridorError):
    """The acting user's roles do not allow this (HTTP 403)."""


class AuthenticationError(CorridorError):
    """No valid credentials: an unknown, revoked or expired token (HTTP 401).

    The message never says which, so a guesser learns nothing."""


_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")


def check_identifier(what: str, value: str, *, longest: int) -> str:
    """``value`` if it can name a ``what`` (letters, digits, ``. _ @ -``; at most ``longest``
    characters), else :class:`InputError`: identifiers end up in URLs and CLI arguments."""
    if not _IDENTIFIER.fullmatch(value) or len(value) > longest:
        raise InputError(
            f"{what} {value!r}: use letters, digits, '.', '_', '@' and '-' "
            f"(starting with a letter or digit), at most {longest} characters"
        )
    return value


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a shared object comes from and which edit of it this is."""

    uuid: str
    instance: str
    organization: str
    version: int
    created_at: datetime
    updated_at: datetime


class OrganizationKind(StrEnum):
    LAW_ENFORCEMENT = "law_enforcement"  # a national law-enforcement agency
    MINISTRY = "ministry"
    INTERNATIONAL = "international"  # INTERPOL, SCO-RATS, EUROPOL, LMLECC, ...
    OPERATOR = "operator"  # an operating company: pipeline, rail, port, shipping
    SECRETARIAT = "secretariat"  # a mechanism's secretariat


@dataclass(frozen=True, slots=True)
class Organization:
    """A party on the platform. ``country`` is where it has one (international
    organizations have none); ``mechanism`` is the atlas mechanism a secretariat
    serves; ``assets`` are the atlas assets it operates."""

    id: str
    name: str
    kind: OrganizationKind
    country: str | None
    mechanism: str | None
    assets: tuple[str, ...]
    origin: Origin


class Role(StrEnum):
    VIEWER = "viewer"
    REPORTER = "reporter"
    ANALYST = "analyst"
    RESPONDER = "responder"
    ORG_ADMIN = "org_admin"
    PLATFORM_ADMIN = "platform_admin"


class Permission(StrEnum):
    READ = "read"  # read what is shared with the organization
    REPORT = "report"  # report incidents as the organization
    SHARE = "share"  # share the organization's objects with groups
    RESPOND = "respond"  # answer alerts, work cases (next issue)
    MANAGE_ORGANIZATION = "manage_organization"  # its users, tokens, contacts, audit
    MANAGE_PLATFORM = "manage_platform"  # organizations, groups, everything


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.READ}),
    Role.REPORTER: frozenset({Permission.READ, Permission.REPORT, Permission.SHARE}),
    Role.ANALYST: frozenset({Permission.READ, Permission.SHARE}),
    Role.RESPONDER: frozenset({Permission.READ, Permission.RESPOND}),
    Role.ORG_ADMIN: frozenset(
        {Permission.READ, Permission.REPORT, Permission.SHARE, Permission.MANAGE_ORGANIZATION}
    ),
    Role.PLATFORM_ADMIN: frozenset(Permission),
}


@dataclass(frozen=True, slots=True)
class User:
    """A person acting for one organization, with roles."""

    id: str
    organization: str
    display_name: str
    roles: frozenset[Role]
    disabled: bool
    origin: Origin


class TokenState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Token:
    """An API token as stored: never the token itself, only its public ``id``."""

    id: str
    user: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def state(self, now: datetime) -> TokenState:
        """Whether the token still opens the door at ``now`` (naive UTC)."""
        if self.revoked_at is not None:
            return TokenState.REVOKED
        return TokenState.ACTIVE if now < self.expires_at else TokenState.EXPIRED


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just issued: ``secret`` is the plain token, shown this once and never again."""

    secret: str = field(repr=False)
    token: Token


class ContactLevel(StrEnum):
    """The forum's liaison mechanism is at director-general level; others work below it."""

    MINISTERIAL = "ministerial"
    DIRECTOR_GENERAL = "director_general"
    WORKING = "working"  # the day-to-day point of contact


@dataclass(frozen=True, slots=True)
class LiaisonContact:
    """Whom to call at an organization, and at what level."""

    id: int
    organization: str
    name: str
    position: str
    level: ContactLevel
    email: str
    phone: str
    origin: Origin


class GroupKind(StrEnum):
    EXPLICIT = "explicit"  # members added by hand
    MECHANISM = "mechanism"  # members follow an atlas mechanism, year by year


@dataclass(frozen=True, slots=True)
class SharingGroup:
    """Who beyond the owner reads an AMBER, AMBER+STRICT or RED object shared with it.

    A confidential group's members receive what is shared but cannot list one another."""

    id: str
    name: str
    kind: GroupKind
    mechanism: str | None
    confidential: bool
    owner: str
    origin: Origin


class AuditAction(StrEnum):
    READ = "read"
    EXPORT = "export"
    CREATE = "create"
    UPDATE = "update"
    SHARE = "share"
    REVOKE = "revoke"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what to which object, when, and to how many records."""

    id: int
    at: datetime
    organization: str | None
    user: str | None
    action: AuditAction
    object_type: str
    object_id: str
    count: int | None
    detail: str


@dataclass(frozen=True, slots=True)
class Principal:
    """Who acts: a user of an organization with roles, and what they read as (``viewer``,
    with the groups their organization belongs to on the day). Anonymous: no user,
    no organization, no roles."""

    viewer: Viewer
    roles: frozenset[Role] = frozenset()

    @property
    def organization(self) -> str | None:
        return self.viewer.organization

    @property
    def user(self) -> str | None:
        return self.viewer.user

    @property
    def permissions(self) -> frozenset[Permission]:
        return frozenset().union(*(ROLE_PERMISSIONS[r] for r in self.roles))

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission, doing: str) -> None:
        """:class:`PermissionDeniedError` unless the roles allow ``permission``."""
        if not self.can(permission):
            roles = ", ".join(sorted(self.roles)) or "none"
            raise PermissionDeniedError(
                f"{self.viewer.who} may not {doing} (roles: {roles}; needs {permission.value})"
            )

    def may_manage(self, organization: str) -> bool:
        """Whether this principal administers ``organization`` (its own, or any as platform
        admin)."""
        if self.can(Permission.MANAGE_PLATFORM):
            return True
        return self.can(Permission.MANAGE_ORGANIZATION) and self.organization == organization

    @classmethod
    def operator(cls, organization: str, viewer: Viewer | None = None) -> Principal:
        """Whoever runs the command line on the store: holding the database, they hold
        everything, so they act as platform admin for ``organization``."""
        return cls(viewer or Viewer(organization), frozenset({Role.PLATFORM_ADMIN}))
