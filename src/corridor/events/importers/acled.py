"""Importer for ACLED (Armed Conflict Location & Event Data) CSV exports: one event a row.

Reads the export layout since March 2023 (``event_id_cnty, event_date, year,
time_precision, disorder_type, ...``, dates as ``2023-01-15``) and the older one (with
``data_id``, ``event_id_no_cnty`` and ``iso3``, no ``disorder_type``,
``civilian_targeting`` or ``tags``, dates as ``15 January 2021``). Columns are found
by name: their order, their case and extra columns do not matter.

Codes follow the ACLED codebook. ``time_precision``: 1 the day is known, 2 the week or
weekend, 3 only the month. ``geo_precision``: 1 the town itself; 2 near a town, or a
small part of a region (the nearest town is coded), read as NEAR; 3 a larger region
(the provincial capital or a landmark is coded), read as PROVINCE, since the point
stands for an area the size of a province. ``iso`` is the ISO 3166-1 *numeric* code; the
country name is the fallback. ``timestamp`` (Unix seconds) is when ACLED last changed
the event. ``event_type`` and ``sub_event_type`` go through ``mappings/acled.yaml``;
an event ACLED marks "Civilian targeting" strikes people whatever its type.

Like the UCDP importer, rows come from a plain ``csv.reader`` through a header index,
with tables for the values that repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import TextIO, TypeVar

from corridor.events.categories import CategoryMap, CategoryRule, category_map
from corridor.events.importers.base import (
    NOTHING,
    FieldError,
    ParsedRecord,
    PickedCsv,
    country_code,
    parse_date,
    parse_int,
    read_csv_format,
    required_degrees,
)
from corridor.events.importers.country_names import dataset_country
from corridor.events.model import (
    DatePrecision,
    Incident,
    LocationPrecision,
    Target,
    Tlp,
    severity_for,
)

__all__ = [
    "ACLED_OPTIONAL_COLUMNS",
    "ACLED_REQUIRED_COLUMNS",
    "acled_country",
    "acled_csv",
    "country_for",
    "read_acled",
]

SOURCE = "acled"
REPORTER = "public:acled"

# Country names pycountry does not know: one table for every dataset (country_names).
acled_country = dataset_country

# Without these no incident can be made; every ACLED export has them.
ACLED_REQUIRED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
)
# Read when present (older exports lack civilian_targeting and tags).
ACLED_OPTIONAL_COLUMNS = (
    "iso",
    "timestamp",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "civilian_targeting",
    "admin1",
    "location",
    "notes",
    "tags",
)

_TIME_PRECISION = {
    "1": DatePrecision.DAY,
    "2": DatePrecision.WEEK,
    "3": DatePrecision.MONTH,
}
_GEO_PRECISION = {
    "1": LocationPrecision.EXACT,
    "2": LocationPrecision.NEAR,
    "3": LocationPrecision.PROVINCE,
}


_T = TypeVar("_T")


def read_acled(stream: TextIO, *, file_name: str) -> Iterator[ParsedRecord]:
    """One :class:`Incident` or :class:`Rejected` per event of an ACLED CSV export.

    Streams row by row; open the file with ``newline=""`` (notes may span lines). A
    reject names the first line of its record. A missing required column gives one
    reject on line 1 and nothing else. A row with more values than the header has
    columns is rejected: its values cannot be matched to columns.
    """
    return read_csv_format(acled_csv(), stream, file_name)


def acled_csv() -> PickedCsv:
    """Both export layouts as a :class:`~corridor.events.importers.base.CsvFormat`."""
    return PickedCsv(
        ACLED_REQUIRED_COLUMNS, ACLED_OPTIONAL_COLUMNS, _row_parser(category_map(SOURCE))
    )


def _row_parser(rules: CategoryMap) -> Callable[[tuple[str, ...]], Incident]:
    """The function that makes one Incident from one row's values, with its own caches.

    Dates, countries and event types repeat from row to row, so each is parsed once.
    """
    kinds: dict[tuple[str, str], tuple[CategoryRule, tuple[str, ...]]] = {}
    dates: dict[str, date] = {}
    countries: dict[tuple[str, str], str] = {}

    def parse(values: tuple[str, ...]) -> Incident:
        event_id, day, time_prec, event_type, country, lat, lon, geo_prec, toll = values[:9]
        iso, timestamp = values[9:11]
        (sub_type, actor1, assoc1, actor2, assoc2, civilians, admin1, location, notes, tags) = [
            "" if value in NOTHING else value for value in map(str.strip, values[11:])
        ]
        source_id = _required(event_id, "event_id_cnty")
        rule, labels = kinds.get((event_type, sub_type)) or _kind(
            event_type, sub_type, rules, kinds
        )
        when = _TIME_PRECISION.get(time_prec) or _code(time_prec, "time_precision", _TIME_PRECISION)
        where = _GEO_PRECISION.get(geo_prec) or _code(geo_prec, "geo_precision", _GEO_PRECISION)
        deaths = _toll(toll)
        kind = sub_type or labels[0]
        return Incident(
            source=SOURCE,
            source_id=source_id,
            title=f"{kind} in {location}" if location else kind,
            start_date=dates.get(day) or _day(day, dates),
            date_precision=when,
            threat_class=rule.threat_class,
            latitude=required_degrees(lat, "latitude"),
            longitude=required_degrees(lon, "longitude"),
            location_precision=where,
            country=countries.get((iso, country)) or _country(iso, country, countries),
            location_name=_place(location, admin1),
            description=notes,
            source_categories=labels,
            severity=severity_for(deaths, floor=rule.severity_floor),
            fatalities_best=deaths,
            actors=_names(actor1, assoc1, actor2, assoc2),
            target=Target.PEOPLE if civilians else rule.target,
            tags=_names(tags) + rule.tags,
            reporter=REPORTER,
            tlp=Tlp.CLEAR,
            source_updated=_updated(timestamp),
        )

    return parse


def _required(value: str, field: str) -> str:
    cleaned = value.strip()
    if not cleaned or cleaned in NOTHING:
        raise FieldError(field, value, "is empty")
    return cleaned


def _kind(
    event_type: str,
    sub_type: str,
    rules: CategoryMap,
    seen: dict[tuple[str, str], tuple[CategoryRule, tuple[str, ...]]],
) -> tuple[CategoryRule, tuple[str, ...]]:
    """The rule and the source's own labels for an event type pair, remembered."""
    general = _required(event_type, "event_type")
    labels = (general, sub_type) if sub_type else (general,)
    found = (rules.classify(*labels), labels)
    seen[event_type, sub_type] = found
    return found


def _day(value: str, seen: dict[str, date]) -> date:
    """A date from "2023-01-15", "15 January 2023" (or base.parse_date), remembered."""
    try:
        found = date.fromisoformat(value[:10])
    except ValueError:
        parsed = parse_date(value, "event_date")
        assert parsed is not None  # required
        found = parsed
    seen[value] = found
    return found


def _code(value: str, field: str, table: dict[str, _T]) -> _T:
    """The meaning of a precision code not spelled as in the table (" 2", "2.0"), or FieldError."""
    found = table.get(str(parse_int(value, field, required=True)))
    if found is None:
        raise FieldError(field, value, "is not a code 1..3")
    return found


def _toll(value: str) -> int | None:
    """Reported fatalities: a whole number, never negative; empty is unknown."""
    number = parse_int(value, "fatalities")
    if number is not None and number < 0:
        raise FieldError("fatalities", value, "is negative")
    return number


def _country(iso: str, name: str, seen: dict[tuple[str, str], str]) -> str:
    """:func:`country_for`, remembered."""
    found = seen[iso, name] = country_for(iso, name)
    return found


def country_for(iso: str, name: str) -> str:
    """ISO alpha-3 from the numeric ``iso``, else from the country name.

    FieldError names ``country`` when neither is known.
    """
    found = None
    number = iso.strip().removesuffix(".0")
    if number and number != "0":
        try:
            found = country_code(number, "iso")
        except FieldError:
            found = None
    if found is None:
        found = country_code(name, "country", dataset_country)
        if found is None:
            raise FieldError("country", name, "is empty")
    return found


def _place(location: str, admin1: str) -> str:
    """ "Quetta, Balochistan", without saying the province twice."""
    if not admin1 or admin1 in location:
        return location or admin1
    return f"{location}, {admin1}" if location else admin1


def _names(*values: str) -> tuple[str, ...]:
    """The distinct names in ``;``-separated lists, in order: actors, tags."""
    found: list[str] = []
    for value in values:
        if value:
            for part in value.split(";"):
                name = part.strip()
                if name and name not in found:
                    found.append(name)
    return tuple(found)


def _updated(value: str) -> datetime | None:
    """When ACLED last changed the event: Unix seconds to a UTC datetime."""
    seconds = parse_int(value, "timestamp")
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise FieldError("timestamp", value, "is not a time") from exc
