"""The list's incidents as JSON rendered by the database read exactly as the API's model
writes them, on SQLite and PostgreSQL, in the same order, with the same sharing rule."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from corridor.api.schemas import IncidentOut
from corridor.events.access import Viewer
from corridor.events.columnar import storable
from corridor.events.model import Incident
from corridor.store.incident_writes import upsert_incidents
from corridor.store.incidents import IncidentQuery, incidents_matching, incidents_matching_json
from corridor.store.tables import incidents as incident_table
from tests.strategies import incidents

TRICKY = dataclasses.replace  # names for the hand-made cases below


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(incidents(), min_size=1, max_size=6, unique_by=lambda i: i.uuid))
def test_json_from_the_store_equals_the_model_of_each_incident(
    store: Engine, records: list[Incident]
) -> None:
    with store.begin() as connection:
        connection.execute(delete(incident_table))
        upsert_incidents(connection, records)
    viewer = Viewer(storable(records[0]).reporter or "org-a")  # its own, as stored
    for query in (IncidentQuery(), IncidentQuery(newest_first=True, limit=3)):
        with store.connect() as connection:
            expected = list(incidents_matching(connection, query, viewer))
            found = incidents_matching_json(connection, query, viewer)
        assert [json.loads(i.body) for i in found] == [
            json.loads(IncidentOut.of(i).model_dump_json()) for i in expected
        ]
        assert [(i.start_date, i.uuid) for i in found] == [
            (i.start_date, str(i.uuid)) for i in expected
        ]


def test_text_floats_and_times_that_databases_print_their_own_way(store: Engine) -> None:
    from datetime import UTC, date, datetime

    base = Incident(source="report", source_id="x", title='quote " backslash \\ tab \t',
                    start_date=date(2020, 1, 2), threat_class="piracy", reporter="org-a",
                    longitude=30.255555555555556, latitude=-0.1 - 0.2, location_name="Ürümqi ☃",
                    actors=('a "b"', "c\\d"), tags=("x\ny",),
                    source_updated=datetime(2021, 3, 4, 5, 6, 7, 890, tzinfo=UTC))  # fmt: skip
    records = [base, TRICKY(base, source_id="y", longitude=38.0, latitude=None,
                            source_updated=datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC))]  # fmt: skip
    with store.begin() as connection:
        upsert_incidents(connection, records)
    viewer = Viewer("org-a")
    with store.connect() as connection:
        expected = list(incidents_matching(connection, IncidentQuery(), viewer))
        found = incidents_matching_json(connection, IncidentQuery(), viewer)
    assert [json.loads(i.body) for i in found] == [
        json.loads(IncidentOut.of(i).model_dump_json()) for i in expected
    ]
    assert '"longitude":30.255555555555556' in found[0].body  # all 17 digits, as Python
