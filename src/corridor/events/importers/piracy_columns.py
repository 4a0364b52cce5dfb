"""Crime at Sea as Arrow columns: the same records as ``read_piracy``.

The block transform of :mod:`~corridor.events.importers.csv_columns` for the pirate
attacks file. A row's id is a digest of its normalized values: the normalizing runs in
Arrow (or in Python, for a row with whitespace Arrow does not know), the digest in
hashlib, and duplicates are numbered in file order by the same count the row logic
keeps, so a reader that hands the rest of a file to the row logic numbers on.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from corridor.events.categories import CategoryRule, category_map
from corridor.events.columnar import json_list, uuid_column
from corridor.events.importers.base import FieldError, PickedCsv, country_code
from corridor.events.importers.csv_columns import BlockRecords
from corridor.events.importers.field_columns import (
    all_ok,
    collapsed,
    distinct,
    either,
    iso_days,
    json_concat,
    json_items,
    json_single,
    no_other_space,
    plain_degrees,
    repeat,
    text_cleaned,
)
from corridor.events.importers.piracy import (
    NAMELESS,
    NUMERIC_COLUMNS,
    PIRACY_COLUMNS,
    REPORTER,
    SOURCE,
    PiracyRows,
    piracy_csv,
)
from corridor.events.model import DatePrecision, Incident, LocationPrecision, Target, Tlp

__all__ = ["PiracyColumns"]

_EMPTY = pa.array(["", "NA", "N/A", "NULL", "NONE", "NAN", "-"])
_TAGGED = ("vessel_type", "vessel_status", "data_source")


def _joined(values: Any) -> Any:
    return collapsed(values)[0]


def _normalized(name: str, values: Any) -> Any:
    """A column as ``piracy._digest`` normalizes it before hashing."""
    cleaned = _joined(values)
    short = pc.less_equal(pc.utf8_length(cleaned), 4)
    empty = pc.and_(short, pc.is_in(pc.ascii_upper(cleaned), value_set=_EMPTY))
    cleaned = pc.if_else(pc.and_(empty, pc.string_is_ascii(cleaned)), "", cleaned)
    if name not in NUMERIC_COLUMNS:
        return cleaned
    decimal = pc.and_(
        pc.match_substring(cleaned, "."), pc.invert(pc.match_substring_regex(cleaned, "[eE]"))
    )
    trimmed = pc.replace_substring_regex(
        pc.replace_substring_regex(cleaned, "0+$", ""), r"\.+$", ""
    )
    return pc.if_else(decimal, trimmed, cleaned)


def _tag(name: str) -> Any:
    def tag(value: str) -> str | None:
        return f"{name}:{' '.join(value.lower().split())}" if value else None

    return tag


class PiracyColumns:
    """The pirate attacks file for the columnar reader: row logic and block transform."""

    def __init__(self) -> None:
        self._made = PiracyRows()
        self._rows = piracy_csv(self._made)
        self._names = self._rows.required + self._rows.optional
        self._rules = category_map(SOURCE)
        self._kinds: dict[str, CategoryRule] = {}
        self._countries: dict[str, tuple[bool, str | None]] = {}
        self._tags: dict[str, dict[str, str | None]] = {name: {} for name in _TAGGED}
        self._no_name = pa.array(sorted(NAMELESS))

    @property
    def rows(self) -> PickedCsv:
        return self._rows

    def _ids(self, raw: dict[str, Any], size: int) -> list[str]:
        """Every row's id, numbered in file order (so every row of the block counts)."""
        normal = [_normalized(name, raw[name]) for name in PIRACY_COLUMNS]
        plain = all_ok(*(no_other_space(raw[n]) for n in raw))
        joined = pc.binary_join_element_wise(*normal, "\x1f").to_pylist()
        blake2b = hashlib.blake2b
        digests = [
            blake2b(text.encode(), digest_size=8).hexdigest()
            if ok
            else self._made.digest(tuple(raw[n][row].as_py() for n in self._names))
            for row, (text, ok) in enumerate(zip(joined, plain.tolist(), strict=True))
        ]
        return [self._made.number(digest) for digest in digests]

    def _country(self, value: str) -> tuple[bool, str | None]:
        try:
            return True, country_code(value, "country")
        except FieldError:
            return False, None

    def block(self, values: list[pa.Array], size: int) -> BlockRecords:
        raw = dict(zip(self._names, values, strict=True))
        ids = self._ids(raw, size)
        text = {name: text_cleaned(raw[name]) for name in self._names}
        ok: list[Any] = []
        start, start_ok = iso_days(text["date"])
        lon, lon_ok = plain_degrees(text["longitude"], 180.0, optional=True)
        lat, lat_ok = plain_degrees(text["latitude"], 90.0, optional=True)
        ok += [start_ok, lon_ok, lat_ok]
        placed = pc.and_(
            pc.and_(pc.is_valid(lon), pc.is_valid(lat)),
            pc.invert(pc.and_(pc.equal(lon, 0.0), pc.equal(lat, 0.0))),
        )
        placed = pc.fill_null(placed, False)
        country, country_ok = self._countries_of(text["nearest_country"])
        eez, eez_ok = self._countries_of(text["eez_country"])
        ok += [country_ok, eez_ok]
        attack = text["attack_type"]
        rules, rule_at = distinct(attack, self._rules.classify, self._kinds)
        items = [pc.binary_join_element_wise("eez:", eez, "")]
        for name in _TAGGED:
            tags, tag_at = distinct(text[name], _tag(name), self._tags[name])
            items.append(pc.take(pa.array(tags, pa.string()), tag_at))
        own_tags, tags_ok = json_items(items)
        categories, categories_ok = json_single(attack)
        title, title_ok = _titles(attack, text, country, self._no_name)
        ok += [tags_ok, categories_ok, title_ok]
        plain = all_ok(*ok)

        def of_rule(values: list[Any], kind: pa.DataType) -> Any:
            return pc.take(pa.array(values, kind), rule_at)

        target = of_rule([(r.target or Target.VESSEL).value for r in rules], pa.string())
        made = {
            "uuid": uuid_column(SOURCE, ids),
            "source": repeat(SOURCE, size),
            "source_id": pa.array(ids, pa.string()),
            "title": title,
            "description": text["attack_description"],
            "start_date": start,
            "end_date": pa.nulls(size, pa.date32()),
            "date_precision": repeat(DatePrecision.DAY.value, size),
            "longitude": pc.if_else(placed, lon, pa.scalar(None, pa.float64())),
            "latitude": pc.if_else(placed, lat, pa.scalar(None, pa.float64())),
            "location_precision": pc.if_else(
                placed, int(LocationPrecision.EXACT), int(LocationPrecision.COUNTRY)
            ),
            "country": country,
            "location_name": text["location_description"],
            "threat_class": of_rule([r.threat_class for r in rules], pa.string()),
            "source_categories": categories,
            "severity": of_rule([max(1, r.severity_floor) for r in rules], pa.int16()),
            "fatalities_best": pa.nulls(size, pa.int64()),
            "fatalities_low": pa.nulls(size, pa.int64()),
            "fatalities_high": pa.nulls(size, pa.int64()),
            "actors": repeat("[]", size),
            "target": target,
            "tags": json_concat(own_tags, of_rule([json_list(r.tags) for r in rules], pa.string())),
            "reporter": repeat(REPORTER, size),
            "tlp": repeat(Tlp.CLEAR.value, size),
            "source_updated": pa.nulls(size, pa.timestamp("us")),
        }

        def odd(row: int, values: tuple[str, ...]) -> Incident:
            return self._made.incident(values, ids[row])

        return BlockRecords.of(made, plain, odd)

    def _countries_of(self, values: Any) -> tuple[Any, Any]:
        """Alpha-3 codes (null for an empty value), and where the row logic agrees."""
        found, where = distinct(values, self._country, self._countries)
        codes = pc.take(pa.array([code for _, code in found], pa.string()), where)
        return codes, pc.take(pa.array([known for known, _ in found]), where)


def _titles(attack: Any, text: dict[str, Any], country: Any, no_name: pa.Array) -> tuple[Any, Any]:
    """``piracy._title`` for ASCII vessel names and types; where a row is plain."""
    vessel_type = text["vessel_type"]
    name = text["vessel_name"]
    ascii_ok = pc.and_(pc.string_is_ascii(vessel_type), pc.string_is_ascii(name))
    name = pc.if_else(pc.is_in(pc.ascii_lower(name), value_set=no_name), "", name)
    kind = pc.ascii_lower(_joined(vessel_type))
    vessel = pc.binary_join_element_wise(kind, _joined(name), " ")
    vessel = pc.if_else(
        pc.equal(kind, ""), _joined(name), pc.if_else(pc.equal(name, ""), kind, vessel)
    )
    place = text["location_description"]
    where = pc.if_else(
        pc.is_valid(country),
        pc.binary_join_element_wise(" off ", country, ""),
        pc.if_else(pc.equal(place, ""), "", pc.binary_join_element_wise(" at ", place, "")),
    )
    head = either(attack, pa.scalar("Attack"))
    title = pc.binary_join_element_wise(head, ": ", either(vessel, pa.scalar("vessel")), where, "")
    return title, ascii_ok
