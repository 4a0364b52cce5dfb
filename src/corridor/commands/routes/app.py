"""``corridor routes``: the sub-app, its shared options, and how closures are named."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridor.atlas.catalog import Atlas
from corridor.commands.output import fail
from corridor.routes.disruption import (
    ClosureError,
    passages_of,
)

app = typer.Typer(
    help="Sea routes over the maritime network (searoute, Eurostat MARNET): the shortest "
    "route between ports, the chokepoints it passes in order and the states whose waters "
    "it nears; closures of chokepoints (--close bab-el-mandeb,hormuz) with the extra "
    "distance and days, or no route at all; a matrix of extra days for many ports.",
    no_args_is_help=True,
)

CloseOption = Annotated[
    str | None,
    typer.Option(
        "--close",
        help="Chokepoints to close, comma-separated atlas ids (bab-el-mandeb, hormuz, "
        "malacca, suez, ...) or searoute's names (babalmandab, ormuz). The Northwest "
        "Passage stays closed whatever you close.",
    ),
]
SpeedOption = Annotated[
    float, typer.Option("--speed", min=0.1, help="Speed in knots, for durations.")
]
MapOption = Annotated[
    Path | None, typer.Option("--map", help="Also draw the routes (PNG).", dir_okay=False)
]


def chokepoint_ids(atlas: Atlas, passages: frozenset[str]) -> list[str]:
    """The atlas's ids of the chokepoints behind these searoute passages."""
    return sorted(c.id for c in atlas.chokepoints.values() if c.searoute_passage in passages)


def closures(atlas: Atlas, close: str | None) -> frozenset[str]:
    names = [n.strip() for n in (close or "").split(",") if n.strip()]
    try:
        return passages_of(atlas, names)
    except ClosureError as exc:
        raise fail(f"--close {exc}") from exc
