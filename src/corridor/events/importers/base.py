"""What every importer shares: streaming rows with line numbers, rejects, field parsing.

An importer turns a file into a stream of :class:`Incident` or :class:`Rejected`
items, one per source record, never holding the whole file in memory. A bad
value raises :class:`FieldError` inside the importer, which becomes a
``Rejected`` naming the line, the field and the reason.
"""

from __future__ import annotations

import csv
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from operator import itemgetter
from typing import Protocol, TextIO

import pycountry

from corridor.errors import InputError
from corridor.events.model import Incident

__all__ = [
    "NORMALIZED_POSITION_TAG",
    "NOTHING",
    "CsvFormat",
    "FieldError",
    "ParsedRecord",
    "PickedCsv",
    "Rejected",
    "RowItem",
    "column_positions",
    "country_code",
    "csv_rows",
    "parse_date",
    "parse_float",
    "parse_int",
    "parse_latitude",
    "parse_longitude",
    "parsed_rows",
    "read_csv_format",
    "required_degrees",
    "text",
]

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # long narrative fields


class FieldError(InputError):
    """A value that cannot be read; the importer names the field."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.value = "" if value is None else str(value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Rejected:
    """A source record that could not be imported, and why."""

    file: str
    line: int
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 40 else self.value[:37] + "..."
        return f"{self.file}:{self.line}: field {self.field!r}: {self.reason} (value {shown!r})"


ParsedRecord = Incident | Rejected

# The tag of an incident whose position the source wrote out of form and the importer set
# right (a rounding carry such as 5°60'00"S, three-digit seconds): the import counts them.
NORMALIZED_POSITION_TAG = "position:normalized"


_NOTHING_UPPER = ("NA", "N/A", "NULL", "NONE", "NAN", "-")
NOTHING = frozenset(_NOTHING_UPPER + tuple(v.lower() for v in _NOTHING_UPPER))
"""The spellings of a missing value that public exports use (exact match after strip)."""


def text(value: str | None) -> str:
    """A cleaned text value: stripped, with the usual spellings of nothing made empty."""
    if value is None:
        return ""
    value = value.strip()
    return "" if value.upper() in _NOTHING_UPPER else value


def parse_int(value: str | None, field: str, *, required: bool = False) -> int | None:
    """An integer; floats written by R or pandas (``214797.0``) are accepted when whole."""
    cleaned = text(value)
    if not cleaned:
        if required:
            raise FieldError(field, value, "is empty")
        return None
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        number = float(cleaned)
    except ValueError as exc:
        raise FieldError(field, value, "is not a number") from exc
    if not number.is_integer():
        raise FieldError(field, value, "is not a whole number")
    return int(number)


def parse_float(value: str | None, field: str, *, required: bool = False) -> float | None:
    """A decimal number (a comma as decimal mark is accepted)."""
    cleaned = text(value).replace(",", ".")
    if not cleaned:
        if required:
            raise FieldError(field, value, "is empty")
        return None
    try:
        number = float(cleaned)
    except ValueError as exc:
        raise FieldError(field, value, "is not a number") from exc
    if not math.isfinite(number):
        raise FieldError(field, value, "is not a finite number")
    return number


def parse_longitude(value: str | None, field: str = "longitude") -> float | None:
    """Longitude in degrees, -180..180."""
    number = parse_float(value, field)
    if number is not None and not -180.0 <= number <= 180.0:
        raise FieldError(field, value, "is outside -180..180")
    return number


def required_degrees(value: str, field: str) -> float:
    """A required latitude or longitude (by ``field``): fast for a plain number, else explained."""
    limit = 90.0 if field == "latitude" else 180.0
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        if -limit <= number <= limit:
            return number
    found = (parse_latitude if limit == 90.0 else parse_longitude)(value, field)
    if found is None:
        raise FieldError(field, value, "is empty")
    return found


def parse_latitude(value: str | None, field: str = "latitude") -> float | None:
    """Latitude in degrees, -90..90."""
    number = parse_float(value, field)
    if number is not None and not -90.0 <= number <= 90.0:
        raise FieldError(field, value, "is outside -90..90")
    return number


_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y")


def parse_date(value: str | None, field: str, *, required: bool = True) -> date | None:
    """A date from ISO text (with or without a time part) or the common export formats."""
    cleaned = text(value)
    if not cleaned:
        if required:
            raise FieldError(field, value, "is empty")
        return None
    head = cleaned[:10]
    try:
        return date.fromisoformat(head)
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise FieldError(field, value, "is not a date (expected YYYY-MM-DD)")


@cache
def _country_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in pycountry.countries:
        for key in (entry.alpha_3, entry.alpha_2, entry.numeric, entry.name):
            table[key.upper()] = entry.alpha_3
        for attr in ("common_name", "official_name"):
            name = getattr(entry, attr, None)
            if name:
                table[name.upper()] = entry.alpha_3
    return table


def country_code(
    value: str | None, field: str, aliases: Callable[[str], str | None] | None = None
) -> str | None:
    """ISO 3166-1 alpha-3 from a code (alpha-3, alpha-2, numeric) or an English name.

    "NA" is Namibia here, not a missing value.
    """
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    found = _country_lookup().get(cleaned.upper())
    if found is None and aliases is not None:
        found = aliases(cleaned)
    if found is None and cleaned.isdigit():
        found = _country_lookup().get(cleaned.zfill(3))
    if found is None:
        raise FieldError(field, value, "is not a known country")
    return found


def column_positions(
    header: Sequence[str], file_name: str, required: Sequence[str], optional: Sequence[str]
) -> list[int]:
    """Where each wanted column is, required first; ``len(header)`` for a missing optional one.

    Names match in any case, without a byte-order mark. Raises :class:`FieldError`
    naming the first required column the header lacks.
    """
    index = {name.strip().lstrip("\ufeff").lower(): i for i, name in enumerate(header)}
    for name in required:
        if name not in index:
            raise FieldError(name, "", f"{file_name} has no column {name!r}")
    missing = len(header)
    return [index.get(name, missing) for name in (*required, *optional)]


RowItem = tuple[int, tuple[str, ...]] | Rejected
"""One CSV record as a format reads it: (its first line, the values it picked), or a reject."""


class CsvFormat(Protocol):
    """A CSV format's row logic: which values it reads from a record, and the incident.

    The row readers and the columnar reader (``csv_columns``) share it, so both read
    the same values from the same records and make the same incidents of them.
    """

    def pick(self, header: list[str], file_name: str) -> list[int]:
        """Where each value :meth:`parse` reads is in a record (``len(header)``: absent).

        Raises :class:`FieldError` (line 1) when the header does not fit the format.
        """
        ...

    def rows(self, stream: TextIO, file_name: str) -> Iterator[RowItem]:
        """Every record of the stream: its first line and picked values, or a reject."""
        ...

    def parse(self, values: tuple[str, ...]) -> Incident:
        """The incident of one record's picked values; :class:`FieldError` if it has none."""
        ...


def csv_rows(
    stream: TextIO,
    *,
    file_name: str,
    pick: Callable[[list[str], str], list[int]],
    long_rows: bool = False,
) -> Iterator[RowItem]:
    """The records of a CSV stream, as :meth:`CsvFormat.rows` gives them.

    A plain ``csv.reader`` and an item getter, no dict per row: the loop the big public
    datasets go through. Blank lines are skipped; a short record reads "" for what it
    lacks (and so does a column the header lacks); a record with more values than the
    header has columns is rejected (their values cannot be matched to columns), unless
    ``long_rows``, when the extra values are dropped. A header ``pick`` refuses gives
    one reject on line 1 and nothing else.
    """
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        return
    try:
        positions = pick(header, file_name)
    except FieldError as exc:
        yield Rejected(file_name, 1, exc.field, exc.value, exc.reason)
        return
    getter = itemgetter(*positions)
    single = len(positions) == 1
    width = len(header)
    previous_end = reader.line_num
    for row in reader:
        line = previous_end + 1
        previous_end = reader.line_num
        if len(row) != width:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) > width:
                if not long_rows:
                    reason = f"has {len(row)} values for {width} columns"
                    yield Rejected(file_name, line, "row", ",".join(row), reason)
                    continue
                del row[width:]
            else:
                row.extend([""] * (width - len(row)))
        row.append("")  # what a column missing from the header reads
        yield line, (getter(row),) if single else getter(row)


def parsed_rows(
    rows: Iterable[RowItem], parse: Callable[[tuple[str, ...]], Incident], file_name: str
) -> Iterator[ParsedRecord]:
    """One Incident or Rejected per record: ``parse`` of its values, or why not."""
    for item in rows:
        if isinstance(item, Rejected):
            yield item
            continue
        line, values = item
        try:
            yield parse(values)
        except FieldError as exc:
            yield Rejected(file_name, line, exc.field, exc.value, exc.reason)


def read_csv_format(
    csv_format: CsvFormat, stream: TextIO, file_name: str
) -> Iterator[ParsedRecord]:
    """One Incident or Rejected per record of a CSV stream in ``csv_format``.

    Streams row by row; open the stream with ``newline=""`` (text spans lines). A
    reject names the first line of its record.
    """
    return parsed_rows(csv_format.rows(stream, file_name), csv_format.parse, file_name)


@dataclass(frozen=True)
class PickedCsv:
    """A :class:`CsvFormat` whose columns are found by name, in any case and order.

    ``parse`` reads the ``required`` columns' values, then the ``optional`` ones'; a
    missing required column gives one reject on line 1 and nothing else.
    """

    required: tuple[str, ...]
    optional: tuple[str, ...]
    parse: Callable[[tuple[str, ...]], Incident]

    def pick(self, header: list[str], file_name: str) -> list[int]:
        return column_positions(header, file_name, self.required, self.optional)

    def rows(self, stream: TextIO, file_name: str) -> Iterator[RowItem]:
        return csv_rows(stream, file_name=file_name, pick=self.pick)
