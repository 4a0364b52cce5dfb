"""ACLED exports as Arrow columns: the same records as ``read_acled``, in both layouts.

The block transform of :mod:`~corridor.events.importers.csv_columns` for ACLED: it
takes dates written "2023-01-15" or "15 January 2021", plain numbers and codes, and
looks up each distinct event type pair and country once; any other row is made by
``read_acled``'s own logic.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from corridor.events.categories import CategoryMap, category_map
from corridor.events.columnar import NUL, json_list, uuid_column
from corridor.events.importers.acled import (
    ACLED_OPTIONAL_COLUMNS,
    ACLED_REQUIRED_COLUMNS,
    REPORTER,
    SOURCE,
    acled_csv,
    country_for,
)
from corridor.events.importers.base import NOTHING, FieldError, PickedCsv
from corridor.events.importers.csv_columns import BlockRecords
from corridor.events.importers.field_columns import (
    all_ok,
    distinct,
    iso_days,
    json_concat,
    json_names,
    key_of,
    nothing_cleaned,
    parts_of,
    place_name,
    plain_degrees,
    repeat,
    severity,
    stripped,
    whole_numbers,
    written_days,
)
from corridor.events.model import DatePrecision, Incident, LocationPrecision, Target, Tlp

__all__ = ["AcledColumns"]

_NAMES = ACLED_REQUIRED_COLUMNS + ACLED_OPTIONAL_COLUMNS
_CLEANED = ACLED_OPTIONAL_COLUMNS[2:]  # what the row logic strips and clears of NOTHING
_NOTHING = pa.array(sorted(NOTHING))
_TIME_KEYS = pa.array(["1", "2", "3"])
_TIME = pa.array([DatePrecision.DAY.value, DatePrecision.WEEK.value, DatePrecision.MONTH.value])
_GEO = pa.array(
    [int(LocationPrecision.EXACT), int(LocationPrecision.NEAR), int(LocationPrecision.PROVINCE)],
    pa.int16(),
)
_TEXT = pa.string()
_SECONDS = r"^[0-9]{1,11}(\.0)?$"  # Unix seconds, until the year 5138


class _Kind:
    """What one (event type, sub-event type) pair means: the row logic's ``_kind``."""

    __slots__ = ("floor", "labels", "name", "tags", "target", "threat")

    def __init__(self, key: str, rules: CategoryMap) -> None:
        event_type, sub_type = parts_of(key)
        general = event_type.strip()
        labels = (general, sub_type) if sub_type else (general,)
        rule = rules.classify(*labels)
        self.threat = rule.threat_class
        self.target = rule.target.value if rule.target else None
        self.floor = rule.severity_floor
        self.tags = json_list(rule.tags)
        self.labels = json_list(labels)
        self.name = sub_type or labels[0]


class AcledColumns:
    """ACLED for the columnar reader: its row logic and its block transform."""

    def __init__(self) -> None:
        self._rows = acled_csv()
        self._rules = category_map(SOURCE)
        self._kinds: dict[str, _Kind | None] = {}
        self._countries: dict[str, str | None] = {}

    @property
    def rows(self) -> PickedCsv:
        return self._rows

    def _kind(self, key: str) -> _Kind | None:
        parts = parts_of(key)
        general = parts[0].strip()
        if len(parts) != 2 or not general or general in NOTHING or NUL in key:
            return None  # the row logic's reject, or U+FFFD in the labels, or no plain key
        return _Kind(key, self._rules)

    def block(self, values: list[pa.Array], size: int) -> BlockRecords:
        raw = dict(zip(_NAMES, values, strict=True))
        text = {name: nothing_cleaned(raw[name]) for name in _CLEANED}
        ok: list[Any] = []
        source_id = stripped(raw["event_id_cnty"])
        ok.append(pc.and_(pc.not_equal(source_id, ""), pc.invert(pc.is_in(source_id, _NOTHING))))
        ok.append(pc.invert(pc.match_substring(source_id, NUL)))  # the uuid hashes U+FFFD
        kind_key, key_ok = key_of(raw["event_type"], text["sub_event_type"])
        kinds, kind_at = distinct(kind_key, self._kind, self._kinds)
        found = [k for k in kinds if k is not None]
        known = pa.array([i for i, k in enumerate(kinds) if k is not None], pa.int32())
        kind = pc.index_in(kind_at, value_set=known)
        ok += [key_ok, pc.is_valid(kind)]
        country_key, country_ok = key_of(raw["iso"], raw["country"])
        codes, country_at = distinct(country_key, _country_or_none, self._countries)
        country = pc.take(pa.array(codes, pa.string()), country_at)
        ok += [country_ok, pc.is_valid(country)]
        when = pc.index_in(raw["time_precision"], value_set=_TIME_KEYS)
        where = pc.index_in(raw["geo_precision"], value_set=_TIME_KEYS)
        ok += [pc.is_valid(when), pc.is_valid(where)]
        iso, iso_ok = iso_days(raw["event_date"])
        written, written_ok = written_days(raw["event_date"])
        start = pc.if_else(iso_ok, iso, written)
        ok.append(pc.or_(iso_ok, written_ok))
        lat, lat_ok = plain_degrees(raw["latitude"], 90.0)
        lon, lon_ok = plain_degrees(raw["longitude"], 180.0)
        deaths, deaths_ok = whole_numbers(raw["fatalities"], optional=True)
        updated, updated_ok = _moments(raw["timestamp"])
        ok += [lat_ok, lon_ok, deaths_ok, updated_ok]
        actors, actors_ok = json_names(
            [text[n] for n in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")],
            size,
            unique=True,
        )
        own_tags, tags_ok = json_names([text["tags"]], size, unique=True)
        plain = all_ok(*ok, actors_ok, tags_ok)

        def of_kind(attribute: str, kind_type: pa.DataType = _TEXT) -> Any:
            return pc.take(pa.array([getattr(k, attribute) for k in found], kind_type), kind)

        name = of_kind("name")
        location = text["location"]
        rule_target = of_kind("target")
        made = {
            "uuid": uuid_column(SOURCE, pc.if_else(plain, source_id, "").to_pylist()),
            "source": repeat(SOURCE, size),
            "source_id": source_id,
            "title": pc.if_else(
                pc.equal(location, ""),
                name,
                pc.binary_join_element_wise(name, location, " in "),
            ),
            "description": text["notes"],
            "start_date": start,
            "end_date": pa.nulls(size, pa.date32()),
            "date_precision": pc.take(_TIME, when),
            "longitude": lon,
            "latitude": lat,
            "location_precision": pc.take(_GEO, where),
            "country": country,
            "location_name": place_name(location, text["admin1"]),
            "threat_class": of_kind("threat"),
            "source_categories": of_kind("labels"),
            "severity": severity(deaths, of_kind("floor", pa.int16())),
            "fatalities_best": deaths,
            "fatalities_low": pa.nulls(size, pa.int64()),
            "fatalities_high": pa.nulls(size, pa.int64()),
            "actors": actors,
            "target": pc.if_else(
                pc.not_equal(text["civilian_targeting"], ""), Target.PEOPLE.value, rule_target
            ),
            "tags": json_concat(own_tags, of_kind("tags")),
            "reporter": repeat(REPORTER, size),
            "tlp": repeat(Tlp.CLEAR.value, size),
            "source_updated": updated,
        }
        return BlockRecords.of(made, plain, self._odd)

    def _odd(self, _row: int, values: tuple[str, ...]) -> Incident:
        return self._rows.parse(values)


def _country_or_none(key: str) -> str | None:
    parts = parts_of(key)
    if len(parts) != 2:
        return None
    try:
        return country_for(*parts)
    except FieldError:
        return None


def _moments(values: Any) -> tuple[Any, Any]:
    """``acled._updated``: Unix seconds as (naive UTC) times, "" as a null."""
    shaped = pc.match_substring_regex(values, _SECONDS)
    whole = pc.replace_substring_regex(pc.if_else(shaped, values, "0"), r"\.0$", "")
    seconds = pc.cast(pc.cast(whole, pa.int64()), pa.timestamp("s"))
    empty = pc.equal(values, "")
    moments = pc.if_else(empty, pa.scalar(None, pa.timestamp("s")), seconds)
    return pc.cast(moments, pa.timestamp("us")), pc.or_(shaped, empty)
