"""ISO 3166-1 countries, from pycountry (no network, no data file of our own)."""

from __future__ import annotations

from functools import cache

import pycountry

__all__ = ["country_name", "is_country_code", "iso_countries"]


# Names as the seeds and most users write them, where ISO's short name reads otherwise.
_NAMES = {"TWN": "Taiwan", "KOR": "South Korea", "PRK": "North Korea", "RUS": "Russia"}


@cache
def iso_countries() -> dict[str, tuple[str, str, str]]:
    """alpha-3 code -> (alpha-2, numeric, common name) for all 249 ISO 3166-1 entries."""
    table: dict[str, tuple[str, str, str]] = {}
    for entry in pycountry.countries:
        name = _NAMES.get(entry.alpha_3) or getattr(entry, "common_name", None) or entry.name
        head, _, tail = name.partition(", ")
        if tail.endswith((" of", " of the")):  # "Palestine, State of" -> "State of Palestine"
            name = f"{tail} {head}"
        table[entry.alpha_3] = (entry.alpha_2, entry.numeric, name)
    return table


def is_country_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-3 code such as ``KAZ``."""
    return code in iso_countries()


def country_name(code: str) -> str:
    """The common English name of an alpha-3 code; the code itself if unknown."""
    entry = iso_countries().get(code)
    return entry[2] if entry else code
