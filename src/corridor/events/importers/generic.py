"""The generic incident format: an agency's own reports as CSV, JSON or GeoJSON.

Every encoding uses the field names of :class:`Incident`, so what one agency
writes reads back as exactly the same records anywhere; docs/incident-format.md
is the reference. Readers stream (csv rows, ijson items) and yield one
:class:`Incident` or :class:`Rejected` per record; a CSV reject names the file
line, a JSON or GeoJSON reject the 1-based record index (0: the document), and
broken JSON the line where it breaks.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from importlib import resources
from typing import Any, BinaryIO, TextIO, TypeVar

import ijson
import pycountry
import yaml

from corridor.events.importers.base import (
    FieldError,
    ParsedRecord,
    Rejected,
    RowItem,
    csv_rows,
    parse_float,
    parse_int,
    read_csv_format,
)
from corridor.events.importers.json_syntax import (
    JsonSyntaxError,
    LineCountingReader,
    syntax_error,
)
from corridor.events.model import DatePrecision, Incident, LocationPrecision, Target, Tlp

__all__ = [
    "FIELDS",
    "LIST_FIELDS",
    "REQUIRED_FIELDS",
    "ReportCsv",
    "field_value",
    "incident_from_record",
    "incident_to_dict",
    "iso_country",
    "join_list",
    "json_items",
    "read_csv_reports",
    "read_geojson_reports",
    "read_json_reports",
    "record_from_incident",
    "split_list",
    "threat_class_ids",
    "write_csv_reports",
    "write_geojson_reports",
    "write_json_reports",
]

# The column order of the CSV encoding; the same names as the Incident fields.
FIELDS: tuple[str, ...] = (
    "source",
    "source_id",
    "title",
    "start_date",
    "end_date",
    "date_precision",
    "longitude",
    "latitude",
    "location_precision",
    "country",
    "location_name",
    "description",
    "threat_class",
    "source_categories",
    "severity",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
    "actors",
    "target",
    "tags",
    "reporter",
    "tlp",
    "source_updated",
)
REQUIRED_FIELDS: tuple[str, ...] = (
    "source",
    "source_id",
    "title",
    "start_date",
    "threat_class",
    "tlp",
)
LIST_FIELDS = frozenset({"source_categories", "actors", "tags"})
_KNOWN = frozenset(FIELDS)
_HEAD_BYTES = 64 * 1024  # enough to see a document's shape and top-level "type"
_E = TypeVar("_E", bound=Enum)


# --- validation ---------------------------------------------------------------------------


@cache
def threat_class_ids() -> frozenset[str]:
    """Every threat id of the packaged atlas taxonomy: the only valid ``threat_class`` values."""
    path = resources.files("corridor.atlas").joinpath("data/threats.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return frozenset(str(entry["id"]) for entry in data["threats"])


# Kosovo has no ISO code; XKX/XK are the user-assigned codes the EU, IMF and ACLED use
# (and the UCDP importer gives), so incidents we export with them read back.
_USER_ASSIGNED = {"XKX": "XKX", "XK": "XKX"}


@cache
def _country_codes() -> dict[str, str]:
    table: dict[str, str] = dict(_USER_ASSIGNED)
    for entry in pycountry.countries:
        table[entry.alpha_2] = entry.alpha_3
        table[entry.alpha_3] = entry.alpha_3
    return table


def iso_country(value: str, field: str) -> str:
    """ISO 3166-1 alpha-3 from an alpha-3 or alpha-2 code, any case (and XKX/XK, Kosovo).

    Not :func:`country_code`: that one also takes names, and reads "NA" (Namibia) as empty.
    """
    found = _country_codes().get(value.strip().upper())
    if found is None:
        raise FieldError(field, value, "is not an ISO 3166-1 alpha-3 or alpha-2 country code")
    return found


def _text(values: Mapping[str, object], field: str, *, required: bool = False) -> str:
    raw = values.get(field)
    if raw is None:
        cleaned = ""
    elif isinstance(raw, str):
        cleaned = raw.strip()
    elif isinstance(raw, int) and not isinstance(raw, bool):
        cleaned = str(raw)  # a numeric report number in JSON
    else:
        raise FieldError(field, raw, "is not text")
    if required and not cleaned:
        raise FieldError(field, raw, "is empty")
    return cleaned


def _int(
    values: Mapping[str, object], field: str, low: int | None = None, high: int | None = None
) -> int | None:
    raw = values.get(field)
    if raw is None or isinstance(raw, str):
        number = parse_int(raw, field)
    elif isinstance(raw, bool) or not isinstance(raw, int | float):
        raise FieldError(field, raw, "is not a number")
    elif isinstance(raw, float) and not raw.is_integer():
        raise FieldError(field, raw, "is not a whole number")
    else:
        number = int(raw)
    if number is not None and low is not None and number < low:
        raise FieldError(field, raw, f"is below {low}" if high is None else f"is not {low}..{high}")
    if number is not None and high is not None and number > high:
        raise FieldError(field, raw, f"is not {low}..{high}")
    return number


def _degrees(values: Mapping[str, object], field: str, limit: float) -> float | None:
    raw = values.get(field)
    if raw is None or isinstance(raw, str):
        number = parse_float(raw, field)
    elif isinstance(raw, bool) or not isinstance(raw, int | float):
        raise FieldError(field, raw, "is not a number")
    else:
        number = float(raw)
        if not math.isfinite(number):
            raise FieldError(field, raw, "is not a finite number")
    if number is not None and not -limit <= number <= limit:
        raise FieldError(field, raw, f"is outside -{limit:g}..{limit:g}")
    return number


def _date(values: Mapping[str, object], field: str) -> date | None:
    raw = _text(values, field)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(raw).date()
    except ValueError as exc:
        raise FieldError(field, raw, "is not an ISO date (YYYY-MM-DD)") from exc


def _datetime(values: Mapping[str, object], field: str) -> datetime | None:
    raw = _text(values, field)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise FieldError(field, raw, "is not an ISO date and time") from exc
    return utc(moment)


def utc(moment: datetime) -> datetime:
    """The same instant as an aware UTC datetime; a naive time is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # an offset at the very ends of the calendar
        return moment.replace(tzinfo=None).replace(tzinfo=UTC)


def _choice(values: Mapping[str, object], field: str, kind: type[_E]) -> _E | None:
    raw = _text(values, field)
    if not raw:
        return None
    try:
        return kind(raw.lower())
    except ValueError as exc:
        allowed = ", ".join(str(member.value) for member in kind)
        raise FieldError(field, raw, f"is not one of {allowed}") from exc


def _tlp(values: Mapping[str, object]) -> Tlp:
    raw = _text(values, "tlp", required=True)
    label = raw.lower().removeprefix("tlp:").strip()
    if label == "white":
        raise FieldError("tlp", raw, "is TLP 1.0; TLP 2.0 calls it 'clear'")
    try:
        return Tlp(label)
    except ValueError as exc:
        allowed = ", ".join(member.value for member in Tlp)
        raise FieldError("tlp", raw, f"is not a TLP 2.0 label ({allowed})") from exc


def _location_precision(values: Mapping[str, object]) -> LocationPrecision:
    raw = values.get("location_precision")
    if isinstance(raw, str) and raw.strip() and not raw.strip().isdigit():
        try:
            return LocationPrecision[raw.strip().upper()]
        except KeyError as exc:
            raise FieldError("location_precision", raw, "is not 1..5 or a precision name") from exc
    number = _int(values, "location_precision", 1, 5)
    return LocationPrecision.EXACT if number is None else LocationPrecision(number)


def _list(values: Mapping[str, object], field: str) -> tuple[str, ...]:
    raw = values.get(field)
    if raw is None:
        return ()
    if isinstance(raw, str):
        return split_list(raw)
    if not isinstance(raw, list):
        raise FieldError(field, raw, "is not a list")
    items: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            raise FieldError(field, raw, "has an item that is not text")
        if item.strip():
            items.append(item.strip())
    return tuple(items)


def _date_precision(values: Mapping[str, object]) -> DatePrecision:
    return _choice(values, "date_precision", DatePrecision) or DatePrecision.DAY


def _country(values: Mapping[str, object]) -> str | None:
    country = _text(values, "country")
    return iso_country(country, "country") if country else None


def _severity(values: Mapping[str, object]) -> int:
    return _int(values, "severity", 1, 5) or 1


def _target(values: Mapping[str, object]) -> str | None:
    target = _choice(values, "target", Target)
    return target.value if target else None


# The fields of few values, as the store keeps them (for field_value).
_CODED: dict[str, Callable[[Mapping[str, object]], object]] = {
    "date_precision": lambda values: _date_precision(values).value,
    "location_precision": lambda values: int(_location_precision(values)),
    "country": _country,
    "severity": _severity,
    "target": _target,
    "tlp": lambda values: _tlp(values).value,
}


def field_value(name: str, value: str) -> object:
    """One value of a field of few values (``date_precision``, ``location_precision``,
    ``country``, ``severity``, ``target``, ``tlp``) as :func:`incident_from_record` reads
    it and the store keeps it; :class:`FieldError` if it reads none."""
    return _CODED[name]({name: value})


def incident_from_record(values: Mapping[str, object]) -> Incident:
    """The incident of one record ({field: value}, text or JSON values), validated.

    Raises :class:`FieldError` naming the first bad field. Names starting ``x_`` are
    an agency's own additions and are ignored; any other unknown name is an error,
    so a misspelt column cannot silently drop data.
    """
    for name in values:
        if name not in _KNOWN and not name.startswith("x_"):
            raise FieldError(name, values[name], "is not a field of the incident format")
    start = _date(values, "start_date")
    if start is None:
        raise FieldError("start_date", values.get("start_date"), "is empty")
    end = _date(values, "end_date")
    if end is not None and end < start:
        raise FieldError("end_date", values.get("end_date"), "is before start_date")
    longitude = _degrees(values, "longitude", 180.0)
    latitude = _degrees(values, "latitude", 90.0)
    if (longitude is None) != (latitude is None):
        missing, given = (
            ("latitude", "longitude") if latitude is None else ("longitude", "latitude")
        )
        raise FieldError(missing, "", f"is empty but {given} is given")
    threat_class = _text(values, "threat_class", required=True)
    if threat_class not in threat_class_ids():
        raise FieldError("threat_class", threat_class, "is not a threat id of the atlas")
    return Incident(
        source=_text(values, "source", required=True),
        source_id=_text(values, "source_id", required=True),
        title=_text(values, "title", required=True),
        start_date=start,
        end_date=end,
        date_precision=_date_precision(values),
        longitude=longitude,
        latitude=latitude,
        location_precision=_location_precision(values),
        country=_country(values),
        location_name=_text(values, "location_name"),
        description=_text(values, "description"),
        threat_class=threat_class,
        source_categories=_list(values, "source_categories"),
        severity=_severity(values),
        fatalities_best=_int(values, "fatalities_best", 0),
        fatalities_low=_int(values, "fatalities_low", 0),
        fatalities_high=_int(values, "fatalities_high", 0),
        actors=_list(values, "actors"),
        target=_choice(values, "target", Target),
        tags=_list(values, "tags"),
        reporter=_text(values, "reporter"),
        tlp=_tlp(values),
        source_updated=_datetime(values, "source_updated"),
    )


def _json_value(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def incident_to_dict(incident: Incident) -> dict[str, Any]:
    """Every field of an incident as JSON values, empty ones as null or [] (for ``--json``)."""
    return {name: _json_value(getattr(incident, name)) for name in FIELDS}


def record_from_incident(incident: Incident) -> dict[str, Any]:
    """The record of an incident as JSON values, empty fields left out (no nulls, no [])."""
    record: dict[str, Any] = {}
    for name in FIELDS:
        value = _json_value(getattr(incident, name))
        if value is None or value in ("", []):
            continue
        record[name] = value
    return record


# --- lists in one CSV cell ----------------------------------------------------------------


def join_list(items: Iterable[str]) -> str:
    r"""Items joined by ``;`` for one CSV cell; ``\`` and ``;`` inside an item are escaped."""
    return ";".join(item.replace("\\", "\\\\").replace(";", "\\;") for item in items)


def split_list(cell: str) -> tuple[str, ...]:
    r"""The items of a ``;``-joined cell: ``\;`` is a literal ``;``, ``\\`` a backslash.

    Any other backslash is kept as it is; items are stripped and empty ones dropped.
    """
    items: list[str] = []
    current: list[str] = []
    chars = iter(cell)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            if following in (";", "\\"):
                current.append(following)
            else:
                current.append(char + following)
        elif char == ";":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return tuple(item.strip() for item in items if item.strip())


# --- streaming JSON -----------------------------------------------------------------------


class _Utf8Reader:
    """Bytes from a text stream, for ijson (which reads bytes)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size).encode("utf-8")


class _Prefixed:
    """A byte stream with its already-read head put back in front."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return bytes(self._rest.read(size))
        if size < 0:
            chunk, self._head = self._head + bytes(self._rest.read()), b""
        else:
            chunk, self._head = self._head[:size], self._head[size:]
        return chunk


def _byte_source(stream: BinaryIO | TextIO) -> Any:
    return _Utf8Reader(stream) if isinstance(stream.read(0), str) else stream  # type: ignore[arg-type]


def _top_level_type(head: bytes, member: str) -> str | None:
    """The document's top-level ``type``, if it comes in ``head`` before ``member`` starts."""
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(head)):
            if prefix == "type" and event == "string":
                return str(value)
            if prefix == member and event == "start_array":
                return None
    except ijson.JSONError:
        pass  # a cut head, or broken JSON that the full parse will report where it is
    return None


def json_items(
    stream: BinaryIO | TextIO,
    *,
    member: str,
    document_type: str | None = None,
    allow_array: bool = False,
) -> Iterator[object]:
    """The items of the array ``member`` of a JSON document (or of a top-level array), streamed.

    Only one item is in memory at a time (ijson builds it in C). Raises
    :class:`FieldError` if the document is not of the expected shape (checked in its
    first 64 KiB: an object, or an array if allowed; a top-level ``type`` equal to
    ``document_type``) and :class:`JsonSyntaxError` (with its line) on broken JSON.
    """
    source = _byte_source(stream)
    head = bytes(source.read(_HEAD_BYTES)).removeprefix(b"\xef\xbb\xbf")
    start = head.lstrip()[:1]
    if not start:
        return
    if start == b"[" and allow_array:
        prefix = "item"
    elif start == b"{":
        prefix = f"{member}.item"
        found = _top_level_type(head, member) if document_type else None
        if found is not None and found != document_type:
            raise FieldError("type", found, f"is not {document_type!r}")
    else:
        shape = "an array or an object" if allow_array else "an object"
        raise FieldError("", start.decode("utf-8", "replace"), f"is not {shape} with {member!r}")
    reader = LineCountingReader(_Prefixed(head, source))
    try:
        yield from ijson.items(reader, prefix, use_float=True)
    except ijson.JSONError as exc:
        raise syntax_error(exc, reader) from exc


def _read_json(
    items: Iterator[object], file_name: str, convert: Callable[[dict[str, Any]], Incident]
) -> Iterator[ParsedRecord]:
    index = 0
    try:
        for index, item in enumerate(items, 1):
            try:
                if not isinstance(item, dict):
                    raise FieldError("", item, "is not a JSON object")
                yield convert(item)
            except FieldError as exc:
                yield Rejected(file_name, index, exc.field, exc.value, exc.reason)
    except FieldError as exc:
        yield Rejected(file_name, 0, exc.field, exc.value, f"the document {exc.reason}")
    except JsonSyntaxError as exc:  # the line of the error, not the record's number
        yield Rejected(file_name, exc.line, "", "", f"is not valid JSON ({exc.reason})")


# --- readers ------------------------------------------------------------------------------


def read_csv_reports(stream: TextIO, *, file_name: str) -> Iterator[ParsedRecord]:
    """Incidents from CSV (header = field names, lists ``;``-joined); open with ``newline=""``."""
    return read_csv_format(ReportCsv(), stream, file_name)


_UNREAD = "is not a field of the incident format; the file is not read"


class ReportCsv:
    """Our CSV as a :class:`~corridor.events.importers.base.CsvFormat`.

    Columns are named as the fields (stripped; the last of a name twice counts); ``x_``
    columns are an agency's own and ignored. A record with more values than the header
    has names keeps the first ones. A name that is no field rejects the file (on line 1,
    when it has a record), and so does a missing required field.
    """

    def __init__(self) -> None:
        self._names: tuple[str, ...] = ()

    def pick(self, header: list[str], file_name: str) -> list[int]:
        names = [name.strip() for name in header]
        missing = [name for name in REQUIRED_FIELDS if name not in names]
        if missing:
            raise FieldError(missing[0], "", f"{file_name} has no column {missing[0]!r}")
        unknown = [name for name in names if name not in _KNOWN and not name.startswith("x_")]
        if unknown:
            raise FieldError(unknown[0], unknown[0], _UNREAD)
        last = {name: i for i, name in enumerate(names) if name in _KNOWN}
        self._names = tuple(last)
        return list(last.values())

    @property
    def names(self) -> tuple[str, ...]:
        """The fields :meth:`parse` reads, in the order of its values."""
        return self._names

    def rows(self, stream: TextIO, file_name: str) -> Iterator[RowItem]:
        unread: list[FieldError] = []

        def pick(header: list[str], name: str) -> list[int]:
            try:
                return self.pick(header, name)
            except FieldError as exc:
                if exc.reason != _UNREAD:
                    raise
                unread.append(exc)
                return [0]

        line = 1
        try:
            for item in csv_rows(stream, file_name=file_name, pick=pick, long_rows=True):
                if unread:  # said once there is a record to refuse
                    yield Rejected(file_name, 1, unread[0].field, unread[0].value, _UNREAD)
                    return
                if not isinstance(item, Rejected):
                    line = item[0]
                yield item
        except csv.Error as exc:
            yield Rejected(file_name, line + 1, "", "", f"is not valid CSV ({exc})")

    def parse(self, values: tuple[str, ...]) -> Incident:
        return incident_from_record(dict(zip(self._names, values, strict=True)))


def read_json_reports(stream: BinaryIO | TextIO, *, file_name: str) -> Iterator[ParsedRecord]:
    """Incidents from a JSON array of records or ``{"incidents": [...]}``, streamed."""
    items = json_items(stream, member="incidents", allow_array=True)
    return _read_json(items, file_name, incident_from_record)


def _feature_record(feature: dict[str, Any]) -> Incident:
    if feature.get("type") != "Feature":
        raise FieldError("type", feature.get("type"), "is not 'Feature'")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise FieldError("properties", properties, "is not an object")
    for name in ("longitude", "latitude"):
        if name in properties:
            raise FieldError(name, properties[name], "belongs in the geometry, not the properties")
    values = dict(properties)
    geometry = feature.get("geometry")
    if geometry is not None:
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (
            not isinstance(geometry, dict)
            or geometry.get("type") != "Point"
            or not isinstance(coordinates, list)
            or len(coordinates) not in (2, 3)
        ):
            raise FieldError("geometry", geometry, "is not a Point [longitude, latitude] or null")
        values["longitude"], values["latitude"] = coordinates[0], coordinates[1]
    return incident_from_record(values)


def read_geojson_reports(stream: BinaryIO | TextIO, *, file_name: str) -> Iterator[ParsedRecord]:
    """Incidents from a GeoJSON FeatureCollection of Point (or null-geometry) features, streamed."""
    items = json_items(stream, member="features", document_type="FeatureCollection")
    return _read_json(items, file_name, _feature_record)


# --- writers ------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return join_list(value)
    if isinstance(value, float):
        return repr(value)  # shortest exact form
    return str(value)


def write_csv_reports(incidents: Iterable[Incident], stream: TextIO) -> int:
    """Write incidents as CSV in the generic format; return how many. Open with ``newline=""``."""
    writer = csv.writer(stream)
    writer.writerow(FIELDS)
    count = 0
    for incident in incidents:
        record = record_from_incident(incident)
        writer.writerow([_cell(record.get(name)) for name in FIELDS])
        count += 1
    return count


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def write_json_reports(incidents: Iterable[Incident], stream: TextIO) -> int:
    """Write ``{"incidents": [...]}`` one record a line, streamed; return how many."""
    stream.write('{"incidents": [')
    count = 0
    for incident in incidents:
        stream.write(",\n" if count else "\n")
        stream.write(_dumps(record_from_incident(incident)))
        count += 1
    stream.write("\n]}\n")
    return count


def write_geojson_reports(incidents: Iterable[Incident], stream: TextIO) -> int:
    """Write an RFC 7946 FeatureCollection, one Point feature a line, streamed; return how many.

    An incident without coordinates gets a null geometry (allowed by RFC 7946 §3.2).
    """
    stream.write('{"type": "FeatureCollection", "features": [')
    count = 0
    for incident in incidents:
        properties = record_from_incident(incident)
        longitude = properties.pop("longitude", None)
        latitude = properties.pop("latitude", None)
        geometry = (
            None
            if longitude is None or latitude is None
            else {"type": "Point", "coordinates": [longitude, latitude]}
        )
        feature = {
            "type": "Feature",
            "id": str(incident.uuid),
            "geometry": geometry,
            "properties": properties,
        }
        stream.write(",\n" if count else "\n")
        stream.write(_dumps(feature))
        count += 1
    stream.write("\n]}\n")
    return count
