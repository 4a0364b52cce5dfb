"""Incidents in the order the store added them, for feeds that pull what is new (TAXII).

An incident's ``date_added`` in a feed is the last time it changed for that feed's
readers: its ``updated_at``, or later the moment it was shared with a group the feed
reads through (sharing an old incident must reach a client that pulls
``added_after`` its last pull). Reads page by key ``(date_added, id)``, so a page
boundary never moves when rows are added behind it; and every read applies the
sharing rule through :func:`corridor.store.incidents.filtered`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, case, func, or_, select, tuple_

from corridor.events.access import Viewer
from corridor.events.model import Incident
from corridor.events.query import IncidentQuery
from corridor.store.incidents import filtered, incident_from_row
from corridor.store.tables import incident_shares, incidents

__all__ = ["AddedIncident", "incidents_added"]


@dataclass(frozen=True, slots=True)
class AddedIncident:
    """An incident, its row key and when the feed's readers got it (naive UTC)."""

    key: int
    date_added: datetime
    incident: Incident


def _later(first: Any, second: Any) -> Any:
    """SQL: the later of two times, either of which may be NULL (portable: no GREATEST)."""
    return case((and_(first.is_not(None), first > second), first), else_=second)


def _shared_at(groups: Iterable[str]) -> Any:
    """SQL: when the incident was last shared with one of ``groups`` (NULL if never)."""
    return (
        select(func.max(incident_shares.c.shared_at))
        .where(
            incident_shares.c.incident_uuid == incidents.c.uuid,
            incident_shares.c.group_id.in_(sorted(groups)),
        )
        .scalar_subquery()
    )


def incidents_added(
    connection: Connection,
    viewer: Viewer,
    *,
    group: str | None = None,
    added_after: datetime | None = None,
    start: tuple[datetime, int] | None = None,
    limit: int,
) -> list[AddedIncident]:
    """Up to ``limit`` incidents ``viewer`` may read, by ``(date_added, key)``: shared
    with ``group`` (None: all it may read), added strictly after ``added_after``, from
    key ``start`` on (inclusive). Times are naive UTC.

    No index orders by ``date_added`` (the later of two tables' times), so the page is a
    merge of streams that indexes do order: the incidents by when they changed and the
    shares by when they were made. Each incident of the feed is met in one of them no
    later than its ``date_added``, so once every stream is past a point, all incidents
    added before it have been met and are given out in order. A page reads about as many
    keys as it gives (more where many shares bear one time), and only its own rows,
    where ordering by the computed time read the whole table (7.5 s a page for a reader
    in four groups, a million incidents)."""
    groups = [group] if group is not None else sorted(viewer.groups)
    floors = [moment for moment in (added_after, start[0] if start else None) if moment]
    floor = max(floors) if floors else None
    date_added = _later(_shared_at(groups), incidents.c.updated_at) if groups else None
    feed = _Feed(connection, viewer, groups, group, floor, date_added)
    streams: list[_Stream] = []
    if group is None:
        # All it may read changed no later than added; above a floor, one changed before
        # it may have been shared after it: the shares made since, after the change.
        changed = _Changed(feed)
        if start is not None and (added_after is None or start[0] >= added_after):
            # one changed at the start's moment under a lower key was added then (before
            # the start) or shared later (met by the shares)
            changed.last = (start[0], start[1] - 1)
        streams.append(changed)
        if groups and floor is not None:
            streams.append(_Shared(feed, after_change=True))
    else:
        # A group's were shared with it no later than added; above a floor, one shared
        # before it may have changed after it.
        streams.append(_Shared(feed, after_change=False))
        if floor is not None:
            streams.append(_Changed(feed))
    waiting: list[tuple[datetime, int]] = []
    seen: set[int] = set()
    found: list[tuple[datetime, int]] = []
    while len(found) < limit:
        heads = [head for head in (s.head() for s in streams) if head is not None]
        bound = min(heads) if heads else None
        while waiting and len(found) < limit and (bound is None or waiting[0] < bound):
            added = heapq.heappop(waiting)
            if (added_after is None or added[0] > added_after) and (
                start is None or added >= start
            ):
                found.append(added)
        if bound is None or len(found) == limit:
            break
        nearest = min((s for s in streams if s.head() is not None), key=_head_of)
        for added in nearest.take():
            if added[1] not in seen:
                seen.add(added[1])
                heapq.heappush(waiting, added)
    return feed.rows(found)


def _head_of(stream: _Stream) -> tuple[datetime, int]:
    head = stream.head()
    assert head is not None  # only streams with a head are asked
    return head


@dataclass
class _Feed:
    """What the streams of one read share: who reads, through which groups, from when."""

    connection: Connection
    viewer: Viewer
    groups: list[str]
    group: str | None  # a group's collection, or None: all the viewer may read
    floor: datetime | None
    date_added: Any  # SQL: the incident's date_added (None: its updated_at)

    def keys(self, statement: Select[Any]) -> Select[Any]:
        """``statement`` (over ``incidents``) with the incident's date_added and key, the
        viewer's rule and, for a group's collection, only what is shared with it."""
        c = incidents.c
        statement = statement.add_columns(
            (self.date_added if self.date_added is not None else c.updated_at).label("added"),
            c.id.label("key"),
        )
        if self.group is not None:
            shared = incident_shares.c
            statement = statement.where(
                select(shared.incident_uuid)
                .where(shared.incident_uuid == c.uuid, shared.group_id == self.group)
                .exists()
            )
        return filtered(statement, IncidentQuery(), self.viewer)

    def rows(self, found: list[tuple[datetime, int]]) -> list[AddedIncident]:
        """The incidents of ``found`` (date_added, key), read in one statement."""
        if not found:
            return []
        c = incidents.c
        statement = select(incidents).where(c.id.in_([key for _, key in found]))
        by_key = {row.id: incident_from_row(row) for row in self.connection.execute(statement)}
        return [AddedIncident(key, added, by_key[key]) for added, key in found]


class _Stream:
    """Keys of one ordered stream, read from the floor on, a batch at a time (each
    twice the last, up to a bound: many rows at one time are read in few statements)."""

    def __init__(self, feed: _Feed) -> None:
        self.feed = feed
        self.batch = 64
        self.last: tuple[Any, ...] | None = None  # the stream order of the last row read
        self.rows: list[tuple[tuple[datetime, int], tuple[datetime, int] | None]] = []
        self.done = False

    def head(self) -> tuple[datetime, int] | None:
        """No incident this stream has still to give comes before this (date_added, key);
        None once the stream is spent."""
        if not self.rows and not self.done:
            self.rows = self.read(self.batch)
            self.done = len(self.rows) < self.batch
            self.batch = min(self.batch * 2, 8192)
        return self.rows[0][0] if self.rows else None

    def take(self) -> list[tuple[datetime, int]]:
        """The (date_added, key) of the incidents read and not taken yet."""
        taken, self.rows = self.rows, []
        return [added for _, added in taken if added is not None]

    def read(self, batch: int) -> list[tuple[tuple[datetime, int], tuple[datetime, int] | None]]:
        raise NotImplementedError


class _Changed(_Stream):
    """The incidents by (updated_at, key): each added then, or later under its key."""

    def read(self, batch: int) -> list[tuple[tuple[datetime, int], tuple[datetime, int] | None]]:
        c = incidents.c
        base = select(c.updated_at)
        if self.feed.group is not None and self.feed.floor is not None:
            # a group's collection above a floor: its incidents shared before the floor
            # (the shares since meet the others), found from the group's own shares
            share = incident_shares.alias("share")
            base = base.join(share, share.c.incident_uuid == c.uuid).where(
                share.c.group_id == self.feed.group, share.c.shared_at < self.feed.floor
            )
        statement = self.feed.keys(base)
        if self.feed.floor is not None:
            statement = statement.where(c.updated_at >= self.feed.floor)
        if self.last is not None:
            moment, key = self.last
            statement = statement.where(
                or_(c.updated_at > moment, and_(c.updated_at == moment, c.id > key))
            )
        rows = self.feed.connection.execute(statement.order_by(c.updated_at, c.id).limit(batch))
        found: list[tuple[tuple[datetime, int], tuple[datetime, int] | None]] = [
            ((_naive(row.updated_at), row.key), (_naive(row.added), row.key)) for row in rows
        ]
        if found:
            self.last = found[-1][0]
        return found


class _Shared(_Stream):
    """The shares with the feed's groups by when they were made, then by incident key:
    each incident added then or later. ``after_change``: only shares made after the
    incident last changed (the others' incidents are met by their changes)."""

    def __init__(self, feed: _Feed, *, after_change: bool) -> None:
        super().__init__(feed)
        self.after_change = after_change

    def read(self, batch: int) -> list[tuple[tuple[datetime, int], tuple[datetime, int] | None]]:
        # an alias: the date_added and sharing subqueries over incident_shares must
        # correlate to the incident, not to this share
        shared, c = incident_shares.alias("share").c, incidents.c
        statement = (
            select(shared.shared_at, c.id)
            .join(incidents, c.uuid == shared.incident_uuid)
            .where(shared.group_id.in_(self.feed.groups))
        )
        if self.after_change:
            statement = statement.where(shared.shared_at > c.updated_at)
        if self.feed.floor is not None:
            statement = statement.where(shared.shared_at >= self.feed.floor)
        if self.last is not None:
            statement = statement.where(tuple_(shared.shared_at, c.id) > tuple_(*self.last))
        statement = statement.order_by(shared.shared_at, c.id).limit(batch)
        order = [(_naive(at), int(key)) for at, key in self.feed.connection.execute(statement)]
        if order:
            self.last = order[-1]
        # then the date_added of those the viewer may read (the rest are passed over)
        readable = self.feed.keys(select()).where(c.id.in_({key for _, key in order}))
        added = {
            row.key: (_naive(row.added), row.key) for row in self.feed.connection.execute(readable)
        }
        return [(at_key, added.get(at_key[1])) for at_key in order]


def _naive(moment: datetime | str) -> datetime:
    """A CASE over two DateTime columns comes back as text on SQLite."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.replace(tzinfo=None)
