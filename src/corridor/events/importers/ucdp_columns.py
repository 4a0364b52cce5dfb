"""UCDP GED as Arrow columns: the same records as ``read_ucdp``, ten times faster.

The block transform of :mod:`~corridor.events.importers.csv_columns` for the GED
layout: it takes the values spelled the plain way ("214797", "2016-01-01 00:00:00.000",
"35.5", "Syria"); any other row is made by ``read_ucdp``'s own logic.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from corridor.events.categories import category_map
from corridor.events.columnar import Chunk, json_list, uuid_column
from corridor.events.importers.base import FieldError, PickedCsv, country_code
from corridor.events.importers.country_names import dataset_country
from corridor.events.importers.csv_columns import BLOCK_ROWS, BlockRecords, read_csv_columns
from corridor.events.importers.field_columns import (
    ESCAPED,
    all_ok,
    distinct,
    either,
    iso_days,
    nothing_cleaned,
    place_name,
    plain_degrees,
    repeat,
    severity,
    side_by_side,
    whole_numbers,
)
from corridor.events.importers.ucdp import (
    DATE_PRECISION,
    REPORTER,
    SOURCE,
    UCDP_OPTIONAL_COLUMNS,
    UCDP_REQUIRED_COLUMNS,
    VIOLENCE,
    WHERE_PRECISION,
    code_table,
    ucdp_csv,
)
from corridor.events.model import Incident, Tlp

__all__ = ["UcdpColumns", "read_ucdp_columns"]

_INTEGER = r"^[0-9]{1,15}(\.0)?$"  # ids as GED and its R copies write them


def read_ucdp_columns(
    path: Path,
    *,
    file_name: str,
    block_rows: int = BLOCK_ROWS,
    bytes_read: Callable[[int], None] | None = None,
) -> Generator[Chunk, None, None]:
    """The records of a GED file, as ``read_ucdp`` makes them, in record tables or lists."""
    return read_csv_columns(
        path, UcdpColumns(), file_name=file_name, block_rows=block_rows, bytes_read=bytes_read
    )


class UcdpColumns:
    """The GED layout for the columnar reader: its row logic and its block transform."""

    def __init__(self) -> None:
        self._rows = ucdp_csv()
        self._names = UCDP_REQUIRED_COLUMNS + UCDP_OPTIONAL_COLUMNS
        rules = category_map(SOURCE)
        kinds = code_table(
            {int(code): (rules.classify(code), label) for code, label in VIOLENCE.items()}
        )
        self._kind_keys = pa.array(list(kinds))
        found = list(kinds.values())
        self._threat = pa.array([r.threat_class for r, _ in found])
        self._target = pa.array(
            [r.target.value if r.target else None for r, _ in found], pa.string()
        )
        self._tags = pa.array([json_list(r.tags) for r, _ in found])
        self._labels = pa.array([json_list((label,)) for _, label in found])
        self._floor = pa.array([r.severity_floor for r, _ in found], pa.int16())
        where = code_table(WHERE_PRECISION)
        self._where_keys = pa.array(list(where))
        self._where = pa.array([int(v) for v in where.values()], pa.int16())
        when = code_table(DATE_PRECISION)
        self._when_keys = pa.array(list(when))
        self._when = pa.array([v.value for v in when.values()])
        self._countries: dict[str, str | None] = {}

    @property
    def rows(self) -> PickedCsv:
        return self._rows

    def block(self, values: list[pa.Array], size: int) -> BlockRecords:
        columns = dict(zip(self._names, values, strict=True))

        def raw(name: str) -> Any:
            return columns[name]

        ok: list[Any] = []
        kind = pc.index_in(raw("type_of_violence"), value_set=self._kind_keys)
        where = pc.index_in(raw("where_prec"), value_set=self._where_keys)
        when = pc.index_in(raw("date_prec"), value_set=self._when_keys)
        country = self._country(raw("country"))
        ok += [pc.is_valid(kind), pc.is_valid(where), pc.is_valid(when), pc.is_valid(country)]
        event_id = raw("id")
        ok.append(pc.match_substring_regex(event_id, _INTEGER))
        start, start_ok = iso_days(raw("date_start"))
        end, end_ok = iso_days(raw("date_end"), optional=True)
        ok += [start_ok, end_ok, pc.fill_null(pc.greater_equal(end, start), True)]
        lat, lat_ok = plain_degrees(raw("latitude"), 90.0)
        lon, lon_ok = plain_degrees(raw("longitude"), 180.0)
        best, best_ok = whole_numbers(raw("best"))
        low, low_ok = whole_numbers(raw("low"), optional=True)
        high, high_ok = whole_numbers(raw("high"), optional=True)
        ok += [lat_ok, lon_ok, best_ok, low_ok, high_ok]
        text = {name: nothing_cleaned(raw(name)) for name in _TEXT}
        side_a, side_b = text["side_a"], text["side_b"]
        ok += [pc.invert(pc.match_substring_regex(side, ESCAPED)) for side in (side_a, side_b)]
        plain = all_ok(*ok)
        event_id = pc.if_else(plain, event_id, "0")  # every row is made; only plain ones kept
        source_id = pc.cast(
            pc.cast(pc.replace_substring_regex(event_id, r"\.0$", ""), pa.int64()), pa.string()
        )
        levels = severity(best, pc.take(self._floor, kind))
        made = {
            "uuid": uuid_column(SOURCE, source_id.to_pylist()),
            "source": repeat(SOURCE, size),
            "source_id": source_id,
            "title": _title(text, side_a, side_b, source_id),
            "description": either(text["source_headline"], text["where_description"]),
            "start_date": start,
            "end_date": end,
            "date_precision": pc.take(self._when, when),
            "longitude": lon,
            "latitude": lat,
            "location_precision": pc.take(self._where, where),
            "country": country,
            "location_name": place_name(text["where_coordinates"], text["adm_1"]),
            "threat_class": pc.take(self._threat, kind),
            "source_categories": pc.take(self._labels, kind),
            "severity": levels,
            "fatalities_best": best,
            "fatalities_low": low,
            "fatalities_high": high,
            "actors": _actors(side_a, side_b),
            "target": pc.take(self._target, kind),
            "tags": pc.take(self._tags, kind),
            "reporter": repeat(REPORTER, size),
            "tlp": repeat(Tlp.CLEAR.value, size),
            "source_updated": pa.nulls(size, pa.timestamp("us")),
        }
        return BlockRecords.of(made, plain, self._odd)

    def _odd(self, _row: int, values: tuple[str, ...]) -> Incident:
        return self._rows.parse(values)

    def _country(self, names: Any) -> Any:
        """ISO alpha-3 per row, null where the row logic would reject (each name tried once)."""
        codes, where = distinct(names, _country_or_none, self._countries)
        return pc.take(pa.array(codes, pa.string()), where)


def _country_or_none(name: str) -> str | None:
    try:
        return country_code(name, "country", dataset_country)
    except FieldError:
        return None


_TEXT = tuple(n for n in UCDP_OPTIONAL_COLUMNS if n not in ("date_end", "low", "high"))


def _title(text: dict[str, Any], side_a: Any, side_b: Any, source_id: Any) -> Any:
    fallback = pc.binary_join_element_wise("UCDP event ", source_id, "")
    return either(
        text["dyad_name"],
        either(side_by_side(side_a, side_b, " vs "), either(text["conflict_name"], fallback)),
    )


def _actors(side_a: Any, side_b: Any) -> Any:
    """json_list of the sides that are there (no side needs escaping here)."""
    listed = pc.binary_join_element_wise('["', side_by_side(side_a, side_b, '","'), '"]', "")
    none = pc.and_(pc.equal(side_a, ""), pc.equal(side_b, ""))
    return pc.if_else(none, "[]", listed)
