"""The columnar UCDP reader makes exactly the records and rejects the row reader makes."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from corridor.events.columnar import Chunk, record_table
from corridor.events.importers.base import ParsedRecord, Rejected
from corridor.events.importers.ucdp import read_ucdp
from corridor.events.importers.ucdp_columns import read_ucdp_columns
from corridor.events.model import Incident

FIXTURES = Path(__file__).parent / "fixtures" / "ucdp"
SYRIA = Path(__file__).parents[2] / "src/corridor/datasets/ged_syria_2016_2019.csv.gz"


def _row_reader(path: Path) -> list[ParsedRecord]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as stream:
        return list(read_ucdp(stream, file_name=path.name))


def _flatten(chunks: list[Chunk]) -> tuple[pa.Table, list[Rejected]]:
    tables, rejects = [], []
    for chunk in chunks:
        if isinstance(chunk, list):
            tables.append(record_table([r for r in chunk if isinstance(r, Incident)]))
            rejects += [r for r in chunk if isinstance(r, Rejected)]
        else:
            tables.append(chunk)
    return pa.concat_tables([record_table([]), *tables]), rejects


def _assert_same(path: Path, block_rows: int = 20_000) -> list[Chunk]:
    chunks = list(read_ucdp_columns(path, file_name=path.name, block_rows=block_rows))
    table, rejects = _flatten(chunks)
    expected = _row_reader(path)
    assert table.equals(record_table([r for r in expected if isinstance(r, Incident)]))
    assert rejects == [r for r in expected if isinstance(r, Rejected)]
    assert sum(len(c) if isinstance(c, list) else c.num_rows for c in chunks) == len(expected)
    return chunks


@pytest.mark.parametrize("name", ["ged_full_layout.csv", "ged_syria_slice.csv"])
def test_fixtures_give_the_same_records_all_columnar(name: str) -> None:
    chunks = _assert_same(FIXTURES / name)
    assert all(isinstance(c, pa.Table) for c in chunks)


def test_bundled_syria_file_gives_the_same_records_in_many_blocks() -> None:
    chunks = _assert_same(SYRIA, block_rows=2_000)
    assert len(chunks) > 5
    assert all(isinstance(c, pa.Table) for c in chunks)


def _write(tmp_path: Path, lines: list[str], name: str = "ged.csv") -> Path:
    header = (FIXTURES / "ged_syria_slice.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _rows() -> list[str]:
    return (FIXTURES / "ged_syria_slice.csv").read_text(encoding="utf-8").splitlines()[1:]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (",Syria,", ",Atlantis,"),  # unknown country
        (",Syria,", ", Syria ,"),  # spelled another way: the row logic reads it
        ("2017-", "2017/"),  # another date spelling
    ],
)
def test_odd_or_bad_values_go_through_the_row_logic_with_their_lines(
    tmp_path: Path, old: str, new: str
) -> None:
    rows = _rows()
    rows[20] = rows[20].replace(old, new, 1)
    _assert_same(_write(tmp_path, rows), block_rows=10)


def test_rows_of_the_wrong_width_hand_the_rest_to_the_row_logic(tmp_path: Path) -> None:
    rows = _rows()
    rows[10] += ",extra,values"
    rows[30] = rows[30].rsplit(",", 5)[0]
    rows.insert(15, "")
    chunks = _assert_same(_write(tmp_path, rows), block_rows=10)
    assert any(isinstance(c, list) for c in chunks)


def test_missing_required_column_gives_one_reject_on_line_one(tmp_path: Path) -> None:
    path = tmp_path / "ged.csv"
    path.write_text("id,country\n1,Syria\n", encoding="utf-8")
    assert _assert_same(path) == [
        [Rejected("ged.csv", 1, "type_of_violence", "", "ged.csv has no column 'type_of_violence'")]
    ]


def test_gzip_and_byte_order_mark(tmp_path: Path) -> None:
    plain = tmp_path / "ged.csv"
    plain.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "ged_syria_slice.csv").read_bytes())
    _assert_same(plain)
    packed = tmp_path / "ged.csv.gz"
    with plain.open("rb") as source, gzip.open(packed, "wb") as target:
        shutil.copyfileobj(source, target)
    _assert_same(packed)
