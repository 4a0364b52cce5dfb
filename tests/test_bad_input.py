"""Every bad input a user can type or feed in, as one table: one clear line, the right exit
code, no traceback, and nothing changed in the store or the working folder.

To add a case, add a ``Case`` to the section of its capability. Placeholders in the
arguments: ``{tmp}`` is the test's empty working folder, ``{fixtures}`` the folder of
small real files under tests/events/fixtures, ``{db}`` the store's file.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli import run

FIXTURES = Path(__file__).parent / "events" / "fixtures"
REPORTS = FIXTURES / "generic" / "reports.json"


@dataclass(frozen=True)
class Case:
    """``corridor ARGS`` must exit ``code`` and say ``says`` (case-insensitive) on stderr."""

    id: str
    args: tuple[str, ...]
    says: str
    code: int = 1
    store: bool = True  # run against a store holding the generic reports; else no store at all
    prepare: str | None = None  # the name of a function below that writes input files into {tmp}


# --------------------------------------------------------------------------- inputs made on demand


def _truncated_gzip(tmp: Path) -> None:
    whole = gzip.compress((FIXTURES / "generic" / "reports.csv").read_bytes())
    (tmp / "cut.csv.gz").write_bytes(whole[: len(whole) // 2])


def _utf16_csv(tmp: Path) -> None:
    """UTF-16 without a byte-order mark (with one, it imports: see test_cli_incidents)."""
    text = (FIXTURES / "generic" / "reports.csv").read_text(encoding="utf-8")
    (tmp / "utf16.csv").write_bytes(text.encode("utf-16-le"))


def _latin1_csv(tmp: Path) -> None:
    text = (FIXTURES / "generic" / "reports.csv").read_text(encoding="utf-8")
    (tmp / "latin1.csv").write_bytes(text.replace("attack", "attaqué").encode("latin-1"))


def _json_comma_on_line_51(tmp: Path) -> None:
    record = '{"source": "x", "source_id": "%d", "title": "t", "start_date": "2024-01-01"}'
    lines = ['{"incidents": [', *(record % n + "," for n in range(49))]
    lines += [record.replace("}", ",}") % 49, "]}"]  # a trailing comma inside line 51
    (tmp / "comma.json").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _binary_file(tmp: Path) -> None:
    (tmp / "image.csv").write_bytes(bytes(range(256)) * 4)


def _not_gzip(tmp: Path) -> None:
    (tmp / "plain.csv.gz").write_bytes((FIXTURES / "generic" / "reports.csv").read_bytes())


def _existing_output(tmp: Path) -> None:
    (tmp / "taken.csv").write_text("keep me\n")


def _bracket_json(tmp: Path) -> None:
    (tmp / "brackets.json").write_text('[{"source": "x", "title": "[bold]oops[/bold]"')


PREPARE = {
    f.__name__.lstrip("_"): f
    for f in (
        _truncated_gzip,
        _utf16_csv,
        _latin1_csv,
        _existing_output,
        _bracket_json,
        _json_comma_on_line_51,
        _binary_file,
        _not_gzip,
    )
}


# --------------------------------------------------------------------------- the table

GENERAL = [
    Case("read without a store", ("incidents", "list"), "no database at", store=False),
    Case("stats without a store", ("incidents", "stats"), "corridor demo", store=False),
    Case(
        "--db in a missing folder",
        ("--db", "{tmp}/no/such/x.sqlite", "incidents", "import", str(REPORTS)),
        "no folder",
    ),
    Case("--db not a URL", ("--db", "nosuch://x", "incidents", "list"), "unsupported database"),
    Case("--db a folder", ("--db", "{tmp}", "incidents", "list"), "is a folder"),
    Case(
        "--db unreachable PostgreSQL",
        ("--db", "postgresql://nobody@127.0.0.1:1/x", "incidents", "list"),
        "cannot reach the database",
    ),
    Case(
        "--db not a database file",
        ("--db", str(REPORTS), "incidents", "list"),
        "not an sqlite database",
    ),
    Case("--atlas-dir missing", ("--atlas-dir", "{tmp}/nope", "atlas", "countries"), "nope", 2),
]

ATLAS: list[Case] = []

INCIDENTS = [
    Case("import a missing file", ("incidents", "import", "{tmp}/nothing.csv"), "nothing.csv"),
    Case("import a folder", ("incidents", "import", "{tmp}"), "is a folder"),
    Case(
        "import a truncated gzip",
        ("incidents", "import", "{tmp}/cut.csv.gz"),
        "cut.csv.gz: the gzip file is truncated",
        prepare="truncated_gzip",
    ),
    Case(
        "import a .gz that is not gzip",
        ("incidents", "import", "{tmp}/plain.csv.gz"),
        "plain.csv.gz: the gzip file is truncated or damaged",
        prepare="not_gzip",
    ),
    Case(
        "import UTF-16 without a byte-order mark",
        ("incidents", "import", "{tmp}/utf16.csv"),
        "utf-16",
        prepare="utf16_csv",
    ),
    Case(
        "import Latin-1 text",
        ("incidents", "import", "{tmp}/latin1.csv"),
        "is not utf-8 text (byte 0xe9 on line",
        prepare="latin1_csv",
    ),
    Case(
        "import a binary file",
        ("incidents", "import", "{tmp}/image.csv"),
        "not a text file",
        prepare="binary_file",
    ),
    Case(
        "import: brackets in the error are shown, not eaten",
        ("incidents", "import", "{tmp}/brackets.json", "--format", "json"),
        "brackets.json: line 1, column 46: is not valid json (premature eof)",
        prepare="bracket_json",
    ),
    Case(
        "import JSON broken on line 51 says line 51",
        ("incidents", "import", "{tmp}/comma.json"),
        "comma.json: line 51,",
        prepare="json_comma_on_line_51",
    ),
    Case(
        "import --format unknown",
        ("incidents", "import", str(REPORTS), "--format", "jsn"),
        "did you mean 'json'",
        2,
    ),
    Case(
        "import --rejects into a missing folder",
        ("incidents", "import", str(REPORTS), "--rejects", "{tmp}/no/such"),
        "no such folder",
    ),
    Case(
        "export onto an existing file",
        ("incidents", "export", "--format", "csv", "-o", "{tmp}/taken.csv"),
        "--force",
        prepare="existing_output",
    ),
    Case(
        "export into a missing folder",
        ("incidents", "export", "--format", "csv", "-o", "{tmp}/no/such/out.csv"),
        "no folder",
    ),
    Case("export --format unknown", ("incidents", "export", "--format", "xml"), "xml", 2),
    Case(
        "stats --chart onto an existing file",
        ("incidents", "stats", "--chart", "{tmp}/taken.csv"),
        "--force",
        prepare="existing_output",
    ),
    Case("list --since not a date", ("incidents", "list", "--since", "2011-13"), "not a date", 2),
    Case("list --until not a date", ("incidents", "list", "--until", "soon"), "not a date", 2),
    Case(
        "list --country unknown name",
        ("incidents", "list", "--country", "Kazakstan"),
        "'kazakstan' is unknown; did you mean",  # Typer's box folds the rest of the line
        2,
    ),
    Case("list --country unknown code", ("incidents", "list", "--country", "XXX"), "XXX", 2),
    Case(
        "list --class unknown",
        ("incidents", "list", "--class", "piracyy"),
        "did you mean 'piracy'",
        2,
    ),
    Case(
        "list --source unknown",
        ("incidents", "list", "--source", "ucpd"),
        "did you mean 'ucdp'",
        2,
    ),
    Case(
        "stats --source unknown lists the sources",
        ("incidents", "stats", "--source", "nonsense"),
        "choose from",
        2,
    ),
    Case("list --bbox of three numbers", ("incidents", "list", "--bbox", "1,2,3"), "WEST,SOUTH", 2),
    Case("list --bbox south above north", ("incidents", "list", "--bbox", "1,50,3,40"), "north", 2),
]

RISK: list[Case] = []

ROUTES: list[Case] = []

CASES = [*GENERAL, *ATLAS, *INCIDENTS, *RISK, *ROUTES]


# --------------------------------------------------------------------------- the check


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with a digest of its content (the store's WAL aside)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


@pytest.fixture(scope="module")
def reports_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the generic reports, made once and copied for each case."""
    folder = tmp_path_factory.mktemp("bad-input-store")
    db = folder / "store.sqlite"
    code, _, stderr = run("--db", str(db), "incidents", "import", str(REPORTS))
    assert code == 0, stderr
    return db


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_one_clear_line_and_changes_nothing(
    case: Case, tmp_path: Path, reports_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    db = tmp_path / "store" / "corridor.sqlite"
    db.parent.mkdir()
    if case.store:
        shutil.copy(reports_store, db)
    monkeypatch.setenv("CORRIDOR_DATABASE_URL", f"sqlite:///{db}")
    if case.prepare:
        PREPARE[case.prepare](work)
    before = _fingerprint(tmp_path)
    args = [a.format(tmp=work, fixtures=FIXTURES, db=db) for a in case.args]
    code, stdout, stderr = run(*args)
    assert code == case.code, f"exit {code}, expected {case.code}: {stderr or stdout}"
    assert "Traceback" not in stderr + stdout
    assert case.says.lower() in " ".join(stderr.lower().split()), stderr
    assert _fingerprint(tmp_path) == before, "a bad input changed files"
