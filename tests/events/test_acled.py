"""The ACLED importer: the 2023 and the older export layouts, messy rows, the category map."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.atlas import Atlas
from corridor.events.categories import category_map
from corridor.events.importers.acled import read_acled
from corridor.events.importers.base import ParsedRecord, Rejected
from corridor.events.model import DatePrecision, Incident, LocationPrecision, Target, Tlp
from tests.events.records import EndlessFile, by_id, rejects

FIXTURES = Path(__file__).parent / "fixtures" / "acled"
EXPORT_2023 = FIXTURES / "acled_2023_export.csv"
EXPORT_OLD = FIXTURES / "acled_2021_export_old_layout.csv"
MESSY = FIXTURES / "acled_messy.csv"


def read_text(text: str, name: str = "acled.csv") -> list[ParsedRecord]:
    return list(read_acled(io.StringIO(text, newline=""), file_name=name))


def read_file(path: Path) -> list[ParsedRecord]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(read_acled(stream, file_name=path.name))


# The export layout since March 2023


def test_2023_export_reads_every_row_despite_its_byte_order_mark() -> None:
    assert EXPORT_2023.read_bytes().startswith(b"\xef\xbb\xbfevent_id_cnty,")
    records = read_file(EXPORT_2023)
    assert rejects(records) == []
    assert len(by_id(records)) == len(records) == 15


def test_2023_export_row_in_full() -> None:
    assert by_id(read_file(EXPORT_2023))["AFG22341"] == Incident(
        source="acled",
        source_id="AFG22341",
        title="Suicide bomb in Kabul",
        start_date=date(2023, 1, 11),
        date_precision=DatePrecision.DAY,
        threat_class="terrorism",
        longitude=69.1833,
        latitude=34.5167,
        location_precision=LocationPrecision.EXACT,
        country="AFG",
        location_name="Kabul",
        description=(
            "On 11 January 2023, an IS suicide bomber detonated explosives outside the Ministry"
            " of Foreign Affairs in Kabul as employees left work, killing at least 5 civilians."
        ),
        source_categories=("Explosions/Remote violence", "Suicide bomb"),
        severity=3,
        fatalities_best=5,
        actors=(
            "Islamic State (Afghanistan)",
            "Civilians (Afghanistan)",
            "Government of Afghanistan (2021-)",
        ),
        target=Target.PEOPLE,  # "Civilian targeting"
        reporter="public:acled",
        tlp=Tlp.CLEAR,
        source_updated=datetime(2023, 1, 23, 21, 15, 3, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("event_id", "threat_class", "target", "severity"),
    [
        ("PAK95117", "terrorism", None, 4),  # suicide bomb, 84 dead
        ("PAK95201", "armed_conflict", Target.MILITARY, 3),  # armed clash
        ("PAK95388", "terrorism", None, 2),  # IED
        ("PAK95560", "political_turmoil", None, 1),  # peaceful protest
        ("PAK95630", "political_turmoil", Target.PEOPLE, 1),  # arrests
        ("AFG22610", "armed_conflict", Target.PEOPLE, 2),  # abduction, floor 2
        ("YEM88771", "armed_conflict", Target.PEOPLE, 2),  # shelling, civilian targeting
        ("YEM88910", "armed_conflict", Target.PROPERTY, 1),  # looting
        ("SOM41907", "armed_conflict", Target.MILITARY, 4),  # government regains territory
        ("SOM42015", "terrorism", None, 1),  # disrupted weapons use
        ("SOM42088", "political_turmoil", Target.PEOPLE, 2),  # mob violence
    ],
)
def test_event_types_map_to_threat_class_target_and_severity(
    event_id: str, threat_class: str, target: Target | None, severity: int
) -> None:
    incident = by_id(read_file(EXPORT_2023))[event_id]
    assert (incident.threat_class, incident.target, incident.severity) == (
        threat_class,
        target,
        severity,
    )


@pytest.mark.parametrize(
    ("event_id", "time", "place"),
    [
        ("PAK95117", DatePrecision.DAY, LocationPrecision.EXACT),
        ("PAK95201", DatePrecision.DAY, LocationPrecision.NEAR),  # geo_precision 2
        ("AFG22610", DatePrecision.WEEK, LocationPrecision.EXACT),  # time_precision 2
        ("SOM41907", DatePrecision.MONTH, LocationPrecision.PROVINCE),  # 3 and 3
    ],
)
def test_precision_codes(event_id: str, time: DatePrecision, place: LocationPrecision) -> None:
    incident = by_id(read_file(EXPORT_2023))[event_id]
    assert (incident.date_precision, incident.location_precision) == (time, place)


def test_iso_numeric_codes_give_the_countries() -> None:
    countries = {r.source_id[:3]: r.country for r in by_id(read_file(EXPORT_2023)).values()}
    assert countries == {"PAK": "PAK", "AFG": "AFG", "YEM": "YEM", "SOM": "SOM"}


def test_actors_and_tags_are_split_on_semicolons() -> None:
    incidents = by_id(read_file(EXPORT_2023))
    assert incidents["YEM88802"].actors == (
        "Military Forces of Yemen (2016-) Houthi",
        "Military Forces of Yemen (2022-) Presidential Leadership Council",
        "Giants Brigades",
    )
    assert incidents["PAK95560"].actors == (
        "Protesters (Pakistan)",
        "PTI: Pakistan Tehreek-i-Insaf",
    )
    assert incidents["PAK95560"].tags == ("crowd size=no report",)
    assert incidents["PAK95560"].title == "Peaceful protest in Lahore"
    assert incidents["PAK95560"].location_name == "Lahore, Punjab"


def test_every_threat_class_is_in_the_atlas(atlas: Atlas) -> None:
    produced = {
        r.threat_class
        for path in (EXPORT_2023, EXPORT_OLD, MESSY)
        for r in read_file(path)
        if isinstance(r, Incident)
    }
    assert produced == {"armed_conflict", "terrorism", "political_turmoil"}
    assert category_map("acled").threat_classes() <= set(atlas.threats)


@pytest.mark.parametrize(
    ("event_type", "sub_event_type", "threat_class"),
    [
        ("Battles", "Armed clash", "armed_conflict"),
        ("Explosions/Remote violence", "Suicide bomb", "terrorism"),
        ("Explosions/Remote violence", "Remote explosive/landmine/IED", "terrorism"),
        ("Explosions/Remote violence", "Air/drone strike", "armed_conflict"),
        ("Explosions/Remote violence", "Shelling/artillery/missile attack", "armed_conflict"),
        ("Violence against civilians", "Abduction/forced disappearance", "armed_conflict"),
        ("Protests", "Excessive force against protesters", "political_turmoil"),
        ("Riots", "Violent demonstration", "political_turmoil"),
        ("Strategic developments", "Agreement", "political_turmoil"),
        ("Strategic developments", "Looting/property destruction", "armed_conflict"),
        ("Strategic developments", "Some new sub-event", "political_turmoil"),
        ("Riots/Protests", "", "political_turmoil"),  # the pre-2019 codebook
        ("Something else", "", "political_turmoil"),  # the default
    ],
)
def test_category_map(event_type: str, sub_event_type: str, threat_class: str) -> None:
    assert category_map("acled").classify(event_type, sub_event_type).threat_class == threat_class


# The older export layout


def test_old_layout_reads_every_row() -> None:
    records = read_file(EXPORT_OLD)
    assert rejects(records) == []
    assert list(by_id(records)) == [
        "AFG55478",
        "AFG55710",
        "PAK84012",
        "YEM70115",
        "SOM34876",
        "SOM35012",
    ]


def test_old_layout_dates_written_out_and_what_it_lacks() -> None:
    incidents = by_id(read_file(EXPORT_OLD))
    kabul_airport = incidents["AFG55710"]
    assert kabul_airport.start_date == date(2021, 8, 26)  # "26 August 2021"
    assert incidents["SOM35012"].start_date == date(2021, 10, 3)  # "03 October 2021"
    assert kabul_airport.country == "AFG"  # iso 4
    assert (kabul_airport.threat_class, kabul_airport.severity) == ("terrorism", 5)
    assert kabul_airport.target is None  # no civilian_targeting column
    assert kabul_airport.tags == ()  # no tags column
    assert kabul_airport.source_updated == datetime(2021, 9, 2, 13, 40, 14, tzinfo=UTC)
    assert incidents["AFG55478"].threat_class == "armed_conflict"  # transfer of territory


# Messy rows


def test_messy_rows_are_rejected_naming_file_line_and_field() -> None:
    found = rejects(read_file(MESSY))
    assert [(r.file, r.line, r.field) for r in found] == [
        ("acled_messy.csv", 3, "latitude"),
        ("acled_messy.csv", 4, "fatalities"),
        ("acled_messy.csv", 5, "latitude"),
        ("acled_messy.csv", 8, "country"),  # after the record on lines 6-7
        ("acled_messy.csv", 9, "event_date"),
        ("acled_messy.csv", 10, "time_precision"),
        ("acled_messy.csv", 12, "event_id_cnty"),
        ("acled_messy.csv", 13, "row"),
        ("acled_messy.csv", 14, "timestamp"),
    ]
    assert [(r.value, r.reason) for r in found if r.field != "row"] == [
        ("", "is empty"),
        ("several", "is not a number"),
        ("123", "is outside -90..90"),
        ("Kashmir", "is not a known country"),
        ("2023-02-30", "is not a date (expected YYYY-MM-DD)"),
        ("4", "is not a code 1..3"),
        ("", "is empty"),
        ("yesterday", "is not a number"),
    ]
    assert found[7].value.startswith("PAK95711,2023-01-30,")
    assert found[7].reason == "has 33 values for 31 columns"


def test_messy_rows_that_can_be_read_are() -> None:
    incidents = by_id(read_file(MESSY))
    assert list(incidents) == ["PAK95201", "PAK95705", "PAK95709", "PAK95713"]
    assert incidents["PAK95705"].description.endswith("\nUpdate: the toll rose to 84.")
    assert incidents["PAK95709"].longitude == 71.5785  # "71,5785"
    cleaned = incidents["PAK95713"]
    assert (cleaned.location_name, cleaned.fatalities_best) == ("Peshawar, Khyber Pakhtunkhwa", 3)
    assert cleaned.actors == (
        "TTP: Tehreek-i-Taliban Pakistan",
        "Police Forces of Pakistan (2018-)",
    )


def export_with(**changes: str) -> str:
    """The first row of the 2023 export with some values changed."""
    rows = list(csv.reader(EXPORT_2023.open(newline="", encoding="utf-8-sig")))[:2]
    for column, value in changes.items():
        rows[1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("iso", "country", "expected"),
    [
        ("586", "Kashmir", "PAK"),  # the code settles it
        ("", "Pakistan", "PAK"),
        ("586.0", "", "PAK"),  # through pandas
        ("999", "Pakistan", "PAK"),  # an unknown code falls back to the name
        ("0", "Kosovo", "XKX"),  # ACLED's code for Kosovo
        ("", "Democratic Republic of Congo", "COD"),
    ],
)
def test_country_from_iso_number_then_name(iso: str, country: str, expected: str) -> None:
    (incident,) = read_text(export_with(iso=iso, country=country))
    assert isinstance(incident, Incident)
    assert incident.country == expected


def test_unknown_country_and_no_code_is_rejected_naming_country() -> None:
    (reject,) = read_text(export_with(iso="", country="Atlantis"), "a.csv")
    assert reject == Rejected("a.csv", 2, "country", "Atlantis", "is not a known country")


def test_missing_required_column_gives_one_reject_on_line_one() -> None:
    text = export_with().replace(",latitude,", ",lat,", 1)
    assert read_text(text, "a.csv") == [
        Rejected("a.csv", 1, "latitude", "", "a.csv has no column 'latitude'")
    ]


def test_upper_case_headers_are_read() -> None:
    header, row = export_with().split("\n", 1)
    assert read_text(header.upper() + "\n" + row) == read_text(export_with())


def test_empty_stream_gives_nothing() -> None:
    assert read_text("") == []


def test_reading_streams_row_by_row() -> None:
    header, row = export_with().splitlines(keepends=True)
    first = list(itertools.islice(read_acled(EndlessFile(header, row), file_name="endless.csv"), 3))
    assert [r.source_id for r in first if isinstance(r, Incident)] == ["PAK95117"] * 3


# Properties


@st.composite
def acled_values(draw: st.DrawFn) -> dict[str, str]:
    return {
        "event_id_cnty": f"PAK{draw(st.integers(1, 10**7))}",
        "latitude": repr(draw(st.floats(-90, 90, allow_nan=False))),
        "longitude": repr(draw(st.floats(-180, 180, allow_nan=False))),
        "fatalities": str(draw(st.integers(0, 10_000))),
        "timestamp": str(draw(st.integers(0, 4_000_000_000))),
        "time_precision": str(draw(st.integers(1, 3))),
        "geo_precision": str(draw(st.integers(1, 3))),
    }


@given(acled_values())
def test_any_valid_row_keeps_its_numbers(values: dict[str, str]) -> None:
    (incident,) = read_text(export_with(**values))
    assert isinstance(incident, Incident)
    assert incident.source_id == values["event_id_cnty"]
    assert incident.latitude == float(values["latitude"])
    assert incident.longitude == float(values["longitude"])
    assert incident.fatalities_best == int(values["fatalities"])
    assert incident.source_updated is not None
    assert incident.source_updated.timestamp() == int(values["timestamp"])


@given(st.dates(date(1997, 1, 1), date(2040, 12, 31)))
def test_both_date_spellings_give_the_same_day(day: date) -> None:
    iso = read_text(export_with(event_date=day.isoformat()))
    written = read_text(export_with(event_date=f"{day.day:02d} {day:%B} {day.year}"))
    assert iso == written
    assert isinstance(iso[0], Incident)
    assert iso[0].start_date == day


@given(
    acled_values(),
    st.one_of(st.floats(90, exclude_min=True), st.floats(max_value=-90, exclude_max=True)),
)
def test_any_latitude_beyond_the_poles_is_rejected(values: dict[str, str], latitude: float) -> None:
    (reject,) = read_text(export_with(**values | {"latitude": repr(latitude)}), "a.csv")
    assert isinstance(reject, Rejected)
    assert (reject.file, reject.line, reject.field) == ("a.csv", 2, "latitude")
