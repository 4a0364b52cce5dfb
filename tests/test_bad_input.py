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
    text = (FIXTURES / "generic" / "reports.csv").read_text(encoding="utf-8")
    (tmp / "utf16.csv").write_bytes(text.encode("utf-16"))


def _existing_output(tmp: Path) -> None:
    (tmp / "taken.csv").write_text("keep me\n")


def _bracket_json(tmp: Path) -> None:
    (tmp / "brackets.json").write_text('[{"source": "x", "title": "[bold]oops[/bold]"')


def _bad_indicators(tmp: Path) -> None:
    (tmp / "indicators.csv").write_text("nation,score\nKAZ,1\n")


def _bad_profile(tmp: Path) -> None:
    (tmp / "profile.yaml").write_text("name: mine\nversion: 1\nexposure:\n  radius_km: -5\n")


def _bad_assets(tmp: Path) -> None:
    feature = '{"type": "Feature", "properties": {"id": "mine", "criticality": "vital"}, '
    feature += '"geometry": {"type": "Point", "coordinates": [44, 12]}}'
    (tmp / "assets.geojson").write_text(
        f'{{"type": "FeatureCollection", "features": [\n{feature}\n]}}'
    )


PREPARE = {
    f.__name__.lstrip("_"): f
    for f in (
        _truncated_gzip, _utf16_csv, _existing_output, _bracket_json, _bad_indicators,
        _bad_profile, _bad_assets,
    )
}  # fmt: skip


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
    Case(
        "import a truncated gzip",
        ("incidents", "import", "{tmp}/cut.csv.gz"),
        "cut.csv.gz",
        prepare="truncated_gzip",
    ),
    Case(
        "import UTF-16 without saying so",
        ("incidents", "import", "{tmp}/utf16.csv"),
        "utf-16",
        prepare="utf16_csv",
    ),
    Case(
        "import: brackets in the error are shown, not eaten",
        ("incidents", "import", "{tmp}/brackets.json", "--format", "json"),
        "brackets.json",
        prepare="bracket_json",
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
    Case("list --since not a date", ("incidents", "list", "--since", "2011-13"), "not a date", 2),
    Case("list --until not a date", ("incidents", "list", "--until", "soon"), "not a date", 2),
    Case(
        "list --country unknown name",
        ("incidents", "list", "--country", "Kazakstan"),
        "did you mean 'Kazakhstan'",
        2,
    ),
    Case("list --country unknown code", ("incidents", "list", "--country", "XXX"), "XXX", 2),
    Case("list --class unknown", ("incidents", "list", "--class", "piracyy"), "piracyy", 2),
]

RISK = [
    Case("risk without a store", ("risk", "assets"), "no database at", store=False),
    Case("--as-of not a date", ("risk", "assets", "--as-of", "2011-13-01"), "not a date", 2),
    Case(
        "--class unknown",
        ("risk", "countries", "--class", "pirates"),
        "Invalid value for '--class': threat class 'pirates' is unknown",
        2,
    ),
    Case(
        "explain an unknown asset",
        ("risk", "explain", "port-gwadr"),
        "asset or country 'port-gwadr' is unknown; did you mean 'port-gwadar'",
        2,
    ),
    Case(
        "explain an unknown country",
        ("risk", "explain", "Somalya"),
        "asset or country 'Somalya' is unknown; did you mean 'Somalia'",
        2,
    ),
    Case(
        "explain a country without a score",
        ("risk", "explain", "ATA", "--as-of", "2011"),
        "ATA: no incidents in the window",
    ),
    Case(
        "--route names an unknown asset",
        ("risk", "corridors", "--route", "port-gwadar,nowhere"),
        "--route: asset or country 'nowhere' is unknown",
        2,
    ),
    Case("--route names nothing", ("risk", "corridors", "--route", " , "), "at least one", 2),
    Case(
        "--indicators missing",
        ("risk", "countries", "--indicators", "{tmp}/missing.csv"),
        "missing.csv: no such indicator file",
    ),
    Case(
        "--indicators not an indicator file",
        ("risk", "corridors", "--indicators", "{tmp}/indicators.csv"),
        "indicators.csv:1: field 'header'",
        prepare="bad_indicators",
    ),
    Case(
        "--profile with a bad value",
        ("risk", "assets", "--profile", "{tmp}/profile.yaml"),
        "profile.yaml:4: exposure.radius_km",
        prepare="bad_profile",
    ),
    Case(
        "--assets with a bad feature",
        ("risk", "assets", "--assets", "{tmp}/assets.geojson"),
        "assets.geojson:2: feature 1: criticality",
        prepare="bad_assets",
    ),
    Case(
        "backtest --train-until not a date",
        ("risk", "backtest", "--train-until", "last year"),
        "not a date",
        2,
    ),
    Case(
        "--map into a missing folder",
        ("risk", "assets", "--as-of", "2024", "--map", "{tmp}/no/such/map.png"),
        "no folder",
    ),
    Case("--map not a picture", ("risk", "countries", "--map", "{tmp}/map.txt"), ".png"),
    Case(
        "profile --write onto an existing file",
        ("risk", "profile", "--write", "{tmp}/taken.csv"),
        "--force",
        prepare="existing_output",
    ),
    Case(
        "profile --write into a missing folder",
        ("risk", "profile", "--write", "{tmp}/no/such/mine.yaml"),
        "no folder",
    ),
]

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
