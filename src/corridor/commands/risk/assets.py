"""``corridor risk assets`` and ``profile``: the atlas's and a user's assets by exposure."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.options import AsOfOption, ClassOption, ForceOption, ProfileOption
from corridor.commands.output import JsonOption, err, note, print_json, print_table
from corridor.commands.risk.app import (
    AssetsOption,
    MapOption,
    TopOption,
    app,
    footer,
)

if TYPE_CHECKING:
    from corridor.risk.services import AssetExposure

ASSET_COLUMNS = ("rank", "asset", "name", "kind", "criticality", "exposure", "incidents_in_reach")


def asset_rows(result: AssetExposure, top: int) -> list[dict[str, Any]]:
    return [
        {
            "rank": s.rank,
            "asset": s.asset.id,
            "name": s.asset.name,
            "kind": s.asset.kind,
            "criticality": s.asset.criticality,
            "exposure": round(s.exposure, 2),
            "incidents_in_reach": s.incidents_in_reach,
        }
        for s in result.ranking[:top]
    ]


def _show(result: AssetExposure, top: int, title: str) -> None:
    print_table(asset_rows(result, top), ASSET_COLUMNS, title=title)
    footer(result.profile, result.as_of, result.exposure.data_range)


@app.command()
def assets(
    as_of: AsOfOption = None,
    profile: ProfileOption = None,
    classes: ClassOption = None,
    assets_path: AssetsOption = None,
    top: TopOption = 20,
    map_path: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """The atlas's assets (and yours, with --assets) ranked by exposure to nearby incidents.

    Example: corridor risk assets --class piracy --as-of 2011 --map piracy.png
    """
    from corridor.risk.services import asset_exposure

    run = current()
    with err.status("scoring the incidents you may see against the assets"):
        result = asset_exposure(
            run.store(), run.viewer(), run.atlas(), as_of=as_of, classes=classes,
            profile_path=profile, assets_path=assets_path, map_path=map_path,
        )  # fmt: skip
    if as_json:
        rows = asset_rows(result, top)
        print_json({"as_of": result.as_of, "profile": result.profile.label, "assets": rows})
    else:
        _show(result, top, result.title)
    if result.map_path is not None:
        note(f"map: {result.map_path}", style="")


def demo_exposure(map_path: Path) -> None:
    """The demo's last act: the ten most exposed assets on the bundled data, and their map."""
    from corridor.risk.services import asset_exposure, draw_exposure_map

    run = current()
    result = asset_exposure(run.store(), run.viewer(), run.atlas())
    title = f"The ten most exposed assets, as of {result.as_of}"
    _show(result, 10, title)
    note(f"map of exposure: {draw_exposure_map(result, map_path, title)}", style="")
    note("why a score: corridor risk explain ASSET_ID", style="")


@app.command("profile")
def show_profile(
    write: Annotated[
        Path | None,
        typer.Option(
            "--write",
            help="Write a copy of the bundled profile here to edit (an existing file only "
            "with --force).",
            dir_okay=False,
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Print the bundled risk profile, or write a copy of it to change.

    Example: corridor risk profile --write my-profile.yaml
    """
    from corridor.risk.services import profile_text, write_profile

    if write is None:
        print(profile_text(), end="")
        return
    written = write_profile(write, force=force)
    note(f"wrote {written}: edit it, then pass --profile {written}", style="")
