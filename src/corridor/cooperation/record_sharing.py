"""Sharing meeting records and training courses with sharing groups, as incidents are.

A record labelled AMBER, AMBER+STRICT or RED reaches its owner and the members of
the groups it is shared with (:func:`~corridor.events.access.may_read`, through
:func:`~corridor.cooperation.meeting_services.readable`); CLEAR and GREEN reach
everyone of their audience already. A meeting's action items follow the meeting.

Who may: the record's owner organization (its users with the share permission) or a
platform admin, as for incidents (:func:`~corridor.cooperation.groups.may_share`).
Sharing needs the owner to be a member of the group on the day (or the actor to
administer it); stopping only narrows, so it needs no membership. Both are audited.
A record the actor may not read is as unknown as a missing one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from corridor.cooperation.audit import audit_in
from corridor.cooperation.groups import known_groups, may_share, sharable_groups, shares_in
from corridor.cooperation.meeting_services import Result, readable_record
from corridor.cooperation.models import AuditAction, Permission, PermissionDeniedError, Principal
from corridor.cooperation.records import utc
from corridor.errors import InputError, UnknownValueError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from corridor.atlas.catalog import Atlas
    from corridor.store.shared_records import Stored

__all__ = ["RecordKind", "RecordShares", "UnknownRecordError", "share_record", "unshare_record"]


class UnknownRecordError(UnknownValueError):
    """No such record for this actor (HTTP 404): missing and hidden look alike."""


class RecordKind(StrEnum):
    """The records that are shared with groups besides incidents."""

    MEETING = "meeting"
    COURSE = "course"

    @property
    def label(self) -> str:
        return "training course" if self is RecordKind.COURSE else "meeting"


class RecordShares(Result):
    """A record's sharing after a change: every group it is shared with (its owner and
    platform admins see them all), and how many groups the change added or removed."""

    kind: RecordKind
    id: str
    shared_with: tuple[str, ...]
    changed: int


def _stored(connection: Connection, kind: RecordKind, key: str) -> list[Stored[Any]]:
    from corridor.cooperation.meetings import Meeting
    from corridor.cooperation.training import TrainingCourse
    from corridor.store.meetings import meetings_where
    from corridor.store.training import courses_where

    if kind is RecordKind.MEETING:
        return list(meetings_where(connection, Meeting, keys=[key]))
    return list(courses_where(connection, TrainingCourse, keys=[key]))


def _owned(
    connection: Connection, actor: Principal, kind: RecordKind, key: str, groups: list[str]
) -> Stored[Any]:
    """The stored record ``key`` if ``actor`` may change its sharing: unknown if it may not
    read it (hidden looks missing), refused if it reads it but does not own it."""
    doing = f"share {kind.label}s"
    actor.require(Permission.SHARE, doing)
    if not groups:
        raise InputError(f"{kind.label} {key!r}: name at least one sharing group")
    admin = actor.can(Permission.MANAGE_PLATFORM)  # shares anything, as for incidents
    found = [s for s in _stored(connection, kind, key) if admin or readable_record(actor.viewer, s)]
    if not found:
        raise UnknownRecordError(kind.label, key, hint=f"the {kind.label}s you may read")
    if not may_share(actor, found[0].owner):
        raise PermissionDeniedError(
            f"{actor.viewer.who} may not {doing}: {kind.label} {key!r} is {found[0].owner}'s"
        )
    return found[0]


def _after(connection: Connection, kind: RecordKind, key: str, changed: int) -> RecordShares:
    (stored,) = _stored(connection, kind, key)
    return RecordShares(kind=kind, id=key, shared_with=stored.shared_with, changed=changed)


def share_record(
    store: Engine,
    actor: Principal,
    kind: RecordKind,
    key: str,
    groups: Iterable[str],
    *,
    on: date,
    atlas: Atlas | Callable[[], Atlas] | None = None,
    now: datetime | None = None,
) -> RecordShares:
    """Share the meeting or training course ``key`` with ``groups`` (each must be one its
    owner belongs to on ``on``, or that ``actor`` administers); all or none, audited."""
    wanted = list(groups)
    with store.begin() as connection:
        stored = _owned(connection, actor, kind, key, wanted)
        checked = sharable_groups(connection, actor, stored.owner, wanted, on=on, atlas=atlas)
        added = shares_in(connection, actor, kind.value, key, stored.uuid, checked, at=utc(now))
        return _after(connection, kind, key, added)


def unshare_record(
    store: Engine,
    actor: Principal,
    kind: RecordKind,
    key: str,
    groups: Iterable[str],
    *,
    now: datetime | None = None,
) -> RecordShares:
    """Stop sharing the meeting or training course ``key`` with ``groups`` (known groups;
    one it was not shared with changes nothing); audited."""
    from corridor.store.parties import unshare_record as remove_shares

    wanted = list(groups)
    with store.begin() as connection:
        stored = _owned(connection, actor, kind, key, wanted)
        checked = known_groups(connection, wanted)
        removed = remove_shares(connection, stored.uuid, checked)
        audit_in(connection, actor.viewer, AuditAction.REVOKE, kind.value, key, count=removed,
                 detail={"groups": checked}, now=utc(now))  # fmt: skip
        return _after(connection, kind, key, removed)
