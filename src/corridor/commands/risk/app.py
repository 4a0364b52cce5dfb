"""``corridor risk``: the sub-app, its shared options, and what every command reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridor.commands.context import current
from corridor.commands.output import err
from corridor.risk.exposure import Exposure
from corridor.risk.inputs import RiskInputs, risk_inputs

app = typer.Typer(
    help="Risk: the exposure of every asset to nearby incidents (distance- and time-decayed, "
    "weighted by class, severity and the asset's criticality), country risk as an INFORM-style "
    "composite, and corridor risk; `risk explain ID` shows what makes any score. All "
    "parameters come from one profile: `corridor risk profile --write my.yaml` gives a copy "
    "to change and pass back with --profile.",
    no_args_is_help=True,
)

AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Score as of this date (YYYY-MM-DD): later incidents do not count, older ones "
        "fade with the profile's half-life. Default: the newest incident you can read.",
    ),
]
ProfileOption = Annotated[
    Path | None,
    typer.Option(
        "--profile", help="A risk profile YAML (default: the bundled one).", dir_okay=False
    ),
]
ThreatOption = Annotated[
    str | None,
    typer.Option("--threat", help="Only incidents of this threat class and the classes under it."),
]
ASSET_COLUMNS = ("rank", "asset", "name", "kind", "criticality", "exposure", "incidents_in_reach")
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
    Path | None, typer.Option("--map", help="Also draw the scores on a map (PNG).", dir_okay=False)
]


Inputs = RiskInputs  # the commands' name for the library's inputs


def read_inputs(
    as_of: str | None,
    profile_path: Path | None,
    threat: str | None,
    assets: Path | None = None,
    *,
    need_incidents: bool = True,
) -> RiskInputs:
    """The library's risk inputs for this run's store, viewer and atlas."""
    from corridor.dates import parse_day

    run = current()
    store = run.store() if need_incidents else run.store_if_any()
    day = parse_day(as_of, end=True) if as_of is not None else None
    with err.status("reading the incidents you may see"):
        return risk_inputs(
            store,
            run.viewer(),
            run.atlas(),
            as_of=day,
            profile_path=profile_path,
            threat=threat,
            assets_path=assets,
            need_incidents=need_incidents,
        )


def footer(exposure: Exposure) -> None:
    span = exposure.data_range
    data = f"incidents {span[0]} .. {span[1]}" if span else "no incidents"
    err.print(
        f"[dim]as of {exposure.as_of}; profile {exposure.profile.label}; {data}; "
        f"radius {exposure.profile.exposure.radius_km:g} km, half-life "
        f"{exposure.profile.exposure.half_life_days:g} days[/dim]",
        highlight=False,
    )
