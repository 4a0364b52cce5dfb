"""``corridor incidents report|list|export --server``: the command line against a real
server (uvicorn on 127.0.0.1), with parties and tokens made through the library. What it
prints is what it prints against the server's store read directly, for the same
organization; what goes wrong is one line naming the server."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from corridor.atlas import Atlas
from corridor.cooperation.services import revoke_token
from corridor.store import open_store
from tests.cli import run
from tests.server import ADMIN, add_parties, corridor_server

ORGANIZATIONS = {"kz-mvd": "KAZ", "uz-mvd": "UZB", "tr-police": "TUR"}
USERS = {  # name: (organization, role)
    "aigerim": ("kz-mvd", "reporter"),
    "bekzod": ("uz-mvd", "viewer"),
    "emre": ("tr-police", "viewer"),
    "revoked": ("uz-mvd", "viewer"),
}
GROUPS = {"pair": ("kz-mvd", "uz-mvd")}


@dataclass
class Platform:
    url: str
    store_url: str
    tokens: dict[str, str]  # user -> token


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory, atlas: Atlas) -> Iterator[Platform]:
    store_url = f"sqlite:///{tmp_path_factory.mktemp('cli-server') / 'server.sqlite'}"
    store = open_store(store_url, create=True)
    tokens = add_parties(store, atlas, ORGANIZATIONS, USERS, GROUPS)
    revoke_token(store, ADMIN, tokens["revoked"])
    store.dispose()
    with corridor_server(store_url, atlas) as url:
        yield Platform(url, store_url, tokens)


@pytest.fixture
def as_user(
    platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], None]:
    """Run the commands from an empty folder with a user's token in $CORRIDOR_TOKEN."""
    monkeypatch.chdir(tmp_path)

    def become(user: str) -> None:
        monkeypatch.setenv("CORRIDOR_TOKEN", platform.tokens[user])

    return become


def report(platform: Platform, source_id: str, tlp: str, *more: str) -> tuple[int, str, str]:
    return run("incidents", "report", "--server", platform.url, "--id", source_id,
               "--title", f"Pipeline sabotage {source_id}", "--date", "2024-05-02",
               "--class", "infrastructure_attack", "--country", "KAZ", "--at", "66.74,39.51",
               "--tlp", tlp, *more)  # fmt: skip


def listed(platform: Platform, *filters: str) -> set[str]:
    code, stdout, stderr = run("incidents", "list", "--server", platform.url, "--limit", "1000",
                               "--json", *filters)  # fmt: skip
    assert code == 0, stderr
    return {record["source_id"] for record in json.loads(stdout)}


def one_line(stderr: str) -> str:
    """The error line, after checking it is the only line and no traceback."""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_report_is_listed_as_the_store_itself_lists_it(
    platform: Platform, as_user: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user("aigerim")
    for n in range(4):
        code, stdout, stderr = report(platform, f"same-{n}", "amber")
        assert code == 0, stderr
    assert "Reported as kz-mvd (TLP:AMBER)" in stdout and "same-3" in stdout
    assert {f"same-{n}" for n in range(4)} <= listed(platform)
    # The same organization reading the server's store directly sees the same, printed alike.
    monkeypatch.setenv("CORRIDOR_ORGANIZATION", "kz-mvd")
    for view in ([], ["--json"], ["--limit", "2", "--offset", "1", "--sort", "oldest"]):
        args = ("incidents", "list", "--country", "KAZ", *view)
        over_http = run(*args, "--server", platform.url)
        direct = run("--db", platform.store_url, *args)
        assert over_http[0] == direct[0] == 0, over_http[2] + direct[2]
        assert over_http[1] == direct[1] and over_http[1].strip()
        assert over_http[2] == direct[2]  # the same notes on stderr: rows, next page


def test_a_report_prints_what_a_report_to_a_store_prints(
    platform: Platform, as_user: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user("aigerim")
    monkeypatch.setenv("CORRIDOR_ORGANIZATION", "kz-mvd")
    for view in ([], ["--json"]):
        args = ("--id", f"alike{len(view)}", "--title", "Alike", "--date", "2024-06",
                "--class", "terrorism", "--fatalities", "2", "--tlp", "red", *view)  # fmt: skip
        over_http = run("incidents", "report", *args, "--server", platform.url)
        direct = run("--db", "mine.sqlite", "incidents", "report", *args)
        assert over_http[0] == direct[0] == 0, over_http[2] + direct[2]
        assert over_http[1:] == direct[1:] and "alike" in over_http[1]


def test_a_report_from_a_file_as_json_says_what_was_stored(
    platform: Platform, as_user: Callable[[str], None]
) -> None:
    as_user("aigerim")
    file = Path(__file__).parent / "events" / "fixtures" / "generic" / "report.json"
    code, stdout, stderr = run("incidents", "report", str(file), "--tlp", "amber+strict",
                               "--share-with", "pair", "--server", platform.url,
                               "--json")  # fmt: skip
    assert code == 0, stderr
    stored = json.loads(stdout)
    assert stored["source_id"] == "KZ-2024-0031" and stored["reporter"] == "kz-mvd"
    assert stored["tlp"] == "amber+strict" and stored["shared_with"] == ["pair"]
    assert stored["uuid"] and stored["country"] == "UZB"


def test_export_over_http_is_the_stores_export_and_imports_again(
    platform: Platform, as_user: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user("aigerim")
    assert report(platform, "exported", "green")[0] == 0
    code, _, stderr = run("incidents", "export", "--format", "csv", "--server", platform.url,
                          "-o", "over-http.csv")  # fmt: skip
    assert code == 0, stderr
    assert stderr.startswith("exported ") and "incidents to over-http.csv" in stderr
    monkeypatch.setenv("CORRIDOR_ORGANIZATION", "kz-mvd")
    direct = run("--db", platform.store_url, "incidents", "export", "--format", "csv",
                 "-o", "direct.csv")  # fmt: skip
    assert direct[0] == 0 and direct[2] == stderr.replace("over-http.csv", "direct.csv")
    assert Path("over-http.csv").read_bytes() == Path("direct.csv").read_bytes()
    # The CSV is the incident format: it reads back as the same incidents.
    code, _, stderr = run("--db", "again.sqlite", "incidents", "import", "over-http.csv")
    assert code == 0, stderr
    code, stdout, _ = run("--db", "again.sqlite", "incidents", "list", "--limit", "1000",
                          "--json")  # fmt: skip
    assert {r["source_id"] for r in json.loads(stdout)} == listed(platform)
    for fmt in ("geojson", "stix"):
        code, stdout, stderr = run("incidents", "export", "--format", fmt, "--server",
                                   platform.url)  # fmt: skip
        assert code == 0 and json.loads(stdout), stderr


def test_what_a_token_reads_follows_the_sharing_rules(
    platform: Platform, as_user: Callable[[str], None]
) -> None:
    as_user("aigerim")
    assert report(platform, "amber-own", "amber")[0] == 0
    assert report(platform, "amber-pair", "amber", "--share-with", "pair")[0] == 0
    assert report(platform, "clear", "clear")[0] == 0
    assert {"amber-own", "amber-pair", "clear"} <= listed(platform)
    as_user("bekzod")  # Uzbekistan's police, in the group "pair"
    seen = listed(platform)
    assert "amber-pair" in seen and "clear" in seen and "amber-own" not in seen
    as_user("emre")  # Turkey's police: in no group with kz-mvd
    seen = listed(platform)
    assert "clear" in seen and not {"amber-own", "amber-pair"} & seen
    code, stdout, _ = run("incidents", "export", "--format", "csv", "--server", platform.url)
    assert code == 0 and "amber-pair" not in stdout and "clear" in stdout


def test_a_refused_token_is_one_line_naming_the_server(
    platform: Platform, as_user: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    for token in ("cst_not-one-of-ours", platform.tokens["revoked"]):
        monkeypatch.setenv("CORRIDOR_TOKEN", token)
        code, stdout, stderr = run("incidents", "list", "--server", platform.url)
        assert code == 1 and stdout == ""
        line = one_line(stderr)
        assert platform.url in line and "refused the token in $CORRIDOR_TOKEN" in line
    as_user("bekzod")  # a viewer may read, not report
    code, _, stderr = report(platform, "by-a-viewer", "green")
    line = one_line(stderr)
    assert code == 1 and platform.url in line and "lacks the role" in line
    assert "needs report" in line


def test_a_server_that_is_not_there_is_one_line_naming_it(
    as_user: Callable[[str], None],
) -> None:
    as_user("aigerim")
    with socket.socket() as taken:  # bound, never listening: connections are refused
        taken.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{taken.getsockname()[1]}"
        for args in (("list",), ("export", "--format", "csv", "-o", "out.csv")):
            code, stdout, stderr = run("incidents", *args, "--server", url)
            assert code == 1 and stdout == ""
            assert (
                one_line(stderr) == f"error: cannot reach the server at {url} (connection refused)"
            )
    assert not Path("out.csv").exists()


def test_what_the_server_refuses_is_relayed_and_nothing_is_stored(
    platform: Platform, as_user: Callable[[str], None]
) -> None:
    as_user("aigerim")
    code, _, stderr = run("incidents", "list", "--server", platform.url, "--class", "piracyy")
    line = one_line(stderr)
    assert code == 2 and platform.url in line and "did you mean 'piracy'" in line
    code, _, stderr = report(platform, "to-nobody", "amber", "--share-with", "no-such-group")
    line = one_line(stderr)
    assert code == 2 and "sharing group 'no-such-group' is unknown" in line
    assert "to-nobody" not in listed(platform)  # the report and its sharing, or neither


def test_the_environment_names_the_server_and_db_names_a_store(
    platform: Platform, as_user: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user("aigerim")
    monkeypatch.setenv("CORRIDOR_SERVER", platform.url)
    code, stdout, stderr = run("incidents", "list", "--json")
    assert code == 0 and isinstance(json.loads(stdout), list), stderr
    code, _, stderr = run("--db", "elsewhere.sqlite", "incidents", "list")  # --db wins
    assert code == 1 and "no database at" in stderr
    code, _, stderr = run("--db", "elsewhere.sqlite", "incidents", "list", "--server",
                          platform.url)  # fmt: skip
    assert code == 2 and "--db names a store and --server a server" in one_line(stderr)
    monkeypatch.setenv("CORRIDOR_SERVER", "localhost:8000")
    code, _, stderr = run("incidents", "list")
    assert code == 1 and "CORRIDOR_SERVER: 'localhost:8000' is not a server address" in stderr
