"""``corridor webhooks`` and ``corridor worker`` as a user types them: every help example
runs in order (their URLs pointed at a real receiver), with output for people and --json."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import typer

from corridor.cli import app
from corridor.delivery import verify
from tests.cli import run
from tests.delivery.receiver import Receiver

ORGS = (
    ("admin", "org", "add", "pipechina", "--name", "PipeChina", "--kind", "operator"),
    ("admin", "org", "add", "kz-mvd", "--name", "MVD", "--kind", "law_enforcement"),
)


def _examples(*path: str) -> list[str]:
    group = typer.main.get_command(app)
    for name in path:
        group = group.commands[name]  # type: ignore[attr-defined]
    texts = [c.help or "" for c in getattr(group, "commands", {}).values()] or [group.help or ""]
    return [m for t in texts for m in re.findall(r"Example: (corridor .*)$", t, re.MULTILINE)]


def test_the_webhooks_examples_run_in_order(cli_store: Path, receiver: Receiver) -> None:
    for org in ORGS:
        assert run(*org)[0] == 0
    examples = _examples("webhooks")
    order = ("add", "list", "test", "deliveries", "remove")
    examples.sort(key=lambda e: order.index(e.split()[2]))
    secrets = []
    for example in examples:
        line = re.sub(r"https://\S+", receiver.url, example)
        code, stdout, stderr = run(*shlex.split(line)[1:])
        assert code == 0, (line, stderr)
        assert "Traceback" not in stderr and (stdout.strip() or stderr.strip())
        if " add " in line:
            secrets.append(stdout.strip())
    assert len(secrets) == 2 and all(s.startswith("cwh_") for s in secrets)
    (got,) = receiver.received  # `webhooks test 1` reached the receiver, signed with webhook 1's
    assert verify(secrets[0], got.headers["X-Corridor-Signature"], got.body)
    code, stdout, _ = run("webhooks", "list", "--removed", "--json")
    listed = json.loads(stdout)
    assert [(w["id"], w["active"], w["delivered"]) for w in listed] == [(1, False, 1), (2, True, 0)]
    assert not any(s in stdout for s in secrets)


def test_add_prints_the_secret_alone_on_stdout(cli_store: Path, receiver: Receiver) -> None:
    run(*ORGS[0])
    code, stdout, stderr = run("webhooks", "add", receiver.url, "--org", "pipechina")
    assert code == 0 and re.fullmatch(r"cwh_[0-9a-f]{64}\n", stdout)
    assert "copy the secret now" in stderr
    code, stdout, _ = run("webhooks", "add", receiver.url, "--org", "pipechina", "--event",
                          "alert.*", "--json")  # fmt: skip
    made = json.loads(stdout)
    assert made["events"] == ["alert.*"] and made["secret"].startswith("cwh_")


def test_a_test_that_fails_exits_1_and_says_why(cli_store: Path, receiver: Receiver) -> None:
    run(*ORGS[0])
    run("webhooks", "add", receiver.url, "--org", "pipechina")
    receiver.status = 500
    code, _, stderr = run("webhooks", "test", "1", "--timeout", "2")
    assert code == 1 and "HTTP 500" in stderr and "dead webhook.test" in stderr
    code, stdout, _ = run("webhooks", "deliveries", "1", "--json")
    (delivery,) = json.loads(stdout)
    assert delivery["status"] == "dead" and delivery["last_error"] == "HTTP 500: ok"


def test_worker_once_sends_what_is_due_and_says_so(cli_store: Path, receiver: Receiver) -> None:
    from datetime import UTC, datetime

    from corridor.delivery import enqueue
    from corridor.store import open_store

    run(*ORGS[0])
    run("webhooks", "add", receiver.url, "--org", "pipechina")
    store = open_store(f"sqlite:///{cli_store / 'cli.sqlite'}")
    with store.begin() as connection:
        made = enqueue(connection, organization="pipechina", event="alert.raised",
                       payload={"alert": 1}, now=datetime.now(UTC))  # fmt: skip
    store.dispose()
    code, stdout, stderr = run("worker", "--once")
    assert code == 0 and stdout == ""
    assert f"delivered alert.raised {made[0]}" in stderr and "1 delivered, 0 to retry" in stderr
    assert receiver.delivered() == {made[0]: 1}
    code, _, stderr = run("worker", "--once", "--quiet")
    assert code == 0 and "0 attempt(s)" in stderr


def test_the_worker_help_shows_examples() -> None:
    code, stdout, _ = run("worker", "--help")
    assert code == 0 and "Example: corridor worker --once" in " ".join(stdout.split())
    assert len(_examples("worker")) == 3


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--timeout", "10", "--lease", "5"), "at least the timeout"),
        (("--retry-base", "10", "--retry-cap", "5"), "at least the base"),
    ],
)
def test_worker_options_that_cannot_work_are_one_line(
    cli_store: Path, args: tuple[str, ...], says: str
) -> None:
    run(*ORGS[0])
    code, _, stderr = run("worker", "--once", *args)
    assert code == 1 and says in stderr and "Traceback" not in stderr
