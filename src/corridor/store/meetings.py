"""The meetings repository: meetings with their countries, and their action items.

Reads return every row that matches the filters; the services apply the sharing
decision to what comes back (meetings are hundreds, not millions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar, Unpack

from pydantic import BaseModel
from sqlalchemy import Connection, insert, select, update

from corridor.events.model import Tlp
from corridor.store.parties import record_shares_of
from corridor.store.shared_records import (
    PeriodFilters,
    Saved,
    SharedRecord,
    Stored,
    now,
    period_records,
    replace_rows,
    upsert_record,
)
from corridor.store.tables import action_items, meeting_countries, meetings

__all__ = [
    "ActionRow",
    "MeetingShape",
    "StoredAction",
    "action_rows",
    "insert_action",
    "meetings_where",
    "save_meeting",
    "update_action",
]


M = TypeVar("M", bound=BaseModel)


class MeetingShape(SharedRecord, Protocol):
    """What the store files a meeting by (the domain's ``Meeting`` has it)."""

    @property
    def kind(self) -> str: ...
    @property
    def mechanism(self) -> str | None: ...
    @property
    def part_of(self) -> str | None: ...
    @property
    def starts(self) -> date: ...
    @property
    def ends(self) -> date: ...
    @property
    def countries(self) -> tuple[str, ...]: ...
    @property
    def host_country(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class ActionRow:
    """An action item as stored: status ``open`` or ``done``."""

    id: int
    meeting: str
    text: str
    owner: str
    deadline: date | None
    status: str
    done_on: date | None


@dataclass(frozen=True, slots=True)
class StoredAction:
    """An action item with the sharing of its meeting (owner, label, groups)."""

    item: ActionRow
    meeting_owner: str
    meeting_tlp: Tlp
    meeting_shared_with: tuple[str, ...]


def save_meeting(
    connection: Connection, meeting: MeetingShape, *, owner: str, tlp: Tlp, instance: str
) -> Saved:
    """Insert or update ``meeting`` (keyed by its id) with the countries it is found by."""
    row_id, saved = upsert_record(
        connection,
        meetings,
        meeting,
        owner=owner,
        tlp=tlp,
        instance=instance,
        columns={
            "kind": str(meeting.kind),
            "mechanism": meeting.mechanism,
            "part_of": meeting.part_of,
            "starts": meeting.starts,
            "ends": meeting.ends,
        },
    )
    if saved is not Saved.UNCHANGED:
        found = set(meeting.countries)
        if meeting.host_country is not None:
            found.add(meeting.host_country)
        rows = [{"country": code} for code in sorted(found)]
        replace_rows(connection, meeting_countries, "meeting_id", row_id, rows)
    return saved


def meetings_where(
    connection: Connection,
    model: type[M],
    *,
    part_of: str | None = None,
    **filters: Unpack[PeriodFilters],
) -> list[Stored[M]]:
    """Meetings matching every filter given (and held within ``part_of``), oldest first. A
    meeting counts for a country that took part in it or hosted it; read as ``model``."""
    also = [] if part_of is None else [meetings.c.part_of == part_of]
    return period_records(
        connection, meetings, model, meeting_countries.c.meeting_id, also=also, **filters
    )


def insert_action(
    connection: Connection, meeting_row: int, *, text: str, owner: str, deadline: date | None
) -> int:
    """A new open action item of the meeting with row id ``meeting_row``; its id."""
    import uuid

    stamp = now()
    item: int = connection.execute(
        insert(action_items)
        .values(
            uuid=str(uuid.uuid4()),
            meeting_id=meeting_row,
            text=text,
            owner=owner,
            deadline=deadline,
            status="open",
            version=1,
            created_at=stamp,
            updated_at=stamp,
        )
        .returning(action_items.c.id)
    ).scalar_one()
    return item


def action_rows(
    connection: Connection,
    *,
    item: int | None = None,
    owner: str | None = None,
    meeting: str | None = None,
) -> list[StoredAction]:
    """Action items (status as stored) with their meeting's key, owner, label and groups."""
    a, m = action_items.c, meetings.c
    statement = select(
        a.id, a.text, a.owner, a.deadline, a.status, a.done_on, m.key, m.owner.label("m_owner"),
        m.tlp, m.uuid,
    ).join_from(action_items, meetings, a.meeting_id == m.id)  # fmt: skip
    if item is not None:
        statement = statement.where(a.id == item)
    if owner is not None:
        statement = statement.where(a.owner == owner)
    if meeting is not None:
        statement = statement.where(m.key == meeting)
    rows = list(connection.execute(statement.order_by(a.deadline.is_(None), a.deadline, a.id)))
    shares = record_shares_of(connection, {row.uuid for row in rows})
    return [
        StoredAction(
            ActionRow(
                id=row.id,
                meeting=row.key,
                text=row.text,
                owner=row.owner,
                deadline=row.deadline,
                status=row.status,
                done_on=row.done_on,
            ),
            row.m_owner,
            Tlp(row.tlp),
            shares.get(row.uuid, ()),
        )
        for row in rows
    ]


def update_action(
    connection: Connection,
    item: int,
    *,
    status: str | None = None,
    done_on: date | None = None,
    deadline: date | None = None,
) -> None:
    """Change an item's status (``open`` or ``done``; ``done_on`` goes with done) and/or
    deadline."""
    values: dict[str, object] = {}
    if status is not None:
        values["status"] = status
        values["done_on"] = done_on if status == "done" else None
    if deadline is not None:
        values["deadline"] = deadline
    if values:
        connection.execute(
            update(action_items)
            .where(action_items.c.id == item)
            .values(version=action_items.c.version + 1, updated_at=now(), **values)
        )
