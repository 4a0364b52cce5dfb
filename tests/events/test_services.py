"""The incident use cases through the library surface a Python user (or the API) calls.

Nothing here imports ``corridor.commands``: what the CLI does, a library user can do.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from corridor.datasets import dataset_path
from corridor.errors import InputError, UnknownValueError
from corridor.events.access import Viewer
from corridor.events.input_files import open_input
from corridor.events.query import IncidentQuery
from corridor.events.services import (
    ImportProgress,
    export_incidents,
    import_file,
    incident_stats,
    list_incidents,
    rejects_folder,
)
from corridor.store.import_job import StrictImportError

FIXTURES = Path(__file__).parent / "fixtures"
REPORTS = FIXTURES / "generic" / "reports.csv"
BAD_REPORTS = FIXTURES / "generic" / "bad-reports.csv"
SYRIA = dataset_path("ged_syria_2016_2019.csv.gz")
PIRACY = dataset_path("pirate_attacks.csv.gz")
ORG_A, ORG_B = Viewer("org-a"), Viewer("org-b")


def test_own_reports_are_signed_by_the_importing_organization(store: Engine) -> None:
    report = import_file(store, REPORTS, organization="org-a")
    assert (report.format, report.counts.inserted, report.rejected) == ("csv", 3, 0)
    page = list_incidents(store, ORG_A, IncidentQuery())
    assert {i.reporter for i in page.incidents} == {"org-a"}  # the file said org-b for one


def test_public_data_keeps_its_publisher_as_reporter(store: Engine) -> None:
    import_file(store, PIRACY, organization="org-a")
    page = list_incidents(store, ORG_A, IncidentQuery(limit=5))
    assert {i.reporter for i in page.incidents} == {"public:piracy"}


@pytest.mark.parametrize(
    ("dataset", "records"),
    [(SYRIA, 16_566), (PIRACY, 7511)],  # both through the columnar reader
    ids=["ucdp", "piracy"],
)
def test_an_import_twice_changes_nothing_and_the_bar_moves_to_the_end(
    store: Engine, dataset: Path, records: int
) -> None:
    seen: list[ImportProgress] = []
    first = import_file(store, dataset, organization="org-a", batch_size=4000, progress=seen.append)
    assert (first.counts.inserted, first.rejected) == (records, 0)
    assert len(seen) >= 2 and seen[-1].records == records
    sizes = [p.bytes_read for p in seen]
    assert all(b is not None and b > 0 for b in sizes), sizes  # the UCDP bar sat at 0 before
    assert sizes == sorted(sizes, key=lambda b: b or 0)
    assert seen[-1].bytes_total == dataset.stat().st_size
    second = import_file(store, dataset, organization="org-a")
    assert (second.counts.inserted, second.counts.unchanged) == (0, records)


def test_list_pages_newest_first_with_the_total_the_viewer_may_read(store: Engine) -> None:
    import_file(store, REPORTS, organization="org-a")
    page = list_incidents(store, ORG_A, IncidentQuery(limit=2, newest_first=True))
    assert page.total == 3 and page.next_offset == 2
    days = [i.start_date for i in page.incidents]
    assert days == sorted(days, reverse=True)
    rest = list_incidents(store, ORG_A, IncidentQuery(limit=2, offset=2, newest_first=True))
    assert (len(rest.incidents), rest.total, rest.next_offset) == (1, 3, None)
    oldest = list_incidents(store, ORG_A, IncidentQuery())
    assert oldest.incidents == (*page.incidents, *rest.incidents)[::-1]
    # org-b reads GREEN and CLEAR, not org-a's AMBER; nobody in particular reads CLEAR
    assert list_incidents(store, ORG_B, IncidentQuery(limit=1)).total == 2
    assert list_incidents(store, Viewer(None), IncidentQuery()).total == 1


def test_unknown_classes_and_sources_are_refused_with_a_suggestion(store: Engine) -> None:
    import_file(store, REPORTS, organization="org-a")
    with pytest.raises(UnknownValueError, match="did you mean 'piracy'"):
        list_incidents(store, ORG_A, IncidentQuery(threat_classes=("piracyy",)))
    with pytest.raises(UnknownValueError, match="did you mean 'agency-x'"):
        list_incidents(store, ORG_A, IncidentQuery(sources=("agency-y",)))
    wider = list_incidents(store, ORG_A, IncidentQuery(threat_classes=("non_traditional",)))
    assert {i.threat_class for i in wider.incidents} == {"infrastructure_attack", "piracy"}


def test_export_writes_what_the_viewer_may_read(store: Engine) -> None:
    import_file(store, REPORTS, organization="org-a")
    out = io.StringIO()
    assert export_incidents(store, ORG_B, IncidentQuery(), "csv", out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["source_id"] for r in rows} == {"PK-88", "2019-W12"}
    bundle = io.StringIO()
    assert export_incidents(store, ORG_A, IncidentQuery(), "stix", bundle) == 3
    assert json.loads(bundle.getvalue())["type"] == "bundle"
    with pytest.raises(UnknownValueError):
        export_incidents(store, ORG_A, IncidentQuery(), "xml", io.StringIO())


def test_stats_count_what_the_viewer_may_read(store: Engine) -> None:
    import_file(store, REPORTS, organization="org-a")
    mine, theirs = (incident_stats(store, v, IncidentQuery()) for v in (ORG_A, ORG_B))
    assert (mine.total, theirs.total) == (3, 2)
    assert sum(mine.by_class.values()) == sum(mine.by_year.values()) == 3
    assert mine.as_dict()["year_class"]["2024"] == {"infrastructure_attack": 1}
    assert mine.top_countries(1)[0][1] == 1


def test_rejects_go_to_one_file_per_run_named_after_it(store: Engine, tmp_path: Path) -> None:
    first = import_file(store, BAD_REPORTS, organization="org-a", rejects=tmp_path)
    assert first.rejects_file == tmp_path / f"run-{first.run_id}-bad-reports.csv.rejects.csv"
    same_name = tmp_path / "other" / BAD_REPORTS.name
    same_name.parent.mkdir()
    same_name.write_text(BAD_REPORTS.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = import_file(store, same_name, organization="org-a", rejects=tmp_path)
    assert second.rejects_file is not None and second.rejects_file != first.rejects_file
    rows = list(csv.DictReader(second.rejects_file.open(encoding="utf-8")))
    assert {r["file"] for r in rows} == {str(same_name)}  # the source path, whole
    assert first.rejects_file.read_text(encoding="utf-8").count("\n") == len(rows) + 1


def test_rejects_default_to_a_folder_beside_an_sqlite_store(tmp_path: Path) -> None:
    from corridor.store.database import make_engine

    assert rejects_folder(make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")) == (
        tmp_path / "rejects"
    )


def test_strict_stops_and_names_the_record(store: Engine, tmp_path: Path) -> None:
    with pytest.raises(StrictImportError, match=r"bad-reports\.csv:\d+: field"):
        import_file(store, BAD_REPORTS, organization="org-a", strict=True, rejects=tmp_path)


def test_a_file_that_cannot_be_read_is_refused_before_the_store_is_touched(
    store: Engine, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[\n{"source": "x"},\n{"source": "y",}\n]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.json: line 3, column 16: is not valid JSON"):
        import_file(store, broken, organization="org-a")
    with pytest.raises(InputError, match="no such file"):
        import_file(store, tmp_path / "nothing.csv", organization="org-a")
    assert list_incidents(store, ORG_A, IncidentQuery()).total == 0


def test_utf16_and_a_utf8_byte_order_mark_read_as_utf8(store: Engine, tmp_path: Path) -> None:
    text = REPORTS.read_text(encoding="utf-8")
    for encoding in ("utf-16", "utf-16-be", "utf-8-sig", "utf-32"):
        path = tmp_path / f"{encoding}.csv"
        data = text.encode(encoding)
        path.write_bytes(data if encoding != "utf-16-be" else b"\xfe\xff" + data)
        source = open_input(path)
        try:
            assert source.fmt == "csv"
        finally:
            source.close()
        report = import_file(store, path, organization="org-a")
        assert report.counts.inserted + report.counts.unchanged == 3, encoding
