"""Every CSV format stores the same rows and rejects through the columnar engine as
through the row engine, on both databases; own reports stay their organization's."""

from __future__ import annotations

import gzip
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text

from corridor.datasets import dataset_path
from corridor.events.importers import FORMATS, read_records
from corridor.events.importers.csv_columns import read_csv_columns
from corridor.events.services import import_file
from corridor.store.import_columns import import_chunks
from corridor.store.import_job import ImportJob, ImportReport, RejectFile, import_records
from corridor.store.tables import import_runs, incidents
from tests.events.test_csv_columns import FORMATS as COLUMNAR
from tests.events.test_csv_columns import csv_files

_SKIPPED = {"id", "created_at", "updated_at"}  # the store's own: differ between any two runs


def stored(engine: Engine) -> list[dict[str, Any]]:
    """Every stored incident as a dict, in (source, source_id) order."""
    columns = [c for c in incidents.columns if c.name not in _SKIPPED]
    statement = select(*columns).order_by(incidents.c.source, incidents.c.source_id)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(statement)]


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(incidents.delete())
        connection.execute(import_runs.delete())


def _job(path: Path, fmt: str, rejects: Path, **more: Any) -> ImportJob:
    return ImportJob(
        file_name=str(path),
        fmt=fmt,
        digest=more.pop("digest", f"{fmt}-{path.name}"),
        batch_size=more.pop("batch_size", 7),
        rejects=RejectFile(rejects, source=path.name),
        **more,
    )


def by_rows(engine: Engine, path: Path, fmt: str, rejects: Path, **more: Any) -> ImportReport:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as binary:
        records = read_records(FORMATS[fmt], binary, path.name)
        return import_records(engine, records, _job(path, fmt, rejects, **more))


def by_columns(engine: Engine, path: Path, fmt: str, rejects: Path, **more: Any) -> ImportReport:
    columnar = COLUMNAR[fmt][0]()
    chunks = read_csv_columns(path, columnar, file_name=path.name, block_rows=5)
    return import_chunks(engine, chunks, _job(path, fmt, rejects, **more))


def _counts(report: ImportReport) -> tuple[int, ...]:
    c = report.counts
    return (report.records, c.inserted, c.updated, c.unchanged, c.refused, report.rejected)


def assert_stored_alike(engine: Engine, path: Path, fmt: str, folder: Path) -> None:
    """Import ``path`` by rows, then into an empty store by columns: the same everything."""
    rows_report = by_rows(engine, path, fmt, folder / "rows.csv")
    by_row = stored(engine)
    _empty(engine)
    columns_report = by_columns(engine, path, fmt, folder / "columns.csv")
    assert stored(engine) == by_row
    assert _counts(columns_report) == _counts(rows_report)
    assert _read(folder / "columns.csv") == _read(folder / "rows.csv")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.parametrize(
    ("fmt", "path"),
    [(fmt, p) for fmt, (_, _, paths) in COLUMNAR.items() for p in paths]
    + [("piracy", dataset_path("pirate_attacks.csv.gz"))],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_every_format_stores_the_same_both_ways(
    store: Engine, fmt: str, path: Path, tmp_path: Path
) -> None:
    assert_stored_alike(store, path, fmt, tmp_path)


@pytest.mark.parametrize(
    ("fmt", "path"),
    [(fmt, paths[0]) for fmt, (_, _, paths) in COLUMNAR.items()],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_importing_a_file_again_changes_nothing_either_way(
    store: Engine, fmt: str, path: Path, tmp_path: Path
) -> None:
    first = by_columns(store, path, fmt, tmp_path / "1.csv")
    again = by_rows(store, path, fmt, tmp_path / "2.csv", digest="again")
    assert (again.counts.inserted, again.counts.updated) == (0, 0)
    assert again.counts.unchanged == first.counts.inserted > 0
    once_more = by_columns(store, path, fmt, tmp_path / "3.csv", digest="once more")
    assert (once_more.counts.inserted, once_more.counts.updated) == (0, 0)


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from corridor.store.database import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('formats') / 'store.sqlite'}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("fmt", sorted(COLUMNAR))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_file_stores_the_same_both_ways(
    sqlite_store: Engine, fmt: str, data: st.DataObject, tmp_path: Path
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / f"{fmt}.csv"
    path.write_bytes(data.draw(csv_files(fmt)))
    _empty(sqlite_store)
    assert_stored_alike(sqlite_store, path, fmt, folder)


# Own reports: signed by the importing organization, and never over another's.

HEADER = "source,source_id,title,start_date,threat_class,tlp,reporter\n"


def _reports(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def _reporters(engine: Engine) -> dict[str, tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT source_id, reporter, title FROM incidents"))
        return {r.source_id: (r.reporter, r.title) for r in rows}


@pytest.mark.parametrize("fmt", ["csv", "json"])  # the columnar engine, the row engine
def test_a_file_never_takes_over_another_organizations_incident(
    store: Engine, tmp_path: Path, fmt: str
) -> None:
    theirs = _reports(tmp_path, "b.csv", "agency,B-1,Their report,2024-01-02,piracy,amber,org-b")
    import_file(store, theirs, organization="org-b")
    rows = (
        "agency,B-1,Taken over,2024-01-02,piracy,amber,org-b",
        "agency,A-1,Our report,2024-01-03,piracy,amber,org-b",
    )
    mine = _reports(tmp_path, "a.csv", *rows)
    if fmt == "json":
        mine = _as_json(mine)
    report = import_file(store, mine, organization="org-a", alerts=False)
    assert (report.counts.inserted, report.counts.refused, report.counts.unchanged) == (1, 1, 0)
    assert _reporters(store) == {
        "B-1": ("org-b", "Their report"),  # untouched
        "A-1": ("org-a", "Our report"),  # signed by the importer, whatever the file said
    }
    again = import_file(store, mine, organization="org-a", alerts=False)  # a resumed run too
    assert (again.counts.refused, again.counts.unchanged) == (1, 1)


def _as_json(path: Path) -> Path:
    import csv
    import json

    with path.open(newline="", encoding="utf-8") as stream:
        records = list(csv.DictReader(stream))
    out = path.with_suffix(".json")
    out.write_text(json.dumps({"incidents": records}), encoding="utf-8")
    return out


def test_public_data_never_overwrites_an_organizations_report(store: Engine) -> None:
    ged = dataset_path("ged_syria_2016_2019.csv.gz")
    report = import_file(store, ged, organization="org-a", alerts=False)
    with store.begin() as connection:  # an agency's own report under a UCDP id
        connection.execute(
            text("UPDATE incidents SET reporter = 'kz-mvd', title = 'ours' WHERE source_id = :i"),
            {"i": "214797"},
        )
    again = import_file(store, ged, organization="org-a", alerts=False)
    assert again.counts.unchanged == report.counts.inserted  # refused ones count as unchanged
    assert _reporters(store)["214797"] == ("kz-mvd", "ours")


# The fast path keeps an import's guarantees: resume after an interruption.


@pytest.mark.parametrize("fmt", ["acled", "asam", "csv"])
def test_an_interrupted_columnar_import_resumes_where_it_stopped(
    store: Engine, tmp_path: Path, fmt: str
) -> None:
    source = COLUMNAR[fmt][2][0]
    path = tmp_path / source.name
    lines = source.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join([*lines, *lines[1:]]))  # duplicates: counted, not stored twice

    def stop_after_two_batches(done: int) -> None:
        if done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        by_columns(
            store, path, fmt, tmp_path / "r1.csv", batch_size=2, progress=stop_after_two_batches
        )
    with store.connect() as connection:
        run = connection.execute(select(import_runs.c.status, import_runs.c.records_done)).one()
    assert tuple(run) == ("running", 4)
    resumed = by_columns(store, path, fmt, tmp_path / "r2.csv", batch_size=2)
    assert resumed.resumed_from == 4
    whole = stored(store)
    _empty(store)
    by_rows(store, path, fmt, tmp_path / "r3.csv", batch_size=2)
    assert stored(store) == whole


def test_progress_reports_bytes_for_every_columnar_format(store: Engine, tmp_path: Path) -> None:
    seen: list[int | None] = []
    path = COLUMNAR["acled"][2][0]
    import_file(
        store,
        path,
        organization="org-a",
        batch_size=3,
        progress=lambda p: seen.append(p.bytes_read),
        alerts=False,
    )
    assert seen and seen[-1] == path.stat().st_size
