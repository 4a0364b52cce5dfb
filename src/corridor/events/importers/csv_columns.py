"""One columnar reader for every CSV format: Arrow blocks, the format's row logic beside.

Python's csv module and one dataclass per row top out near 50,000 rows a second;
public releases have millions. This reader parses blocks with ``pyarrow.csv`` (in
C++, bounded memory) and hands each block's columns to the format's ``block``, which
checks and transforms whole columns with ``pyarrow.compute``.

Exactness comes from one rule: a format's vectorized path only takes values spelled
the plain way ("214797", "2016-01-01", "35.5", "Syria"). A row with any other
spelling, or a bad value, is made by the format's own row logic (``parse``) from the
same values; a row the row logic rejects gets its line from the csv module, walked
beside this reader only as far as a reject asks. A row of the wrong width, or text
that is not UTF-8, hands the rest of the file to the row logic: from then on Arrow's
rows may no longer be the csv module's rows.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from corridor.events.columnar import RECORD_SCHEMA, Chunk, record_table
from corridor.events.importers.base import (
    CsvFormat,
    FieldError,
    ParsedRecord,
    Rejected,
    parsed_rows,
)
from corridor.events.model import Incident

__all__ = ["BLOCK_BYTES", "BLOCK_ROWS", "BlockRecords", "ColumnarCsv", "read_csv_columns"]

BLOCK_BYTES = 1 << 20  # what Arrow parses at a time: larger blocks only cost memory
BLOCK_ROWS = 20_000  # rows a format transforms at a time (Arrow blocks regrouped)


@dataclass(frozen=True, slots=True)
class BlockRecords:
    """What a format made of one block: the record table of the rows it read itself
    (``plain``, in order), and how the row logic makes one of the others.

    ``odd(row, values)`` makes the incident of row ``row`` of the block from its
    picked values, or raises ``FieldError``.
    """

    table: pa.Table
    plain: np.ndarray
    odd: Callable[[int, tuple[str, ...]], Incident]

    @classmethod
    def of(
        cls,
        columns: Mapping[str, Any],
        plain: np.ndarray,
        odd: Callable[[int, tuple[str, ...]], Incident],
    ) -> BlockRecords:
        """The records of ``columns`` (by record field, cast to the record schema), of the
        ``plain`` rows only."""
        table = pa.Table.from_arrays(
            [pc.cast(columns[f.name], f.type) for f in RECORD_SCHEMA], schema=RECORD_SCHEMA
        )
        return cls(table if plain.all() else table.filter(plain), plain, odd)


class ColumnarCsv(Protocol):
    """A format the columnar reader reads: its row logic and its block transform."""

    @property
    def rows(self) -> CsvFormat:
        """The row logic: picks, records and the incident of one row's values."""
        ...

    def block(self, values: list[pa.Array], size: int) -> BlockRecords:
        """The records of one block: ``values`` are the picked columns, as text."""
        ...


def _open_text(path: Path) -> TextIO:
    """The file as read_records reads it (gunzipped, UTF-8 with a BOM or not)."""
    raw = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")  # noqa: SIM115 (the wrapper owns it)
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


class _RowWalk:
    """The format's records, walked beside the columnar reader only as far as asked."""

    def __init__(self, path: Path, csv_format: CsvFormat, file_name: str) -> None:
        self._stream = _open_text(path)
        self._format = csv_format
        self.file_name = file_name
        self._items = csv_format.rows(self._stream, file_name)
        self._position = 0

    def _skip_to(self, position: int) -> None:
        skip = position - self._position
        if skip > 0:
            next(islice(self._items, skip - 1, skip), None)
        self._position = position

    def line(self, position: int) -> int:
        """The first line of record ``position`` (records counted from 0)."""
        self._skip_to(position)
        item = next(self._items)
        self._position += 1
        assert not isinstance(item, Rejected)  # Arrow read the row: it has the header's width
        return item[0]

    def rest(self, start: int, size: int = BLOCK_ROWS) -> Iterator[list[ParsedRecord]]:
        """Every record from record ``start`` to the end, in lists, by the row logic."""
        self._skip_to(start)
        records = parsed_rows(self._items, self._format.parse, self.file_name)
        while made := list(islice(records, size)):
            yield made

    def close(self) -> None:
        self._stream.close()


class _Odd:
    """Notes rows Arrow cannot align with the csv module's (wrong width); skips them."""

    seen = False

    def __call__(self, _row: Any) -> str:
        self.seen = True
        return "skip"


def _header(path: Path) -> list[str] | None:
    """The header row, if it is one physical line (else the row logic reads the file)."""
    with _open_text(path) as stream:
        reader = csv.reader(stream)
        header = next(reader, None)
        return header if header is not None and reader.line_num == 1 else None


def read_csv_columns(
    path: Path,
    columnar: ColumnarCsv,
    *,
    file_name: str,
    block_bytes: int = BLOCK_BYTES,
    block_rows: int = BLOCK_ROWS,
    bytes_read: Callable[[int], None] | None = None,
) -> Generator[Chunk, None, None]:
    """The records of a CSV file as the format's row reader makes them, in record tables
    or lists: in file order, rejects in lists of their own.

    ``bytes_read`` is told how far into the file (compressed, for .gz) each block ends.
    """
    walk = _RowWalk(path, columnar.rows, file_name)
    try:
        yield from _chunks(path, columnar, walk, block_bytes, block_rows, bytes_read or _ignore)
    finally:
        walk.close()


def _ignore(_bytes: int) -> None:
    pass


def _chunks(
    path: Path,
    columnar: ColumnarCsv,
    walk: _RowWalk,
    block_bytes: int,
    block_rows: int,
    bytes_read: Callable[[int], None],
) -> Iterator[Chunk]:
    header = _header(path)
    try:
        if header is None:
            raise FieldError("", "", "the header is not one line")
        positions = columnar.rows.pick(header, walk.file_name)
    except FieldError:
        yield from walk.rest(0)  # what the row logic says of the header, if anything
        return
    names = [f"c{i}" for i in range(len(header))]
    wanted = sorted({p for p in positions if p < len(names)})
    odd = _Odd()
    options = {
        "read_options": pacsv.ReadOptions(
            column_names=names, skip_rows=1, block_size=block_bytes, use_threads=True
        ),
        "parse_options": pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=odd),
        "convert_options": pacsv.ConvertOptions(
            include_columns=[names[i] for i in wanted],
            column_types={names[i]: pa.string() for i in wanted},
        ),
    }
    done = 0
    with pa.OSFile(str(path)) as raw:  # its position is the progress, .gz or not
        source = pa.CompressedInputStream(raw, "gzip") if path.suffix == ".gz" else raw
        for block in _blocks(source, options, block_rows, odd):
            values = [_column(block, p, names) for p in positions]
            yield from _records(columnar.block(values, block.num_rows), values, done, walk)
            done += block.num_rows
            bytes_read(raw.tell())
    if odd.seen:
        yield from walk.rest(done)


def _blocks(source: Any, options: dict[str, Any], rows: int, odd: _Odd) -> Iterator[pa.Table]:
    """Arrow's batches regrouped into tables of about ``rows`` rows; none from an odd row
    on (``odd.seen`` then tells the caller to hand the rest to the row logic)."""
    try:
        reader = pacsv.open_csv(source, **options)  # parses the first block already
    except pa.ArrowInvalid:
        odd.seen = True
        return
    pending: list[pa.RecordBatch] = []
    count = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except pa.ArrowInvalid:  # not UTF-8, or a quote left open: the row logic decides
            odd.seen = True
        if odd.seen:
            return
        pending.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(pending).combine_chunks()
            pending, count = [], 0
    if pending and not odd.seen:
        yield pa.Table.from_batches(pending).combine_chunks()


def _column(block: pa.Table, position: int, names: list[str]) -> pa.Array:
    """The picked column at ``position`` of the header; "" everywhere for one it lacks."""
    if position < len(names):
        found: pa.Array = block.column(names[position]).chunk(0)
        return found
    size = block.num_rows
    offsets = pa.py_buffer(np.zeros(size + 1, np.int32))
    return pa.StringArray.from_buffers(size, offsets, pa.py_buffer(b""))


def _records(
    made: BlockRecords, values: list[pa.Array], start: int, walk: _RowWalk
) -> Iterator[Chunk]:
    """The block's records in file order: the format's table with the rows the row
    logic made merged in, split where a row was rejected (rejects in lists of one)."""
    plain = made.plain
    if plain.all():
        yield made.table
        return
    odd_rows = np.flatnonzero(~plain)
    picked = zip(*(column.take(pa.array(odd_rows)).to_pylist() for column in values), strict=True)
    incidents: list[Incident] = []
    kept = np.ones(len(plain), bool)
    where = np.empty(len(plain), np.int64)
    where[plain] = np.arange(made.table.num_rows)
    rejects: list[Rejected] = []
    for row, row_values in zip(odd_rows.tolist(), picked, strict=True):
        try:
            incident = made.odd(row, row_values)
        except FieldError as exc:
            line = walk.line(start + row)
            rejects.append(Rejected(walk.file_name, line, exc.field, exc.value, exc.reason))
            kept[row] = False
            continue
        where[row] = made.table.num_rows + len(incidents)
        incidents.append(incident)
    both = pa.concat_tables([made.table, record_table(incidents)])
    table = both.take(pa.array(where[kept]))
    done = 0
    for number, row in enumerate(np.flatnonzero(~kept).tolist()):
        before = row - number  # kept rows before this reject
        if before > done:
            yield table.slice(done, before - done)
        yield [rejects[number]]
        done = before
    if done < table.num_rows:
        yield table.slice(done)
