"""A total kept by the server is the total counted afresh, whatever was written in
between and by whom (another engine standing in for another process: the CLI importing
while ``corridor serve`` runs); on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine

from corridor.events.access import Viewer
from corridor.events.model import Tlp
from corridor.events.query import IncidentQuery
from corridor.store.incident_writes import upsert_incidents
from corridor.store.incidents import count_matching, total_of_page
from corridor.store.parties import incident_owner, share_incident
from corridor.store.versions import INCIDENTS, TotalsCache, data_version
from tests.cooperation.conftest import incident

VIEWERS = [
    Viewer("kz-mvd", frozenset({"sco", "pipeline-pair"})),
    Viewer("uz-mvd", frozenset({"pipeline-pair"})),
    Viewer("tr-police"),
    Viewer(),
]
QUERIES = [
    IncidentQuery(limit=1, newest_first=True),
    IncidentQuery(limit=1, since=date(2022, 1, 1), threat_classes=("infrastructure_attack",)),
    IncidentQuery(limit=1, countries=("KAZ",), until=date(2023, 12, 31)),
]

GROUPS = ["sco", "quiet"]
writes = st.tuples(
    st.integers(0, 5),  # which incident (a few, so some writes change a stored one)
    st.sampled_from(list(Tlp)),
    st.sampled_from(["kz-mvd", "uz-mvd", "tr-police"]),
    st.sampled_from(["infrastructure_attack", "piracy"]),
    st.integers(2021, 2024),
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("write"), writes),
        st.tuples(
            st.just("share"), st.tuples(st.integers(0, 5), st.sampled_from(["sco", "quiet"]))
        ),
        st.tuples(st.just("read"), st.tuples(st.integers(0, 3), st.integers(0, 2))),
    ),
    min_size=1,
    max_size=25,
)


def _other_engine(store: Engine) -> Engine:
    """A second engine on the same database: another process's connections."""
    return create_engine(store.url)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=steps)
def test_a_kept_total_equals_a_fresh_count_after_any_writes(
    platform: Engine, plan: list[tuple[str, Any]]
) -> None:
    totals = TotalsCache()
    writer = _other_engine(platform)
    try:
        for kind, step in plan:
            if kind == "write":
                number, tlp, owner, threat, year = step
                record = incident(f"t-{number}", tlp, owner, threat_class=threat,
                                  start_date=date(year, 5, 1))  # fmt: skip
                with writer.begin() as connection:
                    upsert_incidents(connection, [record])
            elif kind == "share":
                number, group = step
                uuid = str(incident(f"t-{number}", Tlp.AMBER, "kz-mvd").uuid)
                with writer.begin() as connection:
                    if incident_owner(connection, uuid) is not None:
                        share_incident(connection, uuid, [group], by="kz-mvd", at=_now())
            else:
                who, which = step
                viewer, query = VIEWERS[who], QUERIES[which]
                with platform.connect() as connection:
                    fresh = count_matching(connection, query, viewer)
                    # a full page, so the total is not the page's own length
                    kept = total_of_page(connection, query, viewer, 1, totals)
                assert kept == fresh
    finally:
        writer.dispose()
    # and the same truth after the whole plan, read by everyone
    for viewer in VIEWERS:
        for query in QUERIES:
            with platform.connect() as connection:
                assert total_of_page(connection, query, viewer, 1, totals) == count_matching(
                    connection, query, viewer
                )
    with platform.begin() as connection:  # the next example starts from no incidents
        connection.exec_driver_sql("DELETE FROM incident_shares")
        connection.exec_driver_sql("DELETE FROM incidents")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def test_a_second_read_of_the_same_filter_is_not_counted_again(platform: Engine) -> None:
    with platform.begin() as connection:
        upsert_incidents(connection, [incident(f"k-{n}", Tlp.GREEN, "kz-mvd") for n in range(3)])
    totals, viewer = TotalsCache(), VIEWERS[0]
    query = IncidentQuery(limit=2)
    with platform.connect() as connection:
        assert total_of_page(connection, query, viewer, 2, totals) == 3
        later_page = IncidentQuery(limit=2, after=(date(2022, 5, 1), "x"))
        assert total_of_page(connection, later_page, viewer, 1, totals) == 3
    assert (totals.hits, totals.misses) == (1, 1)
    with platform.begin() as connection:
        version = data_version(connection, INCIDENTS)
        upsert_incidents(connection, [incident("k-9", Tlp.GREEN, "kz-mvd")])
        assert data_version(connection, INCIDENTS) == version + 1
    with platform.connect() as connection:
        assert total_of_page(connection, query, viewer, 2, totals) == 4
    assert totals.misses == 2


def test_a_first_page_with_room_to_spare_is_its_own_total(platform: Engine) -> None:
    with platform.begin() as connection:
        upsert_incidents(connection, [incident("only", Tlp.GREEN, "kz-mvd")])
    totals = TotalsCache()
    with platform.connect() as connection:
        assert total_of_page(connection, IncidentQuery(limit=5), VIEWERS[0], 1, totals) == 1
    assert (totals.hits, totals.misses) == (0, 0)  # nothing counted, nothing kept


def test_sharing_an_incident_reaches_the_kept_totals_of_the_group(platform: Engine) -> None:
    hidden = incident("shared-later", Tlp.AMBER, "uz-mvd")
    with platform.begin() as connection:
        upsert_incidents(connection, [hidden, incident("open", Tlp.GREEN, "uz-mvd")])
    totals, reader, query = TotalsCache(), VIEWERS[0], IncidentQuery(limit=1)
    with platform.connect() as connection:
        assert total_of_page(connection, query, reader, 1, totals) == 1
    with _other_engine(platform).begin() as connection:
        share_incident(connection, str(hidden.uuid), ["sco"], by="uz-mvd", at=_now())
    with platform.connect() as connection:
        assert total_of_page(connection, query, reader, 1, totals) == 2
