"""Every example the atlas commands' ``--help`` and the README's atlas part show runs.

An ``Example:`` line may chain commands with ``&&`` (copy, then check the copy); each
example runs in a fresh folder of its own, so the files it writes never meet another's.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from corridor.commands.atlas import app as atlas_app
from tests.cli import run

README = Path(__file__).parents[2] / "README.md"


def _help_examples() -> list[str]:
    group = typer.main.get_command(atlas_app)
    assert isinstance(group, typer.core.TyperGroup)
    texts = [group.help or "", *(command.help or "" for command in group.commands.values())]
    found = [
        match.group(1).strip()
        for text in texts
        for match in re.finditer(r"^\s*Example: (corridor .*)$", text, re.MULTILINE)
    ]
    assert all(e.startswith("corridor atlas ") for e in found), found
    return found


def _readme_examples() -> list[str]:
    """The ``corridor atlas`` lines of the README's shell blocks, comments dropped."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL):
        for line in block.splitlines():
            command = line.split(" #")[0].strip()
            if command.startswith("corridor atlas "):
                lines.append(command)
    return lines


HELP_EXAMPLES = _help_examples()


def _run_line(line: str) -> None:
    for part in line.split(" && "):
        words = shlex.split(part)
        assert words[0] == "corridor", part
        code, stdout, stderr = run(*words[1:])
        assert code == 0, f"{part!r} exited {code}: {stderr or stdout}"
        assert "Traceback" not in stderr


def test_every_atlas_command_shows_an_example() -> None:
    group = typer.main.get_command(atlas_app)
    assert isinstance(group, typer.core.TyperGroup)
    shown = {e.split()[2] for e in HELP_EXAMPLES}
    assert shown == set(group.commands)


@pytest.mark.parametrize("example", HELP_EXAMPLES)
def test_a_help_example_runs(example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _run_line(example)


def test_the_readme_atlas_examples_run_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = _readme_examples()
    assert len(examples) >= 10, examples
    monkeypatch.chdir(tmp_path)
    for example in examples:
        _run_line(example)
