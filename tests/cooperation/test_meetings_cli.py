"""``corridor meetings`` and ``corridor training`` as a user types them: every --help example
runs, JSON parses, sharing holds across organizations, contradictions are shown."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import typer

from corridor.commands.meetings import app as meetings_app
from corridor.commands.meetings import training_app
from tests.cli import run


def _examples() -> list[str]:
    found = []
    for group in (meetings_app, training_app):
        command = typer.main.get_command(group)
        assert isinstance(command, typer.core.TyperGroup)
        stack: list[typer.core.TyperGroup] = [command]
        while stack:
            current = stack.pop()
            for sub in current.commands.values():
                if isinstance(sub, typer.core.TyperGroup):
                    stack.append(sub)
                found += re.findall(r"^\s*Example: (corridor .*)$", sub.help or "", re.MULTILINE)
    return found


def _ok(*args: str) -> str:
    code, stdout, stderr = run(*args)
    assert code == 0, f"{args} exited {code}: {stderr or stdout}"
    assert "Traceback" not in stderr
    return stdout


def test_every_help_example_runs_in_order(cli_store: Path) -> None:
    examples = _examples()
    assert len(examples) >= 13
    order = ("load-forum", "meetings add", "actions add", "actions update", " share ", "unshare")
    ranked = sorted(examples, key=lambda e: next((i for i, o in enumerate(order) if o in e), 9))
    # the examples share with the group 'sco' of this run's organization
    _ok("admin", "org", "add", "org-a", "--name", "A", "--kind", "ministry", "--country", "KAZ")
    _ok("admin", "group", "add", "sco", "--name", "SCO states", "--mechanism", "SCO")
    for example in ranked:
        _ok(*shlex.split(example)[1:])


def test_load_list_and_show_the_forum(cli_store: Path) -> None:
    _ok("meetings", "load-forum")
    rows = json.loads(_ok("meetings", "list", "--mechanism", "LYG-FORUM", "--json"))
    annual = [r["meeting"] for r in rows if r["meeting"]["kind"] == "annual_meeting"]
    assert [(m["country_count"], m["organization_count"]) for m in annual] == [
        (12, 2), (31, 3), (33, 3), (30, 4),
    ]  # fmt: skip
    table = _ok("meetings", "list", "--since", "2017", "--until", "2017")
    assert "33 stated, 34 named" in table
    shown = _ok("meetings", "show", "lyg-2017-pipelines")
    assert "(4) strengthening the security capacity building" in " ".join(shown.split())
    detail = json.loads(_ok("meetings", "show", "lyg-2017", "--json"))
    assert detail["record"]["notes"] == ["33 countries stated, 34 listed"]
    courses = json.loads(_ok("training", "list", "--country", "BY", "--json"))
    assert [c["course"]["id"] for c in courses["courses"]] == ["lyg-training-2017-05"]
    assert courses["tallies"][0]["tally"]["participants"] == {
        "value": 400,
        "qualifier": "more_than",
    }
    assert "more than 30 courses" in _ok("training", "list")


def test_an_amber_meeting_stays_with_its_organization(
    cli_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ok("meetings", "add", "kz-cn-2024", "--title", "Border liaison", "--date", "2024-03-12",
        "--country", "Kazakhstan", "--country", "CN", "--tlp", "amber",
        "--kind", "liaison-meeting")  # fmt: skip
    _ok("meetings", "actions", "add", "kz-cn-2024", "Exchange contacts", "--owner", "org-b",
        "--deadline", "2024-04")  # fmt: skip
    overdue = json.loads(_ok("meetings", "actions", "list", "--status", "overdue", "--json"))
    assert [i["text"] for i in overdue] == ["Exchange contacts"]
    monkeypatch.setenv("CORRIDOR_ORGANIZATION", "org-b")
    assert json.loads(_ok("meetings", "list", "--json")) == []
    assert json.loads(_ok("meetings", "actions", "list", "--json")) == []
    code, _, stderr = run("meetings", "show", "kz-cn-2024")
    assert code == 2 and "meeting 'kz-cn-2024' is unknown" in stderr


def test_a_shared_meeting_and_course_reach_the_groups_members(
    cli_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for org in ("org-a", "org-b", "org-c"):
        _ok("admin", "org", "add", org, "--name", org.upper(), "--kind", "ministry")
    _ok("admin", "group", "add", "ab", "--name", "A and B")
    _ok("admin", "group", "add-member", "ab", "org-a", "org-b")
    _ok("meetings", "add", "ab-2024", "--title", "Liaison", "--date", "2024-03", "--tlp", "red")
    _ok("meetings", "actions", "add", "ab-2024", "Exchange contacts", "--owner", "org-b")
    _ok("meetings", "load-forum", "--tlp", "amber")
    shared = json.loads(_ok("meetings", "share", "ab-2024", "ab", "--json"))
    assert shared == {"kind": "meeting", "id": "ab-2024", "shared_with": ["ab"], "changed": 1}
    assert "shared with ab" in _ok("meetings", "show", "ab-2024")
    assert "shared with ab" in run("training", "share", "lyg-training-2017-05", "ab")[2]
    monkeypatch.setenv("CORRIDOR_ORGANIZATION", "org-b")
    listed = json.loads(_ok("meetings", "list", "--json"))
    assert [(m["meeting"]["id"], m["shared_with"]) for m in listed] == [("ab-2024", ["ab"])]
    assert [i["text"] for i in json.loads(_ok("meetings", "actions", "list", "--json"))] == [
        "Exchange contacts"
    ]
    courses = json.loads(_ok("training", "list", "--json"))["courses"]
    assert [c["course"]["id"] for c in courses] == ["lyg-training-2017-05"]
    monkeypatch.setenv("CORRIDOR_ORGANIZATION", "org-c")
    assert json.loads(_ok("meetings", "list", "--json")) == []
    monkeypatch.setenv("CORRIDOR_ORGANIZATION", "org-a")
    assert "shared with no group" in run("meetings", "unshare", "ab-2024", "ab")[2]
    monkeypatch.setenv("CORRIDOR_ORGANIZATION", "org-b")
    assert json.loads(_ok("meetings", "list", "--json")) == []
