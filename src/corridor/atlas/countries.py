"""ISO 3166-1 countries, from pycountry (no network, no data file of our own)."""

from __future__ import annotations

from functools import cache

import pycountry

from corridor.errors import UnknownValueError

__all__ = ["country_name", "is_country_code", "iso_countries", "resolve_country"]


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


# Names in wide use that ISO no longer gives (or spells with diacritics only).
_ALIASES = {
    "turkey": "TUR", "vietnam": "VNM", "laos": "LAO", "burma": "MMR", "ivory coast": "CIV",
    "czech republic": "CZE", "macedonia": "MKD", "swaziland": "SWZ", "cape verde": "CPV",
    "east timor": "TLS", "uk": "GBR", "great britain": "GBR", "usa": "USA", "america": "USA",
    "united states of america": "USA", "dprk": "PRK", "democratic republic of the congo": "COD",
    "congo-kinshasa": "COD", "congo-brazzaville": "COG", "palestine": "PSE",
}  # fmt: skip


def _folded(text: str) -> str:
    """Lower case without diacritics, so Türkiye and Turkiye are one spelling."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _names() -> dict[str, str]:
    """Every spelling we accept, lower-cased -> alpha-3: codes, ISO names, common names."""
    table: dict[str, str] = {}
    for entry in pycountry.countries:
        code = entry.alpha_3
        for spelling in (
            code,
            entry.alpha_2,
            entry.name,
            getattr(entry, "common_name", None),
            getattr(entry, "official_name", None),
            iso_countries()[code][2],
        ):
            if spelling:
                table.setdefault(_folded(spelling), code)
    for alias, code in _ALIASES.items():
        table.setdefault(alias, code)
    return table


def resolve_country(text: str) -> str:
    """The alpha-3 code of a country typed as a code (``KAZ``, ``KZ``) or a name
    (``Kazakhstan``, ``Syria``); :class:`UnknownValueError` with a suggestion otherwise."""
    found = _names().get(_folded(text))
    if found is not None:
        return found
    names = sorted({entry[2] for entry in iso_countries().values()})
    raise UnknownValueError(
        "country", text, names, hint="an ISO 3166 code such as KAZ or a name such as Kazakhstan"
    )
