"""The consultation use cases: meetings, their action items, and loading a forum's record.

Each takes the store (a SQLAlchemy ``Engine``) and the acting
:class:`~corridor.events.access.Viewer`, and returns typed records, never text:

    from corridor.cooperation.meeting_services import list_meetings, load_forum_record
    load_forum_record(engine, "cn-mps")
    for found in list_meetings(engine, Viewer("kz-mvd"), country="KAZ", since=date(2017, 1, 1)):
        print(found.meeting.title, found.meeting.country_count)

Every meeting, action item and training record carries a TLP label, an owner
organization and the sharing groups it is shared with, and every read goes through
:func:`readable`, the one sharing decision (:func:`~corridor.events.access.may_read`)
as it applies to them. An action item is shared as its meeting is. Sharing a record
with groups: :mod:`corridor.cooperation.record_sharing`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, TypeVar, Unpack

from pydantic import BaseModel, ConfigDict

from corridor.cooperation.meetings import (
    ActionItem,
    ActionStatus,
    Meeting,
    NotAllowedError,
    period,
)
from corridor.errors import InputError, UnknownValueError
from corridor.events.access import Viewer, may_read
from corridor.events.model import Tlp

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from corridor.atlas.catalog import Atlas
    from corridor.store.meetings import ActionRow, StoredAction
    from corridor.store.shared_records import PeriodFilters, Stored

__all__ = [
    "ForumLoad",
    "Listing",
    "MeetingDetail",
    "MeetingRecord",
    "Result",
    "acting",
    "action_items",
    "add_action_item",
    "add_meeting",
    "atlas_or_bundled",
    "list_meetings",
    "load_forum_record",
    "mechanism_family",
    "meeting",
    "period_filters",
    "readable",
    "readable_one",
    "readable_record",
    "resolved_countries",
    "shares_seen",
    "taken_by_another",
    "update_action_item",
]


def readable(viewer: Viewer, owner: str, tlp: Tlp, shared_with: Collection[str]) -> bool:
    """Whether ``viewer`` may read a consultation or training record owned by ``owner``,
    labelled ``tlp`` and shared with the groups ``shared_with``: the one decision every
    read here goes through."""
    return may_read(viewer, tlp, owner, shared_with)


def readable_record(viewer: Viewer, stored: Stored[Any]) -> bool:
    """:func:`readable` for a record as the store gives it."""
    return readable(viewer, stored.owner, stored.tlp, stored.shared_with)


class _Keyed(Protocol):
    @property
    def id(self) -> str: ...


K = TypeVar("K", bound=_Keyed)
if TYPE_CHECKING:
    # A store read narrowed by keyword filters (``keys=[...]``, or none: every record).
    Where = Callable[..., list[Stored[K]]]


def readable_one(viewer: Viewer, where: Where[K], key: str, *, what: str, hint: str) -> Stored[K]:
    """The stored record ``key`` if ``viewer`` may read it; :class:`UnknownValueError`
    naming those it may read otherwise (a record one may not read is not said to exist)."""
    for stored in where(keys=[key]):
        if readable_record(viewer, stored):
            return stored
    choices = [s.record.id for s in where() if readable_record(viewer, s)]
    raise UnknownValueError(what, key, choices, hint=hint)


def taken_by_another(where: Where[Any], key: str, organization: str) -> bool:
    """Whether the id ``key`` is stored already as another organization's record (it stays
    theirs: nobody else saves over it)."""
    return any(s.owner != organization for s in where(keys=[key]))


def shares_seen(viewer: Viewer, owner: str, shared_with: Sequence[str]) -> tuple[str, ...]:
    """The groups a record is shared with, as far as ``viewer`` may know: all of them for
    its owner, for others only those they belong to (a group's existence is not news to
    its members; to anyone else it may be)."""
    if viewer.organization is not None and viewer.organization == owner:
        return tuple(shared_with)
    return tuple(group for group in shared_with if group in viewer.groups)


class Result(BaseModel):
    """A frozen result, ready for ``model_dump(mode="json")``."""

    model_config = ConfigDict(frozen=True)


class MeetingRecord(Result):
    """A meeting as a reader gets it: the record, its sharing (``shared_with`` as far as the
    reader may know, see :func:`shares_seen`), and where its counts disagree."""

    meeting: Meeting
    owner: str
    tlp: Tlp
    uuid: str
    version: int
    shared_with: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


class MeetingDetail(Result):
    """A meeting with the meetings held within it and its action items (those readable)."""

    record: MeetingRecord
    parts: tuple[MeetingRecord, ...]
    actions: tuple[ActionItem, ...]


class ForumLoad(Result):
    """What loading a forum record did: counts by outcome per kind, and the record's notes."""

    document: str
    meetings: dict[str, int]
    courses: dict[str, int]
    tallies: dict[str, int]
    notes: tuple[str, ...]


# --------------------------------------------------------------------------- shared arguments


class Listing(TypedDict, total=False):
    """What a listing of meetings or courses is narrowed by (left out or None: no filter):
    ``mechanism`` and those under it, a ``country`` taking part (codes or names), a period
    ``since``..``until`` overlapped, and the ``atlas`` that knows the mechanisms (default:
    the bundled one)."""

    mechanism: str | None
    country: str | Sequence[str] | None
    since: date | None
    until: date | None
    atlas: Atlas | None


def period_filters(listing: Listing) -> PeriodFilters:
    """The store's filters for ``listing``: the mechanism checked and widened to those under
    it, the countries resolved to alpha-3 codes (unknown ones are refused). A key that is
    not one of :class:`Listing`'s is a ``TypeError``, as a misspelled keyword would be."""
    if unknown := sorted(listing.keys() - Listing.__optional_keys__):
        raise TypeError(f"unexpected keyword argument {unknown[0]!r}")
    mechanism = listing.get("mechanism")
    return {
        "mechanisms": (
            mechanism_family(atlas_or_bundled(listing.get("atlas")), mechanism)
            if mechanism
            else None
        ),
        "countries": resolved_countries(listing.get("country")),
        "since": listing.get("since"),
        "until": listing.get("until"),
    }


def mechanism_family(atlas: Atlas, mechanism: str | None) -> list[str] | None:
    """``mechanism`` and the mechanisms under it (LYG-FORUM brings LYG-PIPELINE), or None for
    no filter; an unknown id is refused with a suggestion."""
    if mechanism is None:
        return None
    if mechanism not in atlas.mechanisms:
        raise UnknownValueError(
            "mechanism", mechanism, sorted(atlas.mechanisms), hint="see `corridor atlas mechanisms`"
        )
    family = [mechanism]
    for current in family:
        family += [m.id for m in atlas.mechanisms.values() if m.parent == current]
    return family


def resolved_countries(country: str | Sequence[str] | None) -> list[str] | None:
    """Alpha-3 codes of countries given as codes or names; unknown ones are refused."""
    if country is None:
        return None
    from corridor.atlas.countries import resolve_country

    return [resolve_country(c) for c in ([country] if isinstance(country, str) else country)]


def atlas_or_bundled(atlas: Atlas | None) -> Atlas:
    """``atlas``, or the bundled one loaded now (library callers need not pass one)."""
    if atlas is not None:
        return atlas
    from corridor.atlas import load_atlas

    return load_atlas()


def acting(viewer: Viewer) -> str:
    """The organization a write is signed by; an anonymous viewer may not write."""
    if not viewer.organization:
        raise NotAllowedError("writing needs an organization (set CORRIDOR_ORGANIZATION)")
    return viewer.organization


def _record(viewer: Viewer, stored: Stored[Meeting]) -> MeetingRecord:
    meeting = stored.record
    return MeetingRecord(
        meeting=meeting,
        owner=stored.owner,
        tlp=stored.tlp,
        uuid=stored.uuid,
        version=stored.version,
        shared_with=shares_seen(viewer, stored.owner, stored.shared_with),
        notes=meeting.count_notes(),
    )


def _check_meeting(connection: Connection, viewer: Viewer, meeting: Meeting, atlas: Atlas) -> None:
    """Refuse a meeting that names an unknown mechanism or parent, or takes another's id."""
    from corridor.store.meetings import meetings_where

    mechanism_family(atlas, meeting.mechanism)
    if meeting.part_of is not None:
        parents = meetings_where(connection, Meeting, keys=[meeting.part_of])
        if not [p for p in parents if readable_record(viewer, p)]:
            raise UnknownValueError("meeting", meeting.part_of, hint="the meeting it is part of")
    if taken_by_another(partial(meetings_where, connection, Meeting), meeting.id, acting(viewer)):
        raise NotAllowedError(f"meeting id {meeting.id!r} is taken; choose another")


# --------------------------------------------------------------------------- meetings


def add_meeting(
    store: Engine,
    viewer: Viewer,
    meeting: Meeting,
    *,
    tlp: Tlp = Tlp.GREEN,
    atlas: Atlas | None = None,
    instance: str = "local",
) -> MeetingRecord:
    """Record ``meeting`` owned by the viewer's organization and labelled ``tlp``; saving it
    again with changes updates it (its version grows), unchanged it stays as it was."""
    from corridor.store.meetings import meetings_where, save_meeting

    owner = acting(viewer)
    with store.begin() as connection:
        _check_meeting(connection, viewer, meeting, atlas_or_bundled(atlas))
        save_meeting(connection, meeting, owner=owner, tlp=tlp, instance=instance)
        return _record(viewer, meetings_where(connection, Meeting, keys=[meeting.id])[0])


def list_meetings(store: Engine, viewer: Viewer, **listing: Unpack[Listing]) -> list[MeetingRecord]:
    """The meetings ``viewer`` may read, oldest first, narrowed by ``listing`` (see
    :class:`Listing`; a country counts if it attended or hosted)."""
    from corridor.store.meetings import meetings_where

    filters = period_filters(listing)
    with store.connect() as connection:
        found = meetings_where(connection, Meeting, **filters)
    return [_record(viewer, s) for s in found if readable_record(viewer, s)]


def _readable_meeting(connection: Connection, viewer: Viewer, key: str) -> Stored[Meeting]:
    """The stored meeting ``key`` if ``viewer`` may read it; unknown otherwise (a meeting one
    may not read is not said to exist)."""
    from corridor.store.meetings import meetings_where

    where = partial(meetings_where, connection, Meeting)
    return readable_one(viewer, where, key, what="meeting", hint="see `corridor meetings list`")


def meeting(store: Engine, viewer: Viewer, id: str, *, as_of: date | None = None) -> MeetingDetail:
    """Meeting ``id`` with its parts and action items (statuses as of ``as_of``, default
    today), if ``viewer`` may read it; :class:`UnknownValueError` otherwise."""
    from corridor.store.meetings import action_rows, meetings_where

    with store.connect() as connection:
        stored = _readable_meeting(connection, viewer, id)
        parts = meetings_where(connection, Meeting, part_of=id)
        actions = action_rows(connection, meeting=id)
    day = as_of or date.today()
    return MeetingDetail(
        record=_record(viewer, stored),
        parts=tuple(_record(viewer, p) for p in parts if readable_record(viewer, p)),
        actions=tuple(_action(a.item).as_of(day) for a in actions),
    )


# --------------------------------------------------------------------------- action items


def add_action_item(
    store: Engine,
    viewer: Viewer,
    meeting_id: str,
    text: str,
    *,
    owner: str,
    deadline: date | None = None,
    as_of: date | None = None,
) -> ActionItem:
    """A new open action item of meeting ``meeting_id`` for organization ``owner``. Only the
    meeting's owner adds items; the item is shared as its meeting is."""
    from corridor.store.meetings import action_rows, insert_action

    if not text.strip():
        raise InputError("an action item needs a text saying what is to be done")
    if not owner.strip():
        raise InputError("an action item needs an owner organization (--owner)")
    with store.begin() as connection:
        stored = _readable_meeting(connection, viewer, meeting_id)
        if stored.owner != acting(viewer):
            raise NotAllowedError(
                f"only the organization that recorded meeting {meeting_id!r} adds action items"
            )
        item = insert_action(
            connection, stored.row_id, text=text.strip(), owner=owner.strip(), deadline=deadline
        )
        (found,) = action_rows(connection, item=item)
    return _action(found.item).as_of(as_of or date.today())


def update_action_item(
    store: Engine,
    viewer: Viewer,
    item_id: int,
    *,
    status: ActionStatus | None = None,
    deadline: date | None = None,
    as_of: date | None = None,
) -> ActionItem:
    """Mark item ``item_id`` open or done (done on ``as_of``, default today) and/or move its
    deadline. The meeting's owner and the item's owner may; overdue is never set by hand."""
    from corridor.store.meetings import action_rows, update_action

    if status is ActionStatus.OVERDUE:
        raise InputError("status overdue is worked out from the deadline; set open or done")
    day = as_of or date.today()
    with store.begin() as connection:
        found = [a for a in action_rows(connection, item=item_id) if _may_read_action(viewer, a)]
        if not found:
            raise UnknownValueError(
                "action item", str(item_id), hint="see `corridor meetings actions list`"
            )
        if acting(viewer) not in (found[0].meeting_owner, found[0].item.owner):
            raise NotAllowedError(
                f"action item {item_id} can be changed by its owner {found[0].item.owner!r} "
                "or by the organization that recorded its meeting"
            )
        update_action(
            connection,
            item_id,
            status=status.value if status else None,
            done_on=day,
            deadline=deadline,
        )
        (changed,) = action_rows(connection, item=item_id)
    return _action(changed.item).as_of(day)


def _action(row: ActionRow) -> ActionItem:
    """The stored row as the domain's action item (status as stored)."""
    return ActionItem(
        id=row.id,
        meeting=row.meeting,
        text=row.text,
        owner=row.owner,
        deadline=row.deadline,
        status=ActionStatus(row.status),
        done_on=row.done_on,
    )


def _may_read_action(viewer: Viewer, action: StoredAction) -> bool:
    return readable(viewer, action.meeting_owner, action.meeting_tlp, action.meeting_shared_with)


def action_items(
    store: Engine,
    viewer: Viewer,
    *,
    status: ActionStatus | None = None,
    owner: str | None = None,
    meeting: str | None = None,
    overdue_as_of: date | None = None,
) -> list[ActionItem]:
    """The action items ``viewer`` may read (those of meetings it may read), soonest deadline
    first, with statuses as of ``overdue_as_of`` (default today): an open item past its
    deadline is overdue. ``status`` keeps one status as of that day."""
    from corridor.store.meetings import action_rows

    day = overdue_as_of or date.today()
    with store.connect() as connection:
        if meeting is not None:
            _readable_meeting(connection, viewer, meeting)
        rows = action_rows(connection, owner=owner, meeting=meeting)
    items = [_action(a.item).as_of(day) for a in rows if _may_read_action(viewer, a)]
    return [i for i in items if status is None or i.status is status]


# --------------------------------------------------------------------------- forum record


class _Signature(TypedDict):
    owner: str
    tlp: Tlp
    instance: str


def load_forum_record(
    store: Engine,
    organization: str,
    *,
    path: Path | None = None,
    tlp: Tlp = Tlp.CLEAR,
    atlas: Atlas | None = None,
    instance: str = "local",
) -> ForumLoad:
    """Load a forum record (default: the bundled Lianyungang Forum record of seed 003) as
    ``organization``'s, labelled ``tlp`` (CLEAR: it is published), in one transaction.

    Loading again changes nothing; records another organization loaded first stay theirs
    (counted as ``kept``). The file is checked whole before the store is touched.
    """
    from corridor.cooperation.meeting_record import read_forum_record
    from corridor.cooperation.training import TrainingCourse, TrainingTally
    from corridor.store.meetings import meetings_where, save_meeting
    from corridor.store.training import courses_where, save_course, save_tally, tallies_where

    record = read_forum_record(path, atlas_or_bundled(atlas))
    counts: dict[str, dict[str, int]] = {"meetings": {}, "courses": {}, "tallies": {}}

    def count(kind: str, outcome: str) -> None:
        counts[kind][outcome] = counts[kind].get(outcome, 0) + 1

    sign = _Signature(owner=organization, tlp=tlp, instance=instance)
    with store.begin() as connection:
        meetings = partial(meetings_where, connection, Meeting)
        for m in record.meetings:
            if taken_by_another(meetings, m.id, organization):
                count("meetings", "kept")
                continue
            count("meetings", save_meeting(connection, m, **sign).value)
        courses = partial(courses_where, connection, TrainingCourse)
        for c in record.courses:
            if taken_by_another(courses, c.id, organization):
                count("courses", "kept")
                continue
            count("courses", save_course(connection, c, **sign).value)
        held = {s.record.id: s.owner for s in tallies_where(connection, TrainingTally)}
        for t in record.tallies:
            if held.get(t.id, organization) != organization:
                count("tallies", "kept")
                continue
            as_of = period(t.as_of)[1]
            count("tallies", save_tally(connection, t, as_of=as_of, **sign).value)
    return ForumLoad(document=record.document, notes=tuple(map(str, record.notes)), **counts)
