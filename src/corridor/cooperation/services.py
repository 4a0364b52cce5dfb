"""The cooperation use cases, for the command line, the HTTP API and Python alike.

Each takes the store (a SQLAlchemy ``Engine``) and the acting :class:`Principal`
(or, for reads of shared objects, the :class:`Viewer`), and returns typed values:

    from corridor.cooperation.services import authenticate, create_organization
    admin = Principal.operator("platform")
    create_organization(engine, admin, "kz-mvd", name="Ministry of Internal Affairs",
                        kind="law_enforcement", country="KAZ", atlas=atlas)
    principal = authenticate(engine, token, secret=secret)
"""

from __future__ import annotations

from corridor.cooperation.audit import audit, audit_log
from corridor.cooperation.directory import (
    add_contact,
    create_organization,
    create_user,
    list_contacts,
    list_organizations,
    list_users,
    organization_of,
)
from corridor.cooperation.groups import (
    GroupListing,
    add_group_members,
    create_group,
    group_members,
    list_groups,
    share_incident,
    viewer_for,
)
from corridor.cooperation.identity import (
    DEFAULT_TOKEN_DAYS,
    authenticate,
    issue_token,
    list_tokens,
    revoke_token,
    verify_token,
)
from corridor.cooperation.models import Principal

__all__ = [
    "DEFAULT_TOKEN_DAYS",
    "GroupListing",
    "Principal",
    "add_contact",
    "add_group_members",
    "audit",
    "audit_log",
    "authenticate",
    "create_group",
    "create_organization",
    "create_user",
    "group_members",
    "issue_token",
    "list_contacts",
    "list_groups",
    "list_organizations",
    "list_tokens",
    "list_users",
    "organization_of",
    "revoke_token",
    "share_incident",
    "verify_token",
    "viewer_for",
]
