"""The columnar reader makes exactly the records and rejects each row reader makes.

For every CSV format: on the real bundled files, on the fixtures, and on files
hypothesis makes from the fixtures' rows with cells replaced by awkward spellings,
bad values and any text, blank lines, long and short rows, cut into small blocks.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.events.columnar import Chunk, record_table
from corridor.events.importers.acled import read_acled
from corridor.events.importers.acled_columns import AcledColumns
from corridor.events.importers.asam import read_asam_csv
from corridor.events.importers.asam_columns import AsamColumns
from corridor.events.importers.base import ParsedRecord, Rejected
from corridor.events.importers.csv_columns import ColumnarCsv, read_csv_columns
from corridor.events.importers.generic import read_csv_reports
from corridor.events.importers.generic_columns import ReportColumns
from corridor.events.importers.piracy import read_piracy
from corridor.events.importers.piracy_columns import PiracyColumns
from corridor.events.importers.ucdp import read_ucdp
from corridor.events.importers.ucdp_columns import UcdpColumns
from corridor.events.model import Incident
from corridor.store.incident_writes import storable_table

FIXTURES = Path(__file__).parent / "fixtures"
DATASETS = Path(__file__).parents[2] / "src/corridor/datasets"

Reader = Callable[..., Iterator[ParsedRecord]]
# format -> (the columnar format, the row reader, its fixture files)
FORMATS: dict[str, tuple[Callable[[], ColumnarCsv], Reader, list[Path]]] = {
    "ucdp": (
        UcdpColumns,
        read_ucdp,
        [FIXTURES / "ucdp/ged_full_layout.csv", FIXTURES / "ucdp/ged_syria_slice.csv"],
    ),
    "acled": (
        AcledColumns,
        read_acled,
        [
            FIXTURES / "acled/acled_2023_export.csv",
            FIXTURES / "acled/acled_2021_export_old_layout.csv",
            FIXTURES / "acled/acled_messy.csv",
        ],
    ),
    "piracy": (PiracyColumns, read_piracy, [FIXTURES / "piracy/pirate_attacks_slice.csv"]),
    "asam": (AsamColumns, read_asam_csv, [FIXTURES / "asam/asam_export.csv"]),
    "csv": (
        ReportColumns,
        read_csv_reports,
        [FIXTURES / "generic/reports.csv", FIXTURES / "generic/bad-reports.csv"],
    ),
}


def _opened(path: Path) -> TextIO:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="replace", newline="")
    return path.open(encoding="utf-8-sig", errors="replace", newline="")


def _flatten(chunks: list[Chunk]) -> tuple[pa.Table, list[Rejected]]:
    tables, rejects = [], []
    for chunk in chunks:
        if isinstance(chunk, list):
            tables.append(record_table([r for r in chunk if isinstance(r, Incident)]))
            rejects += [r for r in chunk if isinstance(r, Rejected)]
        else:
            tables.append(chunk)
    return pa.concat_tables([record_table([]), *tables]), rejects


def assert_same_as_rows(fmt: str, path: Path, block_rows: int = 20_000) -> list[Chunk]:
    """Read ``path`` both ways: the same records (as stored) and the same rejects."""
    columnar, reader, _ = FORMATS[fmt]
    chunks = list(read_csv_columns(path, columnar(), file_name=path.name, block_rows=block_rows))
    read, rejects = _flatten(chunks)
    table = storable_table(read, dialect="postgresql")  # as the store writes it
    with _opened(path) as stream:
        expected = list(reader(stream, file_name=path.name))
    wanted = storable_table(
        record_table([r for r in expected if isinstance(r, Incident)]), dialect="postgresql"
    )
    for name in wanted.column_names:  # the first column that differs, readably
        assert table[name].to_pylist() == wanted[name].to_pylist(), name
    assert table.equals(wanted)
    assert rejects == [r for r in expected if isinstance(r, Rejected)]
    assert sum(len(c) if isinstance(c, list) else c.num_rows for c in chunks) == len(expected)
    return chunks


@pytest.mark.parametrize(
    ("fmt", "path"), [(fmt, path) for fmt, (_, _, paths) in FORMATS.items() for path in paths]
)
def test_fixtures_read_the_same_both_ways(fmt: str, path: Path) -> None:
    assert_same_as_rows(fmt, path)
    assert_same_as_rows(fmt, path, block_rows=3)


@pytest.mark.parametrize(
    ("fmt", "path"),
    [
        ("ucdp", DATASETS / "ged_syria_2016_2019.csv.gz"),
        ("piracy", DATASETS / "pirate_attacks.csv.gz"),
    ],
)
def test_bundled_files_read_the_same_both_ways_all_columnar(fmt: str, path: Path) -> None:
    chunks = assert_same_as_rows(fmt, path, block_rows=2_000)
    assert len(chunks) >= 2
    assert all(isinstance(c, pa.Table) for c in chunks)


# Files hypothesis makes: the fixtures' rows, with cells replaced.

SPELLINGS = [
    *["", " ", "NA", "na", "Na", "N/A", "null", "NULL", "None", "-", "nan", "NaN", "inf"],
    *["0", "1", "2", "3", "7", "3.0", " 3", "03", "-1", "1e3", "4.5", "1_000", "99999999999999999"],
    *["2016-01-01", "2016-01-01 00:00:00.000", "2016-02-30", "2016-1-1", "0999-01-01"],
    *["15 August 2021", "1 May 2020", "31 February 2021", "15 august 2021", " 15 August 2021"],
    *["12/03/2023", "2023/03/12", "2022-10-24T00:00:00", "1675722915", "-5"],
    *["35.5", "-7.25", "5e-05", "-0", "91", "181", "35,5", " 35.5", "+35.5", "1.", ".5"],
    *["Syria", "Atlantis", "DR Congo (Zaire)", "Kosovo", "586", "4", "PAK", "pak", "NAM"],
    *["Battles", "Armed clash", "Riots", "Protests", "Civilian targeting", "Boarded", "Hijacked"],
    *['say "hi"', "a;b", "a; a;b", "a;;", "x\\y", "line\nbreak", "cr\rhere", "tab\there"],
    *["é", "\u00a0pad\u00a0", "\x1c", "İstanbul", "Ǆ", "ﬁne", "٣", "\u2028", "\x00", "a\x1fb"],
    *["1°07'00\"N \n103°31'00\"E", "5°60'00\"S 40°00'00\"E", "95°00'00\"N 40°00'00\"W"],
    *["INDONESIA: On 21 May, robbers boarded", "pirates fired upon the ship. No hijack."],
    *["(U) 2. GULF OF ADEN: x", "  RED  SEA :", "IVORY COAST: x", "1.INDONESIA:x", "DRC: no"],
    *["\x0bYEMEN: x", "\u0661. YEMEN: x", "(a) RUSSIA: x", "NOT A COUNTRY: x", "Houthi drone"],
    *["amber", "TLP:CLEAR", "white", "Red", "KZ", "kgz", "XK", "day", "Week", "EXACT", "\uff16"],
    *["pipeline", "infrastructure_attack", "piracy", "2024-04-05T09:30:00+05:00", "20240405"],
    *["2024-04-05T04:30:00.123456Z", "2024-04-05 09:30", "2024-W14-5", "a\\;b", "\\"],
]
_CELLS = st.sampled_from(SPELLINGS) | st.text(max_size=12)


def _fixture_rows(paths: list[Path]) -> tuple[list[str], list[list[str]]]:
    with _opened(paths[0]) as stream:
        rows = list(csv.reader(stream))
    return rows[0], [row for row in rows[1:] if len(row) == len(rows[0])]


@st.composite
def csv_files(draw: st.DrawFn, fmt: str) -> bytes:
    """A file in ``fmt``'s layout, made from its first fixture's rows."""
    header, pool = _fixture_rows(FORMATS[fmt][2])
    if pool and draw(st.booleans()):  # the pool's own spellings of each column
        pool = [*pool, [draw(st.sampled_from([r[i] for r in pool])) for i in range(len(header))]]
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(1, 12))):
        shape = draw(st.integers(0, 29))
        if shape == 0:
            rows.append([])  # a blank line
            continue
        row = list(draw(st.sampled_from(pool)))
        for _ in range(draw(st.integers(0, 3))):
            row[draw(st.integers(0, len(row) - 1))] = draw(_CELLS)
        if shape == 1:
            row.append("extra")
        elif shape == 2:
            row.pop()
        rows.append(row)
    out = io.StringIO()
    writer = csv.writer(
        out,
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
    )
    writer.writerow(header)
    writer.writerows(rows)
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return bom + out.getvalue().encode("utf-8")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@settings(
    max_examples=int(os.environ.get("CORRIDOR_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_file_reads_the_same_both_ways(fmt: str, data: st.DataObject, tmp_path: Path) -> None:
    path = tmp_path / f"{fmt}.csv"
    path.write_bytes(data.draw(csv_files(fmt)))
    assert_same_as_rows(fmt, path, block_rows=data.draw(st.integers(1, 5)))
