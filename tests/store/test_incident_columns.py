"""Incidents read as columns: the same rows, in the same order, as reading them one by one."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from corridor.cooperation.sharing import Viewer
from corridor.events.model import Incident, Tlp
from corridor.risk.exposure import IncidentArrays
from corridor.store.incident_columns import incident_arrays
from corridor.store.incident_writes import upsert_incidents
from corridor.store.incidents import IncidentQuery, incidents_matching
from tests.store.records import clash
from tests.strategies import incidents

COLUMNS = [f.name for f in dataclasses.fields(IncidentArrays)]


def _store(engine: Engine, batch: list[Incident]) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM incidents")
        upsert_incidents(connection, batch)


def _read(engine: Engine, query: IncidentQuery, viewer: Viewer) -> tuple[IncidentArrays, ...]:
    """(as columns, as records turned into columns): what must agree."""
    with engine.connect() as connection:
        columns = incident_arrays(connection, query, viewer)
        one_by_one = IncidentArrays.from_incidents(incidents_matching(connection, query, viewer))
    return columns, one_by_one


def _assert_same(found: IncidentArrays, expected: IncidentArrays) -> None:
    for name in COLUMNS:
        got, want = getattr(found, name), getattr(expected, name)
        assert got.dtype == want.dtype, name
        if got.dtype == np.float64:
            np.testing.assert_array_equal(got, want, err_msg=name)  # NaN where NaN
        else:
            assert [str(v) for v in got] == [str(v) for v in want], name


def test_rows_come_oldest_first_with_nan_for_what_is_unknown(store: Engine) -> None:
    _store(
        store,
        [
            clash("late", start_date=date(2019, 1, 1)),
            clash("nowhere", start_date=date(2017, 1, 1), longitude=None, latitude=None),
            clash("unknown-toll", start_date=date(2016, 1, 1), fatalities_best=None),
        ],
    )
    with store.connect() as connection:
        found = incident_arrays(connection, IncidentQuery(), Viewer("org-a"))
    assert found.title.tolist() == ["event unknown-toll", "event nowhere", "event late"]
    assert found.start_date.tolist() == [date(2016, 1, 1), date(2017, 1, 1), date(2019, 1, 1)]
    assert np.isnan(found.fatalities[0]) and found.fatalities[2] == 3.0
    assert np.isnan(found.lon[1]) and np.isnan(found.lat[1]) and found.lon[0] == 36.2
    assert found.ids.tolist() == [str(clash(s).uuid) for s in ("unknown-toll", "nowhere", "late")]


def test_the_sharing_rule_and_the_filters_apply(store: Engine) -> None:
    _store(
        store,
        [
            clash("public"),
            clash("b-only", tlp=Tlp.AMBER, reporter="org-b"),
            clash("piracy", threat_class="piracy", start_date=date(2011, 3, 1)),
        ],
    )
    with store.connect() as connection:
        for viewer, titles in (
            (Viewer("org-a"), ["event piracy", "event public"]),
            (Viewer("org-b"), ["event piracy", "event public", "event b-only"]),
        ):
            found = incident_arrays(connection, IncidentQuery(), viewer)
            assert found.title.tolist() == titles
        since = incident_arrays(connection, IncidentQuery(since=date(2012, 1, 1)), Viewer("org-b"))
        assert since.title.tolist() == ["event public", "event b-only"]
        only = incident_arrays(connection, IncidentQuery(threat_classes=("piracy",)), Viewer("x"))
        assert only.threat_class.tolist() == ["piracy"]


def test_an_empty_answer_has_the_columns_typed(store: Engine) -> None:
    with store.connect() as connection:
        found = incident_arrays(connection, IncidentQuery(), Viewer("org-a"))
    assert len(found) == 0
    _assert_same(found, IncidentArrays.from_incidents([]))


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    batch=st.lists(incidents(), max_size=20, unique_by=lambda i: (i.source, i.source_id)),
    viewer=st.sampled_from([Viewer("org-a"), Viewer("org-b"), Viewer(None)]),
    since=st.none() | st.dates(),
)
def test_columns_agree_with_the_records_read_one_by_one(
    store: Engine, batch: list[Incident], viewer: Viewer, since: date | None
) -> None:
    _store(store, batch)
    columns, one_by_one = _read(store, IncidentQuery(since=since), viewer)
    _assert_same(columns, one_by_one)
