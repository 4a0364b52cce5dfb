"""The columnar import stores what the row import stores, with the same guarantees."""

from __future__ import annotations

import gzip
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from corridor.cooperation.sharing import Viewer
from corridor.events.importers.ucdp import read_ucdp
from corridor.events.importers.ucdp_columns import read_ucdp_columns
from corridor.events.model import Incident
from corridor.store.database import migrate
from corridor.store.import_columns import import_chunks
from corridor.store.import_job import ImportJob, RejectFile, import_records
from corridor.store.incidents import IncidentQuery, incidents_matching
from corridor.store.indexes import drop_secondary_indexes
from corridor.store.tables import incidents

SYRIA = Path(__file__).parents[2] / "src/corridor/datasets/ged_syria_2016_2019.csv.gz"
EVERYONE = Viewer("org")


def _stored(engine: Engine) -> list[Incident]:
    with engine.connect() as connection:
        found = incidents_matching(connection, IncidentQuery(), EVERYONE)
        return sorted(found, key=lambda i: int(i.source_id))


def _indexes(engine: Engine) -> set[str]:
    return {str(i["name"]) for i in inspect(engine).get_indexes("incidents")}


def test_columnar_import_stores_what_the_row_import_stores(store: Engine, tmp_path: Path) -> None:
    report = import_chunks(
        store,
        read_ucdp_columns(SYRIA, file_name=SYRIA.name),
        ImportJob(file_name="a", fmt="ucdp"),
        bulk=True,
    )
    assert (report.counts.inserted, report.rejected, report.records) == (16_566, 0, 16_566)
    columnar = _stored(store)
    assert _indexes(store) >= {str(i.name) for i in incidents.indexes}
    with gzip.open(SYRIA, "rt", encoding="utf-8", newline="") as stream:
        again = import_records(
            store, read_ucdp(stream, file_name=SYRIA.name), ImportJob(file_name="b", fmt="ucdp")
        )
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 16_566)
    with store.begin() as connection:
        connection.execute(text("DELETE FROM incidents"))
    with gzip.open(SYRIA, "rt", encoding="utf-8", newline="") as stream:
        import_records(
            store, read_ucdp(stream, file_name=SYRIA.name), ImportJob(file_name="c", fmt="ucdp")
        )
    assert _stored(store) == columnar


def test_columnar_import_resumes_and_writes_rejects(store: Engine, tmp_path: Path) -> None:
    source = (Path(__file__).parents[1] / "events/fixtures/ucdp/ged_syria_slice.csv").read_text()
    lines = source.splitlines()
    lines[5] = lines[5].replace(",Syria,", ",Atlantis,", 1)
    path = tmp_path / "ged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rejects = RejectFile(tmp_path / "rejects.csv")
    first = import_chunks(
        store,
        read_ucdp_columns(path, file_name="ged.csv"),
        ImportJob(file_name="ged.csv", fmt="ucdp", digest="d", rejects=rejects, batch_size=7),
    )
    assert (first.counts.inserted, first.rejected, first.records) == (49, 1, 50)
    assert "ged.csv,6,country,Atlantis,is not a known country" in rejects.path.read_text()
    with store.begin() as connection:  # an unfinished run of the same file, 21 records done
        connection.execute(text("UPDATE import_runs SET status = 'running', records_done = 21"))
    resumed = import_chunks(
        store,
        read_ucdp_columns(path, file_name="ged.csv"),
        ImportJob(file_name="ged.csv", fmt="ucdp", digest="d", batch_size=7),
    )
    assert resumed.resumed_from == 21
    assert resumed.counts.unchanged == 29


def test_indexes_a_crashed_bulk_load_left_out_come_back_on_migrate(store: Engine) -> None:
    with store.begin() as connection:
        drop_secondary_indexes(connection)
    # All but the one a load appends to (updated_at: every batch is the newest there is).
    assert _indexes(store) & {str(i.name) for i in incidents.indexes} == {"ix_incidents_updated_at"}
    migrate(store)
    assert _indexes(store) >= {str(i.name) for i in incidents.indexes}
