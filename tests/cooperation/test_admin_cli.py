"""``corridor admin``: every ``Example:`` of its help runs, in order, on one store; tokens
are printed once; incidents read and exported through the CLI leave audit entries."""

from __future__ import annotations

import csv
import json
import re
import shlex
from pathlib import Path

import typer

from corridor.commands.admin import app as admin_app
from tests.cli import run

FIXTURES = Path(__file__).parents[1] / "events" / "fixtures"
REPORTS = FIXTURES / "generic" / "reports.csv"
PARTNER_BUNDLE = FIXTURES / "stix" / "foreign-bundle.json"  # one GREEN incident: all read it
SAMPLE_TOKEN_ID = "3f9a0c1b2d4e"  # the revoke example's id: replaced by the issued one


def _examples() -> list[str]:
    found = []

    def walk(group: typer.core.TyperGroup) -> None:
        for command in group.commands.values():
            if isinstance(command, typer.core.TyperGroup):
                walk(command)
            else:
                found.extend(re.findall(r"^\s*Example: (corridor .*)$", command.help or "", re.M))

    command = typer.main.get_command(admin_app)
    assert isinstance(command, typer.core.TyperGroup)
    walk(command)
    return found


def test_every_help_example_runs(cli_store: Path) -> None:
    examples = _examples()
    assert len(examples) >= 15
    assert run("admin", "org", "add", "uz-mvd", "--name", "MVD", "--kind", "law_enforcement",
               "--country", "Uzbekistan")[0] == 0  # fmt: skip
    assert run("admin", "group", "add", "pipeline-pair", "--name", "pair", "--owner",
               "uz-mvd")[0] == 0  # fmt: skip
    assert run("incidents", "import", str(PARTNER_BUNDLE), "--from", "cert-ua")[0] == 0
    issued = ""
    order = ["org add", "org list", "user add", "user list", "token issue", "token revoke",
             "token list", "group add ", "group add-member", "group list", "trust set",
             "trust list", "trust clear", "audit"]  # fmt: skip
    ranked = sorted(
        examples, key=lambda e: next(n for n, p in enumerate(order) if f"admin {p}" in e)
    )
    for example in ranked:
        line = example.replace(SAMPLE_TOKEN_ID, issued[4:16]) if issued else example
        code, out, err = run(*shlex.split(line)[1:])
        assert code == 0, f"{example}: {err}"
        if "token issue" in example:
            issued = out.strip()
            assert issued.startswith("cst_") and "not shown again" in err


def test_incidents_read_through_the_cli_are_audited(cli_store: Path) -> None:
    assert run("incidents", "import", str(REPORTS))[0] == 0
    assert run("incidents", "list", "--country", "KAZ")[0] == 0
    assert run("incidents", "export", "--format", "csv", "-o", str(cli_store / "out.csv"))[0] == 0
    _, out, _ = run("admin", "audit", "--json")
    entries = json.loads(out)
    assert [(e["action"], e["organization"]) for e in entries[:2]] == [
        ("export", "org-a"),
        ("read", "org-a"),
    ]
    with (cli_store / "out.csv").open(newline="", encoding="utf-8") as handle:
        exported = sum(1 for _ in csv.DictReader(handle))
    assert entries[0]["count"] == exported
    assert json.loads(entries[1]["detail"])["countries"] == ["KAZ"]


def test_a_token_list_never_shows_a_token(cli_store: Path) -> None:
    run("admin", "org", "add", "kz-mvd", "--name", "MVD", "--kind", "ministry", "--country", "KZ")
    run("admin", "user", "add", "aigerim", "--org", "kz-mvd", "--role", "viewer")
    _, out, _ = run("admin", "token", "issue", "aigerim")
    token = out.strip()
    listed = run("admin", "token", "list", "--json")[1]
    assert token not in listed and json.loads(listed)[0]["state"] == "active"


def test_trust_set_through_the_cli_shows_in_the_explanation(cli_store: Path) -> None:
    """org-a imports a partner's bundle (a GREEN attack by Gwadar) as cert-ua, rates
    cert-ua, and its explanation of the port's exposure says the weight applied."""
    from datetime import date

    from corridor.events.importers.stix import write_stix
    from corridor.events.model import Incident, Tlp

    attack = Incident(source="report", source_id="g-1", title="Attack by Gwadar port",
                      start_date=date(2024, 5, 1), threat_class="terrorism", longitude=62.35,
                      latitude=25.13, country="PAK", tlp=Tlp.GREEN)  # fmt: skip
    bundle = cli_store / "partner.json"
    with bundle.open("w", encoding="utf-8") as handle:
        write_stix([attack], handle, producer="CERT-UA")
    run("admin", "org", "add", "org-a", "--name", "A", "--kind", "ministry", "--country", "PAK")
    assert run("incidents", "import", str(bundle), "--from", "cert-ua")[0] == 0
    code, out, err = run("admin", "trust", "set", "stix:cert-ua", "D", "--json")
    assert code == 0, err
    assert json.loads(out) | {"updated": ""} == {
        "organization": "org-a", "source": "stix:cert-ua", "level": "D",
        "meaning": "not usually reliable", "weight": 0.25, "set_by": "org-a", "updated": "",
    }  # fmt: skip
    code, out, err = run("risk", "explain", "port-gwadar", "--as-of", "2024", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert found["trust"] == {"stix:cert-ua": 0.25} and found["trust_of_other_sources"] == 1.0
    (part,) = found["top_incidents"]
    assert (part["title"], part["source"], part["trust"]) == (attack.title, "stix:cert-ua", 0.25)
    code, out, err = run("risk", "explain", "port-gwadar", "--as-of", "2024")
    assert code == 0 and "stix:cert-ua" in out and "0.25" in out
    _, listed, _ = run("admin", "trust", "list", "--json")
    assert [row["source"] for row in json.loads(listed)] == ["stix:cert-ua"]
