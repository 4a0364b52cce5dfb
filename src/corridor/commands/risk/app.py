"""``corridor risk``: the sub-app and its shared options.

The rules live in :mod:`corridor.risk.services`; the commands parse, call one, render.
Only Typer, Rich and the standard library load here: the library loads in the command.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corridor.commands import options
from corridor.commands.output import err

if TYPE_CHECKING:
    from corridor.risk.profile import RiskProfile

__all__ = [
    "AssetsOption",
    "IndicatorsOption",
    "MapOption",
    "TopOption",
    "TrainUntilOption",
    "app",
    "footer",
]

app = typer.Typer(
    help="Risk: the exposure of every asset to nearby incidents (distance- and time-decayed, "
    "weighted by class, severity and the asset's criticality), country risk as an INFORM-style "
    "composite, and corridor risk; `risk explain ID` shows what makes any score. All "
    "parameters come from one profile: `corridor risk profile --write my.yaml` gives a copy "
    "to change and pass back with --profile.",
    no_args_is_help=True,
)


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
