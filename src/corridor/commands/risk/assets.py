"""``corridor risk assets`` and ``profile``: the atlas's and a user's assets by exposure."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corridor.atlas.geometry import to_shape
from corridor.commands.output import JsonOption, err, fail, print_json, print_table
from corridor.commands.risk.app import (
    ASSET_COLUMNS,
    AsOfOption,
    AssetsOption,
    Inputs,
    MapOption,
    ProfileOption,
    ThreatOption,
    TopOption,
    app,
    footer,
    read_inputs,
)
from corridor.risk.assets import (
    atlas_exposure,
)
from corridor.risk.exposure import Exposure
from corridor.risk.profile import default_profile_path


def asset_rows(inputs: Inputs, exposure: Exposure, top: int) -> list[dict[str, Any]]:
    reached = {}
    for asset_number in set(exposure.pairs.asset.tolist()):
        mine = (exposure.pairs.asset == asset_number) & (exposure.points > 0)
        reached[asset_number] = int(mine.sum())
    rows = []
    known = inputs.assets
    for rank, (asset_id, score) in enumerate(exposure.ranking()[:top], start=1):
        asset = known[asset_id]
        number = exposure.asset_ids.index(asset_id)
        rows.append(
            {
                "rank": rank,
                "asset": asset_id,
                "name": asset.name,
                "kind": asset.kind,
                "criticality": asset.criticality,
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
    assets_path: AssetsOption = None,
    top: TopOption = 20,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """The atlas's assets (and yours, with --assets) ranked by exposure to nearby incidents.

    Example: corridor risk assets --threat piracy --as-of 2011-12-31 --map piracy.png
    """
    inputs = read_inputs(as_of, profile, threat, assets_path)
    exposure = scored_exposure(inputs, threat)
    rows = asset_rows(inputs, exposure, top)
    title = f"Most exposed assets{f' to {threat}' if threat else ''}, as of {inputs.as_of}"
    if as_json:
        print_json({"as_of": inputs.as_of, "profile": inputs.profile.label, "assets": rows})
    else:
        print_table(rows, ASSET_COLUMNS, title=title)
        footer(exposure)
    if map_path is not None:
        err.print(f"map: {draw_exposure_map(inputs, exposure, map_path, title)}")


def demo_exposure(map_path: Path) -> None:
    """The demo's last act: the ten most exposed assets on the bundled data, and their map."""
    inputs = read_inputs(None, None, None)
    exposure = scored_exposure(inputs, None)
    title = f"The ten most exposed assets, as of {inputs.as_of}"
    print_table(asset_rows(inputs, exposure, 10), ASSET_COLUMNS, title=title)
    footer(exposure)
    err.print(f"map of exposure: {draw_exposure_map(inputs, exposure, map_path, title)}")
    err.print("why a score: corridor risk explain ASSET_ID", highlight=False)


def draw_exposure_map(inputs: Inputs, exposure: Exposure, path: Path, title: str) -> Path:
    """The assets coloured by exposure, with the incidents that could count."""
    from corridor.maps import draw_risk_map

    counted = exposure.ages >= 0
    scores = dict(zip(exposure.asset_ids, exposure.scores.tolist(), strict=True))
    points = (exposure.incidents.lon[counted].tolist(), exposure.incidents.lat[counted].tolist())
    shapes = [
        (a.id, a.name, to_shape({"type": a.geometry_type, "coordinates": a.coordinates}))
        for a in inputs.assets.values()
    ]
    return draw_risk_map(shapes, scores, points, path, title=title)


def scored_exposure(inputs: Inputs, threat: str | None) -> Exposure:
    with err.status(f"scoring {len(inputs.incidents):,} incidents against the assets"):
        return atlas_exposure(
            inputs.atlas, inputs.incidents, inputs.profile, inputs.as_of, threat=threat,
            extra=inputs.extra,
        )  # fmt: skip


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
