"""One date grammar for every option and field: YYYY, YYYY-MM or YYYY-MM-DD.

A year or a month names a period: as a start it means its first day, as an
end (``--until``, ``--as-of``) its last, so ``--since 2011 --until 2011`` is
the whole of 2011.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import overload

from corridor.errors import InputError

__all__ = ["DATE_FORMS", "parse_day"]

DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
_PATTERN = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@overload
def parse_day(text: str, *, end: bool = False) -> date: ...
@overload
def parse_day(text: None, *, end: bool = False) -> None: ...
@overload
def parse_day(text: str | None, *, end: bool = False) -> date | None: ...


def parse_day(text: str | None, *, end: bool = False) -> date | None:
    """The day ``text`` names; a year or month gives its first day, or its last with ``end``.
    None for None (an option or a parameter not given).

    Raises :class:`InputError` naming the text and the accepted forms.
    """
    if text is None:
        return None
    match = _PATTERN.fullmatch(text.strip())
    if match is None:
        raise InputError(f"{text!r} is not a date ({DATE_FORMS})")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        if month is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return date(year, month, last if end else 1)
        return date(year, month, day)
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise InputError(f"{text!r} is not a date ({DATE_FORMS}): {exc}") from exc
