"""Sharing groups: who is in a group on a day, and so which groups a reader reads through.

The decision itself (may this viewer read this object) is ONE function,
:func:`corridor.events.access.may_read`, re-exported here; the store's SQL filter
mirrors it. This module works out the ``groups`` of the :class:`Viewer` it takes:

* an explicit group's members are the organizations added to it;
* a mechanism group's members are the organizations whose country is a full member
  of the atlas mechanism in the read date's year (so a state that joins starts
  reading and one that leaves stops), plus the mechanism's secretariat;
* a group with no members has no members: nobody reads through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from corridor.atlas.catalog import Atlas
from corridor.cooperation.models import GroupKind, Organization, OrganizationKind, SharingGroup
from corridor.events.access import COMMUNITY_LABELS, GROUP_LABELS, Viewer, may_read

__all__ = [
    "COMMUNITY_LABELS",
    "GROUP_LABELS",
    "Viewer",
    "group_members_on",
    "groups_of",
    "may_read",
]


def group_members_on(
    group: SharingGroup,
    explicit: Iterable[str],
    organizations: Mapping[str, Organization],
    atlas: Atlas | None,
    day: date,
) -> frozenset[str]:
    """The organizations in ``group`` on ``day``. ``explicit`` are the members added by
    hand (an explicit group's only ones). A mechanism's states are the atlas's member
    states that year (:meth:`Atlas.member_states`); one the atlas no longer has, or
    one not active that year, has none."""
    if group.kind is GroupKind.EXPLICIT:
        return frozenset(org for org in explicit if org in organizations)
    if atlas is None:
        raise ValueError(f"sharing group {group.id!r} follows a mechanism: pass the atlas")
    mechanism = atlas.mechanisms.get(group.mechanism or "")
    states: frozenset[str] = frozenset()
    if mechanism is not None:
        states = atlas.member_states(mechanism, day.year)
    return frozenset(
        org.id
        for org in organizations.values()
        if (org.country is not None and org.country in states)
        or (org.kind is OrganizationKind.SECRETARIAT and org.mechanism == group.mechanism)
    )


def groups_of(
    organization: str,
    groups: Iterable[SharingGroup],
    explicit: Mapping[str, frozenset[str]],
    organizations: Mapping[str, Organization],
    atlas: Atlas | None,
    day: date,
) -> frozenset[str]:
    """The ids of the groups ``organization`` belongs to on ``day`` (``explicit`` maps a
    group id to the members added by hand; ``atlas`` may be None when no group follows
    a mechanism)."""
    return frozenset(
        group.id
        for group in groups
        if organization
        in group_members_on(group, explicit.get(group.id, frozenset()), organizations, atlas, day)
    )
