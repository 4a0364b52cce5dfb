"""The incident store on SQLite and PostgreSQL: upserts, versions, filters, sharing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from corridor.cooperation.sharing import Viewer, may_read
from corridor.events.columnar import storable
from corridor.events.model import Incident, Tlp
from corridor.store.incident_writes import upsert_incidents
from corridor.store.incidents import IncidentQuery, incidents_matching, stats
from corridor.store.tables import incidents as incident_table
from tests.store.records import clash
from tests.strategies import incidents

EVERYONE = Viewer("org-a")


def _all(
    engine: Engine, query: IncidentQuery | None = None, viewer: Viewer = EVERYONE
) -> list[Incident]:
    with engine.connect() as connection:
        return list(incidents_matching(connection, query or IncidentQuery(), viewer))


def _versions(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(incident_table.c.source_id, incident_table.c.version))
        return {r.source_id: r.version for r in rows}


def test_reimporting_the_same_records_changes_nothing(store: Engine) -> None:
    batch = [clash(str(i)) for i in range(10)]
    with store.begin() as connection:
        first = upsert_incidents(connection, batch)
    with store.begin() as connection:
        second = upsert_incidents(connection, batch)
    assert (first.inserted, first.updated, first.unchanged) == (10, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 10)
    assert set(_versions(store).values()) == {1}
    assert sorted(_all(store), key=lambda i: int(i.source_id)) == batch


def test_a_changed_record_is_updated_and_its_version_grows(store: Engine) -> None:
    with store.begin() as connection:
        upsert_incidents(connection, [clash("1"), clash("2")])
    with store.begin() as connection:
        counts = upsert_incidents(connection, [clash("1", fatalities_best=7), clash("2")])
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 1)
    assert _versions(store) == {"1": 2, "2": 1}
    assert {i.source_id: i.fatalities_best for i in _all(store)} == {"1": 7, "2": 3}


def test_an_older_version_does_not_overwrite_a_newer_one(store: Engine) -> None:
    newer = clash("1", title="corrected", source_updated=datetime(2024, 3, 1, 12, 0, tzinfo=UTC))
    older = clash("1", title="first draft", source_updated=datetime(2024, 1, 1, 12, 0, tzinfo=UTC))
    with store.begin() as connection:
        upsert_incidents(connection, [newer])
    with store.begin() as connection:
        counts = upsert_incidents(connection, [older])
    assert (counts.updated, counts.unchanged) == (0, 1)
    assert _all(store)[0].title == "corrected"


def test_a_batch_naming_a_record_twice_keeps_the_last(store: Engine) -> None:
    with store.begin() as connection:
        counts = upsert_incidents(connection, [clash("1", title="a"), clash("1", title="b")])
    assert counts.inserted == 1
    assert [i.title for i in _all(store)] == ["b"]


def test_filters_by_date_box_country_class_source_and_deaths(store: Engine) -> None:
    batch = [
        clash("a", start_date=date(2015, 6, 1)),
        clash("b", longitude=45.0, latitude=12.5, country="YEM", threat_class="piracy"),
        clash("c", fatalities_best=60),
        clash("d", start_date=date(2019, 1, 1), threat_class="terrorism"),
        dataclasses.replace(clash("e"), source="acled"),
        clash("f", longitude=179.5, latitude=-17.0, country="FJI"),
    ]
    with store.begin() as connection:
        upsert_incidents(connection, batch)

    def ids(**filters: object) -> set[str]:
        return {i.source_id for i in _all(store, IncidentQuery(**filters))}  # type: ignore[arg-type]

    assert ids(since=date(2016, 1, 1), until=date(2018, 12, 31)) == {"b", "c", "e", "f"}
    assert ids(bbox=(43.0, 10.0, 52.0, 16.0)) == {"b"}
    assert ids(bbox=(170.0, -20.0, -170.0, -10.0)) == {"f"}  # across the antimeridian
    assert ids(countries=("YEM",)) == {"b"}
    assert ids(threat_classes=("piracy", "terrorism")) == {"b", "d"}
    assert ids(sources=("acled",)) == {"e"}
    assert ids(min_fatalities=50) == {"c"}
    assert len(_all(store, IncidentQuery(limit=2, offset=1))) == 2


def test_stats_count_per_class_country_and_year(store: Engine) -> None:
    batch = [clash(str(i), start_date=date(2016 + i % 3, 1, 1)) for i in range(9)]
    batch.append(clash("p", threat_class="piracy", country="SOM"))
    with store.begin() as connection:
        upsert_incidents(connection, batch)
    with store.connect() as connection:
        counts = stats(connection, IncidentQuery(), EVERYONE)
    assert counts["total"] == 10
    assert counts["threat_class"] == {"armed_conflict": 9, "piracy": 1}
    assert counts["country"] == {"SOM": 1, "SYR": 9}
    assert counts["year"] == {"2016": 4, "2017": 3, "2018": 3}
    assert counts["year_class"]["2016"] == {"armed_conflict": 3, "piracy": 1}


def test_amber_reports_stay_with_their_organization(store: Engine) -> None:
    batch = [
        clash("clear", tlp=Tlp.CLEAR, reporter="org-a"),
        clash("green", tlp=Tlp.GREEN, reporter="org-a"),
        clash("amber", tlp=Tlp.AMBER, reporter="org-a"),
        clash("red", tlp=Tlp.RED, reporter="org-a"),
    ]
    with store.begin() as connection:
        upsert_incidents(connection, batch)
    seen = {v: {i.source_id for i in _all(store, viewer=Viewer(v))} for v in ("org-a", "org-b")}
    assert seen["org-a"] == {"clear", "green", "amber", "red"}
    assert seen["org-b"] == {"clear", "green"}
    assert {i.source_id for i in _all(store, viewer=Viewer(None))} == {"clear"}
    with store.connect() as connection:
        assert stats(connection, IncidentQuery(), Viewer("org-b"))["total"] == 2


_IDS = st.sets(st.integers(0, 30), max_size=20)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(stored=_IDS, incoming=_IDS, edited=_IDS)
def test_the_counts_say_what_each_record_met(
    store: Engine, stored: set[int], incoming: set[int], edited: set[int]
) -> None:
    """New, changed and unchanged records counted as a record-by-record comparison would."""
    with store.begin() as connection:
        connection.exec_driver_sql("DELETE FROM incidents")
        upsert_incidents(connection, [clash(str(i)) for i in sorted(stored)])
    batch = [clash(str(i), fatalities_best=9 if i in edited else 3) for i in sorted(incoming)]
    with store.begin() as connection:
        counts = upsert_incidents(connection, batch)
    old = incoming & stored
    assert counts.inserted == len(incoming - stored)
    assert counts.updated == len(old & edited)
    assert counts.unchanged == len(old - edited)
    assert len(_versions(store)) == len(stored | incoming)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batch=st.lists(
        incidents(), min_size=1, max_size=25, unique_by=lambda i: (i.source, i.source_id)
    ),
    viewer=st.sampled_from([Viewer("org-a"), Viewer("org-b"), Viewer(None)]),
)
def test_no_organization_sees_what_was_not_shared_with_it(
    store: Engine, batch: list[Incident], viewer: Viewer
) -> None:
    with store.begin() as connection:
        connection.exec_driver_sql("DELETE FROM incidents")
        upsert_incidents(connection, batch)
    visible = {(i.source, i.source_id) for i in _all(store, viewer=viewer)}
    kept = [storable(i) for i in batch]
    allowed = {(i.source, i.source_id) for i in kept if may_read(viewer, i.tlp, i.reporter)}
    assert visible == allowed


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batch=st.lists(
        incidents(), min_size=1, max_size=20, unique_by=lambda i: (i.source, i.source_id)
    )
)
def test_what_goes_in_comes_out_unchanged(store: Engine, batch: list[Incident]) -> None:
    with store.begin() as connection:
        connection.exec_driver_sql("DELETE FROM incidents")
        upsert_incidents(connection, batch)
    stored = {(i.source, i.source_id): i for i in _all(store, viewer=Viewer("org-a"))}
    for kept in map(storable, batch):
        if may_read(Viewer("org-a"), kept.tlp, kept.reporter):
            assert stored[(kept.source, kept.source_id)] == kept


def test_nul_characters_are_stored_as_the_replacement_character(store: Engine) -> None:
    """PostgreSQL text cannot hold NUL; both databases keep U+FFFD instead, nothing is lost."""
    with store.begin() as connection:
        upsert_incidents(connection, [clash("1", title="a\x00b", actors=("x\x00",))])
    stored = _all(store)[0]
    assert (stored.title, stored.actors) == ("a\ufffdb", ("x\ufffd",))
