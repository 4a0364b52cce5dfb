"""``corridor routes``: the sub-app, its shared options, and places typed as arguments."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

app = typer.Typer(
    help="Sea routes over the maritime network (searoute, Eurostat MARNET): the shortest "
    "route between ports, the chokepoints it passes in order and the states whose waters "
    "it nears; closures of chokepoints (--close bab-el-mandeb,hormuz) with the extra "
    "distance and days, or no route at all; a matrix of extra days for many ports; the "
    "land network's cheapest paths and the links and states trips depend on.",
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
    float | None,
    typer.Option(
        "--speed",
        min=0.1,
        help="Speed in knots, for durations (default: the vessel's service speed, else 14).",
    ),
]
VESSEL_HELP = (
    "Plan for a ship of this class: passages it does not fit are closed (and said why), "
    "days at its service speed plus the canals' published transit time."
)
VesselOption = Annotated[str | None, typer.Option("--vessel", help=VESSEL_HELP)]
BallastOption = Annotated[
    bool, typer.Option("--ballast", help="The vessel sails in ballast (its ballast draft).")
]
DraftOption = Annotated[
    float | None,
    typer.Option("--draft", help="The ship's draft in metres (overrides the class's).", min=0.1),
]
BeamOption = Annotated[
    float | None,
    typer.Option("--beam", help="The ship's beam in metres (overrides the class's).", min=0.1),
]
LengthOption = Annotated[
    float | None,
    typer.Option("--length", help="The ship's length overall in metres (overrides).", min=0.1),
]
MaxSnapOption = Annotated[
    float,
    typer.Option(
        "--max-snap-km",
        min=0.0,
        help="Refuse a place further than this from the sea network (a voyage starts "
        "at the nearest sea lane; from far inland that is a port far away).",
    ),
]
MapOption = Annotated[
    Path | None, typer.Option("--map", help="Also draw the routes (PNG).", dir_okay=False)
]


def names(text: str | None) -> list[str]:
    """A comma-separated list of names, blanks dropped."""
    return [n.strip() for n in (text or "").split(",") if n.strip()]


_NUMBER = re.compile(r"-\.?\d")  # "-93.87,29.73", "-.5,10": a western or southern position


class VesselCommand(TyperCommand):
    """A command whose ``--vessel`` help lists the classes: read from the data file only
    when help is shown, so starting the command stays light."""

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        from corridor.routes.vessels import vessel_help

        for param in self.params:
            if param.name == "vessel":
                param.help = f"{VESSEL_HELP} Classes: {vessel_help()}."  # type: ignore[attr-defined]
        super().format_help(ctx, formatter)


class PlaceCommand(VesselCommand):
    """A command whose arguments may be positions west or south: "-93.87,29.73".

    Click takes any token starting with "-" for an option. Unknown option-like tokens are
    kept as arguments (``ignore_unknown_options``), but only those that read as negative
    numbers: anything else that looks like an option and is not one is still refused.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        settings = dict(kwargs.pop("context_settings", None) or {})
        settings["ignore_unknown_options"] = True
        super().__init__(*args, context_settings=settings, **kwargs)

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if getattr(param, "param_type_name", "") == "option":
                flag = bool(getattr(param, "is_flag", False) or getattr(param, "count", False))
                for name in (*param.opts, *param.secondary_opts):
                    takes_value[name] = not flag
        skip = False
        for token in args:
            if skip:
                skip = False
                continue
            if token == "--":
                break
            name = token.split("=", 1)[0]
            if name in takes_value:
                skip = takes_value[name] and "=" not in token
            elif token.startswith("-") and len(token) > 1 and not _NUMBER.match(token):
                near = difflib.get_close_matches(name, list(takes_value), n=1)
                ctx.fail(
                    f"No such option: {name}" + (f" (did you mean {near[0]}?)" if near else "")
                )
        return super().parse_args(ctx, args)
