"""Run the ``corridor`` command in-process, as a user would type it."""

from __future__ import annotations

from typer.testing import CliRunner

from corridor.cli import app

__all__ = ["run"]

_runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``corridor ARGS``."""
    result = _runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr
