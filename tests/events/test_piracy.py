"""The "Crime at Sea" importer: a real 60-row slice, the whole bundled file, stable ids, rejects."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.atlas import Atlas
from corridor.datasets import dataset_path
from corridor.events.categories import category_map
from corridor.events.importers.base import ParsedRecord, Rejected
from corridor.events.importers.piracy import PIRACY_COLUMNS, piracy_source_id, read_piracy
from corridor.events.model import Incident, LocationPrecision, Target
from tests.shared import shared_file

FIXTURES = Path(__file__).parent / "fixtures" / "piracy"
SLICE = FIXTURES / "pirate_attacks_slice.csv"
GULF_OF_ADEN = {"SOM", "YEM", "DJI", "ERI", "OMN"}


def read_text(text: str, name: str = "test.csv") -> list[ParsedRecord]:
    return list(read_piracy(io.StringIO(text, newline=""), file_name=name))


def slice_text() -> str:
    return SLICE.read_text(encoding="utf-8")


def incidents(records: list[ParsedRecord]) -> list[Incident]:
    return [r for r in records if isinstance(r, Incident)]


def rejects(records: list[ParsedRecord]) -> list[Rejected]:
    return [r for r in records if isinstance(r, Rejected)]


def one_row(**values: str) -> str:
    """A file with one row: a real 2015 IMB record with ``values`` changed."""
    row = {
        "date": "2015-01-20",
        "time": "17:10",
        "longitude": "-3.8333333333333335",
        "latitude": "4.05",
        "attack_type": "Suspicious",
        "location_description": "Around 70nm SSE of Abidjan",
        "nearest_country": "CIV",
        "eez_country": "CIV",
        "shore_distance": "126.11410693648175",
        "shore_longitude": "-3.678537563999953",
        "shore_latitude": "5.179836330000057",
        "attack_description": "Suspicious approach.",
        "vessel_name": "NA",
        "vessel_type": "Offshore Supply Ship",
        "vessel_status": "NA",
        "data_source": "imb",
    } | values
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PIRACY_COLUMNS)
    writer.writerow([row[column] for column in PIRACY_COLUMNS])
    return out.getvalue()


# The real slice


def test_slice_gives_sixty_incidents_and_no_rejects() -> None:
    records = read_text(slice_text())
    assert len(records) == 60
    assert rejects(records) == []
    assert len({r.source_id for r in incidents(records)}) == 60


def test_every_attack_type_has_its_class_and_severity() -> None:
    kinds = Counter(
        (r.source_categories, r.threat_class, r.severity)
        for r in incidents(read_text(slice_text()))
    )
    assert kinds == {
        (("Hijacked",), "piracy", 4): 17,
        (("Boarded",), "piracy", 2): 12,
        (("Attempted",), "piracy", 1): 10,
        ((), "piracy", 1): 7,  # attack_type NA
        (("Boarding",), "piracy", 2): 4,
        (("Fired Upon",), "piracy", 3): 4,
        (("Explosion",), "terrorism", 3): 3,
        (("Suspicious",), "piracy", 1): 2,
        (("Detained",), "piracy", 4): 1,
    }


def test_hijacked_is_worse_than_fired_upon_than_boarded_than_attempted() -> None:
    rules = category_map("piracy")
    floor = {kind: rules.classify(kind).severity_floor for kind in PIRACY_KINDS}
    assert floor["Hijacked"] > floor["Fired Upon"] > floor["Boarded"] > floor["Attempted"]
    assert floor["Boarding"] == floor["Boarded"]
    assert floor["Suspicious"] == floor["Attempted"] == floor["NA"] == 1
    assert rules.classify("HIJACKED") == rules.classify("hijacked") == rules.classify("Hijacked")


PIRACY_KINDS = (
    "Boarded",
    "Attempted",
    "Boarding",
    "Hijacked",
    "NA",
    "Fired Upon",
    "Suspicious",
    "Explosion",
    "Detained",
)


def test_every_threat_class_exists_in_the_atlas(atlas: Atlas) -> None:
    assert category_map("piracy").threat_classes() <= set(atlas.threats)
    produced = {r.threat_class for r in incidents(read_text(slice_text()))}
    assert produced == {"piracy", "terrorism"}


def test_first_record_in_full() -> None:
    first = incidents(read_text(slice_text()))[0]
    assert first == Incident(
        source="piracy",
        source_id="fd5e529061fe7257",
        title="Attack: Mv Cosmic Leader off CHN",
        start_date=date(1993, 1, 2),
        threat_class="piracy",
        longitude=116.9667,
        latitude=19.7,
        location_precision=LocationPrecision.EXACT,
        country="CHN",
        location_name="Hong Kong - Luzon - Hainan",
        description="",
        source_categories=(),
        severity=1,
        target=Target.VESSEL,
        tags=("eez:TWN", "data_source:mappingpiracy"),
        reporter="public:piracy",
    )


def test_imb_record_keeps_its_description_and_vessel() -> None:
    records = incidents(read_text(slice_text()))
    suspicious = next(r for r in records if r.start_date == date(2015, 1, 20))
    assert suspicious.title == "Suspicious: offshore supply ship off CIV"
    assert suspicious.description.startswith("Suspicious approach: This incident will not")
    assert "\n20.01.2015: 1710 LT: Posn: 04:05N - 003:50W" in suspicious.description
    assert suspicious.tags == (
        "eez:CIV",
        "vessel_type:offshore supply ship",
        "data_source:imb",
    )
    assert suspicious.location_name == "Around 70nm SSE of Abidjan"


def test_explosions_are_the_known_bombings() -> None:
    bombs = [r for r in incidents(read_text(slice_text())) if r.threat_class == "terrorism"]
    assert [(r.start_date, r.country, r.title) for r in bombs] == [
        (date(2000, 2, 25), "PHL", "Explosion: Our Lady of Mediatrix off PHL"),
        (date(2000, 6, 9), "BGD", "Explosion: Chu Hung off BGD"),
        (date(2000, 10, 12), "YEM", "Explosion: Cole off YEM"),
    ]
    assert all("explosion" in r.tags for r in bombs)


def test_na_nearest_country_is_missing_not_namibia() -> None:
    records = incidents(read_text(slice_text()))
    missing = [r for r in records if r.country is None]
    assert len(missing) == 3
    assert all(not any(t.startswith("eez:") for t in r.tags) for r in missing)
    assert "Sukhinichi at East China Sea" in {r.title.split(": ", 1)[1] for r in missing}
    assert not any(r.country == "NAM" or "eez:NAM" in r.tags for r in records)


def test_position_at_zero_zero_is_a_placeholder_and_dropped() -> None:
    records = incidents(read_text(slice_text()))
    bayelsa = next(r for r in records if r.location_name == "Around 220nm SW of Bayelsa")
    assert (bayelsa.longitude, bayelsa.latitude) == (None, None)
    assert bayelsa.location_precision == LocationPrecision.COUNTRY
    placed = [r for r in records if r is not bayelsa]
    assert all(r.longitude is not None and r.latitude is not None for r in placed)


def test_vessel_type_and_status_become_lower_case_tags() -> None:
    tags = Counter(t for r in incidents(read_text(slice_text())) for t in r.tags)
    assert tags["vessel_type:bulk carrier"] == 6  # "Bulk Carrier" 5 and "BULK CARRIER" 1
    assert tags["vessel_status:steaming"] == 17  # "Steaming" 16 and "steaming" 1
    assert tags["data_source:imb"] + tags["data_source:mappingpiracy"] == 60


def test_title_leaves_out_names_that_name_nobody() -> None:
    text = one_row(vessel_name="Name Withheld", attack_type="Hijacked", vessel_type="TANKER")
    assert incidents(read_text(text))[0].title == "Hijacked: tanker off CIV"
    text = one_row(nearest_country="NA", vessel_type="NA")
    assert incidents(read_text(text))[0].title == "Suspicious: vessel at Around 70nm SSE of Abidjan"


# Stable ids


def test_reimporting_gives_the_same_ids() -> None:
    first = [r.source_id for r in incidents(read_text(slice_text()))]
    again = [r.source_id for r in incidents(read_text(slice_text()))]
    assert first == again


def test_exact_duplicate_rows_get_a_counter_in_file_order() -> None:
    records = incidents(read_text(slice_text()))
    suisen = [r.source_id for r in records if r.title == "Boarded: Suisen off BGD"]
    assert len(suisen) == 2
    assert suisen[1] == suisen[0] + "-2"
    sabah = [r.source_id for r in records if r.start_date == date(2001, 6, 14)]
    assert sabah == [sabah[0], sabah[0] + "-2", sabah[0] + "-3"]


def test_ids_survive_a_pandas_round_trip_and_reordered_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(slice_text(), newline="")))
    columns = list(reversed(PIRACY_COLUMNS))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        changed = {k: ("" if v == "NA" else v) for k, v in row.items()}  # NA written as blank
        if changed["latitude"] == "-7.1766667":
            changed["latitude"] = "-7.17666670"
        if changed["longitude"] == "116":
            changed["longitude"] = "116.0"  # an R or pandas float column
        writer.writerow(changed)
    original = [r.source_id for r in incidents(read_text(slice_text()))]
    rewritten = [r.source_id for r in incidents(read_text(out.getvalue()))]
    assert rewritten == original


def test_a_changed_row_gets_a_new_id() -> None:
    before = incidents(read_text(one_row()))[0].source_id
    after = incidents(read_text(one_row(attack_description="Suspicious approach!")))[0]
    assert after.source_id != before


rows = st.lists(
    st.fixed_dictionaries(
        {
            "date": st.dates().map(date.isoformat),
            "attack_type": st.sampled_from(PIRACY_KINDS),
            "vessel_name": st.text(max_size=12),
            "attack_description": st.text(max_size=40),
            "longitude": st.floats(-180, 180).map(repr),
        }
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(chosen=rows, repeat=st.integers(0, 3))
def test_ids_are_unique_in_a_file_and_the_same_on_every_read(
    chosen: list[dict[str, str]], repeat: int
) -> None:
    chosen = chosen + chosen[:repeat]  # some exact duplicates
    out = io.StringIO()
    writer = csv.DictWriter(out, PIRACY_COLUMNS, restval="NA")  # quotes \r and \n
    writer.writeheader()
    for row in chosen:
        writer.writerow(row | {"latitude": "1.5", "nearest_country": "IDN"})
    first, second = read_text(out.getvalue()), read_text(out.getvalue())
    ids = [r.source_id for r in incidents(first)]
    assert len(set(ids)) == len(ids) == len(chosen) - len(rejects(first))
    assert ids == [r.source_id for r in incidents(second)]
    assert all(len(i.split("-")[0]) == 16 for i in ids)


@given(row=st.dictionaries(st.sampled_from(PIRACY_COLUMNS), st.text(max_size=10)))
def test_na_and_blank_and_spacing_give_one_id(row: dict[str, str]) -> None:
    spaced = {k: f"  {v}  " for k, v in row.items()}
    blanked = {k: ("" if v.strip().upper() in {"NA", "N/A"} else v) for k, v in row.items()}
    assert piracy_source_id(row) == piracy_source_id(spaced) == piracy_source_id(blanked)


# Rejects


def test_reject_after_records_spanning_lines_names_the_right_line() -> None:
    text = slice_text()
    start = text.index("\n2018-05-19,") + 1  # the record after eighteen multi-line ones
    line = text.count("\n", 0, start) + 1
    assert line == 74
    broken = text[:start] + "2018-05-32" + text[start + len("2018-05-19") :]
    records = read_text(broken, "slice.csv")
    assert rejects(records) == [
        Rejected("slice.csv", 74, "date", "2018-05-32", "is not a date (expected YYYY-MM-DD)")
    ]
    assert len(incidents(records)) == 59


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"longitude": "200"}, "longitude", "is outside -180..180"),
        ({"latitude": "north"}, "latitude", "is not a number"),
        ({"nearest_country": "XXX"}, "nearest_country", "is not a known country"),
        ({"eez_country": "Atlantis"}, "eez_country", "is not a known country"),
        ({"date": "NA"}, "date", "is empty"),
    ],
)
def test_bad_value_is_rejected_with_its_field(
    values: dict[str, str], field: str, reason: str
) -> None:
    text = one_row(**values) + one_row().split("\n", 1)[1]  # then a good row
    records = read_text(text)
    assert [(r.line, r.field, r.reason) for r in rejects(records)] == [(2, field, reason)]
    assert len(incidents(records)) == 1


def test_missing_column_gives_one_reject_on_line_one() -> None:
    text = one_row().replace("attack_type", "kind", 1)
    assert read_text(text, "old.csv") == [
        Rejected("old.csv", 1, "attack_type", "", "old.csv has no column 'attack_type'")
    ]


def test_empty_file_gives_nothing() -> None:
    assert read_text("") == []


# The whole file: the fall of piracy off Somalia and in the Gulf of Aden, 2011-2013


def _gulf_of_aden_by_year(records: list[ParsedRecord]) -> dict[int, int]:
    years = Counter(r.start_date.year for r in incidents(records) if r.country in GULF_OF_ADEN)
    return {year: years[year] for year in (2011, 2012, 2013)}


def test_bundled_file_pins_the_fall_off_somalia_2011_to_2013() -> None:
    with gzip.open(dataset_path("pirate_attacks.csv.gz"), "rt", encoding="utf-8", newline="") as f:
        records = list(read_piracy(f, file_name="pirate_attacks.csv.gz"))
    assert len(records) == 7511
    assert rejects(records) == []
    assert len({r.source_id for r in incidents(records)}) == 7511
    assert _gulf_of_aden_by_year(records) == {2011: 167, 2012: 60, 2013: 13}


def test_shared_file_pins_the_fall_off_somalia_2011_to_2013() -> None:
    shared = shared_file("data/piracy/pirate_attacks.csv")
    with shared.open(encoding="utf-8", newline="") as f:
        records = list(read_piracy(f, file_name=shared.name))
    assert _gulf_of_aden_by_year(records) == {2011: 167, 2012: 60, 2013: 13}
    kinds = Counter(r.source_categories for r in incidents(records))
    assert kinds[("Hijacked",)] == 511
    assert kinds[()] == 120  # attack_type NA
