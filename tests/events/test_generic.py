"""The generic report format: exact round trips in CSV, JSON and GeoJSON, and named rejects."""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.atlas import Atlas
from corridor.events.importers import detect_format
from corridor.events.importers.base import ParsedRecord, Rejected
from corridor.events.importers.generic import (
    FIELDS,
    incident_from_record,
    incident_to_dict,
    join_list,
    read_csv_reports,
    read_geojson_reports,
    read_json_reports,
    split_list,
    threat_class_ids,
    write_csv_reports,
    write_geojson_reports,
    write_json_reports,
)
from corridor.events.model import Incident, Tlp
from tests.strategies import incident_lists, names

FIXTURES = Path(__file__).parent / "fixtures" / "generic"


def _incidents(records: Iterator[ParsedRecord]) -> list[Incident]:
    out = list(records)
    assert not [r for r in out if isinstance(r, Rejected)]
    return [r for r in out if isinstance(r, Incident)]


def _rejects(records: Iterator[ParsedRecord]) -> list[tuple[int, str]]:
    return [(r.line, r.field) for r in records if isinstance(r, Rejected)]


def test_fields_are_the_incident_fields() -> None:
    assert set(FIELDS) == {f.name for f in fields(Incident)}
    assert len(FIELDS) == len(set(FIELDS))


def test_threat_classes_are_the_packaged_atlas_ids(atlas: Atlas) -> None:
    assert threat_class_ids() == set(atlas.threats)


@given(incident_lists)
def test_csv_round_trip_is_exact(incidents: list[Incident]) -> None:
    buffer = io.StringIO()
    assert write_csv_reports(incidents, buffer) == len(incidents)
    back = _incidents(read_csv_reports(io.StringIO(buffer.getvalue()), file_name="r.csv"))
    assert Counter(back) == Counter(incidents)


@given(incident_lists)
def test_json_round_trip_is_exact(incidents: list[Incident]) -> None:
    buffer = io.StringIO()
    assert write_json_reports(incidents, buffer) == len(incidents)
    stream = io.BytesIO(buffer.getvalue().encode("utf-8"))
    assert Counter(_incidents(read_json_reports(stream, file_name="r.json"))) == Counter(incidents)


@given(incident_lists)
def test_geojson_round_trip_is_exact(incidents: list[Incident]) -> None:
    buffer = io.StringIO()
    assert write_geojson_reports(incidents, buffer) == len(incidents)
    text = buffer.getvalue()
    back = _incidents(read_geojson_reports(io.StringIO(text), file_name="r.geojson"))
    assert Counter(back) == Counter(incidents)


@given(st.lists(names | st.sampled_from(["a;b", "\\", "\\;", ";;", "x\\\\;y"]), max_size=6))
def test_list_cells_keep_semicolons_and_backslashes(items: list[str]) -> None:
    assert split_list(join_list(items)) == tuple(items)


def test_list_cell_escapes_are_documented_ones() -> None:
    assert join_list(["a;b", "c\\d"]) == "a\\;b;c\\\\d"
    assert split_list(r"C:\temp; a\;b ;; ") == ("C:\\temp", "a;b")


def test_geojson_output_is_rfc7946() -> None:
    placed = Incident("a", "1", "t", date(2024, 1, 1), "piracy", longitude=54.9, latitude=12.6)
    unplaced = Incident("a", "2", "t", date(2024, 1, 1), "piracy")
    buffer = io.StringIO()
    write_geojson_reports([placed, unplaced], buffer)
    document = json.loads(buffer.getvalue())
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document
    first, second = document["features"]
    assert first["geometry"] == {"type": "Point", "coordinates": [54.9, 12.6]}  # lon, lat
    assert "longitude" not in first["properties"]
    assert first["id"] == str(placed.uuid)
    assert second["geometry"] is None


def _read_fixture(name: str) -> list[ParsedRecord]:
    path = FIXTURES / name
    if name.endswith(".csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            return list(read_csv_reports(handle, file_name=name))
    reader = read_geojson_reports if name.endswith(".geojson") else read_json_reports
    with path.open("rb") as handle:
        return list(reader(handle, file_name=name))


def test_the_three_encodings_of_the_example_agree() -> None:
    as_csv, as_json, as_geojson = (
        _read_fixture(f"reports.{ext}") for ext in ("csv", "json", "geojson")
    )
    assert as_csv == as_json == as_geojson
    first = as_csv[0]
    assert isinstance(first, Incident)
    assert first.country == "KAZ"  # alpha-2 KZ accepted
    assert first.actors == ('Unknown group; possibly "Steppe Wolves"',)  # escaped ';'
    assert first.description.count("\n") == 1
    assert first.tlp is Tlp.AMBER
    assert (first.longitude, first.latitude) == (51.92, 47.11)


def test_example_files_are_detected_as_their_formats() -> None:
    for name, expected in (("reports.csv", "csv"), ("reports.json", "json")):
        assert detect_format((FIXTURES / name).read_bytes()[:4096]) == expected
    assert detect_format((FIXTURES / "reports.geojson").read_bytes()[:4096]) == "geojson"


def test_csv_rejects_name_the_line_and_field() -> None:
    records = _read_fixture("bad-reports.csv")
    assert isinstance(records[0], Incident)  # its description spans lines 2-3
    assert _rejects(iter(records)) == [
        (4, "threat_class"),
        (5, "tlp"),
        (6, "start_date"),
        (7, "country"),
        (8, "severity"),
        (9, "longitude"),
        (10, "end_date"),
        (11, "fatalities_best"),
        (12, "title"),
        (13, "target"),
        (14, "location_precision"),
        (15, "source_updated"),
    ]
    assert all(r.file == "bad-reports.csv" for r in records if isinstance(r, Rejected))


def test_json_rejects_name_the_record_and_field() -> None:
    records = _read_fixture("bad-reports.json")
    assert _rejects(iter(records)) == [
        (2, ""),
        (3, "threat"),
        (4, "start_date"),
        (5, "tlp"),
        (6, "actors"),
    ]
    kept = [r.source_id for r in records if isinstance(r, Incident)]
    assert kept == ["J-1", "J-7"]  # x_ fields are the agency's own and ignored


def test_geojson_rejects_name_the_feature_and_field() -> None:
    records = _read_fixture("bad-reports.geojson")
    assert _rejects(iter(records)) == [
        (2, "geometry"),
        (3, "longitude"),
        (4, "type"),
        (5, "longitude"),
    ]


def test_a_missing_required_column_rejects_the_file_at_line_1() -> None:
    text = "source,source_id,title,start_date,threat_class\na,1,t,2024-01-01,piracy\n"
    records = list(read_csv_reports(io.StringIO(text), file_name="x.csv"))
    assert [(r.line, r.field) for r in records if isinstance(r, Rejected)] == [(1, "tlp")]
    assert len(records) == 1


def test_an_unknown_column_rejects_the_file_but_x_columns_are_allowed() -> None:
    header = "source,source_id,title,start_date,threat_class,tlp"
    row = "a,1,t,2024-01-01,piracy,green"
    misspelt = list(read_csv_reports(io.StringIO(f"{header},severty\n{row},3\n"), file_name="x"))
    assert [(r.line, r.field) for r in misspelt if isinstance(r, Rejected)] == [(1, "severty")]
    own = list(read_csv_reports(io.StringIO(f"{header},x_note\n{row},hi\n"), file_name="x"))
    assert [type(r) for r in own] == [Incident]


@pytest.mark.parametrize(
    ("tlp", "expected"),
    [("TLP:AMBER+STRICT", Tlp.AMBER_STRICT), ("Red", Tlp.RED), (" clear ", Tlp.CLEAR)],
)
def test_tlp_labels_are_read_in_their_usual_spellings(tlp: str, expected: Tlp) -> None:
    record = {"source": "a", "source_id": "1", "title": "t", "start_date": "2024-01-01"}
    assert incident_from_record({**record, "threat_class": "cyber", "tlp": tlp}).tlp is expected


@pytest.mark.parametrize(
    ("code", "alpha_3"), [("NA", "NAM"), ("na", "NAM"), ("XK", "XKX"), ("KAZ", "KAZ")]
)
def test_country_codes_alpha_2_and_alpha_3(code: str, alpha_3: str) -> None:
    record = {"source": "a", "source_id": "1", "title": "t", "start_date": "2024-01-01"}
    incident = incident_from_record(
        {**record, "threat_class": "cyber", "tlp": "red", "country": code}
    )
    assert incident.country == alpha_3


def test_broken_json_is_one_reject_after_the_good_records() -> None:
    text = (
        b'{"incidents": [{"source": "a", "source_id": "1", "title": "t", "start_date": '
        b'"2024-01-01", "threat_class": "cyber", "tlp": "red"}, {"source": '
    )
    records = list(read_json_reports(io.BytesIO(text), file_name="cut.json"))
    assert isinstance(records[0], Incident)
    assert isinstance(records[1], Rejected) and records[1].line == 1  # the line it breaks on
    assert "not valid JSON" in records[1].reason


def test_a_geojson_file_that_is_not_a_feature_collection_is_rejected_whole() -> None:
    text = '{"type": "Feature", "features": []}'
    records = list(read_geojson_reports(io.StringIO(text), file_name="f.geojson"))
    assert [(r.line, r.field) for r in records if isinstance(r, Rejected)] == [(0, "type")]


@settings(max_examples=25)
@given(incident_lists)
def test_json_reader_takes_a_bare_array_too(incidents: list[Incident]) -> None:
    buffer = io.StringIO()
    write_json_reports(incidents, buffer)
    bare = json.dumps(json.loads(buffer.getvalue())["incidents"])
    assert Counter(_incidents(read_json_reports(io.StringIO(bare), file_name="a"))) == Counter(
        incidents
    )


def test_a_byte_order_mark_is_tolerated() -> None:
    text = (FIXTURES / "reports.json").read_bytes()
    records = list(read_json_reports(io.BytesIO(b"\xef\xbb\xbf" + text), file_name="bom.json"))
    assert records == _read_fixture("reports.json")


def test_incident_to_dict_has_every_field_as_json() -> None:
    (incident, *_) = _read_fixture("reports.csv")
    assert isinstance(incident, Incident)
    as_dict = incident_to_dict(incident)
    assert list(as_dict) == list(FIELDS)
    assert json.loads(json.dumps(as_dict))["actors"] == list(incident.actors)
    assert incident_from_record({k: v for k, v in as_dict.items() if v is not None}) == incident
