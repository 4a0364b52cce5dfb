"""Country names of public event datasets that pycountry does not know: one table.

UCDP names Gleditsch and Ward states ("DR Congo (Zaire)", "Russia (Soviet Union)"),
ACLED writes "Democratic Republic of Congo"; both reach ISO 3166-1 alpha-3 through
the same table, so a name fixed for one source is fixed for every source.
"""

from __future__ import annotations

from corridor.events.importers.base import FieldError, country_code

__all__ = ["DATASET_COUNTRY_ALIASES", "dataset_country"]

# Upper case. UCDP's bracketed old names are here too, as their part before " (" is.
DATASET_COUNTRY_ALIASES = {
    "RUSSIA": "RUS",
    "SOVIET UNION": "RUS",
    "DR CONGO": "COD",
    "ZAIRE": "COD",
    "DEMOCRATIC REPUBLIC OF CONGO": "COD",
    "CONGO": "COG",
    "REPUBLIC OF CONGO": "COG",
    "BOSNIA-HERZEGOVINA": "BIH",
    "IVORY COAST": "CIV",
    "SWAZILAND": "SWZ",
    "BURMA": "MMR",
    "KAMPUCHEA": "KHM",
    "MALAGASY": "MDG",
    "RHODESIA": "ZWE",
    "YUGOSLAVIA": "SRB",
    "TURKEY": "TUR",
    "MACEDONIA": "MKD",
    "MACEDONIA, FYR": "MKD",
    "EAST TIMOR": "TLS",
    "CAPE VERDE": "CPV",
    "BRUNEI": "BRN",
    "PALESTINE": "PSE",
    "MICRONESIA": "FSM",
    "VATICAN CITY": "VAT",
    "SAINT-MARTIN": "MAF",
    "SAINT-BARTHELEMY": "BLM",
    "CARIBBEAN NETHERLANDS": "BES",
    "CURACAO": "CUW",
    "REUNION": "REU",
    "FALKLAND ISLANDS": "FLK",
    "MACAU": "MAC",
    "KOSOVO": "XKX",  # no ISO code; the user-assigned code the EU, IMF and ACLED use
}


def dataset_country(name: str) -> str | None:
    """ISO alpha-3 for a dataset's country name pycountry does not know, or ``None``.

    For ``country_code(..., aliases=dataset_country)``: the table is tried on the name
    and on its part before " (" ("Russia (Soviet Union)" -> RUS), then pycountry on
    that part ("Yemen (North Yemen)" -> YEM).
    """
    head = name.split(" (", 1)[0].strip()
    found = DATASET_COUNTRY_ALIASES.get(head.upper()) or DATASET_COUNTRY_ALIASES.get(name.upper())
    if found is None and head != name:
        try:
            found = country_code(head, "country")
        except FieldError:
            return None
    return found
