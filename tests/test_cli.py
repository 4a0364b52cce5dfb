"""The ``corridor`` command as a user and a script see it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from corridor.atlas import load_atlas
from tests.cli import run


def test_countries_of_the_core_zone_as_json() -> None:
    code, stdout, _ = run("atlas", "countries", "--zone", "core", "--json")
    assert code == 0
    rows = json.loads(stdout)
    assert {r["code"] for r in rows} == {"CHN", "RUS", "KAZ", "KGZ", "TJK", "TKM", "UZB"}
    assert all(r["belt_zone"] == "core" for r in rows)


def test_mechanisms_filtered_by_country_and_domain() -> None:
    code, stdout, _ = run(
        "atlas", "mechanisms", "--country", "KAZ", "--domain", "terrorism", "--json"
    )
    assert code == 0
    ids = {r["id"] for r in json.loads(stdout)}
    assert {"SCO", "CSTO"} <= ids
    assert "GCC" not in ids


@pytest.mark.parametrize(
    "spelling", [("--country", "Kazakhstan"), ("--country", "kz"), ("--member", "Kazakhstan")]
)
def test_mechanisms_take_a_country_by_name_or_code_and_the_old_option(
    spelling: tuple[str, str],
) -> None:
    _, by_code, _ = run("atlas", "mechanisms", "--country", "KAZ", "--json")
    code, stdout, stderr = run("atlas", "mechanisms", *spelling, "--json")
    assert code == 0, stderr
    assert json.loads(stdout) == json.loads(by_code) != []


def test_disputes_of_a_country_by_name_and_by_the_old_option() -> None:
    code, stdout, _ = run("atlas", "disputes", "--country", "Kyrgyzstan", "--json")
    assert code == 0
    found = json.loads(stdout)
    assert found and all("KGZ" in d["parties"] for d in found)
    _, old, _ = run("atlas", "disputes", "--party", "KGZ", "--json")
    assert json.loads(old) == found


def test_guam_members_in_2000_include_uzbekistan_but_not_in_2010() -> None:
    _, in_2000, _ = run("atlas", "countries", "--member-of", "GUAM", "--year", "2000", "--json")
    _, in_2010, _ = run("atlas", "countries", "--member-of", "GUAM", "--year", "2010", "--json")
    assert "UZB" in {r["code"] for r in json.loads(in_2000)}
    assert "UZB" not in {r["code"] for r in json.loads(in_2010)}


def test_assets_of_kind_pipeline_are_oil_and_gas_pipelines() -> None:
    code, stdout, _ = run("atlas", "assets", "--kind", "pipeline", "--json")
    assert code == 0
    kinds = {r["kind"] for r in json.loads(stdout)}
    assert kinds == {"oil_pipeline", "gas_pipeline"}


def test_table_output_goes_to_stdout_and_counts_to_stderr() -> None:
    code, stdout, stderr = run("atlas", "chokepoints")
    assert code == 0
    assert "Malacca" in stdout
    assert "rows" in stderr and "rows" not in stdout


def test_show_a_mechanism_and_a_country() -> None:
    code, stdout, _ = run("atlas", "show", "GUAM", "--json")
    assert code == 0
    guam = json.loads(stdout)
    assert guam["record_type"] == "mechanism" and guam["founded"] == 1997
    code, stdout, _ = run("atlas", "show", "kaz", "--json")
    kazakhstan = json.loads(stdout)
    assert kazakhstan["belt_zone"] == "core" and "SCO" in kazakhstan["mechanisms"]


def test_export_geojson_and_csv(tmp_path: Path) -> None:
    target = tmp_path / "atlas.geojson"
    code, _, _ = run("atlas", "export", "--format", "geojson", "-o", str(target))
    assert code == 0
    collection = json.loads(target.read_text(encoding="utf-8"))
    layers = {f["properties"]["layer"] for f in collection["features"]}
    assert layers == {"assets", "chokepoints", "disputes"}
    code, stdout, _ = run("atlas", "export", "--format", "csv", "--layer", "assets")
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert code == 0 and rows and all(r["layer"] == "assets" for r in rows)
    assert all(r["wkt"].startswith(("POINT", "LINESTRING", "MULTILINESTRING")) for r in rows)


def test_check_passes_on_the_bundled_atlas_and_fails_on_a_broken_copy(tmp_path: Path) -> None:
    code, _, stderr = run("atlas", "check", "--no-geography")
    assert code == 0, stderr
    code, _, _ = run("atlas", "copy", str(tmp_path))
    assert code == 0
    path = tmp_path / "mechanisms.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["mechanisms"][0]["members"][0]["country"] = "ZZZ"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, stdout, stderr = run("atlas", "check", str(tmp_path), "--no-geography")
    assert code == 1
    assert stdout.startswith("mechanisms.yaml:")
    assert "unknown country code 'ZZZ'" in stdout
    assert "1 problems" in stderr
    code, _, stderr = run("atlas", "--atlas-dir", str(tmp_path), "countries")
    assert code == 1 and "unknown country code 'ZZZ'" in stderr
    code, stdout, _ = run("--atlas-dir", str(tmp_path), "atlas", "check", "--no-geography")
    assert code == 1 and "unknown country code 'ZZZ'" in stdout, "check reads --atlas-dir"


def test_copy_appears_whole_and_replaces_only_with_force(tmp_path: Path) -> None:
    target = tmp_path / "my-atlas"
    code, _, stderr = run("atlas", "copy", str(target))
    assert code == 0, stderr
    names = sorted(p.name for p in target.iterdir())
    assert "mechanisms.yaml" in names and "atlas.yaml" in names
    (target / "threats.yaml").write_text("edited\n")
    code, _, _ = run("atlas", "copy", str(target), "--force")
    assert code == 0
    assert sorted(p.name for p in target.iterdir()) == names
    assert (target / "threats.yaml").read_text() != "edited\n"
    assert [p.name for p in tmp_path.iterdir()] == ["my-atlas"], "no temporary folder is left"


def test_export_replaces_a_file_only_with_force(tmp_path: Path) -> None:
    target = tmp_path / "places.csv"
    target.write_text("old\n")
    code, _, _ = run("atlas", "export", "--format", "csv", "-o", str(target), "--force")
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith("layer,id,name")


def test_demo_prints_the_overview_and_imports_the_bundled_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CORRIDOR_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite'}")
    code, stdout, stderr = run("demo")
    assert code == 0, stderr
    assert "Core area" in stdout and "Kazakhstan" in stdout
    assert "Red Sea and Indian Ocean west coast routes" in stdout
    imported = {row[0]: row[2:4] for row in _table(stdout, "Imported")}
    assert imported == {
        "pirate_attacks.csv.gz": ["7511", "7511"], "ged_syria_2016_2019.csv.gz": ["16566", "16566"],
    }  # fmt: skip
    # the Horn's rise and fall, the figures ../shared/data/README.md gives
    horn = dict(_table(stdout, "Pirate attacks nearest SOM, YEM, DJI, ERI, OMN"))
    assert {year: horn[year] for year in ("2011", "2012", "2013")} == {
        "2011": "167", "2012": "60", "2013": "13",
    }  # fmt: skip
    assert "Not the figure seed 000 quotes from the IMB (237 in 2011, 15 in 2013)" in stderr
    ranked = _table(stdout, "The ten most exposed assets")
    assert [row[0] for row in ranked] == [str(n) for n in range(1, 11)]
    exposures = [float(row[5]) for row in ranked]
    assert exposures == sorted(exposures, reverse=True) and exposures[-1] > 0
    assert ranked[0][1] == "kirkuk-baniyas-pipeline"  # it crosses Syria's war
    assert {row[1] for row in ranked} <= {a.id for a in load_atlas().assets.values()}
    assert (tmp_path / "corridor-atlas.png").stat().st_size > 50_000
    assert (tmp_path / "corridor-risk.png").stat().st_size > 50_000


def _table(stdout: str, title: str) -> list[list[str]]:
    """The rows of the Rich table whose title starts with ``title``, as stripped cells;
    a cell's wrapped continuation lines are left out."""
    lines = stdout.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(title))
    rows = []
    for line in lines[start + 4 :]:  # title, top rule, header, header rule
        if not line.startswith("│"):
            break
        cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if cells[0]:
            rows.append(cells)
    return rows


def test_a_missing_atlas_folder_in_the_environment_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORRIDOR_ATLAS_DIR", str(tmp_path / "gone"))
    code, stdout, stderr = run("atlas", "countries", "--zone", "core")
    assert code == 2 and stdout == ""
    assert "atlas folder" in stderr and "gone" in stderr
