"""Our own report CSV as Arrow columns: the same records as ``read_csv_reports``.

The block transform of :mod:`~corridor.events.importers.csv_columns` for the
generic format. Texts, dates, times, numbers and ``;`` lists are read in Arrow;
the columns of few values (labels, codes, countries, classes) once per distinct
value by the row logic's own field readers. Columns the header lacks read "".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from corridor.events.columnar import NUL, uuid_column
from corridor.events.importers.base import FieldError
from corridor.events.importers.csv_columns import BlockRecords
from corridor.events.importers.field_columns import (
    all_ok,
    distinct,
    iso_days,
    iso_moments,
    json_names,
    plain_degrees,
    stripped,
    text_cleaned,
    whole_numbers,
)
from corridor.events.importers.generic import (
    FIELDS,
    LIST_FIELDS,
    ReportCsv,
    field_value,
    threat_class_ids,
)
from corridor.events.model import Incident

__all__ = ["ReportColumns"]

_EXACT_DAY = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"  # what date.fromisoformat reads alike
# Fields of few values, each read once per distinct value by the row logic's reader.
_CODED = ("date_precision", "location_precision", "country", "severity", "target", "tlp")
_TYPES = {
    "date_precision": pa.string(),
    "location_precision": pa.int16(),
    "country": pa.string(),
    "severity": pa.int16(),
    "target": pa.string(),
    "tlp": pa.string(),
}


def _coded(name: str) -> Callable[[str], tuple[bool, Any]]:
    """The row logic's reading of one value of field ``name``: (ok, stored value)."""

    def meaning(value: str) -> tuple[bool, Any]:
        try:
            return True, field_value(name, value)
        except FieldError:
            return False, None

    return meaning


class ReportColumns:
    """Our CSV for the columnar reader: its row logic and its block transform."""

    def __init__(self) -> None:
        self._rows = ReportCsv()
        self._known: dict[str, dict[str, tuple[bool, Any]]] = {name: {} for name in _CODED}
        self._classes = pa.array(sorted(threat_class_ids()))

    @property
    def rows(self) -> ReportCsv:
        return self._rows

    def block(self, values: list[pa.Array], size: int) -> BlockRecords:
        given = dict(zip(self._rows.names, values, strict=True))
        empty = pa.array([""] * size, pa.string()) if len(given) < len(FIELDS) else None

        def raw(name: str) -> Any:
            return given.get(name, empty)

        ok: list[Any] = []
        text = {name: stripped(raw(name)) for name in ("source", "source_id", "title")}
        for name in ("source", "source_id", "title"):
            ok.append(pc.not_equal(text[name], ""))
        for name in ("source", "source_id"):  # the uuid hashes them after U+FFFD for NUL
            ok.append(pc.invert(pc.match_substring(text[name], NUL)))
        threat = stripped(raw("threat_class"))
        ok.append(pc.is_in(threat, value_set=self._classes))
        start_text, end_text = stripped(raw("start_date")), stripped(raw("end_date"))
        start, start_ok = iso_days(start_text)
        end, end_ok = iso_days(end_text, optional=True)
        ok += [start_ok, pc.match_substring_regex(start_text, _EXACT_DAY), end_ok]
        ok.append(pc.or_(pc.equal(end_text, ""), pc.match_substring_regex(end_text, _EXACT_DAY)))
        ok.append(pc.fill_null(pc.greater_equal(end, start), True))
        lon, lon_ok = plain_degrees(text_cleaned(raw("longitude")), 180.0, optional=True)
        lat, lat_ok = plain_degrees(text_cleaned(raw("latitude")), 90.0, optional=True)
        ok += [lon_ok, lat_ok, pc.equal(pc.is_valid(lon), pc.is_valid(lat))]
        tolls = {}
        for name in ("fatalities_best", "fatalities_low", "fatalities_high"):
            tolls[name], toll_ok = whole_numbers(text_cleaned(raw(name)), optional=True)
            ok.append(toll_ok)
        lists = {}
        for name in sorted(LIST_FIELDS):
            lists[name], list_ok = json_names([raw(name)], size, unique=False)
            ok.append(list_ok)
        coded = {}
        for name in _CODED:
            found, where = distinct(stripped(raw(name)), _coded(name), self._known[name])
            coded[name] = pc.take(pa.array([v for _, v in found], _TYPES[name]), where)
            ok.append(pc.take(pa.array([k for k, _ in found], pa.bool_()), where))
        updated, updated_ok = iso_moments(stripped(raw("source_updated")))
        ok.append(updated_ok)
        plain = all_ok(*ok)
        sources = pc.if_else(plain, text["source"], "").to_pylist()
        made = {
            "uuid": uuid_column(sources, pc.if_else(plain, text["source_id"], "").to_pylist()),
            **text,
            "description": stripped(raw("description")),
            "start_date": start,
            "end_date": end,
            "longitude": lon,
            "latitude": lat,
            "location_name": stripped(raw("location_name")),
            "threat_class": threat,
            **tolls,
            **lists,
            **coded,
            "reporter": stripped(raw("reporter")),
            "source_updated": updated,
        }
        return BlockRecords.of(made, plain, self._odd)

    def _odd(self, _row: int, values: tuple[str, ...]) -> Incident:
        return self._rows.parse(values)
