"""``corridor risk``: the sub-app, its shared options, and what every command reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from corridor.atlas.catalog import Atlas
from corridor.commands.context import current
from corridor.commands.output import err, fail
from corridor.risk.exposure import Exposure, IncidentArrays
from corridor.risk.profile import ProfileError, RiskProfile, default_profile_path, load_profile
from corridor.risk.user_assets import RiskAsset, UserAssetError, atlas_assets, load_user_assets
from corridor.store.incident_columns import incident_arrays
from corridor.store.incidents import IncidentQuery

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


@dataclass(frozen=True)
class Inputs:
    """What every risk command reads: the atlas, the profile, the incidents, the date."""

    atlas: Atlas
    profile: RiskProfile
    incidents: IncidentArrays
    as_of: date
    extra: tuple[RiskAsset, ...] = ()  # the user's own assets

    @property
    def assets(self) -> dict[str, RiskAsset]:
        return {a.id: a for a in (*atlas_assets(self.atlas), *self.extra)}


def read_inputs(
    as_of: str | None,
    profile_path: Path | None,
    threat: str | None,
    assets: Path | None = None,
    *,
    need_incidents: bool = True,
) -> Inputs:
    """Load and check everything once; a bad option fails with one clear line.

    Without ``need_incidents``, an empty store scores everything 0 as of today.
    """
    atlas = current().atlas()
    extra: list[RiskAsset] = []
    if assets is not None:
        try:
            extra = load_user_assets(assets, taken=atlas.assets)
        except UserAssetError as exc:
            raise fail(str(exc)) from exc
    if threat is not None and threat not in atlas.threats:
        raise fail(f"--threat {threat}: not a threat class; try one of {', '.join(atlas.threats)}")
    try:
        profile = load_profile(profile_path or default_profile_path(), atlas.threats)
    except ProfileError as exc:
        raise fail(str(exc)) from exc
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError as exc:
            raise fail(f"--as-of {as_of}: not a date (YYYY-MM-DD)") from exc
    engine = current().store() if need_incidents else current().store_if_any()
    if engine is None:
        incidents = IncidentArrays.from_incidents(())
    else:
        with err.status("reading the incidents you may see"), engine.connect() as connection:
            incidents = incident_arrays(connection, IncidentQuery(until=day), current().viewer())
    if day is None:
        if len(incidents) == 0 and need_incidents:
            raise fail("no incidents to score: import some first (corridor incidents import)")
        day = incidents.start_date.max().astype(object) if len(incidents) else date.today()
    assert day is not None
    return Inputs(atlas, profile, incidents, day, tuple(extra))


def footer(exposure: Exposure) -> None:
    span = exposure.data_range
    data = f"incidents {span[0]} .. {span[1]}" if span else "no incidents"
    err.print(
        f"[dim]as of {exposure.as_of}; profile {exposure.profile.label}; {data}; "
        f"radius {exposure.profile.exposure.radius_km:g} km, half-life "
        f"{exposure.profile.exposure.half_life_days:g} days[/dim]",
        highlight=False,
    )
