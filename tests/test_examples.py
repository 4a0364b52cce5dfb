"""Every example we show runs: each command's ``Example:`` lines and the README's commands.

Examples name files a user would have (``ged231.csv``, ``asam.json``, ``my-ports.csv``);
each runs in a fresh folder holding small real files under those names, against a
copy of a store that holds the bundled data. An ``Example:`` line may chain commands
with ``&&``. ``corridor demo`` is left to its own test (it is the long one). Examples that
name ``--server`` run against a real server on such a store, with the parties they assume.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup

from corridor.atlas import Atlas
from corridor.cli import app
from corridor.store import open_store
from tests.cli import run
from tests.server import add_parties, corridor_server

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
FIXTURES = Path(__file__).parent / "events" / "fixtures"

# File names the examples use -> the small real file that stands in for it.
INPUTS = {
    "ged231.csv": FIXTURES / "ucdp" / "ged_full_layout.csv",
    "asam.json": FIXTURES / "asam" / "asam_api.json",
    "reports.csv": FIXTURES / "generic" / "reports.csv",
    "report.json": FIXTURES / "generic" / "report.json",
    "partner-bundle.json": FIXTURES / "stix" / "foreign-bundle.json",
    "my-assets.geojson": Path(__file__).parent / "risk" / "fixtures" / "company_assets.geojson",
}
PORTS = "name,lon,lat\nGwadar,62.33,25.12\nRotterdam,4.05,51.95\nJeddah,39.17,21.48\n"
# The demo is the long one. `corridor admin` examples build on each other (an organization,
# then its users, then their tokens), and so do `meetings` and `training` (the forum's record,
# then a meeting, then its action items): they run in order in tests/cooperation/.
LEFT_TO_THEIR_OWN_TEST = (
    "corridor demo",
    "corridor serve",  # runs until stopped: tests/api/test_serve.py starts and stops one
    "corridor admin ",
    "corridor meetings ",
    "corridor training ",
    "corridor alerts ",  # need an alert: tests/alerts/test_cli.py raises one, then runs them
    "corridor rules ",
    "corridor cases ",
    # webhooks need an organization and a receiver, and `corridor worker` runs until stopped:
    # tests/delivery/test_cli.py runs them in order against a receiver on 127.0.0.1
    "corridor webhooks ",
    "corridor worker",
)


def _commands(group: TyperGroup, path: tuple[str, ...] = ()) -> dict[str, str]:
    """Every command's path -> its help text, depth first."""
    found: dict[str, str] = {}
    for name, command in group.commands.items():
        if isinstance(command, TyperGroup):
            found |= _commands(command, (*path, name))
        else:
            found[" ".join((*path, name))] = command.help or ""
    return found


COMMANDS = _commands(typer.main.get_command(app))  # type: ignore[arg-type]
EXAMPLES = sorted(
    {
        match.group(1).strip()
        for text in COMMANDS.values()
        for match in re.finditer(r"Example: (corridor .*)$", text, re.MULTILINE)
    }
)


def _readme_lines() -> list[str]:
    """The ``corridor`` lines of the README's shell blocks in order, comments and pipes off."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL):
        for line in block.splitlines():
            command = line.split(" #")[0].split(" | ")[0].strip()
            if command.startswith("corridor "):
                lines.append(command)
    return lines


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("examples-store")
    db = folder / "corridor.sqlite"
    from corridor.datasets import BUNDLED_DATASETS, dataset_path

    for name in BUNDLED_DATASETS:
        code, _, stderr = run("--db", str(db), "incidents", "import", str(dataset_path(name)))
        assert code == 0, stderr
    return db


@pytest.fixture
def user_folder(bundled_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the user's files and a store of their own holding the bundled data."""
    work = tmp_path / "work"
    work.mkdir()
    for name, source in INPUTS.items():
        shutil.copy(source, work / name)
    (work / "my-ports.csv").write_text(PORTS)
    (work / "out").mkdir()
    db = tmp_path / "corridor.sqlite"
    shutil.copy(bundled_store, db)
    monkeypatch.setenv("CORRIDOR_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.chdir(work)
    return work


def _run_line(line: str) -> None:
    for part in line.split(" && "):
        words = shlex.split(part)
        assert words[0] == "corridor", part
        code, stdout, stderr = run(*words[1:])
        assert code == 0, f"{part!r} exited {code}: {stderr or stdout}"
        assert "Traceback" not in stderr
        assert stdout.strip() or stderr.strip(), f"{part!r} said nothing"


def test_every_command_shows_an_example() -> None:
    shown = {
        name
        for name in COMMANDS
        if any(e.startswith(f"corridor {name}") or f" {name} " in f" {e} " for e in EXAMPLES)
    }
    assert set(COMMANDS) - shown == set()


SERVER = "http://127.0.0.1:8000"  # where the examples and the README say a server is


def _own_test(example: str) -> bool:
    return example.startswith(LEFT_TO_THEIR_OWN_TEST) or f"--server {SERVER}" in example


@pytest.mark.parametrize("example", [e for e in EXAMPLES if not _own_test(e)])
def test_a_help_example_runs(example: str, user_folder: Path) -> None:
    _run_line(example)


def test_the_readme_commands_run_in_order(user_folder: Path) -> None:
    lines = [
        line
        for line in _readme_lines()
        if not line.startswith(("corridor demo", "corridor serve")) and not _own_test(line)
    ]
    assert len(lines) >= 30, lines
    for line in lines:
        _run_line(line)


def test_the_server_examples_run_against_a_server(
    user_folder: Path, atlas: Atlas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The help's and the README's ``--server`` lines, on a real server holding the bundled
    data: the help's as a reporter of kz-mvd (in the group pipeline-pair), the README's as
    farid of tj-mvd, made as the README makes him just before."""
    examples = [e for e in EXAMPLES if f"--server {SERVER}" in e]
    readme = [line for line in _readme_lines() if f"--server {SERVER}" in line]
    assert len(examples) >= 3 and len(readme) >= 3
    store_url = f"sqlite:///{user_folder.parent / 'corridor.sqlite'}"  # the user's, copied
    store = open_store(store_url)
    tokens = add_parties(store, atlas, {"kz-mvd": "KAZ", "uz-mvd": "UZB", "tj-mvd": "TJK"},
                         {"aigerim": ("kz-mvd", "reporter"), "farid": ("tj-mvd", "reporter")},
                         {"pipeline-pair": ("kz-mvd", "uz-mvd")})  # fmt: skip
    store.dispose()
    with corridor_server(store_url, atlas) as url:
        for user, lines in (("aigerim", examples), ("farid", readme)):
            monkeypatch.setenv("CORRIDOR_TOKEN", tokens[user])
            for line in lines:
                _run_line(line.replace(SERVER, url))
