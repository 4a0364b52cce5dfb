"""Positions west or south typed as arguments: the parser keeps them, options go anywhere."""

from __future__ import annotations

from typing import Annotated

import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from corridor.commands.routes.app import PlaceCommand

app = typer.Typer()
seen: list[tuple[str, str, bool, float]] = []


@app.command(cls=PlaceCommand)
def voyage(
    origin: str,
    destination: str,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    speed: Annotated[float, typer.Option("--speed")] = 14.0,
) -> None:
    seen.append((origin, destination, as_json, speed))


@app.command()
def other() -> None:  # a second command, so that ``voyage`` is named on the command line
    """Unused."""


positions = st.tuples(
    st.floats(-180, 180, allow_nan=False), st.floats(-90, 90, allow_nan=False)
).map(lambda p: f"{p[0]:.4f},{p[1]:.4f}")
names = st.sampled_from(["Tokyo", "port-gwadar", "CNSHA"])


@given(
    origin=positions | names,
    destination=positions | names,
    where=st.permutations(["A", "B", "--json", "--speed"]).filter(
        lambda order: order.index("A") < order.index("B")
    ),
)
def test_positions_are_arguments_wherever_the_options_are(
    origin: str, destination: str, where: list[str]
) -> None:
    args: list[str] = []
    for token in where:
        args += {"A": [origin], "B": [destination], "--json": ["--json"]}.get(
            token, ["--speed", "-3.5"]
        )
    seen.clear()
    result = CliRunner().invoke(app, ["voyage", *args])
    assert result.exit_code == 0, result.output
    assert seen == [(origin, destination, True, -3.5)]


def test_a_mistyped_option_is_still_refused() -> None:
    result = CliRunner().invoke(app, ["voyage", "-93.87,29.73", "Tokyo", "--jsn"])
    assert result.exit_code == 2
    assert "No such option: --jsn (did you mean --json?)" in result.output
    result = CliRunner().invoke(app, ["voyage", "-x", "Tokyo"])
    assert result.exit_code == 2 and "No such option: -x" in result.output
