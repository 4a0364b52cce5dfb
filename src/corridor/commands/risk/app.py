"""``corridor risk``: the sub-app and its shared options.

The rules live in :mod:`corridor.risk.services`; the commands parse, call one, render.
Only Typer, Rich and the standard library load here: the library loads in the command.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands import options
from corridor.commands.context import current
from corridor.commands.output import err
from corridor.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Collection

    from corridor.risk.inputs import RiskInputs
    from corridor.risk.inputs import RiskInputs as Inputs  # the routes commands' name
    from corridor.risk.profile import RiskProfile

__all__ = [
    "AsOfOption",
    "AssetsOption",
    "ClassOption",
    "IndicatorsOption",
    "Inputs",
    "MapOption",
    "ProfileOption",
    "ThreatOption",
    "TopOption",
    "TrainUntilOption",
    "app",
    "footer",
    "read_inputs",
]

app = typer.Typer(
    help="Risk: the exposure of every asset to nearby incidents (distance- and time-decayed, "
    "weighted by class, severity and the asset's criticality), country risk as an INFORM-style "
    "composite, and corridor risk; `risk explain ID` shows what makes any score. All "
    "parameters come from one profile: `corridor risk profile --write my.yaml` gives a copy "
    "to change and pass back with --profile.",
    no_args_is_help=True,
)


def _known_classes(values: list[str] | None) -> list[str] | None:
    """Threat classes the atlas knows; an unknown one is a usage error naming --class."""
    if not values:
        return values
    from corridor.risk.inputs import check_threat

    try:
        check_threat(current().atlas(), values)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from exc
    return values


AsOfOption = Annotated[  # the routes commands' spelling; risk's is options.AsOfOption
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="As of this date (YYYY, YYYY-MM or YYYY-MM-DD; a year means its last day): "
        "later incidents do not count. Default: the newest incident you can read.",
    ),
]
TrainUntilOption = Annotated[
    date | None,
    typer.Option(
        "--train-until",
        parser=options.end_day_option,
        metavar="DATE",
        help="Also judge the asset exposure and country scores made with the incidents up to "
        "this date (YYYY, YYYY-MM or YYYY-MM-DD; a year means its last day) against the 365 "
        "days after it.",
    ),
]
ClassOption = Annotated[
    list[str] | None,
    typer.Option(
        "--class",
        metavar="CLASS",
        callback=_known_classes,
        help="Only incidents of this threat class and the classes under it "
        "(`corridor atlas threats`); repeat for several.",
    ),
]
ThreatOption = Annotated[  # the routes commands' spelling, until they take --class
    str | None,
    typer.Option("--threat", help="Only incidents of this threat class and the classes under it."),
]
ProfileOption = Annotated[
    Path | None,
    typer.Option(
        "--profile", help="A risk profile YAML (default: the bundled one).", dir_okay=False
    ),
]
IndicatorsOption = Annotated[
    Path | None,
    typer.Option(
        "--indicators",
        help="Vulnerability and coping indicators: a World Bank bulk CSV or a long "
        "country,indicator,year,value CSV (default: the bundled WGI 1996-2018).",
        dir_okay=False,
    ),
]
AssetsOption = Annotated[
    Path | None,
    typer.Option(
        "--assets",
        help="Your own assets too: a GeoJSON FeatureCollection, each feature with an id and "
        "optionally name, kind and criticality (core, important, ordinary).",
        dir_okay=False,
    ),
]
TopOption = Annotated[int, typer.Option("--top", min=1, help="How many rows to show.")]
MapOption = Annotated[
    Path | None,
    typer.Option(
        "--map", help="Also draw the scores on a map (.png; its folder must exist).", dir_okay=False
    ),
]


def read_inputs(
    as_of: date | str | None,
    profile_path: Path | None,
    threat: str | Collection[str] | None,
    assets: Path | None = None,
    *,
    need_incidents: bool = True,
) -> RiskInputs:
    """The library's risk inputs for this run's store, viewer and atlas (for ``routes``)."""
    from corridor.dates import parse_day
    from corridor.risk.inputs import risk_inputs

    run = current()
    store = run.store() if need_incidents else run.store_if_any()
    day = parse_day(as_of, end=True) if isinstance(as_of, str) else as_of
    with err.status("reading the incidents you may see"):
        return risk_inputs(
            store, run.viewer(), run.atlas(), as_of=day, profile_path=profile_path,
            threat=threat, assets_path=assets, need_incidents=need_incidents,
        )  # fmt: skip


def __getattr__(name: str) -> Any:
    """``Inputs`` loads the library only when someone asks for it."""
    if name == "Inputs":
        from corridor.risk.inputs import RiskInputs

        return RiskInputs
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def footer(profile: RiskProfile, as_of: date, data_range: tuple[date, date] | None = None) -> None:
    """The line under a table that says what made it: the date, profile, data, parameters."""
    data = f"incidents {data_range[0]} .. {data_range[1]}" if data_range else "no incidents"
    settings = profile.exposure
    err.print(
        f"as of {as_of}; profile {profile.label}; {data}; radius {settings.radius_km:g} km, "
        f"half-life {settings.half_life_days:g} days",
        style="dim",
        highlight=False,
        markup=False,
    )
