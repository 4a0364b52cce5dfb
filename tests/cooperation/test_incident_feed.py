"""The TAXII feed's merge of two ordered streams gives exactly what ordering every
readable incident by its ``date_added`` gives (the straightforward statement, kept here
as the reference), for any changes, shares, ties, readers, groups, floors and pages; on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, Select, and_, case, func, insert, or_, select, update

from corridor.events.access import Viewer
from corridor.events.model import Tlp
from corridor.events.query import IncidentQuery
from corridor.store.incident_feed import incidents_added
from corridor.store.incident_writes import upsert_incidents
from corridor.store.incidents import filtered
from corridor.store.tables import incident_shares, incidents
from tests.cooperation.conftest import incident

EPOCH = datetime(2026, 1, 1)
GROUPS = ["sco", "quiet", "pipeline-pair"]
READERS = [
    Viewer("kz-mvd", frozenset({"sco", "quiet", "pipeline-pair"})),
    Viewer("uz-mvd", frozenset({"pipeline-pair"})),
    Viewer("tr-police", frozenset({"quiet"})),
    Viewer("ir-police"),
]


def reference(
    connection: Connection,
    viewer: Viewer,
    group: str | None,
    added_after: datetime | None,
    start: tuple[datetime, int] | None,
    limit: int,
) -> list[tuple[int, datetime]]:
    """The whole table ordered by the later of the two times (what the feed did before)."""
    c, shared = incidents.c, incident_shares.c
    groups = [group] if group is not None else sorted(viewer.groups)
    last_share = (
        select(func.max(shared.shared_at))
        .where(shared.incident_uuid == c.uuid, shared.group_id.in_(groups))
        .scalar_subquery()
    )
    later = case((and_(last_share.is_not(None), last_share > c.updated_at), last_share),
                 else_=c.updated_at)  # fmt: skip
    date_added: Any = later if groups else c.updated_at
    statement: Select[Any] = select(c.id, date_added.label("added"))
    if group is not None:
        statement = statement.where(
            select(shared.incident_uuid)
            .where(shared.incident_uuid == c.uuid, shared.group_id == group)
            .exists()
        )
    statement = filtered(statement, IncidentQuery(), viewer)
    if added_after is not None:
        statement = statement.where(date_added > added_after)
    if start is not None:
        statement = statement.where(
            or_(date_added > start[0], and_(date_added == start[0], c.id >= start[1]))
        )
    rows = connection.execute(statement.order_by(date_added, c.id).limit(limit))
    return [(int(row.id), _naive(row.added)) for row in rows]


def _naive(moment: datetime | str) -> datetime:
    return (datetime.fromisoformat(moment) if isinstance(moment, str) else moment).replace(
        tzinfo=None
    )


records = st.lists(
    st.tuples(
        st.sampled_from(list(Tlp)),
        st.sampled_from(["kz-mvd", "uz-mvd", "tr-police"]),
        st.integers(0, 12),  # updated_at, in hours after EPOCH (few values: ties)
        st.lists(st.tuples(st.sampled_from(GROUPS), st.integers(0, 12)), max_size=3),
    ),
    min_size=1,
    max_size=14,
)
reads = st.lists(
    st.tuples(
        st.integers(0, 3),  # reader
        st.one_of(st.none(), st.sampled_from(GROUPS)),  # a group's collection, or all
        st.one_of(st.none(), st.integers(-1, 12)),  # added_after
        st.one_of(st.none(), st.tuples(st.integers(0, 12), st.integers(0, 16))),  # start
        st.integers(1, 6),  # limit
    ),
    min_size=1,
    max_size=6,
)


def _hour(n: int) -> datetime:
    return EPOCH + timedelta(hours=n)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(stored=records, asked=reads)
def test_the_merged_feed_equals_ordering_the_whole_table(
    platform: Engine,
    stored: list[tuple[Tlp, str, int, list[tuple[str, int]]]],
    asked: list[tuple[int, str | None, int | None, tuple[int, int] | None, int]],
) -> None:
    with platform.begin() as connection:
        connection.execute(incident_shares.delete())
        connection.execute(incidents.delete())
        made = [incident(f"f-{n}", tlp, owner) for n, (tlp, owner, _, _) in enumerate(stored)]
        upsert_incidents(connection, made)
        for record, (_, _, changed, shares) in zip(made, stored, strict=True):
            uuid = str(record.uuid)
            connection.execute(
                update(incidents).where(incidents.c.uuid == uuid).values(updated_at=_hour(changed))
            )
            for shared_with, hour in dict(shares).items():
                share = {"incident_uuid": uuid, "group_id": shared_with, "shared_at": _hour(hour)}
                connection.execute(insert(incident_shares).values(shared_by="x", **share))
        keys = [int(k) for (k,) in connection.execute(select(incidents.c.id))]
    for who, group, after, start, limit in asked:
        viewer = READERS[who]
        if group is not None and group not in viewer.groups:
            continue  # the collection is not the reader's
        added_after = _hour(after) if after is not None else None
        at = (_hour(start[0]), min(keys) + start[1]) if start is not None else None
        with platform.connect() as connection:
            expected = reference(connection, viewer, group, added_after, at, limit)
            found = incidents_added(
                connection, viewer, group=group, added_after=added_after, start=at, limit=limit
            )
        assert [(a.key, a.date_added) for a in found] == expected
