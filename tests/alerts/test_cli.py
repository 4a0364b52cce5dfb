"""``corridor alerts`` and ``corridor rules``: every help example runs, in order, on a
platform where a report near the gas pipeline raised an alert; bad input is one line."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import typer

from corridor.atlas import Atlas
from corridor.commands.alerts import app as alerts_app
from corridor.commands.alerts import rules_app
from corridor.commands.cases import app as cases_app
from corridor.store import open_store
from tests.alerts.test_services import report
from tests.cli import run
from tests.cooperation.conftest import build_platform

PLACEHOLDER = "0b6c2f0e"  # the examples' alert: replaced by a real one's first characters
MY_RULES = """rules:
  - id: pipeline-watch
    name: Anything within 30 km of line A
    within_km: 30
    assets: [cagp-line-a]
"""


def _examples(app: typer.Typer) -> list[str]:
    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    return [e for c in command.commands.values()
            for e in re.findall(r"^\s*Example: (corridor .*)$", c.help or "", re.M)]  # fmt: skip


@pytest.fixture
def platform_cli(cli_store: Path, atlas: Atlas, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = open_store(f"sqlite:///{cli_store / 'cli.sqlite'}", create=True)
    build_platform(store, atlas)
    report(store, atlas, 1)
    store.dispose()
    monkeypatch.setenv("CORRIDOR_ORGANIZATION", "pipechina")
    (cli_store / "my-rules.yaml").write_text(MY_RULES)
    return cli_store


def test_every_help_example_runs_in_order(platform_cli: Path) -> None:
    code, stdout, _ = run("alerts", "list", "--json")
    assert code == 0
    alert = next(a for a in json.loads(stdout) if a["asset"] == "cagp-line-a")
    order = ["alerts list", "alerts show", "alerts escalate --due", "alerts escalate 0",
             "alerts ack", "rules list", "rules add", "rules test", "rules remove"]  # fmt: skip
    examples = sorted(
        _examples(alerts_app) + _examples(rules_app),
        key=lambda e: next(n for n, p in enumerate(order) if f"corridor {p}" in e),
    )
    assert len(examples) >= 9
    for example in examples:
        words = shlex.split(example.replace(PLACEHOLDER, alert["uuid"][:8]))
        code, stdout, stderr = run(*words[1:])
        assert code == 0, (example, stdout, stderr)
        assert "Traceback" not in stderr
    code, stdout, _ = run("alerts", "show", alert["uuid"], "--json")
    shown = json.loads(stdout)
    # raised in June 2026, so long overdue: --due took a step, the example another
    assert shown["status"] == "acknowledged" and shown["level"] == 2
    kinds = [e["kind"] for e in shown["events"]]
    assert kinds == ["raised", "escalated", "escalated", "acknowledged"]


CASE_PLACEHOLDER = "5d7e1c2a"


def test_every_cases_example_runs_in_order(platform_cli: Path) -> None:
    code, stdout, _ = run("alerts", "list", "--json")
    alert = next(a for a in json.loads(stdout) if a["asset"] == "cagp-line-a")["uuid"]
    order = ["cases open --title \"Shots", "cases open", "cases list", "cases show",
             "cases task", "cases detach", "cases merge", "cases close"]  # fmt: skip
    examples = sorted(
        _examples(cases_app),
        key=lambda e: next(n for n, p in enumerate(order) if f"corridor {p}" in e),
    )
    assert len(examples) >= 8
    case = ""
    for example in examples:
        line = example.replace(PLACEHOLDER, alert[:8]).replace(CASE_PLACEHOLDER, case[:8])
        code, stdout, stderr = run(*shlex.split(line)[1:])
        assert code == 0, (example, stdout, stderr)
        if not case:
            listed = json.loads(run("cases", "list", "--json")[1])
            case = next(c["uuid"] for c in listed if c["kind"] == "case")
    shown = json.loads(run("cases", "show", case, "--json")[1])
    assert shown["status"] == "closed" and shown["alerts"] == [alert]
    assert shown["tasks"][0]["title"] == "Patrol the right of way"
    assert json.loads(run("alerts", "show", alert, "--json")[1])["status"] == "closed"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("alerts", "list", "--status", "pending"), 2, "alert status"),
        (("alerts", "show", "no-such-alert"), 2, "alert"),
        (("alerts", "escalate"), 2, "UUID or --due"),
        (("rules", "test", "no-such-rule"), 2, "alert rule"),
        (("rules", "add", "missing.yaml"), 1, "missing.yaml"),
        (("rules", "remove", "attack-near-pipeline"), 1, "bundled"),
        (("cases", "open", "--title", "x", "--kind", "drill"), 2, "case kind"),
        (("cases", "open", "--title", "x", "--with", "nobody-inc"), 2, "organization"),
        (("cases", "show", "5d7e1c2a"), 2, "case"),
        (("cases", "merge", "5d7e1c2a"), 2, "--alert"),
        (("cases", "close", "5d7e1c2a", "--summary", "done"), 2, "case"),
    ],
)
def test_bad_input_is_one_clear_line(
    platform_cli: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    got, stdout, stderr = run(*args)
    assert got == code, (stdout, stderr)
    assert message in stderr and "Traceback" not in stderr


def test_an_import_says_what_it_did_with_alerts(platform_cli: Path) -> None:
    from corridor.datasets import dataset_path

    syria = dataset_path("ged_syria_2016_2019.csv.gz")
    code, stdout, stderr = run("incidents", "import", str(syria), "--json")
    assert code == 0, stderr
    assert "older than the rules' horizon" in json.loads(stdout)["alerts"]
