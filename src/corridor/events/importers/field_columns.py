"""The importers' field parsers for whole columns: each takes only the plain spellings.

Every kernel returns its values and, where a value may be spelled another way, an
``ok`` mask: where ``ok`` is false the row goes to the format's row logic, which
decides (:mod:`corridor.events.importers.csv_columns`). So a kernel never has to
match every corner of Python's parsers; it must only agree with them where it says
``ok``, and the tests check that it does.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from corridor.events.importers.base import NOTHING

__all__ = [
    "ESCAPED",
    "OTHER_SPACE",
    "all_ok",
    "calendar_days",
    "collapsed",
    "distinct",
    "either",
    "empty_strings",
    "iso_days",
    "iso_moments",
    "json_concat",
    "json_items",
    "json_names",
    "json_single",
    "key_of",
    "no_other_space",
    "nothing_cleaned",
    "parts_of",
    "place_name",
    "plain_degrees",
    "re2_reads_alike",
    "repeat",
    "severity",
    "side_by_side",
    "stripped",
    "text_cleaned",
    "whole_numbers",
    "written_days",
]

_K = TypeVar("_K", bound=Hashable)

# What str.strip removes (Arrow's own whitespace set differs: \x1c-\x1f).
_SPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_NOTHING_SET = pa.array(sorted(NOTHING))
_NOTHING_UPPER = pa.array(sorted({value.upper() for value in NOTHING}))
_INTEGER = r"^[0-9]{1,15}(\.0)?$"  # "4" and "4.0": what int() and parse_int agree on
_DEGREES = r"^-?[0-9]{1,3}(\.[0-9]+)?([eE]-?[0-9]{1,2})?$"  # repr() writes 5e-05
_ISO_DAY = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}"
ESCAPED = r'["\\\x00-\x1f]'  # JSON would escape these: json_list's slow case
# What str.split() splits on in ASCII, and the whitespace beyond ASCII (text with it is
# left to the row logic); with \x0b, \x1c-\x1f and non-ASCII digits, where Python's \s
# and \d read more than RE2's.
_SPACES = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"
_UNEVEN = r"[\t\n\x0b\x0c\r\x1c-\x1f]|  |^ | $"  # what a collapse would change
OTHER_SPACE = r"[\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
_BEYOND_RE2 = rf"[\x0b\x1c-\x1f]|{OTHER_SPACE}|[^\P{{Nd}}0-9]"


def all_ok(*masks: Any) -> np.ndarray:
    """The rows every mask passes, as a numpy bool array (a null counts as not ok)."""
    found = np.ones(len(masks[0]), bool)
    for mask in masks:
        if isinstance(mask, np.ndarray):
            found &= mask
        else:
            found &= pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
    return found


def repeat(value: str, size: int) -> pa.Array:
    """``value`` ``size`` times, as one dictionary-free string array."""
    data = value.encode()
    offsets = np.arange(0, len(data) * (size + 1), len(data), dtype=np.int64)
    if offsets[-1] < 2**31:
        return pa.StringArray.from_buffers(
            size, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data * size)
        )
    return pa.array([value] * size, pa.string())


def empty_strings(size: int) -> pa.Array:
    """``""`` ``size`` times."""
    return repeat("", size)


def stripped(values: Any) -> Any:
    """Stripped as ``str.strip`` does."""
    return pc.utf8_trim(values, characters=_SPACE)


def collapsed(values: Any) -> tuple[Any, Any]:
    """``" ".join(value.split())``, and where the value's whitespace is all ASCII.

    Only values that need it are rewritten (a regular expression's replace costs eight
    times its match)."""
    uneven = pc.match_substring_regex(values, _UNEVEN)
    if pc.any(uneven).as_py():
        rows = pc.indices_nonzero(uneven)
        fixed = pc.utf8_trim(pc.replace_substring_regex(pc.take(values, rows), _SPACES, " "), " ")
        values = pc.replace_with_mask(values, uneven, fixed)
    return values, no_other_space(values)


def re2_reads_alike(values: Any) -> Any:
    """Where RE2's ``\\s`` and ``\\d`` read a value as Python's ``re`` does: no
    vertical tab, no \\x1c-\\x1f, no whitespace or digit beyond ASCII."""
    ascii_text = pc.string_is_ascii(values)
    found = pc.invert(pc.match_substring_regex(values, r"[\x0b\x1c-\x1f]"))
    if pc.all(ascii_text).as_py() is not False:
        return found
    other = pc.invert(pc.match_substring_regex(values, _BEYOND_RE2))
    return pc.and_(found, pc.or_(ascii_text, other))


def no_other_space(values: Any) -> Any:
    """Where a value holds no whitespace beyond ASCII (only non-ASCII text is searched)."""
    ascii_text = pc.string_is_ascii(values)
    if pc.all(ascii_text).as_py() is not False:
        return ascii_text
    return pc.or_(ascii_text, pc.invert(pc.match_substring_regex(values, OTHER_SPACE)))


def nothing_cleaned(values: Any) -> Any:
    """Stripped, and ``""`` where the value is one of ``NOTHING`` exactly (the big
    importers' ``"" if value in NOTHING``)."""
    trimmed = stripped(values)
    return pc.if_else(pc.is_in(trimmed, value_set=_NOTHING_SET), "", trimmed)


def text_cleaned(values: Any) -> Any:
    """``base.text``: stripped, and ``""`` for a spelling of nothing in any case."""
    trimmed = stripped(values)
    upper = pc.utf8_upper(trimmed)  # only ASCII text can be one of those
    nothing = pc.and_(pc.string_is_ascii(trimmed), pc.is_in(upper, value_set=_NOTHING_UPPER))
    return pc.if_else(nothing, "", trimmed)


def iso_days(values: Any, *, optional: bool = False) -> tuple[Any, Any]:
    """Dates from "YYYY-MM-DD..." (what ``date.fromisoformat(value[:10])`` reads) and
    where that is how they are spelled; ``optional``: "" is fine too (a null date)."""
    days, valid = calendar_days(pc.utf8_slice_codeunits(values, 0, 10))
    ok = pc.and_(pc.match_substring_regex(values, _ISO_DAY), valid)
    if optional:
        ok = pc.or_(ok, pc.equal(values, ""))
    return days, ok


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_NUMBERS = pa.array([f"{n:02d}" for n in range(1, 13)])
_WRITTEN_DAY = (
    rf"^(?P<day>0[1-9]|[12][0-9]|3[01]|[1-9]) (?P<month>{'|'.join(_MONTHS)}) "
    r"(?P<year>[1-9][0-9]{3})$"
)


def written_days(values: Any) -> tuple[Any, Any]:
    """Dates written "15 August 2021" (``%d %B %Y``, as ACLED's older exports) and where
    they are written so and are days of the calendar."""
    parts = pc.extract_regex(values, _WRITTEN_DAY)
    month = pc.take(_MONTH_NUMBERS, pc.index_in(pc.struct_field(parts, "month"), pa.array(_MONTHS)))
    day = pc.utf8_lpad(pc.struct_field(parts, "day"), 2, "0")
    return calendar_days(
        pc.binary_join_element_wise(pc.struct_field(parts, "year"), month, day, "-")
    )


def calendar_days(iso: Any) -> tuple[Any, Any]:
    """Dates of "YYYY-MM-DD" text, and where that is a day of the calendar (years 1 to
    9999, as ``datetime.date``): worked out in integers (Arrow's strptime reads
    "2021-02-30" as 2 March, and writing days back to compare costs more than this)."""
    shaped = pc.fill_null(pc.match_substring_regex(iso, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), False)
    text = pc.if_else(shaped, iso, "2000-01-01")

    def part(start: int, stop: int) -> np.ndarray:
        digits = pc.utf8_slice_codeunits(text, start, stop)
        return np.asarray(pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False))

    year, month, day = part(0, 4), part(5, 7), part(8, 10)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    length = _MONTH_DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
    valid = shaped.to_numpy(zero_copy_only=False) & (year >= 1) & (month >= 1) & (month <= 12)
    valid &= (day >= 1) & (day <= length)
    # Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    shifted = year - (month <= 2)
    era = shifted // 400
    of_era = shifted - era * 400
    of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    days = era * 146097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719468
    dates = pa.array(days.astype(np.int32), pa.int32(), mask=~valid).cast(pa.date32())
    return dates, pa.array(valid)


_ISO_MOMENT = (
    r"^(?P<day>[1-9][0-9]{3}-[0-9]{2}-[0-9]{2})T(?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})"
    r"(?:\.(?P<micro>[0-9]{6}))?(?:(?P<utc>Z)|(?P<sign>[+-])(?P<hours>[0-9]{2}):(?P<minutes>[0-9]{2}))?$"
)


def iso_moments(values: Any) -> tuple[Any, Any]:
    """Times written as ``datetime.isoformat`` writes them ("2024-04-05T09:30:00+05:00",
    microseconds or not, "Z" or an offset or none) as naive UTC, "" as a null; and where
    they are written so (years 1000-9998: no overflow at the calendar's ends)."""
    parts = pc.extract_regex(values, _ISO_MOMENT)
    day, time = pc.struct_field(parts, "day"), pc.struct_field(parts, "time")
    text = pc.binary_join_element_wise(day, time, "T")
    parsed = pc.strptime(text, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
    ok = pc.fill_null(pc.equal(pc.strftime(parsed, format="%Y-%m-%dT%H:%M:%S"), text), False)
    year = pc.cast(pc.utf8_slice_codeunits(pc.fill_null(day, "0"), 0, 4), pa.int32())
    ok = pc.and_(ok, pc.less_equal(year, 9998))
    micro, hours, minutes = (
        _digits(pc.struct_field(parts, n)) for n in ("micro", "hours", "minutes")
    )
    ok = pc.and_(ok, pc.and_(pc.less(hours, 24), pc.less(minutes, 60)))
    east = pc.not_equal(pc.fill_null(pc.struct_field(parts, "sign"), "+"), "-")
    offset = pc.multiply(pc.add(pc.multiply(hours, 3600), pc.multiply(minutes, 60)), 1_000_000)
    shift = pc.subtract(micro, pc.if_else(east, offset, pc.negate(offset)))
    seconds = pc.multiply(pc.cast(parsed, pa.int64()), 1_000_000)
    moments = pc.cast(pc.add(seconds, shift), pa.timestamp("us"))
    ok = pc.fill_null(ok, False)
    moments = pc.if_else(ok, moments, pa.scalar(None, pa.timestamp("us")))  # "" too
    return moments, pc.or_(ok, pc.equal(values, ""))


def _digits(values: Any) -> Any:
    """Digits as a number; a group that matched nothing (null, or "") as 0."""
    present = pc.fill_null(values, "")
    return pc.cast(pc.if_else(pc.equal(present, ""), "0", present), pa.int64())


def plain_degrees(values: Any, limit: float, *, optional: bool = False) -> tuple[Any, Any]:
    """Decimal degrees within ``limit``, where written plainly ("35.5", "-7", "5e-05");
    ``optional``: "" is fine too, a null."""
    shaped = pc.match_substring_regex(values, _DEGREES)
    numbers = pc.cast(pc.if_else(shaped, values, "0"), pa.float64())
    ok = pc.and_(shaped, pc.and_(pc.greater_equal(numbers, -limit), pc.less_equal(numbers, limit)))
    if not optional:
        return numbers, ok
    empty = pc.equal(values, "")
    return pc.if_else(empty, pa.scalar(None, pa.float64()), numbers), pc.or_(ok, empty)


def whole_numbers(values: Any, *, optional: bool = False) -> tuple[Any, Any]:
    """Whole numbers written "4" or "4.0" (never negative); ``optional``: "" is a null."""
    shaped = pc.match_substring_regex(values, _INTEGER)
    whole = pc.replace_substring_regex(pc.if_else(shaped, values, "0"), r"\.0$", "")
    numbers = pc.cast(whole, pa.int64())
    if not optional:
        return numbers, shaped
    empty = pc.equal(values, "")
    return pc.if_else(empty, pa.scalar(None, pa.int64()), numbers), pc.or_(shaped, empty)


def severity(deaths: Any, floor: Any) -> Any:
    """``model.severity_for`` for columns: a null or no death is level 1."""
    known = pc.fill_null(deaths, 0)
    level = pc.add(pa.scalar(1, pa.int16()), pc.cast(pc.greater_equal(known, 1), pa.int16()))
    for step in (3, 10, 100):
        level = pc.add(level, pc.cast(pc.greater_equal(known, step), pa.int16()))
    return pc.max_element_wise(level, pc.cast(floor, pa.int16()))


def either(first: Any, second: Any) -> Any:
    """``first or second`` for text columns."""
    return pc.if_else(pc.not_equal(first, ""), first, second)


def side_by_side(first: Any, second: Any, joiner: str) -> Any:
    """``joiner.join(filter(None, (first, second)))`` for text columns."""
    both = pc.and_(pc.not_equal(first, ""), pc.not_equal(second, ""))
    joined = pc.binary_join_element_wise(first, second, joiner)
    return pc.if_else(both, joined, either(first, second))


def place_name(place: Any, region: Any) -> Any:
    """``place, region`` without saying the region twice (the importers' ``_place``)."""
    both = pc.and_(pc.not_equal(place, ""), pc.not_equal(region, ""))
    rows = pc.indices_nonzero(both)
    said: Callable[[str, str], bool] = str.__contains__
    inside = pa.array(
        list(map(said, pc.take(place, rows).to_pylist(), pc.take(region, rows).to_pylist())),
        pa.bool_(),
    )
    contained = pc.replace_with_mask(both, both, inside)
    joined = pc.binary_join_element_wise(place, region, ", ")
    return pc.if_else(pc.and_(both, pc.invert(contained)), joined, either(place, region))


def distinct(
    values: Any, meaning: Callable[[Any], _K], known: dict[Any, _K]
) -> tuple[list[_K], Any]:
    """(meanings of the distinct values, index of each row's value in them).

    ``meaning`` is asked once per value ever seen (``known`` remembers across blocks),
    so per-value work in Python costs nothing on a column of few values.
    """
    keys = pc.unique(values)
    found = []
    for key in keys.to_pylist():
        if key not in known:
            known[key] = meaning(key)
        found.append(known[key])
    return found, pc.index_in(values, value_set=keys)


_UNIT = "\x1f"  # between the parts of a key: a value that holds it is not plain


def key_of(*parts: Any) -> tuple[Any, Any]:
    """One text key per row from several columns (for :func:`distinct`), and where it
    is unambiguous (no part holds the separator); ``parts_of`` splits a key again."""
    ok = [pc.invert(pc.match_substring(part, _UNIT)) for part in parts]
    return pc.binary_join_element_wise(*parts, _UNIT), all_ok(*ok)


def parts_of(key: str) -> list[str]:
    """The parts of a key made by :func:`key_of`."""
    return key.split(_UNIT)


def json_concat(first: Any, second: Any) -> Any:
    """The JSON lists ``first`` and ``second`` (as ``json_list`` writes them) as one list:
    ``json_list(a + b)`` from ``json_list(a)`` and ``json_list(b)``."""
    inner = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(first, 0, -1), pc.utf8_slice_codeunits(second, 1), ","
    )
    return pc.if_else(
        pc.equal(first, "[]"), second, pc.if_else(pc.equal(second, "[]"), first, inner)
    )


def json_single(values: Any) -> tuple[Any, Any]:
    """``json_list((value,) if value else ())`` and where no character needs escaping."""
    quoted = pc.binary_join_element_wise('["', values, '"]', "")
    return pc.if_else(pc.equal(values, ""), "[]", quoted), pc.invert(
        pc.match_substring_regex(values, ESCAPED)
    )


def json_items(items: Sequence[Any]) -> tuple[Any, Any]:
    """``json_list`` of the present items (a null item is absent), in order, and where
    no item needs escaping."""
    # Each present item as '"item",', joined, the last comma cut (Arrow 26's "skip" null
    # handling of binary_join_element_wise drops rows: not used).
    quoted = [pc.fill_null(pc.binary_join_element_wise('"', item, '",', ""), "") for item in items]
    joined = pc.binary_join_element_wise(*quoted, "")
    listed = pc.binary_join_element_wise("[", pc.utf8_slice_codeunits(joined, 0, -1), "]", "")
    ok = [pc.invert(pc.fill_null(pc.match_substring_regex(item, ESCAPED), False)) for item in items]
    return listed, all_ok(*ok)


def json_names(columns: Sequence[Any], size: int, *, unique: bool) -> tuple[Any, Any]:
    """``json_list`` of the ``;``-separated names of ``columns``, in order: each name
    stripped, empty ones left out. ``unique``: where a name comes twice in a row, the
    row is not ok (the row logic keeps the first; ``acled._names``). Rows with a
    backslash or a character JSON escapes are not ok either."""
    parents: list[np.ndarray] = []
    names: list[pa.Array] = []
    ok = np.ones(size, bool)
    for column in columns:
        ok &= ~pc.match_substring_regex(column, r'["\\\x00-\x1f]').to_numpy(zero_copy_only=False)
        split = pc.split_pattern(column, ";")
        parents.append(pc.list_parent_indices(split).to_numpy())
        names.append(stripped(pc.list_flatten(split)))
    parent = np.concatenate(parents)
    name = pa.concat_arrays(names) if names else pa.array([], pa.string())
    present = pc.not_equal(name, "").to_numpy(zero_copy_only=False)
    order = np.argsort(parent[present], kind="stable")
    parent = parent[present][order]
    name = name.filter(pa.array(present)).take(pa.array(order))
    if unique and len(name):  # keep the first of a name said twice in a row
        codes = pc.dictionary_encode(name).indices.to_numpy().astype(np.int64)
        keys = parent.astype(np.int64) * (int(codes.max()) + 1) + codes
        by_key = np.argsort(keys, kind="stable")
        first = np.ones(len(keys), bool)
        first[by_key[1:]] = keys[by_key[1:]] != keys[by_key[:-1]]
        if not first.all():
            parent = parent[first]
            name = name.filter(pa.array(first))
    offsets = np.searchsorted(parent, np.arange(size + 1)).astype(np.int32)
    lists = pa.ListArray.from_arrays(pa.array(offsets), name)
    joined = pc.binary_join(lists, '","')
    listed = pc.binary_join_element_wise('["', joined, '"]', "")
    empty = pc.equal(pc.list_value_length(lists), 0)
    return pc.if_else(empty, "[]", listed), ok
