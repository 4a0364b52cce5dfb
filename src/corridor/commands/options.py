"""Options declared once and used by every command, with one grammar each.

Dates are YYYY, YYYY-MM or YYYY-MM-DD everywhere (a year as ``--until`` means
its last day); countries are ISO codes or names; threat classes are ``--class``.
A bad value is a usage error (exit 2) that names the option.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from corridor.errors import InputError

__all__ = [
    "AsOfOption",
    "AtlasDirOption",
    "ClassFilterOption",
    "ClassOption",
    "CountryOption",
    "ForceOption",
    "NoTokenOption",
    "OneCountryOption",
    "OutputOption",
    "ProfileOption",
    "ServerOption",
    "SinceOption",
    "UntilOption",
    "classes_option",
    "countries_option",
    "day_option",
    "one_of",
    "server_option",
]


def _day(value: str | None, *, end: bool) -> date | None:
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


_CLASS_HELP = (
    "Threat class id, with the classes under it (`corridor atlas threats`); repeat for several."
)
ClassOption = Annotated[
    list[str] | None,
    typer.Option("--class", metavar="CLASS", callback=classes_option, help=_CLASS_HELP),
]
# Checked where the incidents are, by the store or by the server (whose atlas may differ).
ClassFilterOption = Annotated[
    list[str] | None, typer.Option("--class", metavar="CLASS", help=_CLASS_HELP)
]


def one_of(module: str, name: str) -> Any:
    """A callback accepting a value of the enum ``module.name`` (loaded only when used), read
    as :func:`corridor.choices.choose` reads it; it gives the member's value."""

    def check(value: str | None) -> str | None:
        if value is None:
            return None
        import importlib

        from corridor.choices import choose
        from corridor.errors import UnknownValueError

        choices = [e.value for e in getattr(importlib.import_module(module), name)]
        try:
            return choose(name, value, choices)
        except UnknownValueError:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}") from None

    return check


def server_option(value: str | None) -> str | None:
    """The ``--server`` URL, checked; refused beside ``--db``, which names a store."""
    if value is None:
        return None
    from corridor.commands.context import current

    if current().database_given:
        raise typer.BadParameter("--db names a store and --server a server: give one of them")
    from corridor.cooperation.client import server_url

    try:
        return server_url(value)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from exc


ServerOption = Annotated[
    str | None,
    typer.Option(
        "--server",
        metavar="URL",
        callback=server_option,
        help="Work on this Secure Corridor server (`corridor serve`) instead of a store, as "
        "the user whose API token is in $CORRIDOR_TOKEN (default: $CORRIDOR_SERVER, unless "
        "--db is given; not with --db). The token is never an option: other users see a "
        "command line in `ps`, and the shell history keeps it.",
    ),
]


def _refuse_token(value: str | None) -> None:
    if value is not None:
        raise typer.BadParameter(
            "put the API token in $CORRIDOR_TOKEN, never on the command line: other users "
            "see it in `ps`, and the shell history keeps it"
        )


# Not shown in --help: only here to say where a token goes when someone tries --token.
NoTokenOption = Annotated[
    str | None,
    typer.Option("--token", hidden=True, callback=_refuse_token, expose_value=False),
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
