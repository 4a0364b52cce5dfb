"""``corridor incidents`` as a user runs it, on a fresh SQLite store per test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.datasets import dataset_path
from tests.cli import run

FIXTURES = Path(__file__).parent / "events" / "fixtures"
REPORTS = FIXTURES / "generic" / "reports.csv"


@pytest.fixture(autouse=True)
def fresh_store(cli_store: Path) -> Path:
    return cli_store


def test_import_detects_the_format_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    code, stdout, stderr = run("incidents", "import", str(REPORTS), "--json")
    assert code == 0, stderr
    first = json.loads(stdout)
    assert (first["format"], first["inserted"], first["rejected"]) == ("csv", 3, 0)
    code, stdout, _ = run("incidents", "import", str(REPORTS), "--json")
    second = json.loads(stdout)
    assert (second["inserted"], second["unchanged"]) == (0, 3)


def test_own_reports_are_stamped_with_the_importing_organization() -> None:
    run("incidents", "import", str(REPORTS))
    code, stdout, _ = run("incidents", "list", "--json")
    assert code == 0
    assert {row["reporter"] for row in json.loads(stdout)} == {"org-a"}


def test_list_filters_and_json(tmp_path: Path) -> None:
    run("incidents", "import", str(REPORTS))
    code, stdout, _ = run("incidents", "list", "--class", "organized_crime", "--json")
    assert code == 0 and json.loads(stdout) == []
    code, stdout, _ = run("incidents", "list", "--since", "2023", "--json")
    assert {row["source_id"] for row in json.loads(stdout)} == {"KZ-2024-0017", "PK-88"}


def test_list_shows_newest_first_says_how_many_and_how_to_page() -> None:
    run("incidents", "import", str(REPORTS))
    code, stdout, stderr = run("incidents", "list", "--limit", "2")
    assert code == 0, stderr
    assert "Incidents 1-2 of 3 (newest first)" in stdout
    assert "2 of 3; next page: --offset 2" in stderr
    _, newest, _ = run("incidents", "list", "--json")
    _, oldest, _ = run("incidents", "list", "--json", "--sort", "oldest")
    days = [row["start_date"] for row in json.loads(newest)]
    assert days == sorted(days, reverse=True)
    assert json.loads(oldest) == json.loads(newest)[::-1]
    code, stdout, stderr = run("incidents", "list", "--limit", "2", "--offset", "2")
    assert "Incidents 3-3 of 3" in stdout and "next page" not in stderr


def test_list_takes_a_country_by_name() -> None:
    run("incidents", "import", str(REPORTS))
    _, by_code, _ = run("incidents", "list", "--country", "KAZ", "--json")
    code, by_name, stderr = run("incidents", "list", "--country", "Kazakhstan", "--json")
    assert code == 0, stderr
    assert json.loads(by_name) == json.loads(by_code) != []


def test_a_utf16_file_with_a_byte_order_mark_imports_as_utf8(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(REPORTS.read_text(encoding="utf-8").encode("utf-16"))
    code, stdout, stderr = run("incidents", "import", str(utf16), "--json")
    assert code == 0, stderr
    assert (json.loads(stdout)["format"], json.loads(stdout)["inserted"]) == ("csv", 3)


def test_stix_export_then_import_gives_the_same_incidents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("incidents", "import", str(REPORTS))
    bundle = tmp_path / "bundle.json"
    code, _, stderr = run("incidents", "export", "--format", "stix", "-o", str(bundle))
    assert code == 0 and "exported 3 incidents" in stderr
    _, before, _ = run("incidents", "list", "--json")
    monkeypatch.setenv("CORRIDOR_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    code, stdout, stderr = run("incidents", "import", str(bundle), "--json")
    assert code == 0, stderr
    assert json.loads(stdout)["format"] == "stix"
    _, after, _ = run("incidents", "list", "--json")
    assert json.loads(after) == json.loads(before)


def test_csv_export_then_import_gives_the_same_incidents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("incidents", "import", str(REPORTS))
    exported = tmp_path / "out.csv"
    run("incidents", "export", "--format", "csv", "-o", str(exported))
    _, before, _ = run("incidents", "list", "--json")
    monkeypatch.setenv("CORRIDOR_DATABASE_URL", f"sqlite:///{tmp_path / 'again.sqlite'}")
    code, _, stderr = run("incidents", "import", str(exported))
    assert code == 0, stderr
    _, after, _ = run("incidents", "list", "--json")
    assert json.loads(after) == json.loads(before)


def test_strict_import_names_file_line_and_field(tmp_path: Path) -> None:
    bad = FIXTURES / "generic" / "bad-reports.csv"
    rejects = tmp_path / "rejected"
    rejects.mkdir()
    code, _, stderr = run("incidents", "import", str(bad), "--strict", "--rejects", str(rejects))
    assert code == 1
    assert "bad-reports.csv:" in stderr and "field '" in stderr
    assert [p.name for p in rejects.iterdir()] == ["run-1-bad-reports.csv.rejects.csv"]


def test_each_run_has_its_own_reject_file_beside_the_database(tmp_path: Path) -> None:
    bad = FIXTURES / "generic" / "bad-reports.csv"
    first = json.loads(run("incidents", "import", str(bad), "--json")[1])
    other = tmp_path / "elsewhere"
    other.mkdir()
    copy = other / bad.name  # the same name, other content: never the same reject file
    copy.write_text(bad.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = json.loads(run("incidents", "import", str(copy), "--json")[1])
    files = [Path(first["rejects_file"]), Path(second["rejects_file"])]
    assert files[0] != files[1]
    assert [f.parent for f in files] == [tmp_path / "rejects"] * 2  # beside cli.sqlite
    assert files[0].name == f"run-{first['run_id']}-bad-reports.csv.rejects.csv"
    assert str(copy) in files[1].read_text(encoding="utf-8")  # the source path, in full
    assert not list(tmp_path.glob("*.rejects.csv"))  # nothing in the working folder


def test_a_file_of_unknown_shape_asks_for_a_format(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, stderr = run("incidents", "import", str(odd))
    assert code == 1 and "--format" in stderr


def test_piracy_off_somalia_fell_from_2011_to_2013(tmp_path: Path) -> None:
    """Seed 000 cites the IMB: piracy off Somalia fell sharply from 2011 to 2013."""
    code, _, stderr = run("incidents", "import", str(dataset_path("pirate_attacks.csv.gz")))
    assert code == 0, stderr
    horn = [arg for c in ("SOM", "YEM", "DJI", "ERI", "OMN") for arg in ("--country", c)]
    code, stdout, _ = run(
        "incidents",
        "stats",
        "--source",
        "piracy",
        *horn,
        "--json",
        "--chart",
        str(tmp_path / "piracy.png"),
    )
    assert code == 0
    years = json.loads(stdout)["year"]
    assert (years["2011"], years["2012"], years["2013"]) == (167, 60, 13)
    assert (tmp_path / "piracy.png").stat().st_size > 10_000
