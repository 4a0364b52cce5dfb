"""NGA ASAM's CSV export as Arrow columns: the same records as ``read_asam_csv``.

The block transform of :mod:`~corridor.events.importers.csv_columns` for ASAM. It takes
positions written ``1°07'00"N 103°31'00"E`` (minutes and seconds below 60), ISO and
US dates, and finds each description's kind of attack with the keyword search over
the whole column (:mod:`~corridor.events.importers.asam_keywords`); any other row is
made by ``read_asam_csv``'s own logic.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from corridor.events.categories import CategoryRule
from corridor.events.columnar import NUL, json_list, uuid_column
from corridor.events.importers.asam import (
    REPORTER,
    SOURCE,
    AsamBuilder,
    asam_csv,
    combined_rule,
    title_label,
)
from corridor.events.importers.asam_keywords import KeywordColumns
from corridor.events.importers.base import PickedCsv
from corridor.events.importers.csv_columns import BlockRecords
from corridor.events.importers.field_columns import (
    all_ok,
    calendar_days,
    collapsed,
    distinct,
    either,
    iso_days,
    json_concat,
    json_single,
    key_of,
    parts_of,
    re2_reads_alike,
    repeat,
    text_cleaned,
)
from corridor.events.model import DatePrecision, Incident, LocationPrecision, Target, Tlp

__all__ = ["AsamColumns"]

_US_DAY = r"^(?P<month>[0-9]{1,2})/(?P<day>[0-9]{1,2})/(?P<year>[1-9][0-9]{3})"
_DMS = (
    r"^(?P<lat_d>[0-9]{1,3})°(?P<lat_m>[0-5][0-9])'(?P<lat_s>[0-5][0-9])\"(?P<lat_h>[NS])"
    r"[ \t\n\r]+"
    r"(?P<lon_d>[0-9]{1,3})°(?P<lon_m>[0-5][0-9])'(?P<lon_s>[0-5][0-9])\"(?P<lon_h>[EW])$"
)
# The row logic's HEADING for text whose whitespace and digits are ASCII (RE2's \s, \d).
_HEADING = r"^\s*(?:\([^)]*\)\s*)?(?:\d+\.\s*)?(?P<name>[A-Z][A-Z .'&-]{1,48}?)\s*:"


def _us_days(values: Any) -> tuple[Any, Any]:
    """``asam._asam_date``'s MM/DD/YYYY reading (of the start of the text)."""
    parts = pc.extract_regex(values, _US_DAY)
    month = pc.utf8_lpad(pc.struct_field(parts, "month"), 2, "0")
    day = pc.utf8_lpad(pc.struct_field(parts, "day"), 2, "0")
    return calendar_days(
        pc.binary_join_element_wise(pc.struct_field(parts, "year"), month, day, "-")
    )


def _degrees(parts: Any, axis: str) -> Any:
    """Signed degrees of one coordinate of a DMS position: d + m/60 + s/3600, as
    ``corridor.coordinates`` adds them."""

    def number(name: str) -> Any:
        return pc.cast(pc.fill_null(pc.struct_field(parts, f"{axis}_{name}"), "0"), pa.float64())

    value = pc.add(
        pc.add(number("d"), pc.divide(number("m"), 60.0)), pc.divide(number("s"), 3600.0)
    )
    negative = pc.fill_null(
        pc.is_in(pc.struct_field(parts, f"{axis}_h"), pa.array(["S", "W"])), False
    )
    return pc.if_else(negative, pc.negate(value), value)


def _positions(values: Any) -> tuple[Any, Any, Any]:
    """(longitude, latitude, ok) of ``position`` texts written plainly; "" has none."""
    parts = pc.extract_regex(values, _DMS)
    lat, lon = _degrees(parts, "lat"), _degrees(parts, "lon")
    inside = pc.and_(pc.less_equal(pc.abs(lat), 90.0), pc.less_equal(pc.abs(lon), 180.0))
    ok = pc.and_(pc.is_valid(parts), inside)
    placed = pc.and_(ok, pc.invert(pc.and_(pc.equal(lon, 0.0), pc.equal(lat, 0.0))))
    none = pa.scalar(None, pa.float64())
    return (
        pc.if_else(placed, lon, none),
        pc.if_else(placed, lat, none),
        pc.or_(pc.fill_null(ok, False), pc.equal(values, "")),
    )


class AsamColumns:
    """The ASAM CSV export for the columnar reader: its row logic and block transform."""

    def __init__(self) -> None:
        self._builder = AsamBuilder()
        self._rows = asam_csv(self._builder)
        self._names = self._rows.required + self._rows.optional
        self._keywords = KeywordColumns(self._builder.keywords)
        self._rules: dict[int, tuple[str, CategoryRule]] = {}
        self._places: dict[str, tuple[str, str, bool]] = {}
        self._countries: dict[str, str | None] = {}
        self._labels: dict[str, str] = {}

    @property
    def rows(self) -> PickedCsv:
        return self._rows

    def _rule(self, mask: int) -> tuple[str, CategoryRule]:
        found = tuple(i for i in range(mask.bit_length()) if mask >> i & 1)
        return combined_rule(found)

    def _place(self, key: str) -> tuple[str, str, bool]:
        """(location, its tags as JSON, whether the row logic would store the same)."""
        parts = parts_of(key)
        if len(parts) != 2 or NUL in key:  # not one key, or tags the store writes with U+FFFD
            return "", "[]", False
        location, tags = self._builder.place(*parts)
        return location, json_list(tags), True

    def _label(self, key: str) -> str:
        parts = parts_of(key)
        return title_label(*parts) if len(parts) == 2 else ""

    def block(self, values: list[pa.Array], size: int) -> BlockRecords:
        raw = dict(zip(self._names, values, strict=True))
        text = {name: text_cleaned(raw[name]) for name in self._names}
        ok: list[Any] = []
        reference, reference_ok = collapsed(text["reference"])
        ok += [
            reference_ok,
            pc.not_equal(reference, ""),
            pc.invert(pc.match_substring(reference, NUL)),
        ]
        iso, iso_ok = iso_days(text["date"])
        us, us_ok = _us_days(text["date"])
        ok.append(pc.or_(iso_ok, us_ok))
        lon, lat, position_ok = _positions(text["position"])
        hostility, hostility_ok = collapsed(text["hostility"])
        victim, victim_ok = collapsed(text["victim"])
        description = text["description"]
        ok += [position_ok, hostility_ok, victim_ok]
        place_key, place_ok = key_of(text["navarea"], text["subreg"])
        places, place_at = distinct(place_key, self._place, self._places)
        ok += [place_ok, pc.take(pa.array([p[2] for p in places], pa.bool_()), place_at)]
        masks = self._keywords.masks(pc.binary_join_element_wise(hostility, description, ". "))
        mask_keys = pa.array(masks)
        rules, rule_at = distinct(mask_keys, self._rule, self._rules)
        heading = pc.extract_regex(description, _HEADING)
        plain_heading = re2_reads_alike(description)
        ok.append(plain_heading)
        name, _ = collapsed(pc.struct_field(heading, "name"))
        names, name_at = distinct(pc.fill_null(name, ""), self._country_named, self._countries)
        country = pc.take(pa.array(names, pa.string()), name_at)
        category = pc.take(pa.array([c for c, _ in rules], pa.string()), rule_at)
        label_key, label_ok = key_of(hostility, category)
        labels, label_at = distinct(label_key, self._label, self._labels)
        ok.append(label_ok)
        location = pc.take(pa.array([p[0] for p in places], pa.string()), place_at)
        where = pc.if_else(
            pc.is_valid(country),
            pc.binary_join_element_wise(" off ", country, ""),
            pc.if_else(
                pc.equal(location, ""), "", pc.binary_join_element_wise(" in ", location, "")
            ),
        )
        title = pc.binary_join_element_wise(
            pc.take(pa.array(labels, pa.string()), label_at),
            ": ",
            either(victim, pa.scalar("vessel")),
            where,
            "",
        )
        categories, categories_ok = json_single(hostility)
        ok.append(categories_ok)
        plain = all_ok(*ok)

        def of_rule(found: list[Any], kind: pa.DataType) -> Any:
            return pc.take(pa.array(found, kind), rule_at)

        rule_tags = of_rule([json_list(r.tags) for _, r in rules], pa.string())
        place_tags = pc.take(pa.array([p[1] for p in places], pa.string()), place_at)
        placed = pc.is_valid(lon)
        made = {
            "uuid": uuid_column(SOURCE, pc.if_else(plain, reference, "").to_pylist()),
            "source": repeat(SOURCE, size),
            "source_id": reference,
            "title": title,
            "description": description,
            "start_date": pc.if_else(iso_ok, iso, us),
            "end_date": pa.nulls(size, pa.date32()),
            "date_precision": repeat(DatePrecision.DAY.value, size),
            "longitude": lon,
            "latitude": lat,
            "location_precision": pc.if_else(
                placed, int(LocationPrecision.EXACT), int(LocationPrecision.COUNTRY)
            ),
            "country": country,
            "location_name": location,
            "threat_class": of_rule([r.threat_class for _, r in rules], pa.string()),
            "source_categories": categories,
            "severity": of_rule([max(1, r.severity_floor) for _, r in rules], pa.int16()),
            "fatalities_best": pa.nulls(size, pa.int64()),
            "fatalities_low": pa.nulls(size, pa.int64()),
            "fatalities_high": pa.nulls(size, pa.int64()),
            "actors": repeat("[]", size),
            "target": of_rule([(r.target or Target.VESSEL).value for _, r in rules], pa.string()),
            "tags": json_concat(place_tags, rule_tags),
            "reporter": repeat(REPORTER, size),
            "tlp": repeat(Tlp.CLEAR.value, size),
            "source_updated": pa.nulls(size, pa.timestamp("us")),
        }
        return BlockRecords.of(made, plain, self._odd)

    def _country_named(self, name: str) -> str | None:
        return self._builder.country_named(name) if name else None

    def _odd(self, _row: int, values: tuple[str, ...]) -> Incident:
        return self._rows.parse(values)
