"""The NGA ASAM importers: the site's CSV (DMS positions) and the JSON API, messy values."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.events.categories import category_map
from corridor.events.importers.asam import classify_asam, read_asam_csv, read_asam_json
from corridor.events.importers.base import NORMALIZED_POSITION_TAG, ParsedRecord, Rejected
from corridor.events.model import Incident, LocationPrecision, Target
from corridor.store.import_job import ImportJob, import_records

FIXTURES = Path(__file__).parent / "fixtures" / "asam"
CSV_FILE = FIXTURES / "asam_export.csv"
JSON_FILE = FIXTURES / "asam_api.json"
HEADER = "reference,date,position,navArea,subreg,hostility,victim,description\n"


def read_csv_text(text: str, name: str = "asam.csv") -> list[ParsedRecord]:
    return list(read_asam_csv(io.StringIO(text, newline=""), file_name=name))


def read_json_bytes(data: bytes, name: str = "asam.json") -> list[ParsedRecord]:
    return list(read_asam_json(io.BytesIO(data), file_name=name))


def csv_text() -> str:
    return CSV_FILE.read_text(encoding="utf-8")


def by_id(records: list[ParsedRecord]) -> dict[str, Incident]:
    return {r.source_id: r for r in records if isinstance(r, Incident)}


def rejects(records: list[ParsedRecord]) -> list[Rejected]:
    return [r for r in records if isinstance(r, Rejected)]


def line_of(text: str, record_start: str) -> int:
    """The line on which the record that starts with ``record_start`` begins."""
    return text.count("\n", 0, text.index("\n" + record_start) + 1) + 1


def near(a: float | None, b: float, tolerance: float = 1e-6) -> bool:
    return a is not None and abs(a - b) <= tolerance


# Classification


def test_every_category_is_a_threat_class_of_the_atlas(atlas: Atlas) -> None:
    assert category_map("asam").threat_classes() <= set(atlas.threats)


words = st.sampled_from(
    [
        "pirates",
        "PIRATES",
        "Pirate",
        "robbers",
        "boarded",
        "hijacked",
        "kidnapped",
        "fired upon",
        "missile",
        "drone",
        "Houthi",
        "militants",
        "terrorists",
        "mine",
        "suspicious approach",
        "attempted to board",
        "no",
        "not",
        ",",
        ".",
        "the",
        "vessel",
    ]
)
texts = st.lists(words | st.text(max_size=12), max_size=25).map(" ".join)


@settings(max_examples=300)
@given(hostility=texts, description=texts)
def test_every_class_produced_exists_in_the_atlas(
    atlas: Atlas, hostility: str, description: str
) -> None:
    category, rule = classify_asam(hostility, description)
    assert rule.threat_class in atlas.threats
    assert 1 <= rule.severity_floor <= 5
    assert rule.target == Target.VESSEL
    assert category == "" or category in category_map("asam").rules


@given(hostility=texts, description=texts)
def test_classification_ignores_letter_case(hostility: str, description: str) -> None:
    ascii_only = hostility.isascii() and description.isascii()
    if ascii_only:
        assert classify_asam(hostility.upper(), description.upper()) == classify_asam(
            hostility.lower(), description.lower()
        )


@pytest.mark.parametrize(
    ("hostility", "description", "threat_class", "severity"),
    [
        ("Pirates", "Pirates hijacked the tanker and kidnapped three crew.", "piracy", 4),
        ("", "Four robbers boarded the anchored tanker and stole engine spares.", "piracy", 2),
        ("Suspicious approach", "A skiff approached; anti-piracy measures taken.", "piracy", 1),
        ("", "Pirates fired upon the vessel, which increased speed.", "piracy", 3),
        ("", "Pirates attempted to board; no shots were fired.", "piracy", 1),
        ("", "The robbers escaped. Nothing was stolen.", "piracy", 1),
        ("", "An attempted hijacking was repelled.", "piracy", 1),
        ("", "The vessel was struck by an anti-ship missile.", "armed_conflict", 3),
        ("Two drone explosions", "", "armed_conflict", 3),
        ("", "Houthi forces hijacked the vehicle carrier.", "armed_conflict", 4),
        ("", "An unmanned surface vessel hit the bulk carrier.", "armed_conflict", 3),
        ("", "A sea mine exploded near the tanker.", "armed_conflict", 3),
        ("Militants", "Militants boarded the supply vessel.", "armed_conflict", 2),
        ("", "Abu Sayyaf gunmen abducted five crew from a tug.", "terrorism", 4),
        ("", "Terrorists attacked the ferry with a bomb.", "terrorism", 3),
        ("", "Nothing of note happened.", "piracy", 1),
    ],
)
def test_hostility_and_description_decide_the_class(
    hostility: str, description: str, threat_class: str, severity: int
) -> None:
    _, rule = classify_asam(hostility, description)
    assert (rule.threat_class, rule.severity_floor) == (threat_class, severity)


# The site's CSV export


def test_csv_fixture_imports_seventeen_and_rejects_five() -> None:
    records = read_csv_text(csv_text(), CSV_FILE.name)
    assert len(records) == 22
    assert len(by_id(records)) == 17


def test_csv_rejects_name_the_first_line_of_their_multiline_record() -> None:
    text = csv_text()
    records = read_csv_text(text, CSV_FILE.name)
    assert rejects(records) == [
        Rejected(
            CSV_FILE.name,
            line_of(text, "2019-78,"),
            "date",
            "2019-13-05",
            "is not a date (expected YYYY-MM-DD or MM/DD/YYYY)",
        ),
        Rejected(
            CSV_FILE.name,
            line_of(text, "2019-79,"),
            "position",
            "unknown",
            "is not a position such as 1°07'00\"N 103°31'00\"E or 29.73,-93.87",
        ),
        Rejected(CSV_FILE.name, line_of(text, ",2019-03-10,"), "reference", "", "is empty"),
        Rejected(
            CSV_FILE.name,
            line_of(text, "2019-81,"),
            "position",
            "95°00'00\"N \n3°50'00\"W",
            "latitude is outside -90..90",
        ),
        Rejected(
            CSV_FILE.name,
            line_of(text, "2021-113,"),
            "position",
            "89°60'30\"N \n3°24'00\"E",
            "latitude is outside -90..90",
        ),
    ]
    assert [r.line for r in rejects(records)] == [31, 33, 34, 36, 43]


def test_reject_after_records_spanning_lines_names_the_right_line() -> None:
    text = csv_text()
    broken = text.replace("2019-065,2019-03-09,", "2019-065,sometime in March,", 1)
    reject = rejects(read_csv_text(broken))[0]
    assert (reject.line, reject.field) == (27, "date")  # 13 records before it, 26 lines
    crlf = read_csv_text(broken.replace("\n", "\r\n"))  # Windows line ends, same lines
    assert [r.line for r in rejects(crlf)] == [27, 31, 33, 34, 36, 43]


def test_csv_record_in_full() -> None:
    assert by_id(read_csv_text(csv_text()))["2022-217"] == Incident(
        source="asam",
        source_id="2022-217",
        title="Robbers: Marshall Islands-flagged bulk carrier off IDN",
        start_date=date(2022, 10, 24),
        threat_class="piracy",
        longitude=103 + 31 / 60,
        latitude=1 + 7 / 60,
        location_precision=LocationPrecision.EXACT,
        country="IDN",
        location_name="NAVAREA XI, subregion 71",
        description=(
            "INDONESIA: On 23 October, at 2350 local time, five robbers boarded an underway "
            "Marshall Islands-flagged bulk carrier in the eastbound lane of the Singapore "
            "Strait Traffic Separation Scheme, near position 01-07N 103-31E. The crew sighted "
            "them near the steering gear room and raised the alarm; the robbers escaped "
            "empty-handed. The crew were reported safe."
        ),
        source_categories=("Robbers",),
        severity=2,
        target=Target.VESSEL,
        tags=("navarea:XI", "subregion:71"),
        reporter="public:asam",
    )


def test_csv_positions_in_every_variant() -> None:
    found = by_id(read_csv_text(csv_text()))
    expected = {
        "2022-217": (103.516667, 1.116667),
        "2023-041": (103.833333, 1.2),  # no seconds
        "2021-004": (6.2, 2.55),  # spaces, lower-case hemispheres
        "2020-118": (4.283333, 3.416667),  # no degree sign
        "2019-162": (2.4, 6.283333),  # decimal minutes
        "2019-065": (-77.2, -12.016667),  # south and west
        "2019-77": (104.086667, 1.241667),
    }
    for reference, (lon, lat) in expected.items():
        incident = found[reference]
        assert near(incident.longitude, lon) and near(incident.latitude, lat), reference
    assert (found["2019-82"].longitude, found["2019-82"].latitude) == (None, None)
    assert found["2019-82"].location_precision == LocationPrecision.COUNTRY


def test_csv_rounding_carries_and_three_digit_seconds_are_kept_and_tagged() -> None:
    found = by_id(read_csv_text(csv_text()))
    carried, padded = found["2020-033"], found["2021-112"]  # 5°60'00"S 11°59'60"E; 005" 040"
    assert (carried.longitude, carried.latitude) == (12.0, -6.0)
    assert near(padded.longitude, 3 + 24 / 60 + 40 / 3600)
    assert near(padded.latitude, 6 + 18 / 60 + 5 / 3600)
    tagged = sorted(r for r, i in found.items() if NORMALIZED_POSITION_TAG in i.tags)
    assert tagged == ["2020-033", "2021-112"]
    assert carried.tags == ("navarea:II", "subregion:57", NORMALIZED_POSITION_TAG)


def test_the_import_counts_the_positions_it_normalized(store: Engine) -> None:
    records = read_csv_text(csv_text(), CSV_FILE.name)
    report = import_records(store, records, ImportJob(file_name=CSV_FILE.name, fmt="asam"))
    assert (report.counts.inserted, report.rejected, report.normalized) == (17, 5, 2)


def test_json_coordinates_as_dms_text_are_normalized_too() -> None:
    records = [
        _record("2019-1", latitude="12°59'60\"N", longitude="45°00'00\"E"),
        _record("2019-2", latitude="12,5", longitude=45),
        _record("2019-3", latitude="12N", longitude="45°00'00\"N"),
    ]
    result = read_json_bytes(json.dumps({"asam": records}, ensure_ascii=False).encode())
    found = by_id(result)
    assert (found["2019-1"].longitude, found["2019-1"].latitude) == (45.0, 13.0)
    assert NORMALIZED_POSITION_TAG in found["2019-1"].tags
    assert (found["2019-2"].latitude, found["2019-2"].tags) == (
        12.5,
        ("navarea:XI", "subregion:71"),
    )
    assert [(r.field, r.reason) for r in rejects(result)] == [
        ("longitude", "is a latitude, not a longitude (record 3)")
    ]


def test_csv_dates_in_every_format() -> None:
    found = by_id(read_csv_text(csv_text()))
    assert found["2023-222"].start_date == date(2023, 12, 3)  # 12/03/2023, US order
    assert found["2022-217"].start_date == date(2022, 10, 24)  # with T00:00:00
    assert found["2019-77"].start_date == date(2019, 3, 5)  # 03/05/2019


def test_red_sea_attacks_of_2023_and_2024_are_armed_conflict() -> None:
    found = by_id(read_csv_text(csv_text()))
    red_sea = [found[r] for r in ("2023-214", "2023-222", "2024-012", "2024-031", "2024-058")]
    assert {i.threat_class for i in red_sea} == {"armed_conflict"}
    assert found["2023-214"].severity == 4  # the GALAXY LEADER seizure
    assert "missile" in found["2024-012"].tags and "drone" in found["2024-058"].tags


def test_mixed_case_hostility_is_one_kind() -> None:
    found = by_id(read_csv_text(csv_text()))
    for reference in ("2021-004", "2020-118", "2012-101", "2022-217", "2023-041"):
        assert found[reference].threat_class == "piracy"
    assert found["2021-004"].title.startswith("Pirates: ")
    assert found["2020-118"].title.startswith("Pirates: ")  # "pirates"
    assert found["2023-041"].title.startswith("Robbers: ")  # "ROBBERS"
    assert found["2024-031"].title.startswith("Missile attack: ")  # "MISSILE ATTACK"
    assert found["2024-058"].title.startswith("USV attack: ")  # kept as written
    assert found["2021-004"].severity == 4  # kidnapping
    assert found["2019-162"].severity == 1  # suspicious approach


def test_country_comes_from_the_heading_when_it_names_one() -> None:
    found = by_id(read_csv_text(csv_text()))
    countries = {reference: incident.country for reference, incident in found.items()}
    assert countries["2023-222"] == "YEM"
    assert countries["2023-041"] == "SGP"
    assert countries["2021-004"] == "STP"  # SAO TOME AND PRINCIPE
    assert countries["2019-065"] == "PER"
    for sea in ("2023-214", "2024-012", "2011-045"):  # RED SEA, GULF OF ADEN, ARABIAN SEA
        assert countries[sea] is None


def test_csv_header_is_matched_without_regard_to_case_or_bom() -> None:
    row = '2019-1,2019-01-02,"1°07\'00""N \n103°31\'00""E",XI,71,Robbers,Tug,"Robbers boarded."\n'
    header = "\ufeffReference,DATE,Position,NAVAREA,Subreg,Hostility,Victim,Description\n"
    (incident,) = read_csv_text(header + row)
    assert isinstance(incident, Incident)
    assert incident.location_name == "NAVAREA XI, subregion 71"


def test_csv_without_a_needed_column_gives_one_reject_on_line_one() -> None:
    text = "reference,date,navArea\n2019-1,2019-01-02,XI\n"
    assert read_csv_text(text, "x.csv") == [
        Rejected("x.csv", 1, "position", "", "x.csv has no column 'position'")
    ]


# The JSON API


def test_json_fixture_imports_nine_and_rejects_two_by_record_number() -> None:
    with JSON_FILE.open("rb") as stream:
        records = list(read_asam_json(stream, file_name=JSON_FILE.name))
    assert len(by_id(records)) == 9
    assert rejects(records) == [
        Rejected(JSON_FILE.name, 9, "latitude", "twelve", "is not a number (record 9)"),
        Rejected(JSON_FILE.name, 11, "date", "", "is empty (record 11)"),
    ]


def test_json_and_csv_agree_on_the_same_messages() -> None:
    from_csv = by_id(read_csv_text(csv_text()))
    with JSON_FILE.open("rb") as stream:
        from_json = by_id(list(read_asam_json(stream, file_name=JSON_FILE.name)))
    shared = set(from_csv) & set(from_json)
    assert len(shared) == 8
    for reference in shared:
        a, b = from_csv[reference], from_json[reference]
        assert (a.threat_class, a.severity, a.country, a.location_name, a.start_date) == (
            b.threat_class,
            b.severity,
            b.country,
            b.location_name,
            b.start_date,
        ), reference
        assert near(a.latitude, b.latitude or 0.0, 1e-3), reference
        assert near(a.longitude, b.longitude or 0.0, 1e-3), reference


def test_json_messy_values() -> None:
    with JSON_FILE.open("rb") as stream:
        found = by_id(list(read_asam_json(stream, file_name=JSON_FILE.name)))
    assert found["2024-031"].latitude == 12.3833  # written as text
    tutor = found["2024-058"]  # null coordinates, position text only
    assert near(tutor.longitude, 41.833333) and near(tutor.latitude, 14.016667)
    assert found["2024-012"].start_date == date(2024, 1, 26)  # with T00:00:00
    cape_town = found["2019-91"]
    assert cape_town.start_date == date(2019, 4, 2)  # 04/02/2019
    assert (cape_town.longitude, cape_town.latitude) == (18.43, -33.9)
    assert cape_town.country == "ZAF"


def _record(reference: str, /, **values: object) -> dict[str, object]:
    return {
        "reference": reference,
        "date": "2019-03-05",
        "latitude": 1.1,
        "longitude": 103.5,
        "navArea": "XI",
        "subreg": "71",
        "hostility": "Robbers",
        "victim": None,
        "description": "SINGAPORE: Robbers boarded a tug.",
    } | values


def test_json_top_level_list_and_text_stream() -> None:
    text = json.dumps([_record("2019-1"), _record("2019-2")], ensure_ascii=False)
    from_text = list(read_asam_json(io.StringIO("\ufeff" + text), file_name="a.json"))
    assert [r.source_id for r in from_text if isinstance(r, Incident)] == ["2019-1", "2019-2"]
    assert from_text == read_json_bytes(text.encode(), "a.json")


def test_json_with_asam_after_other_keys() -> None:
    data = json.dumps({"count": 1, "asam": [_record("2019-1")]}).encode()
    assert [r.source_id for r in read_json_bytes(data) if isinstance(r, Incident)] == ["2019-1"]


def test_json_object_without_asam_list_is_one_reject() -> None:
    assert read_json_bytes(b'{"records": []}', "x.json") == [
        Rejected("x.json", 1, "asam", "", "has no list of records under 'asam'")
    ]
    assert read_json_bytes(b'{"asam": []}') == []
    assert read_json_bytes(b"") == []


def test_json_bad_records_are_rejected_and_reading_goes_on() -> None:
    records = [
        _record("2019-1"),
        5,
        _record("2019-3", latitude=True),
        _record("2019-4", description={"text": "no"}),
        _record("2019-5", latitude=95.0),
        _record("2019-6", reference=None),
        _record("2019-7", latitude=None, longitude=None, position="1°07'00\"N \n103°31'00\"E"),
    ]
    result = read_json_bytes(json.dumps({"asam": records}, ensure_ascii=False).encode())
    assert [(r.line, r.field, r.reason) for r in rejects(result)] == [
        (2, "", "is not an object (record 2)"),
        (3, "latitude", "is not a number (record 3)"),
        (4, "description", "is not text or a number (record 4)"),
        (5, "latitude", "is outside -90..90 (record 5)"),
        (6, "reference", "is empty (record 6)"),
    ]
    assert list(by_id(result)) == ["2019-1", "2019-7"]


def test_json_broken_midway_keeps_what_came_before() -> None:
    data = json.dumps({"asam": [_record("2019-1"), _record("2019-2")]}).encode()
    result = read_json_bytes(data[: len(data) - 40], "cut.json")
    assert list(by_id(result)) == ["2019-1"]
    (reject,) = rejects(result)
    assert (reject.file, reject.line) == ("cut.json", 2)
    assert reject.reason.startswith("invalid JSON after record 1: ")


class _CountingStream(io.RawIOBase):
    """A binary stream that says how much of it has been read."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._data.read(size)
        self.consumed += len(chunk)
        return chunk


def test_json_is_streamed_not_loaded_whole() -> None:
    data = json.dumps({"asam": [_record(f"2019-{n}") for n in range(20_000)]}).encode()
    stream = _CountingStream(data)
    first = next(read_asam_json(stream, file_name="big.json"))  # type: ignore[arg-type]
    assert isinstance(first, Incident) and first.source_id == "2019-0"
    assert stream.consumed < len(data) / 10
