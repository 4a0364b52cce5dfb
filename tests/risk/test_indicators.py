"""Indicator files: the bundled WGI slice, both layouts, legacy codes, errors that point."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.risk.indicators import IndicatorError, bundled_indicators, load_indicators

WIDE_HEADER = "\ufeffCountry Name,Country Code,Indicator Name,Indicator Code,1996,1998,2000\r\n"
# Rows in the publisher's layout: CRLF, a quoted name with a comma, blank cells, aggregates.
WIDE_ROWS = (
    "Romania,ROM,Political Stability and Absence of Violence/Terrorism: Estimate,PV.EST,"
    "0.1,,0.3\r\n"
    '"Korea, Rep.",KOR,Political Stability and Absence of Violence/Terrorism: Estimate,'
    "PV.EST,0.4,0.5,\r\n"
    "World,WLD,Political Stability and Absence of Violence/Terrorism: Estimate,PV.EST,0,0,0\r\n"
    "Netherlands Antilles,ANT,Government Effectiveness: Estimate,GE.EST,1.1,1.2,1.3\r\n"
)


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def test_bundled_file_gives_the_published_estimates() -> None:
    table = bundled_indicators()
    assert table.source == "wgi_governance_1996_2018.csv"
    assert table.indicators() == {"VA.EST", "PV.EST", "GE.EST", "RQ.EST", "RL.EST", "CC.EST"}
    # Syrian Arab Republic, PV.EST: the 2018 and 2010 cells of the World Bank file.
    assert table.value("SYR", "PV.EST", 2018) == (2018, -2.739623)
    assert table.value("SYR", "PV.EST", 2010) == (2010, -0.8057897)
    assert table.value("SOM", "GE.EST", 2011) == (2011, -2.140683)
    assert table.value("SYR", "PV.EST", 2030) == (2018, -2.739623)  # latest at or before
    assert table.value("SYR", "PV.EST", 1995) is None
    assert table.value("XKX", "PV.EST", 1996) is None  # Kosovo is rated from 2003 on
    assert len(table.countries()) == 213
    assert {"ROU", "COD", "TLS", "PSE", "AND", "XKX", "JEY"} <= table.countries()
    assert (table.skipped_codes, table.skipped_rows) == (frozenset({"ANT"}), 6)


def test_bundled_table_is_read_once() -> None:
    assert bundled_indicators() is bundled_indicators()


def test_world_bank_layout_parses(tmp_path: Path) -> None:
    table = load_indicators(write(tmp_path / "wgi.csv", WIDE_HEADER + WIDE_ROWS))
    assert table.source == "wgi.csv"
    assert table.value("ROU", "PV.EST", 1998) == (1996, 0.1)  # blank 1998 cell is missing
    assert table.value("ROU", "PV.EST", 2000) == (2000, 0.3)
    assert table.value("KOR", "PV.EST", 2020) == (1998, 0.5)
    assert table.countries() == {"ROU", "KOR"}
    assert table.indicators() == {"PV.EST"}
    assert (table.skipped_codes, table.skipped_rows) == (frozenset({"WLD", "ANT"}), 2)


def test_long_layout_parses(tmp_path: Path) -> None:
    text = (
        "country,indicator,year,value\n"
        "ROU,PV.EST,2016,0.1\n"
        "ROU,PV.EST,2018,\n"
        "rou,PV.EST,2017,0.2\n"
        "ZAR,GE.EST,2010.0,-1.5\n"
        "\n"
        "EUU,GE.EST,2010,1.0\n"
    )
    table = load_indicators(write(tmp_path / "long.csv", text))
    assert table.value("ROU", "PV.EST", 2018) == (2017, 0.2)
    assert table.value("COD", "GE.EST", 2011) == (2010, -1.5)
    assert (table.skipped_codes, table.skipped_rows) == (frozenset({"EUU"}), 1)


def test_long_layout_columns_may_come_in_any_order(tmp_path: Path) -> None:
    text = "Year,Value,Country,Indicator,note\n2018,-1.25,SYR,PV.EST,x\n"
    table = load_indicators(write(tmp_path / "long.csv", text))
    assert table.value("SYR", "PV.EST", 2018) == (2018, -1.25)


def test_gzipped_file_parses(tmp_path: Path) -> None:
    path = tmp_path / "wgi.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as stream:
        stream.write(WIDE_HEADER + WIDE_ROWS)
    assert load_indicators(path).value("ROU", "PV.EST", 2000) == (2000, 0.3)


@pytest.mark.parametrize(
    ("legacy", "iso"),
    [
        ("ROM", "ROU"),
        ("ZAR", "COD"),
        ("TMP", "TLS"),
        ("WBG", "PSE"),
        ("ADO", "AND"),
        ("KSV", "XKX"),
        ("XKX", "XKX"),
        ("JEY", "JEY"),
    ],
)
def test_legacy_world_bank_codes_become_iso(tmp_path: Path, legacy: str, iso: str) -> None:
    path = write(tmp_path / "long.csv", f"country,indicator,year,value\n{legacy},CC.EST,2005,1\n")
    table = load_indicators(path)
    assert table.countries() == {iso}
    assert table.skipped_rows == 0


def test_text_in_a_numeric_cell_names_file_line_and_field(tmp_path: Path) -> None:
    bad = WIDE_ROWS.replace("0.4,0.5,", "0.4,n/a-ish,", 1)
    path = write(tmp_path / "wgi.csv", WIDE_HEADER + bad)
    with pytest.raises(IndicatorError) as caught:
        load_indicators(path)
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), 3, "1998")
    assert str(caught.value) == f"{path}:3: field '1998': 'n/a-ish' is not a number"


def test_line_numbers_count_line_breaks_inside_quoted_fields(tmp_path: Path) -> None:
    text = 'country,indicator,year,value\n"ROU","PV\n.EST",2016,0.1\nROU,PV.EST,2017,zero\n'
    path = write(tmp_path / "long.csv", text)
    with pytest.raises(IndicatorError, match=r"long\.csv:4: field 'value': 'zero'"):
        load_indicators(path)


@pytest.mark.parametrize("year", ["20x8", "18", "2018.5", ""])
def test_a_year_that_is_not_a_year_names_the_line(tmp_path: Path, year: str) -> None:
    path = write(tmp_path / "long.csv", f"country,indicator,year,value\nROU,PV.EST,{year},0.1\n")
    with pytest.raises(IndicatorError, match=r"long\.csv:2: field 'year': .* is not a year"):
        load_indicators(path)


def test_a_year_column_that_is_not_a_year_names_the_header(tmp_path: Path) -> None:
    path = write(tmp_path / "wgi.csv", WIDE_HEADER.replace("2000", "Notes") + WIDE_ROWS)
    with pytest.raises(IndicatorError, match=r"wgi\.csv:1: field 'Notes': .* is not a year"):
        load_indicators(path)


def test_an_unknown_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "iso,code,when,amount\nROU,PV.EST,2016,0.1\n")
    with pytest.raises(IndicatorError, match=r"x\.csv:1: field 'header': header is neither"):
        load_indicators(path)


def test_two_values_for_one_year_are_refused(tmp_path: Path) -> None:
    text = "country,indicator,year,value\nROM,PV.EST,2016,0.1\nROU,PV.EST,2016,0.2\n"
    with pytest.raises(IndicatorError, match=r"long\.csv:3: field 'value': a second value"):
        load_indicators(write(tmp_path / "long.csv", text))


# -- property: whatever is written in either layout reads back the same ------------------

COUNTRIES = ["SYR", "SOM", "ROU", "XKX"]
INDICATORS = ["PV.EST", "GE.EST"]
YEARS = list(range(2000, 2010))
cells = st.dictionaries(
    st.tuples(st.sampled_from(COUNTRIES), st.sampled_from(INDICATORS), st.sampled_from(YEARS)),
    st.floats(-3, 3, allow_nan=False).map(lambda x: round(x, 6)),
    max_size=40,
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("indicators")


def _expected(
    values: dict[tuple[str, str, int], float], country: str, indicator: str, year: int
) -> tuple[int, float] | None:
    before = [y for (c, i, y) in values if (c, i) == (country, indicator) and y <= year]
    return (max(before), values[country, indicator, max(before)]) if before else None


@settings(max_examples=60, deadline=None)
@given(values=cells, layout=st.sampled_from(["wide", "long"]))
def test_values_read_back_as_the_latest_at_or_before(
    scratch: Path, values: dict[tuple[str, str, int], float], layout: str
) -> None:
    if layout == "long":
        lines = ["country,indicator,year,value"]
        lines += [f"{c},{i},{y},{v!r}" for (c, i, y), v in values.items()]
    else:
        lines = [WIDE_HEADER.split("1996", maxsplit=1)[0] + ",".join(map(str, YEARS))]
        for c in COUNTRIES:
            for i in INDICATORS:
                row = [repr(values[c, i, y]) if (c, i, y) in values else "" for y in YEARS]
                lines.append(f"Name,{c},Name,{i}," + ",".join(row))
    table = load_indicators(write(scratch / f"{layout}.csv", "\r\n".join(lines) + "\r\n"))
    assert table.countries() == {c for c, _, _ in values}
    for c in COUNTRIES:
        for i in INDICATORS:
            for year in (1999, *YEARS, 2030):
                assert table.value(c, i, year) == _expected(values, c, i, year)
