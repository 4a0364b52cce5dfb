"""Sharing groups and what is shared with them; the :class:`Viewer` a read goes through.

A group is explicit (members added by hand) or follows an atlas mechanism (its
member states' organizations in the read date's year, plus its secretariat); a
confidential group's members receive what is shared but cannot list one another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from corridor.cooperation.audit import audit_in
from corridor.cooperation.directory import known_organization, organizations_by_id
from corridor.cooperation.models import (
    AuditAction,
    GroupKind,
    Organization,
    Permission,
    PermissionDeniedError,
    Principal,
    SharingGroup,
    check_identifier,
)
from corridor.cooperation.records import new_origin, origin_of, utc
from corridor.cooperation.sharing import group_members_on, groups_of
from corridor.errors import InputError, UnknownValueError
from corridor.events.access import Viewer

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from corridor.atlas.catalog import Atlas

__all__ = [
    "GroupListing",
    "add_group_members",
    "atlas_of",
    "create_group",
    "group_members",
    "known_groups",
    "list_groups",
    "may_share",
    "memberships",
    "sharable_groups",
    "share_incident",
    "shares_in",
    "viewer_for",
]


def atlas_of(atlas: Atlas | Callable[[], Atlas] | None) -> Atlas:
    """The atlas given, or made by the function given, or the bundled one."""
    if atlas is None:
        from corridor.atlas import load_atlas

        return load_atlas()
    return atlas() if callable(atlas) else atlas


def _group(row: Mapping[str, Any]) -> SharingGroup:
    return SharingGroup(
        id=row["id"],
        name=row["name"],
        kind=GroupKind(row["kind"]),
        mechanism=row["mechanism"],
        confidential=bool(row["confidential"]),
        owner=row["owner"],
        origin=origin_of(row),
    )


@dataclass(frozen=True)
class _Directory:
    """What the sharing rule needs from the store, read in one go."""

    groups: dict[str, SharingGroup]
    explicit: dict[str, frozenset[str]]
    organizations: dict[str, Organization]

    @classmethod
    def read(
        cls, connection: Connection, organizations: Mapping[str, Organization] | None = None
    ) -> _Directory:
        """The directory; ``organizations`` if the caller has read them already."""
        from corridor.store.parties import explicit_members, group_rows

        groups = {row["id"]: _group(row) for row in group_rows(connection)}
        known = organizations_by_id(connection) if organizations is None else dict(organizations)
        return cls(groups, explicit_members(connection), known)

    def members(
        self, group: SharingGroup, atlas: Atlas | Callable[[], Atlas] | None, day: date
    ) -> frozenset[str]:
        explicit = self.explicit.get(group.id, frozenset())
        loaded = atlas_of(atlas) if group.kind is GroupKind.MECHANISM else None
        return group_members_on(group, explicit, self.organizations, loaded, day)

    def groups_of(
        self, organization: str, atlas: Atlas | Callable[[], Atlas] | None, day: date
    ) -> frozenset[str]:
        needs_atlas = any(g.kind is GroupKind.MECHANISM for g in self.groups.values())
        loaded = atlas_of(atlas) if needs_atlas else None
        return groups_of(
            organization, self.groups.values(), self.explicit, self.organizations, loaded, day
        )

    def group(self, group: str) -> SharingGroup:
        if group not in self.groups:
            raise UnknownValueError(
                "sharing group", group, sorted(self.groups), hint="`corridor admin group list`"
            )
        return self.groups[group]


def memberships(
    connection: Connection,
    atlas: Atlas | Callable[[], Atlas] | None = None,
    *,
    organizations: Mapping[str, Organization] | None = None,
) -> Callable[[str, date], frozenset[str]]:
    """The groups an organization belongs to on a day, with the directory read once:
    for work that asks for many organizations and days (routing an alert). Pass the
    ``organizations`` (``organizations_by_id``) if read already in this transaction."""
    directory = _Directory.read(connection, organizations)
    known: dict[tuple[str, date], frozenset[str]] = {}

    def groups(organization: str, day: date) -> frozenset[str]:
        if (organization, day) not in known:
            known[(organization, day)] = directory.groups_of(organization, atlas, day)
        return known[(organization, day)]

    return groups


def viewer_for(
    store: Engine,
    organization: str | None,
    *,
    on: date,
    user: str | None = None,
    atlas: Atlas | Callable[[], Atlas] | None = None,
) -> Viewer:
    """Who reads as ``organization`` on ``on``: the groups it belongs to that day.

    ``atlas`` (or a function that loads it) is needed only when a mechanism group
    exists; None loads the bundled atlas then."""
    if organization is None:
        return Viewer()
    with store.connect() as connection:
        directory = _Directory.read(connection)
    return Viewer(organization, directory.groups_of(organization, atlas, on), user)


def create_group(
    store: Engine,
    actor: Principal,
    group: str,
    *,
    name: str,
    mechanism: str | None = None,
    confidential: bool = False,
    owner: str | None = None,
    atlas: Atlas | Callable[[], Atlas] | None = None,
    instance: str = "local",
    now: datetime | None = None,
) -> SharingGroup:
    """A new sharing group owned by ``owner`` (the actor's organization by default).

    With ``mechanism`` (an atlas mechanism id) its members follow that mechanism and
    only a platform admin makes it; an organization admin makes explicit groups for
    their own organization."""
    from corridor.store.parties import insert_group

    check_identifier("sharing group", group, longest=64)
    owner = owner or actor.organization
    if owner is None or not actor.may_manage(owner):
        raise PermissionDeniedError(f"{actor.viewer.who} may not make groups for {owner!r}")
    if mechanism is not None:
        actor.require(Permission.MANAGE_PLATFORM, "make mechanism groups")
        loaded = atlas_of(atlas)
        if mechanism not in loaded.mechanisms:
            raise UnknownValueError(
                "mechanism",
                mechanism,
                sorted(loaded.mechanisms),
                hint="`corridor atlas mechanisms`",
            )
    if not name.strip():
        raise InputError(f"sharing group {group!r}: the name is empty")
    at = utc(now)
    kind = GroupKind.MECHANISM if mechanism is not None else GroupKind.EXPLICIT
    with store.begin() as connection:
        known_organization(connection, owner)
        if group in _Directory.read(connection).groups:
            raise InputError(f"sharing group {group!r} exists already")
        row = {
            "id": group,
            "name": name.strip(),
            "kind": kind.value,
            "mechanism": mechanism,
            "confidential": confidential,
            "owner": owner,
            **new_origin(instance, owner, at),
        }
        insert_group(connection, row)
        audit_in(connection, actor.viewer, AuditAction.CREATE, "group", group, now=at)
        return _group(row)


def add_group_members(
    store: Engine,
    actor: Principal,
    group: str,
    organizations: Iterable[str],
    *,
    now: datetime | None = None,
) -> int:
    """Add organizations to an explicit group (its owner's admin, or a platform admin);
    how many were new. A mechanism group's members follow the atlas: refused."""
    from corridor.store.parties import add_group_members as add_members

    wanted = list(dict.fromkeys(organizations))
    if not wanted:
        raise InputError(f"sharing group {group!r}: name at least one organization to add")
    at = utc(now)
    with store.begin() as connection:
        directory = _Directory.read(connection)
        found = directory.group(group)
        if not actor.may_manage(found.owner):
            raise PermissionDeniedError(f"{actor.viewer.who} may not change group {group!r}")
        if found.kind is GroupKind.MECHANISM:
            raise InputError(
                f"sharing group {group!r} follows the mechanism {found.mechanism}: its members "
                "are that mechanism's member states' organizations, not added by hand"
            )
        for organization in wanted:
            known_organization(connection, organization)
        added = add_members(connection, group, wanted)
        audit_in(
            connection,
            actor.viewer,
            AuditAction.UPDATE,
            "group",
            group,
            count=added,
            detail={"added": wanted},
            now=at,
        )
        return added


@dataclass(frozen=True)
class GroupListing:
    """A group as one reader sees it: ``members`` on the day, or None where the group is
    confidential and the reader may not list them."""

    group: SharingGroup
    members: frozenset[str] | None


def _may_list_members(actor: Principal, group: SharingGroup) -> bool:
    return not group.confidential or actor.may_manage(group.owner)


def list_groups(
    store: Engine,
    actor: Principal,
    *,
    on: date,
    atlas: Atlas | Callable[[], Atlas] | None = None,
) -> list[GroupListing]:
    """The groups ``actor`` belongs to or administers on ``on`` (a platform admin: all),
    with their members where the reader may list them."""
    actor.require(Permission.READ, "list sharing groups")
    with store.connect() as connection:
        directory = _Directory.read(connection)
    listing = []
    for group in directory.groups.values():
        members = directory.members(group, atlas, on)
        if actor.organization in members or actor.may_manage(group.owner):
            shown = members if _may_list_members(actor, group) else None
            listing.append(GroupListing(group, shown))
    return listing


def group_members(
    store: Engine,
    actor: Principal,
    group: str,
    *,
    on: date,
    atlas: Atlas | Callable[[], Atlas] | None = None,
) -> frozenset[str]:
    """The organizations in ``group`` on ``on``. A confidential group's members cannot
    list one another (only its owner's admins and platform admins can); outsiders
    cannot list anyone."""
    actor.require(Permission.READ, "list group members")
    with store.connect() as connection:
        directory = _Directory.read(connection)
    found = directory.group(group)
    members = directory.members(found, atlas, on)
    if actor.may_manage(found.owner):
        return members
    if actor.organization not in members:
        raise PermissionDeniedError(f"{actor.viewer.who} is not in sharing group {group!r}")
    if found.confidential:
        raise PermissionDeniedError(
            f"sharing group {group!r} is confidential: its members cannot list one another"
        )
    return members


def may_share(actor: Principal, owner: str) -> bool:
    """Whether ``actor`` may share (or stop sharing) an object ``owner`` owns: its owner's
    users with the share permission, or a platform admin."""
    if actor.can(Permission.MANAGE_PLATFORM):
        return True
    return actor.can(Permission.SHARE) and owner == actor.organization


def sharable_groups(
    connection: Connection,
    actor: Principal,
    owner: str,
    groups: Iterable[str],
    *,
    on: date,
    atlas: Atlas | Callable[[], Atlas] | None = None,
) -> list[str]:
    """``groups`` (each once, in order) if ``owner``'s object may be shared with every one of
    them on ``on``: the group exists, and ``owner`` is a member that day, or ``actor``
    administers the group or the platform. Raises before anything is written."""
    wanted = list(dict.fromkeys(groups))
    if not wanted:  # most reports: nothing to check, nothing to read
        return []
    admin = actor.can(Permission.MANAGE_PLATFORM)
    directory = _Directory.read(connection)
    for group in wanted:
        found = directory.group(group)
        member = owner in directory.members(found, atlas, on)
        if not (admin or member or actor.may_manage(found.owner)):
            raise PermissionDeniedError(
                f"{actor.viewer.who} may not share with {group!r}: not a member on {on}"
            )
    return wanted


def known_groups(connection: Connection, groups: Iterable[str]) -> list[str]:
    """``groups`` (each once, in order) if every one exists; else :class:`UnknownValueError`."""
    directory = _Directory.read(connection)
    return [directory.group(group).id for group in dict.fromkeys(groups)]


def shares_in(
    connection: Connection,
    actor: Principal,
    object_type: str,
    object_id: str,
    uuid: str,
    groups: Sequence[str],
    *,
    at: datetime,
) -> int:
    """Share the incident (``object_type`` "incident") or record with ``uuid`` with the
    checked ``groups`` in the caller's transaction, audited as ``object_type``/``object_id``;
    how many groups were new."""
    from corridor.store.parties import share_incident as add_incident_shares
    from corridor.store.parties import share_record

    add = add_incident_shares if object_type == "incident" else share_record
    added = add(connection, uuid, groups, by=actor.viewer.who, at=at)
    audit_in(connection, actor.viewer, AuditAction.SHARE, object_type, object_id, count=added,
             detail={"groups": list(groups)}, now=at)  # fmt: skip
    return added


def share_incident(
    store: Engine,
    actor: Principal,
    incident: str,
    groups: Iterable[str],
    *,
    on: date,
    atlas: Atlas | Callable[[], Atlas] | None = None,
    now: datetime | None = None,
) -> int:
    """Share the incident with UUID ``incident`` with ``groups``; how many were new.

    Its owner shares it (a platform admin may share anything), with groups the owner
    belongs to or administers on ``on``. Sharing widens AMBER, AMBER+STRICT and RED
    to the groups' members; CLEAR and GREEN reach them already."""
    from corridor.store.parties import incident_owner

    actor.require(Permission.SHARE, "share incidents")
    wanted = list(groups)
    if not wanted:
        raise InputError(f"incident {incident}: name at least one sharing group")
    with store.begin() as connection:
        owner = incident_owner(connection, incident)
        if owner is None or not may_share(actor, owner):
            raise UnknownValueError("incident you own", incident)  # hidden ones look missing
        checked = sharable_groups(connection, actor, owner, wanted, on=on, atlas=atlas)
        return shares_in(connection, actor, "incident", incident, incident, checked, at=utc(now))
