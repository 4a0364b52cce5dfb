"""``corridor risk``: how exposed each asset, country and corridor is, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from corridor.atlas import load_atlas
from corridor.atlas.catalog import Atlas
from corridor.commands.output import err, fail, print_json, print_table
from corridor.cooperation.sharing import Viewer
from corridor.risk.assets import atlas_exposure
from corridor.risk.exposure import Exposure, IncidentArrays
from corridor.risk.profile import ProfileError, RiskProfile, default_profile_path, load_profile
from corridor.settings import settings
from corridor.store import open_store
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

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
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


def read_inputs(as_of: str | None, profile_path: Path | None, threat: str | None) -> Inputs:
    """Load and check everything once; a bad option fails with one clear line."""
    atlas = load_atlas(settings().atlas_dir)
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
    with open_store(settings().database_url).connect() as connection:
        incidents = incident_arrays(
            connection, IncidentQuery(until=day), Viewer(settings().organization)
        )
    if day is None:
        if len(incidents) == 0:
            raise fail("no incidents to score: import some first (corridor incidents import)")
        day = incidents.start_date.max().astype(object)
    assert day is not None
    return Inputs(atlas, profile, incidents, day)


def _footer(exposure: Exposure) -> None:
    span = exposure.data_range
    data = f"incidents {span[0]} .. {span[1]}" if span else "no incidents"
    err.print(
        f"[dim]as of {exposure.as_of}; profile {exposure.profile.label}; {data}; "
        f"radius {exposure.profile.exposure.radius_km:g} km, half-life "
        f"{exposure.profile.exposure.half_life_days:g} days[/dim]",
        highlight=False,
    )


def _asset_rows(inputs: Inputs, exposure: Exposure, top: int) -> list[dict[str, Any]]:
    reached = {}
    for asset_number in set(exposure.pairs.asset.tolist()):
        mine = (exposure.pairs.asset == asset_number) & (exposure.points > 0)
        reached[asset_number] = int(mine.sum())
    rows = []
    for rank, (asset_id, score) in enumerate(exposure.ranking()[:top], start=1):
        asset = inputs.atlas.assets[asset_id]
        number = exposure.asset_ids.index(asset_id)
        rows.append(
            {
                "rank": rank,
                "asset": asset_id,
                "name": asset.name,
                "kind": asset.kind.value,
                "criticality": asset.criticality.value,
                "exposure": round(score, 2),
                "incidents_in_reach": reached.get(number, 0),
            }
        )
    return rows


@app.command()
def assets(
    as_of: AsOfOption = None,
    profile: ProfileOption = None,
    threat: ThreatOption = None,
    top: TopOption = 20,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """The atlas's assets ranked by exposure to the incidents near them.

    Example: corridor risk assets --threat piracy --as-of 2011-12-31 --map piracy.png
    """
    inputs = read_inputs(as_of, profile, threat)
    exposure = atlas_exposure(
        inputs.atlas, inputs.incidents, inputs.profile, inputs.as_of, threat=threat
    )
    rows = _asset_rows(inputs, exposure, top)
    title = f"Most exposed assets{f' to {threat}' if threat else ''}, as of {inputs.as_of}"
    if as_json:
        print_json({"as_of": inputs.as_of, "profile": inputs.profile.label, "assets": rows})
    else:
        print_table(rows, ASSET_COLUMNS, title=title)
        _footer(exposure)
    if map_path is not None:
        err.print(f"map: {draw_exposure_map(inputs, exposure, map_path, title)}")


def demo_exposure(map_path: Path) -> None:
    """The demo's last act: the ten most exposed assets on the bundled data, and their map."""
    inputs = read_inputs(None, None, None)
    exposure = atlas_exposure(inputs.atlas, inputs.incidents, inputs.profile, inputs.as_of)
    title = f"The ten most exposed assets, as of {inputs.as_of}"
    print_table(_asset_rows(inputs, exposure, 10), ASSET_COLUMNS, title=title)
    _footer(exposure)
    err.print(f"map of exposure: {draw_exposure_map(inputs, exposure, map_path, title)}")
    err.print("why a score: corridor risk explain ASSET_ID", highlight=False)


def draw_exposure_map(inputs: Inputs, exposure: Exposure, path: Path, title: str) -> Path:
    """The assets coloured by exposure, with the incidents that could count."""
    from corridor.maps import draw_risk_map

    counted = exposure.ages >= 0
    scores = dict(zip(exposure.asset_ids, exposure.scores.tolist(), strict=True))
    points = (exposure.incidents.lon[counted].tolist(), exposure.incidents.lat[counted].tolist())
    return draw_risk_map(inputs.atlas, scores, points, path, title=title)


@app.command()
def explain(
    record_id: Annotated[
        str, typer.Argument(help="An asset id (see `corridor atlas list assets`).")
    ],
    as_of: AsOfOption = None,
    profile: ProfileOption = None,
    threat: ThreatOption = None,
    top: TopOption = 10,
    as_json: JsonOption = False,
) -> None:
    """What makes a score: the parameters, the data's time range and the top incidents.

    Example: corridor risk explain sea-lane-bab-el-mandeb-red-sea-suez --as-of 2011-12-31
    """
    inputs = read_inputs(as_of, profile, threat)
    if record_id not in inputs.atlas.assets:
        raise fail(f"{record_id}: no such asset; `corridor atlas list assets` lists them")
    exposure = atlas_exposure(
        inputs.atlas, inputs.incidents, inputs.profile, inputs.as_of, threat=threat
    )
    asset = inputs.atlas.assets[record_id]
    settings_ = inputs.profile.exposure
    parts = exposure.contributions(record_id, top=top)
    summary = {
        "asset": record_id,
        "name": asset.name,
        "exposure": exposure.score_of(record_id),
        "as_of": inputs.as_of,
        "profile": inputs.profile.label,
        "criticality": asset.criticality.value,
        "criticality_factor": settings_.criticality[asset.criticality.value],
        "radius_km": settings_.radius_km,
        "radius_km_by_class": settings_.radius_km_by_class,
        "half_life_days": settings_.half_life_days,
        "non_lethal_floor": settings_.non_lethal_floor,
        "data_range": exposure.data_range,
    }
    rows = [
        {
            "incident": p.incident_id[:8],
            "date": p.start_date,
            "class": p.threat_class,
            "km": round(p.distance_km, 1),
            "age_days": p.age_days,
            "deaths": None if p.fatalities is None else int(p.fatalities),
            "points": round(p.points, 3),
            "share": f"{p.share:.1%}",
            "title": p.title,
        }
        for p in parts
    ]
    if as_json:
        print_json({**summary, "top_incidents": [vars(p) for p in parts]})
        return
    for key, value in summary.items():
        err.print(f"[bold]{key.replace('_', ' ')}[/bold]: {value}", highlight=False)
    columns = ["incident", "date", "class", "km", "age_days", "deaths", "points", "share", "title"]
    print_table(rows, columns, title=f"The incidents behind {record_id}'s exposure")


@app.command("profile")
def show_profile(
    write: Annotated[
        Path | None,
        typer.Option(
            "--write", help="Write a copy of the bundled profile here to edit.", dir_okay=False
        ),
    ] = None,
) -> None:
    """Print the bundled risk profile, or write a copy of it to change.

    Example: corridor risk profile --write my-profile.yaml
    """
    text = default_profile_path().read_text(encoding="utf-8")
    if write is None:
        print(text, end="")
        return
    if write.exists():
        raise fail(f"{write}: already exists; choose another name or remove it")
    write.write_text(text, encoding="utf-8")
    err.print(f"wrote {write}: edit it, then pass --profile {write}")
