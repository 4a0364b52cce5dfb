"""The ``corridor`` command as a user and a script see it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from tests.cli import run


def test_countries_of_the_core_zone_as_json() -> None:
    code, stdout, _ = run("atlas", "countries", "--zone", "core", "--json")
    assert code == 0
    rows = json.loads(stdout)
    assert {r["code"] for r in rows} == {"CHN", "RUS", "KAZ", "KGZ", "TJK", "TKM", "UZB"}
    assert all(r["belt_zone"] == "core" for r in rows)


def test_mechanisms_filtered_by_member_and_domain() -> None:
    code, stdout, _ = run(
        "atlas", "mechanisms", "--member", "KAZ", "--domain", "terrorism", "--json"
    )
    assert code == 0
    ids = {r["id"] for r in json.loads(stdout)}
    assert {"SCO", "CSTO"} <= ids
    assert "GCC" not in ids


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


def test_show_an_unknown_id_fails_with_one_line() -> None:
    code, stdout, stderr = run("atlas", "show", "atlantis")
    assert code == 1
    assert stdout == ""
    assert "no atlas record has the id 'atlantis'" in stderr


def test_threat_filter_with_an_unknown_class_says_so() -> None:
    code, _, stderr = run("atlas", "mechanisms", "--domain", "aliens")
    assert code == 1
    assert "unknown threat class 'aliens'" in stderr


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


def test_demo_prints_the_overview_and_imports_the_bundled_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CORRIDOR_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite'}")
    code, stdout, stderr = run("demo")
    assert code == 0, stderr
    assert "Core area" in stdout and "Kazakhstan" in stdout
    assert "Red Sea and Indian Ocean west coast routes" in stdout
    assert "Piracy off Somalia and in the Gulf of Aden" in stdout
    assert (tmp_path / "corridor-atlas.png").exists()
