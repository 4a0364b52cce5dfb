"""Options declared once and used by every command, with one grammar each.

Dates are YYYY, YYYY-MM or YYYY-MM-DD everywhere (a year as ``--until`` means
its last day); countries are ISO codes or names; threat classes are ``--class``.
A bad value is a usage error (exit 2) that names the option.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from corridor.errors import InputError

__all__ = [
    "AsOfOption",
    "AtlasDirOption",
    "ClassOption",
    "CountryOption",
    "ForceOption",
    "OneCountryOption",
    "OutputOption",
    "ProfileOption",
    "SinceOption",
    "UntilOption",
    "classes_option",
    "countries_option",
    "day_option",
]


def _day(value: str | None, *, end: bool) -> date | None:
    if value is None:
        return None
    from corridor.dates import parse_day

    try:
        return parse_day(value, end=end)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from exc


def day_option(value: str | None) -> date | None:
    """A start date: a year or month means its first day."""
    return _day(value, end=False)


def end_day_option(value: str | None) -> date | None:
    """An end date: a year or month means its last day."""
    return _day(value, end=True)


def countries_option(values: list[str] | None) -> list[str] | None:
    """ISO alpha-3 codes of countries given as codes or names; unknown ones are refused."""
    if not values:
        return values
    from corridor.atlas.countries import resolve_country

    try:
        return [resolve_country(v) for v in values]
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from exc


_DATES = "YYYY, YYYY-MM or YYYY-MM-DD"

SinceOption = Annotated[
    date | None,
    typer.Option(
        "--since", parser=day_option, metavar="DATE", help=f"From this date ({_DATES}), inclusive."
    ),
]
UntilOption = Annotated[
    date | None,
    typer.Option(
        "--until",
        parser=end_day_option,
        metavar="DATE",
        help=f"Up to this date ({_DATES}; a year means its last day), inclusive.",
    ),
]
AsOfOption = Annotated[
    date | None,
    typer.Option(
        "--as-of",
        parser=end_day_option,
        metavar="DATE",
        help=f"As of this date ({_DATES}; a year means its last day): later incidents do not "
        "count. Default: the newest incident you can read.",
    ),
]
CountryOption = Annotated[
    list[str] | None,
    typer.Option(
        "--country",
        callback=countries_option,
        metavar="COUNTRY",
        help="ISO code (KAZ, KZ) or name (Kazakhstan); repeat for several.",
    ),
]
OneCountryOption = Annotated[
    str | None,
    typer.Option(
        "--country",
        callback=lambda value: countries_option([value])[0] if value else None,
        metavar="COUNTRY",
        help="ISO code (KAZ, KZ) or name (Kazakhstan).",
    ),
]


def classes_option(values: list[str] | None) -> list[str] | None:
    """Threat classes the atlas knows; an unknown one is a usage error naming --class."""
    if not values:
        return values
    from corridor.commands.context import current
    from corridor.risk.inputs import check_threat

    try:
        check_threat(current().atlas(), values)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from exc
    return values


ClassOption = Annotated[
    list[str] | None,
    typer.Option(
        "--class",
        metavar="CLASS",
        callback=classes_option,
        help="Threat class id, with the classes under it (`corridor atlas threats`); "
        "repeat for several.",
    ),
]
ProfileOption = Annotated[
    Path | None,
    typer.Option(
        "--profile", help="A risk profile YAML (default: the bundled one).", dir_okay=False
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        help="Write here instead of stdout (an existing "
        "file only with --force; written whole or not at all).",
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing output file.")]
AtlasDirOption = Annotated[
    Path | None,
    typer.Option(
        "--atlas-dir",
        exists=True,
        file_okay=False,
        help="A folder of edited atlas files that overlay the bundled ones "
        "(default: $CORRIDOR_ATLAS_DIR). Make one with `corridor atlas copy DIR`.",
    ),
]
