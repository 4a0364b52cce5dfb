"""The ``corridor`` command: one Typer app, a sub-app per capability."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridor import __version__
from corridor.commands import atlas as atlas_commands
from corridor.commands import incidents as incident_commands
from corridor.commands import risk as risk_commands
from corridor.commands import routes as route_commands
from corridor.commands.output import err
from corridor.settings import settings

app = typer.Typer(
    help="Secure Corridor: security cooperation along transnational infrastructure corridors "
    "(pipelines, railways, ports, sea lanes, chokepoints). Start with `corridor demo`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(atlas_commands.app, name="atlas")
app.add_typer(incident_commands.app, name="incidents")
app.add_typer(risk_commands.app, name="risk")
app.add_typer(route_commands.app, name="routes")


def _version(value: bool) -> None:
    if value:
        print(f"corridor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Secure Corridor."""


@app.command()
def demo(
    map_path: Annotated[
        Path, typer.Option("--map", help="Where to draw the atlas map (PNG).")
    ] = Path("corridor-atlas.png"),
    risk_map_path: Annotated[
        Path, typer.Option("--risk-map", help="Where to draw the map of exposure (PNG).")
    ] = Path("corridor-risk.png"),
) -> None:
    """The main job on the bundled data: the atlas, the incidents, the most exposed assets.

    Example: corridor demo --map out/atlas.png --risk-map out/risk.png
    """
    from corridor.atlas import load_atlas
    from corridor.maps import draw_atlas_map

    atlas = load_atlas(settings().atlas_dir)
    err.print("[bold]Secure Corridor[/bold]: the bundled atlas", highlight=False)
    atlas_commands.print_overview(atlas)
    err.print(f"map of the atlas: {draw_atlas_map(atlas, map_path)}")
    err.print(
        f"\n[bold]Incidents[/bold]: importing the bundled real data into {settings().database_url}"
    )
    incident_commands.demo_import()
    err.print("\n[bold]Risk[/bold]: exposure of the atlas's assets to the incidents near them")
    risk_commands.assets.demo_exposure(risk_map_path)
    err.print("\n[bold]Routes[/bold]: the sea lane and a closure of one chokepoint")
    route_commands.sea.demo_routes()


def main() -> None:
    """Entry point of the ``corridor`` script."""
    app()


if __name__ == "__main__":
    main()
