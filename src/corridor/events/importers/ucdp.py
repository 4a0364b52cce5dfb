"""Importer for the UCDP Georeferenced Event Dataset (GED): one event of organized violence a row.

Reads the publisher's CSV release (``GEDEvent_v*.csv``: integers as integers, dates
such as ``2009-02-20 00:00:00.000``) and copies that went through R or pandas
(integers as ``214797.0``, some columns dropped), such as the bundled Syria slice.
Columns are found by name: their order, their case and extra columns do not matter.

Codes follow the GED codebook: ``where_prec`` 1 exact place, 2 within about 25 km,
3 second-order division, 4 first-order division, 5 a part of a country or a linear
feature (road, river), 6 the country, 7 international waters or airspace;
``date_prec`` 1 the day, 2 two to six days, 3 the week, 4 up to a month, 5 more than a
month. ``type_of_violence`` goes through ``mappings/ucdp.yaml``. UCDP names countries
as Gleditsch and Ward states ("DR Congo (Zaire)"); they become ISO 3166-1 alpha-3.

Files run to millions of rows, so rows come from a plain ``csv.reader`` read through
a header index (no dict per row), values that repeat (dates, countries, codes, small
counts) are parsed once and then looked up, and nothing runs a regex.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import TextIO, TypeVar, overload

from corridor.events.categories import CategoryMap, category_map
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
    Tlp,
    severity_for,
)

__all__ = [
    "DATE_PRECISION",
    "REPORTER",
    "SOURCE",
    "UCDP_OPTIONAL_COLUMNS",
    "UCDP_REQUIRED_COLUMNS",
    "VIOLENCE",
    "WHERE_PRECISION",
    "code_table",
    "read_ucdp",
    "ucdp_country",
    "ucdp_csv",
]

SOURCE = "ucdp"
REPORTER = "public:ucdp"

# Country names pycountry does not know: one table for every dataset (country_names).
ucdp_country = dataset_country

# Without these no incident can be made; every GED release since 2013 has them.
UCDP_REQUIRED_COLUMNS = (
    "id",
    "type_of_violence",
    "date_start",
    "date_prec",
    "where_prec",
    "latitude",
    "longitude",
    "country",
    "best",
)
# Read when present (R copies drop some; where_description is missing from the Syria slice).
UCDP_OPTIONAL_COLUMNS = (
    "date_end",
    "low",
    "high",
    "conflict_name",
    "dyad_name",
    "side_a",
    "side_b",
    "where_coordinates",
    "adm_1",
    "source_headline",
    "where_description",
)

VIOLENCE = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
WHERE_PRECISION = {
    1: LocationPrecision.EXACT,
    2: LocationPrecision.NEAR,
    3: LocationPrecision.DISTRICT,
    4: LocationPrecision.PROVINCE,
    5: LocationPrecision.PROVINCE,  # part of a country, or a road or river
    6: LocationPrecision.COUNTRY,
    7: LocationPrecision.COUNTRY,  # international waters or airspace
}
DATE_PRECISION = {
    1: DatePrecision.DAY,
    2: DatePrecision.WEEK,  # two to six days
    3: DatePrecision.WEEK,
    4: DatePrecision.MONTH,  # eight to thirty days, or the month
    5: DatePrecision.YEAR,  # more than a month, or only the year
}


_T = TypeVar("_T")


def read_ucdp(stream: TextIO, *, file_name: str) -> Iterator[ParsedRecord]:
    """One :class:`Incident` or :class:`Rejected` per event of a GED CSV stream.

    Streams row by row; open the file with ``newline=""`` (headlines span lines). A
    reject names the first line of its record. A missing required column gives one
    reject on line 1 and nothing else. A row with more values than the header has
    columns is rejected: its values cannot be matched to columns.
    """
    return read_csv_format(ucdp_csv(), stream, file_name)


def ucdp_csv() -> PickedCsv:
    """The GED layout as a :class:`~corridor.events.importers.base.CsvFormat`."""
    parse = _row_parser(category_map(SOURCE))
    return PickedCsv(UCDP_REQUIRED_COLUMNS, UCDP_OPTIONAL_COLUMNS, parse)


def _row_parser(rules: CategoryMap) -> Callable[[tuple[str, ...]], Incident]:
    """The function that makes one Incident from one row's values, with its own caches.

    Dates, countries and codes repeat from row to row, so each is parsed once.
    """
    kinds = code_table(
        {int(code): (rules.classify(code), (label,)) for code, label in VIOLENCE.items()}
    )
    where_precs = code_table(WHERE_PRECISION)
    date_precs = code_table(DATE_PRECISION)
    dates: dict[str, date] = {}
    countries: dict[str, str] = {}

    def parse(values: tuple[str, ...]) -> Incident:
        (event_id, kind, start, date_prec, where_prec, lat, lon, country, best, end, low, high) = (
            values[:12]
        )
        conflict, dyad, side_a, side_b, where, adm_1, headline, about = [
            "" if value in NOTHING else value for value in map(str.strip, values[12:])
        ]
        rule, labels = kinds.get(kind) or _code(kind, "type_of_violence", kinds)
        start_date = dates.get(start) or _day(start, "date_start", dates)
        end_date = dates.get(end) or _day(end, "date_end", dates, required=False)
        if end_date is not None and end_date < start_date:
            raise FieldError("date_end", end, "is before date_start")
        source_id = _event_id(event_id)
        deaths = _toll(best, "best", required=True)
        sides = (side_a, side_b) if side_a and side_b else tuple(filter(None, (side_a, side_b)))
        return Incident(
            source=SOURCE,
            source_id=source_id,
            title=dyad or " vs ".join(sides) or conflict or f"UCDP event {source_id}",
            start_date=start_date,
            end_date=end_date,
            date_precision=date_precs.get(date_prec) or _code(date_prec, "date_prec", date_precs),
            threat_class=rule.threat_class,
            latitude=required_degrees(lat, "latitude"),
            longitude=required_degrees(lon, "longitude"),
            location_precision=(
                where_precs.get(where_prec) or _code(where_prec, "where_prec", where_precs)
            ),
            country=countries.get(country) or _country(country, countries),
            location_name=_place(where, adm_1),
            description=headline or about,
            source_categories=labels,
            severity=severity_for(deaths, floor=rule.severity_floor),
            fatalities_best=deaths,
            fatalities_low=_toll(low, "low"),
            fatalities_high=_toll(high, "high"),
            actors=sides,
            target=rule.target,
            tags=rule.tags,
            reporter=REPORTER,
            tlp=Tlp.CLEAR,
        )

    return parse


# Death tolls and codes as GED and its R copies write them: "4" and "4.0".
_SMALL_COUNTS = {str(n): n for n in range(1000)} | {f"{n}.0": n for n in range(1000)}


def code_table(codes: dict[int, _T]) -> dict[str, _T]:
    """Code -> meaning under both spellings, "3" and "3.0"."""
    return {f"{code}{suffix}": meaning for code, meaning in codes.items() for suffix in ("", ".0")}


def _code(value: str, field: str, table: dict[str, _T]) -> _T:
    """The meaning of a code not spelled as in the table (" 3", "03"), or FieldError."""
    number = parse_int(value, field, required=True)
    found = table.get(str(number))
    if found is None:
        known = sorted({int(float(code)) for code in table})
        raise FieldError(field, value, f"is not a code {known[0]}..{known[-1]}")
    return found


@overload
def _day(value: str, field: str, seen: dict[str, date]) -> date: ...
@overload
def _day(value: str, field: str, seen: dict[str, date], *, required: bool) -> date | None: ...
def _day(value: str, field: str, seen: dict[str, date], *, required: bool = True) -> date | None:
    """A date from "2016-01-01" or "2009-02-20 00:00:00.000" (or base.parse_date), remembered."""
    try:
        found = date.fromisoformat(value[:10])
    except ValueError:
        parsed = parse_date(value, field, required=required)
        if parsed is None:
            return None
        found = parsed
    seen[value] = found
    return found


def _toll(value: str, field: str, *, required: bool = False) -> int | None:
    """A death toll: a whole number, never negative; "4" and "4.0" from the table."""
    found = _SMALL_COUNTS.get(value)
    if found is not None:
        return found
    number = parse_int(value, field, required=required)
    if number is not None and number < 0:
        raise FieldError(field, value, "is negative")
    return number


def _event_id(value: str) -> str:
    """The GED id as an integer string: "214797.0" -> "214797"."""
    try:
        return str(int(value[:-2] if value.endswith(".0") else value))
    except ValueError:
        return str(parse_int(value, "id", required=True))


def _country(value: str, seen: dict[str, str]) -> str:
    """ISO alpha-3 of a UCDP country name, remembered; FieldError if unknown or empty."""
    found = country_code(value, "country", dataset_country)
    if found is None:
        raise FieldError("country", value, "is empty")
    seen[value] = found
    return found


def _place(where: str, adm_1: str) -> str:
    """ "Teir Maaleh village, Homs Governorate", without saying the province twice."""
    if not adm_1 or adm_1 in where:
        return where or adm_1
    return f"{where}, {adm_1}" if where else adm_1
