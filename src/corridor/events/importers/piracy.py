"""Importer for "Crime at Sea", the global database of maritime pirate attacks, 1993-2020.

The file (``pirate_attacks.csv``, Benden et al. 2021, CC BY 4.0) has one attack per row,
no id column, and writes a missing value as the text ``NA``. ``attack_type`` is mapped
through ``mappings/piracy.yaml`` to a threat class and a severity floor.

Stable ids: an attack's ``source_id`` is 16 hex digits of a BLAKE2b digest of its
normalized row (every column, taken by name; stripped; ``NA`` as empty; runs of spaces
and line breaks collapsed; no trailing zeros on the coordinates and distances), so importing
the same file again, or a copy that went through pandas or R, gives the same ids. Exact
duplicate rows (the 2020 release has 20) get ``-2``, ``-3``, ... in file order. A row the
publisher later corrects gets a new id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from operator import itemgetter
from typing import TextIO

from corridor.events.categories import CategoryRule, category_map
from corridor.events.importers.base import (
    ParsedRecord,
    PickedCsv,
    country_code,
    parse_date,
    parse_latitude,
    parse_longitude,
    read_csv_format,
    text,
)
from corridor.events.model import Incident, LocationPrecision, Target, severity_for

__all__ = [
    "NAMELESS",
    "NUMERIC_COLUMNS",
    "PIRACY_COLUMNS",
    "PiracyLookups",
    "PiracyRows",
    "piracy_csv",
    "piracy_source_id",
    "read_piracy",
]

SOURCE = "piracy"
REPORTER = "public:piracy"  # public data, TLP:CLEAR, like the other public sources

PIRACY_COLUMNS = (
    "date",
    "time",
    "longitude",
    "latitude",
    "attack_type",
    "location_description",
    "nearest_country",
    "eez_country",
    "shore_distance",
    "shore_longitude",
    "shore_latitude",
    "attack_description",
    "vessel_name",
    "vessel_type",
    "vessel_status",
    "data_source",
)
_REQUIRED = ("date", "longitude", "latitude", "attack_type", "nearest_country")
_OPTIONAL = tuple(name for name in PIRACY_COLUMNS if name not in _REQUIRED)
# The row loop hands over the required columns, then the optional ones; ids hash them
# in the file's documented order.
_IN_COLUMN_ORDER = itemgetter(*((*_REQUIRED, *_OPTIONAL).index(name) for name in PIRACY_COLUMNS))
NUMERIC_COLUMNS = ("longitude", "latitude", "shore_distance", "shore_longitude", "shore_latitude")
_NUMERIC_AT = tuple(PIRACY_COLUMNS.index(name) for name in NUMERIC_COLUMNS)
# What base.text reads as nothing.
_EMPTY = frozenset(("", "NA", "N/A", "NULL", "NONE", "NAN", "-"))
# Vessel names that name nobody; kept in the data, left out of titles.
NAMELESS = frozenset(("name withheld", "unspecified", "unknown", "not stated"))


def _digest(values: Sequence[str]) -> str:
    """16 hex digits of the normalized values, given in ``PIRACY_COLUMNS`` order."""
    cleaned = [" ".join(value.split()) for value in values]
    cleaned = ["" if len(v) <= 4 and v.upper() in _EMPTY else v for v in cleaned]
    for index in _NUMERIC_AT:  # "116.0" and "116", "-7.17666670" and "-7.1766667" alike
        value = cleaned[index]
        if "." in value and "e" not in value.lower():
            cleaned[index] = value.rstrip("0").rstrip(".")
    return hashlib.blake2b("\x1f".join(cleaned).encode("utf-8"), digest_size=8).hexdigest()


def piracy_source_id(row: Mapping[str, str]) -> str:
    """The content id of one row (without the duplicate counter): 16 hex digits."""
    return _digest([row.get(name) or "" for name in PIRACY_COLUMNS])


def read_piracy(stream: TextIO, *, file_name: str) -> Iterator[ParsedRecord]:
    """One :class:`Incident` or :class:`Rejected` per attack in a "Crime at Sea" CSV stream.

    Streams row by row (keeping one 16-character digest per row, to number duplicates);
    open the file with ``newline=""``, descriptions span lines. A position of exactly
    (0, 0) is a placeholder and is dropped. Rejects name the first line of the record; a
    missing column gives one reject on line 1 and nothing else.
    """
    return read_csv_format(piracy_csv(PiracyRows()), stream, file_name)


def piracy_csv(rows: PiracyRows) -> PickedCsv:
    """The file's layout as a :class:`~corridor.events.importers.base.CsvFormat`, reading
    with ``rows`` (whose duplicate count a columnar reader shares)."""
    return PickedCsv(_REQUIRED, _OPTIONAL, rows.parse)


class PiracyRows:
    """Makes the incidents of one file's rows: ids numbered in file order, lookups kept."""

    def __init__(self) -> None:
        self.lookups = PiracyLookups()
        self.seen: dict[str, int] = {}  # digest -> rows with it so far

    def parse(self, values: tuple[str, ...]) -> Incident:
        """The incident of the next row (its duplicate number counts every row before)."""
        return self.incident(values, self.number(self.digest(values)))

    @staticmethod
    def digest(values: tuple[str, ...]) -> str:
        """The content id of a row's values (in the order the format picks them)."""
        return _digest(_IN_COLUMN_ORDER(values))

    def number(self, digest: str) -> str:
        """The id of the next row with ``digest``: ``-2``, ``-3``, ... after the first."""
        count = self.seen[digest] = self.seen.get(digest, 0) + 1
        return digest if count == 1 else f"{digest}-{count}"

    def incident(self, values: tuple[str, ...], source_id: str) -> Incident:
        """The incident of a row whose id is known."""
        return _incident(values, source_id, self.lookups)


class PiracyLookups:
    """Work done once per distinct value of the columns that hold few (codes, kinds)."""

    def __init__(self) -> None:
        self.rules = category_map(SOURCE)
        self._countries: dict[tuple[str, str], str | None] = {}
        self._rules: dict[str, CategoryRule] = {}
        self._tags: dict[tuple[str, str], str] = {}

    def country(self, value: str, field: str) -> str | None:
        """Alpha-3 code; ``NA`` is a missing value in this file (Namibia is ``NAM``)."""
        key = (field, value)
        found = self._countries.get(key, "")
        if found == "":
            found = self._countries[key] = country_code(text(value), field)
        return found

    def rule(self, attack_type: str) -> CategoryRule:
        found = self._rules.get(attack_type)
        if found is None:
            found = self._rules[attack_type] = self.rules.classify(attack_type)
        return found

    def tag(self, name: str, value: str) -> str:
        key = (name, value)
        found = self._tags.get(key)
        if found is None:
            found = self._tags[key] = f"{name}:{' '.join(value.lower().split())}"
        return found


def _incident(values: tuple[str, ...], source_id: str, lookups: PiracyLookups) -> Incident:
    (day, lon, lat, kind, nearest, _time, place, eez_code, _distance, _shore_lon, _shore_lat,
     description, vessel_name, vessel_type, vessel_status, data_source) = values  # fmt: skip
    start = parse_date(day, "date")
    assert start is not None  # required
    longitude = parse_longitude(lon)
    latitude = parse_latitude(lat)
    precision = LocationPrecision.EXACT
    if longitude == 0.0 and latitude == 0.0:  # "null island": no position was known
        longitude = latitude = None
    if longitude is None or latitude is None:
        longitude = latitude = None
        precision = LocationPrecision.COUNTRY
    country = lookups.country(nearest, "nearest_country")
    eez = lookups.country(eez_code, "eez_country")
    attack_type = text(kind)
    rule = lookups.rule(attack_type)
    location = text(place)
    vessel_type = text(vessel_type)
    tags = [f"eez:{eez}"] if eez else []
    for name, value in (
        ("vessel_type", vessel_type),
        ("vessel_status", text(vessel_status)),
        ("data_source", text(data_source)),
    ):
        if value:
            tags.append(lookups.tag(name, value))
    tags.extend(rule.tags)
    return Incident(
        source=SOURCE,
        source_id=source_id,
        title=_title(attack_type, vessel_type, text(vessel_name), country, location),
        start_date=start,
        threat_class=rule.threat_class,
        longitude=longitude,
        latitude=latitude,
        location_precision=precision,
        country=country,
        location_name=location,
        description=text(description),
        source_categories=(attack_type,) if attack_type else (),
        severity=severity_for(None, floor=rule.severity_floor),
        target=rule.target or Target.VESSEL,
        tags=tuple(tags),
        reporter=REPORTER,
    )


def _title(kind: str, vessel_type: str, vessel_name: str, country: str | None, where: str) -> str:
    """ "Hijacked: bulk carrier Genco Endeavour off IDN", with what is known."""
    if vessel_name.lower() in NAMELESS:
        vessel_name = ""
    vessel = " ".join(" ".join(part.split()) for part in (vessel_type.lower(), vessel_name) if part)
    place = f" off {country}" if country else (f" at {where}" if where else "")
    return f"{kind or 'Attack'}: {vessel or 'vessel'}{place}"
