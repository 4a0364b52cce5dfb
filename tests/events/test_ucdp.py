"""The UCDP GED importer: a real Syria slice, the publisher's full layout, rejects."""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.atlas import Atlas
from corridor.events.categories import category_map
from corridor.events.importers.base import ParsedRecord, Rejected, country_code
from corridor.events.importers.ucdp import read_ucdp, ucdp_country
from corridor.events.model import DatePrecision, Incident, LocationPrecision, Target, Tlp
from tests.events.records import EndlessFile, by_id, rejects
from tests.shared import shared_file

FIXTURES = Path(__file__).parent / "fixtures" / "ucdp"
SYRIA_SLICE = FIXTURES / "ged_syria_slice.csv"
FULL_LAYOUT = FIXTURES / "ged_full_layout.csv"


def read_text(text: str, name: str = "test.csv") -> list[ParsedRecord]:
    return list(read_ucdp(io.StringIO(text, newline=""), file_name=name))


def read_file(path: Path) -> list[ParsedRecord]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(read_ucdp(stream, file_name=path.name))


def slice_lines() -> list[str]:
    return SYRIA_SLICE.read_text(encoding="utf-8").splitlines(keepends=True)


# The real Syria slice (floats for integers, columns missing)


def test_syria_slice_gives_fifty_incidents_and_no_rejects() -> None:
    records = read_file(SYRIA_SLICE)
    assert len(records) == 50
    assert rejects(records) == []
    assert len(by_id(records)) == 50


def test_syria_slice_counts_each_kind_of_violence() -> None:
    kinds = Counter(r.source_categories for r in by_id(read_file(SYRIA_SLICE)).values())
    assert kinds == {
        ("state-based conflict",): 27,
        ("non-state conflict",): 11,
        ("one-sided violence",): 12,
    }


def test_first_syria_event_in_full() -> None:
    assert by_id(read_file(SYRIA_SLICE))["214797"] == Incident(
        source="ucdp",
        source_id="214797",
        title="Government of Syria - Syrian insurgents",
        start_date=date(2016, 1, 1),
        end_date=date(2016, 1, 1),
        date_precision=DatePrecision.DAY,
        threat_class="armed_conflict",
        longitude=36.707602,
        latitude=34.802462,
        location_precision=LocationPrecision.EXACT,
        country="SYR",
        location_name="Teir Maaleh village, Homs Governorate",
        description="14 shells hit Dahya al-Assad an clashes continue around Ter Ma\u2019la",
        source_categories=("state-based conflict",),
        severity=3,
        fatalities_best=4,
        fatalities_low=4,
        fatalities_high=4,
        actors=("Government of Syria", "Syrian insurgents"),
        target=Target.MILITARY,
        tags=(),
        reporter="public:ucdp",
        tlp=Tlp.CLEAR,
    )


@pytest.mark.parametrize(
    ("event_id", "where_prec", "expected"),
    [
        ("214808", 1, LocationPrecision.EXACT),
        ("214804", 2, LocationPrecision.NEAR),
        ("214831", 3, LocationPrecision.DISTRICT),
        ("216112", 4, LocationPrecision.PROVINCE),
        ("216056", 5, LocationPrecision.PROVINCE),
        ("233200", 6, LocationPrecision.COUNTRY),
    ],
)
def test_where_prec_sets_location_precision(
    event_id: str, where_prec: int, expected: LocationPrecision
) -> None:
    assert by_id(read_file(SYRIA_SLICE))[event_id].location_precision == expected


@pytest.mark.parametrize(
    ("event_id", "expected", "start", "end"),
    [
        ("218702", DatePrecision.WEEK, date(2016, 1, 6), date(2016, 1, 8)),  # date_prec 2
        ("219468", DatePrecision.WEEK, date(2016, 1, 11), date(2016, 1, 17)),  # 3
        ("223796", DatePrecision.MONTH, date(2016, 1, 11), date(2016, 1, 25)),  # 4
        ("233200", DatePrecision.YEAR, date(2016, 1, 1), date(2016, 12, 31)),  # 5
    ],
)
def test_date_prec_sets_date_precision_and_the_span(
    event_id: str, expected: DatePrecision, start: date, end: date
) -> None:
    incident = by_id(read_file(SYRIA_SLICE))[event_id]
    assert (incident.date_precision, incident.start_date, incident.end_date) == (
        expected,
        start,
        end,
    )


def test_kinds_of_violence_map_to_threat_class_and_target() -> None:
    incidents = by_id(read_file(SYRIA_SLICE))
    non_state, one_sided = incidents["214814"], incidents["215936"]
    assert (non_state.threat_class, non_state.target) == ("armed_conflict", None)
    assert non_state.title == "Ahrar al-Sham, Jabhat Fateh al-Sham - SDF"
    assert non_state.actors == ("Ahrar al-Sham, Jabhat Fateh al-Sham", "SDF")
    assert (one_sided.threat_class, one_sided.target) == ("armed_conflict", Target.PEOPLE)
    assert one_sided.actors == ("IS", "Civilians")


def test_death_tolls_are_kept_as_published_even_when_inconsistent() -> None:
    incidents = by_id(read_file(SYRIA_SLICE))
    low_above_best = incidents["219459"]
    assert (low_above_best.fatalities_low, low_above_best.fatalities_best) == (177, 142)
    assert low_above_best.severity == 5
    assert incidents["223954"].fatalities_best == 0
    assert incidents["223954"].severity == 1
    assert incidents["233200"].fatalities_best == 8179


def test_province_is_not_repeated_in_the_location_name() -> None:
    incidents = by_id(read_file(SYRIA_SLICE))
    assert incidents["216112"].location_name == "Hamah Governorate"  # where_prec 4
    assert incidents["216056"].location_name == "Northern Hamah Governorate"
    assert incidents["233200"].location_name == "Syria"  # no adm_1


def test_headline_spanning_lines_is_kept_whole() -> None:
    incident = by_id(read_file(SYRIA_SLICE))["244976"]
    assert incident.description.endswith("Anna Ahronheim")
    assert "\n" in incident.description


def test_reject_after_records_spanning_lines_names_the_right_line() -> None:
    lines = slice_lines()
    assert lines[56].startswith("275026.0,")  # the record on lines 57-59
    lines[58] = lines[58].replace(",Syria,652.0,", ",Narnia,652.0,")  # its country
    records = read_text("".join(lines), "slice.csv")
    assert rejects(records) == [
        Rejected("slice.csv", 57, "country", "Narnia", "is not a known country")
    ]
    assert len(by_id(records)) == 49


# The publisher's full layout (integers, all columns, dates with a time)


def test_full_layout_reads_every_row() -> None:
    records = read_file(FULL_LAYOUT)
    assert len(records) == 17
    assert rejects(records) == []


def test_full_layout_row_in_full() -> None:
    incident = by_id(read_file(FULL_LAYOUT))["98213"]
    assert incident == Incident(
        source="ucdp",
        source_id="98213",
        title="Government of Afghanistan - Taleban",
        start_date=date(2009, 2, 20),
        end_date=date(2009, 2, 20),
        date_precision=DatePrecision.DAY,
        threat_class="armed_conflict",
        longitude=65.71013,
        latitude=31.61332,
        location_precision=LocationPrecision.EXACT,
        country="AFG",
        location_name="Kandahar town, Kandahar province",
        description="Five killed as Taliban clash with Afghan police in Kandahar",
        source_categories=("state-based conflict",),
        severity=3,
        fatalities_best=5,
        fatalities_low=5,
        fatalities_high=7,
        actors=("Government of Afghanistan", "Taleban"),
        target=Target.MILITARY,
        reporter="public:ucdp",
    )


@pytest.mark.parametrize(
    ("event_id", "country"),
    [
        ("98213", "AFG"),
        ("157344", "PAK"),
        ("124807", "SOM"),
        ("199310", "YEM"),  # Yemen (North Yemen)
        ("33145", "RUS"),  # Russia (Soviet Union)
        ("104557", "COD"),  # DR Congo (Zaire)
        ("201977", "MMR"),  # Myanmar (Burma)
        ("14210", "KHM"),  # Cambodia (Kampuchea)
        ("27390", "BIH"),  # Bosnia-Herzegovina
        ("30618", "SRB"),  # Serbia (Yugoslavia)
        ("118451", "CIV"),  # Ivory Coast
        ("386401", "SWZ"),  # Kingdom of eSwatini (Swaziland)
        ("59811", "MDG"),  # Madagascar (Malagasy)
        ("105932", "ZWE"),  # Zimbabwe (Rhodesia)
    ],
)
def test_ucdp_country_names_become_iso_alpha3(event_id: str, country: str) -> None:
    assert by_id(read_file(FULL_LAYOUT))[event_id].country == country


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Syria", "SYR"),
        ("Yemen (North Yemen)", "YEM"),
        ("Russia (Soviet Union)", "RUS"),
        ("DR Congo (Zaire)", "COD"),
        ("Myanmar (Burma)", "MMR"),
        ("Cambodia (Kampuchea)", "KHM"),
        ("Bosnia-Herzegovina", "BIH"),
        ("Serbia (Yugoslavia)", "SRB"),
        ("Ivory Coast", "CIV"),
        ("Kingdom of eSwatini (Swaziland)", "SWZ"),
        ("Madagascar (Malagasy)", "MDG"),
        ("Zimbabwe (Rhodesia)", "ZWE"),
        ("Macedonia, FYR", "MKD"),
        ("Congo", "COG"),
    ],
)
def test_country_code_with_ucdp_aliases(name: str, code: str) -> None:
    assert country_code(name, "country", ucdp_country) == code


def test_ucdp_country_knows_nothing_of_unknown_names() -> None:
    assert ucdp_country("Narnia (Archenland)") is None


def test_full_layout_precisions_and_spans() -> None:
    incidents = by_id(read_file(FULL_LAYOUT))
    at_sea = incidents["199310"]  # where_prec 7: international waters
    assert at_sea.location_precision == LocationPrecision.COUNTRY
    assert at_sea.location_name == "Red Sea off Al Hudaydah"
    assert incidents["30618"].location_precision == LocationPrecision.PROVINCE  # 5
    assert incidents["201977"].date_precision == DatePrecision.YEAR  # 5
    assert incidents["104557"].date_precision == DatePrecision.WEEK  # 3
    assert incidents["104557"].end_date == date(2008, 12, 30)


def test_full_layout_signs_of_coordinates_and_large_tolls() -> None:
    incidents = by_id(read_file(FULL_LAYOUT))
    assert incidents["118451"].longitude == -4.00167  # Abidjan
    assert incidents["386401"].latitude == -26.49884  # Manzini
    mogadishu = incidents["199017"]
    assert (mogadishu.fatalities_low, mogadishu.fatalities_best) == (512, 587)
    assert mogadishu.severity == 5
    assert mogadishu.description.startswith("Truck bomb kills hundreds in Mogadishu;")


def test_every_threat_class_is_in_the_atlas(atlas: Atlas) -> None:
    produced = {
        r.threat_class
        for path in (SYRIA_SLICE, FULL_LAYOUT)
        for r in read_file(path)
        if isinstance(r, Incident)
    }
    assert produced <= set(atlas.threats)
    assert category_map("ucdp").threat_classes() <= set(atlas.threats)


# Rejects and the shape of the file


def full_layout_with(line: int, column: str, value: str) -> str:
    """The full-layout file with one value changed on one line (1 = header)."""
    rows = list(csv.reader(FULL_LAYOUT.open(newline="", encoding="utf-8")))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("country", "Narnia", "is not a known country"),
        ("country", "", "is empty"),
        ("latitude", "123", "is outside -90..90"),
        ("latitude", "", "is empty"),
        ("longitude", "200.5", "is outside -180..180"),
        ("best", "many", "is not a number"),
        ("best", "-3", "is negative"),
        ("high", "2.5", "is not a whole number"),
        ("id", "", "is empty"),
        ("type_of_violence", "4", "is not a code 1..3"),
        ("where_prec", "8", "is not a code 1..7"),
        ("date_prec", "0", "is not a code 1..5"),
        ("date_start", "20 February", "is not a date (expected YYYY-MM-DD)"),
        ("date_end", "2009-02-19 00:00:00.000", "is before date_start"),
    ],
)
def test_bad_value_is_rejected_naming_file_line_and_field(
    column: str, value: str, reason: str
) -> None:
    records = read_text(full_layout_with(4, column, value), "ged.csv")
    assert rejects(records) == [Rejected("ged.csv", 4, column, value, reason)]
    assert len(records) == 17


def test_numbers_written_differently_are_read() -> None:
    text = full_layout_with(2, "best", " 5 ")
    text = text.replace(",1,Kandahar town,", ",1.0,Kandahar town,")  # where_prec
    assert by_id(read_text(text))["98213"] == by_id(read_file(FULL_LAYOUT))["98213"]


def test_missing_required_column_gives_one_reject_on_line_one() -> None:
    text = FULL_LAYOUT.read_text(encoding="utf-8").replace(",best,", ",best_estimate,", 1)
    assert read_text(text, "ged.csv") == [
        Rejected("ged.csv", 1, "best", "", "ged.csv has no column 'best'")
    ]


def test_optional_columns_may_be_missing() -> None:
    names, values = list(csv.reader(slice_lines()[:2]))
    keep = [i for i, name in enumerate(names) if name not in {"date_end", "low", "high", "side_b"}]
    out = io.StringIO()
    csv.writer(out).writerows([[names[i] for i in keep], [values[i] for i in keep]])
    (incident,) = read_text(out.getvalue())
    assert isinstance(incident, Incident)
    assert (incident.end_date, incident.fatalities_low, incident.fatalities_high) == (
        None,
        None,
        None,
    )
    assert incident.actors == ("Government of Syria",)


def test_row_with_more_values_than_columns_is_rejected() -> None:
    lines = FULL_LAYOUT.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + ",extra\n"
    records = read_text("".join(lines), "ged.csv")
    (reject,) = rejects(records)
    assert (reject.line, reject.field, reject.reason) == (3, "row", "has 50 values for 49 columns")


def test_short_row_is_padded_and_rejected_for_what_it_lacks() -> None:
    lines = FULL_LAYOUT.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = ",".join(next(csv.reader([lines[2]]))[:10]) + "\n"
    (reject,) = rejects(read_text("".join(lines), "ged.csv"))
    assert (reject.line, reject.field, reject.reason) == (3, "date_start", "is empty")


def test_blank_lines_are_skipped_and_counted() -> None:
    header, first, second = FULL_LAYOUT.read_text(encoding="utf-8").splitlines(keepends=True)[:3]
    second = second.replace(",49,52,30,", ",49,52,x,")  # its low estimate
    records = read_text(header + "\n" + first + "\n\n" + second, "ged.csv")
    assert [(r.line, r.field) for r in rejects(records)] == [(6, "low")]
    assert list(by_id(records)) == ["98213"]


def test_empty_stream_gives_nothing() -> None:
    assert read_text("") == []


def test_reading_streams_row_by_row() -> None:
    header, row = slice_lines()[:2]
    first = list(itertools.islice(read_ucdp(EndlessFile(header, row), file_name="endless.csv"), 3))
    assert [r.source_id for r in first if isinstance(r, Incident)] == ["214797"] * 3


# The whole bundled Syria file


def test_whole_bundled_syria_file() -> None:
    records = read_file(shared_file("data/ucdp/ged_syria_2016_2019.csv"))
    assert rejects(records) == []
    incidents = by_id(records)
    assert len(records) == len(incidents) == 16_566
    assert {r.country for r in incidents.values()} == {"SYR"}
    assert min(r.start_date for r in incidents.values()) == date(2016, 1, 1)
    assert Counter(r.location_precision for r in incidents.values()) == {
        LocationPrecision.EXACT: 9010,
        LocationPrecision.NEAR: 5786,
        LocationPrecision.DISTRICT: 334,
        LocationPrecision.PROVINCE: 620 + 562,  # where_prec 4 and 5
        LocationPrecision.COUNTRY: 254,
    }


# Properties


GED_HEADER = FULL_LAYOUT.read_text(encoding="utf-8").splitlines()[0].split(",")
BASE_ROW = next(itertools.islice(csv.reader(FULL_LAYOUT.open(encoding="utf-8")), 1, None))


@st.composite
def ged_values(draw: st.DrawFn) -> dict[str, object]:
    """The values the importer reads, anywhere in their valid ranges."""
    best = draw(st.integers(0, 100_000))
    start = draw(st.dates(date(1989, 1, 1), date(2030, 12, 31)))
    return {
        "id": draw(st.integers(1, 10**9)),
        "type_of_violence": draw(st.integers(1, 3)),
        "where_prec": draw(st.integers(1, 7)),
        "date_prec": draw(st.integers(1, 5)),
        "latitude": draw(st.floats(-90, 90, allow_nan=False)),
        "longitude": draw(st.floats(-180, 180, allow_nan=False)),
        "best": best,
        "low": draw(st.integers(0, best)),
        "high": draw(st.integers(best, 200_000)),
        "date_start": start,
        "date_end": start + timedelta(days=draw(st.integers(0, 400))),
    }


def ged_text(values: dict[str, object], *, floats: bool = False) -> str:
    """One GED row with these values: integers as the publisher or as R writes them."""
    row = list(BASE_ROW)
    for column, value in values.items():
        if isinstance(value, date):
            text = f"{value.isoformat()} 00:00:00.000" if not floats else value.isoformat()
        elif isinstance(value, int):
            text = f"{value}.0" if floats else str(value)
        else:
            text = repr(value)
        row[GED_HEADER.index(column)] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([GED_HEADER, row])
    return out.getvalue()


@given(ged_values())
def test_any_valid_row_keeps_its_numbers(values: dict[str, object]) -> None:
    (incident,) = read_text(ged_text(values))
    assert isinstance(incident, Incident)
    assert incident.source_id == str(values["id"])
    assert incident.latitude == values["latitude"]
    assert incident.longitude == values["longitude"]
    assert (incident.fatalities_low, incident.fatalities_best, incident.fatalities_high) == (
        values["low"],
        values["best"],
        values["high"],
    )
    assert (incident.start_date, incident.end_date) == (values["date_start"], values["date_end"])


@given(ged_values())
def test_integers_written_as_floats_read_the_same(values: dict[str, object]) -> None:
    assert read_text(ged_text(values, floats=True)) == read_text(ged_text(values))


@given(
    ged_values(),
    st.one_of(st.floats(90, exclude_min=True), st.floats(max_value=-90, exclude_max=True)),
)
def test_any_latitude_beyond_the_poles_is_rejected(
    values: dict[str, object], latitude: float
) -> None:
    (reject,) = read_text(ged_text(values | {"latitude": latitude}), "ged.csv")
    assert isinstance(reject, Rejected)
    assert (reject.file, reject.line, reject.field) == ("ged.csv", 2, "latitude")


@given(ged_values(), st.integers().filter(lambda n: not 1 <= n <= 7))
def test_any_where_prec_outside_the_codebook_is_rejected(
    values: dict[str, object], code: int
) -> None:
    (reject,) = read_text(ged_text(values | {"where_prec": code}))
    assert isinstance(reject, Rejected)
    assert reject.field == "where_prec"
