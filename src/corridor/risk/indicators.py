"""Country indicators (governance, vulnerability) from a CSV file the user supplies.

Two layouts are read, told apart by the header: the World Bank bulk layout
(``Country Name,Country Code,Indicator Name,Indicator Code,1996,...``, a byte-order
mark allowed, a blank cell or ``..`` a missing value) and a long layout
``country,indicator,year,value``. Country codes become ISO 3166-1 alpha-3 (and XKX,
Kosovo): the World Bank's legacy codes are mapped, aggregates and unknown codes are
skipped and counted. A bad value raises :class:`IndicatorError` naming file, line, field.
"""

from __future__ import annotations

import csv
import gzip
import math
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TextIO

from corridor.atlas.countries import is_country_code
from corridor.datasets import dataset_path
from corridor.errors import InputError

__all__ = [
    "BUNDLED_INDICATORS",
    "IndicatorError",
    "IndicatorTable",
    "bundled_indicators",
    "load_indicators",
]

BUNDLED_INDICATORS = "wgi_governance_1996_2018.csv"

# World Bank / WGI codes that are not (or no longer) ISO 3166-1 alpha-3.
_LEGACY_CODES = {
    "ADO": "AND",  # Andorra
    "ROM": "ROU",  # Romania
    "ZAR": "COD",  # Democratic Republic of the Congo
    "TMP": "TLS",  # Timor-Leste
    "WBG": "PSE",  # West Bank and Gaza
    "KSV": "XKX",  # Kosovo
    "IMY": "IMN",  # Isle of Man
}
# Kosovo has no ISO code; XKX is the user-assigned code the EU, IMF and ACLED use.
_USER_ASSIGNED = frozenset({"XKX"})
# Spellings of a missing value: blank, the World Bank DataBank's "..", and the usual ones.
_MISSING = frozenset({"", "..", "NA", "N/A", "NULL", "NAN", "NONE", "-"})
_WIDE_KEYS = ("country code", "indicator code")
_LONG_KEYS = ("country", "indicator", "year", "value")

Series = tuple[tuple[int, ...], tuple[float, ...]]


class IndicatorError(InputError):
    """An indicator file that cannot be read; the message names the file, line and field."""

    def __init__(self, file: str, line: int, field: str, reason: str) -> None:
        super().__init__(f"{file}:{line}: field {field!r}: {reason}")
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class IndicatorTable:
    """Yearly indicator values by (ISO alpha-3 country, indicator code).

    ``series`` holds each pair's years ascending with their values; ``skipped_codes``
    are the codes in the file that name no country (aggregates such as ``WLD``,
    dissolved states such as ``ANT``), ``skipped_rows`` how many rows carried them.
    """

    source: str
    series: Mapping[tuple[str, str], Series]
    skipped_codes: frozenset[str] = frozenset()
    skipped_rows: int = 0

    def value(self, country: str, indicator: str, year: int) -> tuple[int, float] | None:
        """The latest (year, value) at or before ``year``; None if there is none."""
        found = self.series.get((country, indicator))
        if found is None:
            return None
        years, values = found
        at = bisect_right(years, year)
        return (years[at - 1], values[at - 1]) if at else None

    def countries(self) -> frozenset[str]:
        return frozenset(country for country, _ in self.series)

    def indicators(self) -> frozenset[str]:
        return frozenset(indicator for _, indicator in self.series)


def load_indicators(path: Path) -> IndicatorTable:
    """Read an indicator CSV (either layout, ``.gz`` too), streaming it row by row.

    Raises :class:`IndicatorError` for an unknown header, a value that is not a number,
    a year that is not a year, or two different values for one country, indicator, year.
    """
    builder = _Builder(str(path))
    with _open(path) as stream:
        rows = _records(stream)
        _, first = next(rows, (1, []))
        header = [name.strip().lstrip("\ufeff").strip() for name in first]
        lowered = [name.lower() for name in header]
        if all(key in lowered for key in _WIDE_KEYS):
            _read_wide(rows, header, lowered, builder)
        elif all(key in lowered for key in _LONG_KEYS):
            _read_long(rows, lowered, builder)
        else:
            reason = (
                "header is neither the World Bank layout (Country Code, Indicator Code, "
                "year columns) nor country,indicator,year,value"
            )
            raise IndicatorError(builder.file, 1, "header", reason)
    return builder.table(path.name)


@cache
def bundled_indicators() -> IndicatorTable:
    """The bundled World Bank governance estimates (WGI 1996-2018, CC BY 4.0)."""
    return load_indicators(dataset_path(BUNDLED_INDICATORS))


@contextmanager
def _open(path: Path) -> Iterator[TextIO]:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as stream:
            yield stream
    else:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            yield stream


def _records(stream: TextIO) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, row) for the header and each non-blank row after it."""
    reader = csv.reader(stream)
    previous_end = 0
    for row in reader:
        line = previous_end + 1
        previous_end = reader.line_num
        if line == 1 or any(cell.strip() for cell in row):
            yield line, row


def _read_wide(
    rows: Iterator[tuple[int, list[str]]], header: list[str], lowered: list[str], builder: _Builder
) -> None:
    code_at, indicator_at = (lowered.index(key) for key in _WIDE_KEYS)
    year_columns: list[tuple[int, int]] = []
    for at, name in enumerate(header):
        if at in (code_at, indicator_at) or lowered[at] in ("country name", "indicator name", ""):
            continue
        year = _year(name, builder.file, 1, name)
        year_columns.append((at, year))
    for line, row in rows:
        row.extend([""] * (len(header) - len(row)))
        country = builder.country(row[code_at], line, header[code_at])
        if country is None:
            continue
        indicator = row[indicator_at].strip()
        if not indicator:
            raise IndicatorError(builder.file, line, header[indicator_at], "is empty")
        for at, year in year_columns:
            value = _number(row[at], builder.file, line, header[at])
            if value is not None:
                builder.add(country, indicator, year, value, line)


def _read_long(
    rows: Iterator[tuple[int, list[str]]], lowered: list[str], builder: _Builder
) -> None:
    country_at, indicator_at, year_at, value_at = (lowered.index(key) for key in _LONG_KEYS)
    width = len(lowered)
    for line, row in rows:
        row.extend([""] * (width - len(row)))
        country = builder.country(row[country_at], line, "country")
        if country is None:
            continue
        indicator = row[indicator_at].strip()
        if not indicator:
            raise IndicatorError(builder.file, line, "indicator", "is empty")
        year = _year(row[year_at], builder.file, line, "year")
        value = _number(row[value_at], builder.file, line, "value")
        if value is not None:
            builder.add(country, indicator, year, value, line)


def _year(text: str, file: str, line: int, field: str) -> int:
    cleaned = text.strip()
    if cleaned.endswith(".0"):  # a year written as a float by pandas or R
        cleaned = cleaned[:-2]
    if not (cleaned.isdigit() and len(cleaned) == 4):
        raise IndicatorError(file, line, field, f"{text!r} is not a year (expected YYYY)")
    return int(cleaned)


def _number(text: str, file: str, line: int, field: str) -> float | None:
    cleaned = text.strip()
    if cleaned.upper() in _MISSING:
        return None
    try:
        number = float(cleaned)
    except ValueError:
        raise IndicatorError(file, line, field, f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise IndicatorError(file, line, field, f"{text!r} is not a finite number")
    return number


class _Builder:
    """Collects values by (country, indicator) and the codes it had to skip."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.values: dict[tuple[str, str], dict[int, float]] = {}
        self.skipped: set[str] = set()
        self.skipped_rows = 0
        self._codes: dict[str, str | None] = {}

    def country(self, code: str, line: int, field: str) -> str | None:
        """ISO alpha-3 for a file's code, or None (counted) for one that names no country."""
        found = self._codes.get(code, "")
        if found == "":
            cleaned = code.strip().upper()
            if not cleaned:
                raise IndicatorError(self.file, line, field, "is empty")
            cleaned = _LEGACY_CODES.get(cleaned, cleaned)
            valid = cleaned in _USER_ASSIGNED or is_country_code(cleaned)
            found = self._codes[code] = cleaned if valid else None
        if found is None:
            self.skipped.add(code.strip())
            self.skipped_rows += 1
        return found

    def add(self, country: str, indicator: str, year: int, value: float, line: int) -> None:
        years = self.values.setdefault((country, indicator), {})
        before = years.setdefault(year, value)
        if before != value:
            reason = f"a second value for {country} {indicator} {year} ({value} after {before})"
            raise IndicatorError(self.file, line, "value", reason)

    def table(self, source: str) -> IndicatorTable:
        series: dict[tuple[str, str], Series] = {}
        for key, by_year in self.values.items():
            years = tuple(sorted(by_year))
            series[key] = (years, tuple(by_year[y] for y in years))
        return IndicatorTable(source, series, frozenset(self.skipped), self.skipped_rows)
