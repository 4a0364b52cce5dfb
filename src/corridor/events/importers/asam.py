"""Importer for NGA Anti-Shipping Activity Messages (ASAM): the site's CSV and the JSON API.

Both layouts carry ``reference, date, navArea, subreg, hostility, victim, description``;
the CSV export writes the place as one ``position`` field of degrees, minutes and seconds
on two lines (``1°07'00"N`` newline ``103°31'00"E``), the JSON API as decimal
``latitude`` and ``longitude`` (and the same ``position`` text). ``source_id`` is the
ASAM reference (``2019-77``). The kind of attack is found from ``hostility`` and keywords
of ``description`` through ``mappings/asam.yaml`` (see its header for the rules and why
Houthi missile and drone attacks are armed conflict). ASAM names no country; the leading
heading of an ONI-style description ("INDONESIA: On 21 May, ...") gives it when it names
one, else it stays ``None`` for a later nearest-country step.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any, BinaryIO, NamedTuple, TextIO

import ijson
import yaml

from corridor.coordinates import (
    Axis,
    Coordinate,
    CoordinateError,
    Position,
    check_range,
    read_coordinate,
    read_position,
)
from corridor.events.categories import CategoryRule, category_map
from corridor.events.importers.base import (
    NORMALIZED_POSITION_TAG,
    FieldError,
    ParsedRecord,
    PickedCsv,
    Rejected,
    country_code,
    parse_float,
    read_csv_format,
    text,
)
from corridor.events.model import Incident, LocationPrecision, Target, severity_for

__all__ = [
    "ASAM_CSV_COLUMNS",
    "HEADING",
    "AsamBuilder",
    "AsamKeywords",
    "Keyword",
    "KeywordPiece",
    "asam_csv",
    "asam_keywords",
    "classify_asam",
    "combined_rule",
    "read_asam_csv",
    "read_asam_json",
    "title_label",
]

SOURCE = "asam"
REPORTER = "public:asam"  # public data, TLP:CLEAR, like the other public sources
# The columns of the site's CSV export, the required ones first.
ASAM_CSV_COLUMNS = (
    "reference",
    "date",
    "position",
    "navArea",
    "subreg",
    "hostility",
    "victim",
    "description",
)

# --- positions ---------------------------------------------------------------------------


def _position(value: str, field: str = "position") -> Position | None:
    """The ``position`` text, latitude first when unlabelled (see corridor.coordinates);
    blank gives ``None``."""
    if not text(value):
        return None
    try:
        return read_position(value, order="lat,lon")
    except CoordinateError as exc:
        raise FieldError(field, value, exc.reason) from None


# --- classification ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Keyword:
    """One keyword of ``asam.yaml`` as words; the last may be a stem (``hijack*``)."""

    words: tuple[str, ...]
    stem: bool
    category: int  # index into AsamKeywords.categories, which is in priority order


class KeywordPiece(NamedTuple):
    """What one whitespace-separated piece of text means to the keyword search."""

    bare: str  # lower case, without surrounding punctuation
    keywords: tuple[Keyword, ...]  # those that can start here, longest first
    closes: bool  # a clause ends after it ("fired," "boarded.")
    opens: bool  # a clause starts at it ("(pirates")


class _Memo:
    """What each distinct piece of text means, and which pieces can start a keyword."""

    def __init__(self) -> None:
        self.words: dict[str, KeywordPiece] = {}
        self.starters: set[str] = set()


_PUNCTUATION = ".,;:!?()[]{}\"'*-\u2018\u2019\u201c\u201d"
_CLOSES = tuple(".,;:!?)]")
_MEMO_LIMIT = 100_000


class AsamKeywords:
    """The keyword table of ``asam.yaml``: finds which categories a text mentions.

    Works on words, not one big regular expression (which tried a hundred alternatives at
    every character: 4 ms a description), with a memo of what each distinct word can start.
    """

    def __init__(self, data: dict[str, Any], known: set[str]) -> None:
        categories: list[str] = []
        self._exact: dict[str, list[Keyword]] = {}
        self._stems: dict[str, list[Keyword]] = {}
        for entry in data.get("keywords") or ():
            name = " ".join(str(entry["category"]).lower().split())
            if name not in known:
                raise ValueError(f"asam.yaml: keywords name unknown category {name!r}")
            categories.append(name)
            for word in entry["words"]:
                keyword = self._keyword(str(word), len(categories) - 1)
                if keyword.stem and len(keyword.words) == 1:
                    self._stems.setdefault(keyword.words[0][:3], []).append(keyword)
                else:
                    self._exact.setdefault(keyword.words[0], []).append(keyword)
        self.categories = tuple(categories)
        self.negations = frozenset(str(word).lower() for word in data.get("negations") or ())
        aliases = data.get("country_aliases") or {}
        self.country_aliases = {str(k).upper(): str(v) for k, v in aliases.items()}
        self._memo = _Memo()

    @staticmethod
    def _keyword(word: str, category: int) -> Keyword:
        stem = word.endswith("*")
        words = tuple(part.strip(_PUNCTUATION) for part in word.rstrip("*").lower().split())
        if not all(words) or "/" in word:
            raise ValueError(f"asam.yaml: keyword {word!r} is not words of letters and digits")
        if stem and len(words[-1]) < 3:
            raise ValueError(f"asam.yaml: keyword stem {word!r} is shorter than 3 letters")
        return Keyword(words, stem, category)

    @property
    def keywords(self) -> tuple[Keyword, ...]:
        """Every keyword of the table."""
        return tuple(k for table in (self._exact, self._stems) for ks in table.values() for k in ks)

    def piece(self, piece: str) -> KeywordPiece:
        """What one whitespace-separated piece of lower-case text means to the search."""
        bare = piece.strip(_PUNCTUATION).replace("\u2019", "'")
        exact, stems = self._exact.get(bare), self._stems.get(bare[:3])
        found: tuple[Keyword, ...] = ()
        if exact is not None or stems is not None:
            starting = list(exact or ())
            starting += [k for k in stems or () if bare.startswith(k.words[0])]
            starting.sort(key=lambda k: (-len(k.words), -sum(map(len, k.words))))
            found = tuple(starting)
        return KeywordPiece(bare, found, piece.endswith(_CLOSES), piece[0] in "([")

    def _learn(self, pieces: set[str], memo: _Memo) -> None:
        """Remember what each new piece of text means, keywords longest first."""
        for piece in pieces:
            memo.words[piece] = found = self.piece(piece)
            if found.keywords:
                memo.starters.add(piece)

    def matched(self, text: str) -> set[int]:
        """Indexes of the categories whose keywords occur in ``text``, not negated."""
        pieces = text.lower().replace("/", " ").split()
        memo = self._memo  # a local name: another thread may start a new memo meanwhile
        new = set(pieces).difference(memo.words)
        if new:
            if len(memo.words) + len(new) > _MEMO_LIMIT:
                memo = self._memo = _Memo()
                new = set(pieces)
            self._learn(new, memo)
        starters, words = memo.starters, memo.words
        found: set[int] = set()
        free = 0  # words before this one are taken by an earlier keyword
        for index in [i for i, piece in enumerate(pieces) if piece in starters]:
            if index < free:
                continue
            for keyword in words[pieces[index]].keywords:
                # The memo matched the first word already.
                width = len(keyword.words)
                if width > 1 and not self._continues(keyword, pieces, words, index):
                    continue
                free = index + width
                if keyword.category not in found and not self._negated(pieces, words, index):
                    found.add(keyword.category)
                break
        return found

    @staticmethod
    def _continues(
        keyword: Keyword, pieces: list[str], words: dict[str, KeywordPiece], index: int
    ) -> bool:
        """Whether the words after ``index`` are the rest of ``keyword``, in one clause."""
        size = len(keyword.words)
        if index + size > len(pieces):
            return False
        for offset in range(1, size):
            word, previous = words[pieces[index + offset]], words[pieces[index + offset - 1]]
            if previous.closes or word.opens:
                return False
            wanted = keyword.words[offset]
            stem = keyword.stem and offset == size - 1
            if not (word.bare.startswith(wanted) if stem else word.bare == wanted):
                return False
        return True

    def _negated(self, pieces: list[str], words: dict[str, KeywordPiece], index: int) -> bool:
        """Whether one of the three words before ``index``, in the same clause, negates."""
        for before in range(index - 1, max(-1, index - 4), -1):
            word = words[pieces[before]]
            if word.closes or words[pieces[before + 1]].opens:
                return False
            if word.bare in self.negations:
                return True
        return False


@cache
def asam_keywords() -> AsamKeywords:
    """The keyword table of ``mappings/asam.yaml``, read once."""
    path = resources.files("corridor.events").joinpath("mappings/asam.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return AsamKeywords(data, set(category_map(SOURCE).rules))


def classify_asam(hostility: str, description: str) -> tuple[str, CategoryRule]:
    """(category name, rule) for an ASAM: class of the first listed category that matched,
    the highest severity floor and all tags of those that matched; ``("", default)`` if none.
    """
    return combined_rule(tuple(sorted(asam_keywords().matched(f"{hostility}. {description}"))))


@cache
def combined_rule(matched: tuple[int, ...]) -> tuple[str, CategoryRule]:
    """The rule for a set of matched categories (indexes in priority order)."""
    rules = category_map(SOURCE)
    if not matched:
        return "", rules.default
    names = [asam_keywords().categories[index] for index in matched]
    found = [rules.rules[name] for name in names]
    tags = tuple(dict.fromkeys(tag for rule in found for tag in rule.tags))
    floor = max(rule.severity_floor for rule in found)
    return names[0], CategoryRule(found[0].threat_class, found[0].target, floor, tags)


# --- records ----------------------------------------------------------------------------

HEADING = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:\d+\.\s*)?([A-Z][A-Z .'&-]{1,48}?)\s*:")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_EMPTY = frozenset(("", "NA", "N/A", "NULL", "NONE", "NAN", "-"))  # as base.text reads them


def _asam_date(cleaned: str) -> date:
    """ISO (``2019-03-05``, with or without a time) or the US site's ``03/05/2019``."""
    if not cleaned:
        raise FieldError("date", cleaned, "is empty")
    try:
        return date.fromisoformat(cleaned[:10])
    except ValueError:
        pass
    us = _US_DATE.match(cleaned)
    if us is not None:
        try:
            return date(int(us.group(3)), int(us.group(1)), int(us.group(2)))
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise FieldError("date", cleaned, "is not a date (expected YYYY-MM-DD or MM/DD/YYYY)")


def _text(record: Mapping[str, Any], field: str) -> str:
    """A JSON or CSV value as cleaned text (see base.text); numbers are written out,
    objects and lists rejected."""
    value = record.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FieldError(field, value, "is not text or a number")
        value = repr(value)
    value = value.strip()
    return "" if len(value) <= 4 and value.upper() in _EMPTY else value


def _coordinate(record: Mapping[str, Any], field: str, axis: Axis) -> Coordinate | None:
    """A coordinate from a JSON number or text: decimal (a comma as decimal mark too) or DMS."""
    value = record.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FieldError(field, value, "is not a number")
    if isinstance(value, str):
        if not text(value):
            return None
        try:
            return read_coordinate(value, axis)
        except CoordinateError as exc:
            if not exc.unreadable:
                raise FieldError(field, value, exc.reason) from None
            number = parse_float(value, field)  # "12,38"; raises "is not a number"
    else:
        number = float(value)
    if number is None or not math.isfinite(number):
        raise FieldError(field, value, "is not a finite number")
    try:
        return Coordinate(check_range(number, axis), axis)
    except CoordinateError as exc:
        raise FieldError(field, value, exc.reason) from None


class AsamBuilder:
    """Turns one ASAM record into an Incident; remembers work for repeated values."""

    def __init__(self) -> None:
        self.keywords = asam_keywords()
        self._places: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
        self._countries: dict[str, str | None] = {}

    def place(self, navarea: str, subreg: str) -> tuple[str, tuple[str, ...]]:
        """("NAVAREA IX, subregion 62", tags) from the two area fields."""
        key = (navarea, subreg)
        found = self._places.get(key)
        if found is None:
            area = " ".join(navarea.split()).upper()
            area = area.removeprefix("NAVAREA").strip()
            region = " ".join(subreg.split())
            parts = [f"NAVAREA {area}"] if area else []
            parts += [f"subregion {region}"] if region else []
            tags = ([f"navarea:{area}"] if area else []) + (
                [f"subregion:{region}"] if region else []
            )
            found = self._places[key] = (", ".join(parts), tuple(tags))
        return found

    def country(self, description: str) -> str | None:
        """The country an ONI-style description names in its leading heading, if any."""
        heading = HEADING.match(description)
        if heading is None:
            return None
        return self.country_named(" ".join(heading.group(1).split()))

    def country_named(self, name: str) -> str | None:
        """The country a description's heading names (``None`` if it names none)."""
        if name not in self._countries:
            try:
                found = country_code(name, "description", self.keywords.country_aliases.get)
            except FieldError:
                found = None
            self._countries[name] = found
        return self._countries[name]

    def incident(self, record: Mapping[str, Any]) -> Incident:
        reference = " ".join(_text(record, "reference").split())
        if not reference:
            raise FieldError("reference", record.get("reference"), "is empty")
        start = _asam_date(_text(record, "date"))
        lat = _coordinate(record, "latitude", "lat")
        lon = _coordinate(record, "longitude", "lon")
        position = (
            Position(lon.degrees, lat.degrees, lon.normalized or lat.normalized)
            if lon is not None and lat is not None
            else _position(_text(record, "position"))
        )
        longitude, latitude = (position.lon, position.lat) if position else (None, None)
        normalized = position is not None and position.normalized
        precision = LocationPrecision.EXACT
        if longitude == 0.0 and latitude == 0.0:  # "null island": no position was known
            longitude = latitude = None
        if longitude is None or latitude is None:
            longitude = latitude = None
            precision = LocationPrecision.COUNTRY
        hostility = " ".join(_text(record, "hostility").split())
        victim = " ".join(_text(record, "victim").split())
        description = _text(record, "description")
        location, place_tags = self.place(_text(record, "navArea"), _text(record, "subreg"))
        category, rule = classify_asam(hostility, description)
        country = self.country(description)
        label = title_label(hostility, category)
        where = f" off {country}" if country else (f" in {location}" if location else "")
        return Incident(
            source=SOURCE,
            source_id=reference,
            title=f"{label}: {victim or 'vessel'}{where}",
            start_date=start,
            threat_class=rule.threat_class,
            longitude=longitude,
            latitude=latitude,
            location_precision=precision,
            country=country,
            location_name=location,
            description=description,
            source_categories=(hostility,) if hostility else (),
            severity=severity_for(None, floor=rule.severity_floor),
            target=rule.target or Target.VESSEL,
            tags=place_tags + rule.tags + ((NORMALIZED_POSITION_TAG,) if normalized else ()),
            reporter=REPORTER,
        )


def title_label(hostility: str, category: str) -> str:
    """What a title calls the attack: "Pirates", "USV attack", "Boarding"."""
    label = hostility or category or "incident"
    if label.isupper() or label.islower():  # "PIRATES", "pirates"; keep "USV attack"
        label = label.lower()
    return label[:1].upper() + label[1:]


def read_asam_csv(stream: TextIO, *, file_name: str) -> Iterator[ParsedRecord]:
    """One :class:`Incident` or :class:`Rejected` per record of the ASAM site's CSV export.

    Open the file with ``newline=""``: ``position`` spans two lines inside one quoted
    field. Header names match in any case. A reject names the first line of its record;
    a missing column gives one reject on line 1 and nothing else.
    """
    return read_csv_format(asam_csv(), stream, file_name)


def asam_csv(builder: AsamBuilder | None = None) -> PickedCsv:
    """The site's CSV export as a :class:`~corridor.events.importers.base.CsvFormat`,
    made by ``builder`` (a new one by default)."""
    builder = builder or AsamBuilder()

    def parse(values: tuple[str, ...]) -> Incident:
        return builder.incident(dict(zip(ASAM_CSV_COLUMNS, values, strict=True)))

    return PickedCsv(
        tuple(name.lower() for name in ASAM_CSV_COLUMNS[:3]),
        tuple(name.lower() for name in ASAM_CSV_COLUMNS[3:]),
        parse,
    )


class _ByteReader:
    """A binary ``read`` over a binary or text stream, BOM dropped, first bytes kept to peek."""

    def __init__(self, stream: BinaryIO | TextIO) -> None:
        self._stream = stream
        head = self._next(1 << 16)
        self.head = head.removeprefix(codecs.BOM_UTF8)
        self._pending = self.head

    def _next(self, size: int) -> bytes:
        data = self._stream.read(size)
        return data.encode("utf-8") if isinstance(data, str) else data

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the type of the stream with read(0)
            return b""
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        return self._next(size)


_ASAM_FIRST = re.compile(rb'\s*\{\s*"asam"\s*:\s*\[')


def read_asam_json(stream: BinaryIO | TextIO, *, file_name: str) -> Iterator[ParsedRecord]:
    """One :class:`Incident` or :class:`Rejected` per record of ASAM JSON, streamed with ijson.

    The records are a top-level list or the list under ``"asam"`` (the API's layout).
    JSON gives no line numbers: a reject's ``line`` is the 1-based record number and its
    reason ends "(record N)". Invalid JSON ends the stream with one reject.
    """
    reader = _ByteReader(stream)
    first = reader.head.lstrip()[:1]
    if not first:
        return
    found_list = [True]
    if first == b"[":
        items = ijson.items(reader, "item", use_float=True)
    elif first == b"{" and _ASAM_FIRST.match(reader.head):
        items = ijson.items(reader, "asam.item", use_float=True)
    elif first == b"{":  # "asam" is not the first key: watch for it on the slow path
        found_list[0] = False

        def watched() -> Iterator[tuple[str, str, Any]]:
            for prefix, event, value in ijson.parse(reader, use_float=True):
                if prefix == "asam" and event == "start_array":
                    found_list[0] = True
                yield prefix, event, value

        items = ijson.items(watched(), "asam.item")
    else:
        yield Rejected(file_name, 1, "", first.decode("utf-8", "replace"), "is not JSON")
        return
    builder = AsamBuilder()
    number = 0
    try:
        for number, item in enumerate(items, start=1):
            try:
                if not isinstance(item, dict):
                    raise FieldError("", repr(item)[:80], "is not an object")
                yield builder.incident(item)
            except FieldError as exc:
                reason = f"{exc.reason} (record {number})"
                yield Rejected(file_name, number, exc.field, exc.value, reason)
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        reason = f"invalid JSON after record {number}: {detail}"
        yield Rejected(file_name, number + 1, "", "", reason)
        return
    if not found_list[0]:
        yield Rejected(file_name, 1, "asam", "", "has no list of records under 'asam'")
