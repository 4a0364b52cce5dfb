"""``corridor advise`` and ``corridor coordination``: output, pictures, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from corridor.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_advise_quotes_the_rule_and_cites_the_records() -> None:
    code, out, _ = _run(
        "advise", "--class", "terrorism", "--country", "KAZ", "--country", "China", "--year", "2024"
    )
    assert code == 0, out
    assert "mechanism coordination" in out
    assert "Once certain security mechanisms have been accepted" in out
    assert "SCO-RATS" in out and "mechanism SCO:" in out


def test_advise_json() -> None:
    code, out, _ = _run(
        "advise",
        "--class",
        "piracy",
        "--place",
        "gulf-of-aden-somali-piracy",
        "--year",
        "2011",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["route"] == "mechanism"
    assert {"CGPCS", "DCOC"} <= {c["mechanism"] for c in data["covering"]}


def test_overlap_table_json_and_heat_map(tmp_path: Path) -> None:
    picture = tmp_path / "overlap.png"
    code, out, err = _run(
        "coordination",
        "overlap",
        "--class",
        "piracy",
        "--year",
        "2011",
        "--map",
        str(picture),
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert "CGPCS" in data["mechanisms"]
    assert picture.read_bytes()[:4] == b"\x89PNG"
    code, _, err = _run("coordination", "overlap", "--class", "piracy", "--map", str(picture))
    assert code == 1 and "--force" in err
    code, out, _ = _run("coordination", "overlap", "--class", "terrorism", "--year", "2024")
    assert code == 0 and "Corridor pairs" in out


def test_scenarios_without_a_store_chart_and_json(tmp_path: Path) -> None:
    chart = tmp_path / "scenarios.png"
    code, out, err = _run(
        "--db",
        str(tmp_path / "none.sqlite"),
        "coordination",
        "scenarios",
        "--since",
        "2014",
        "--until",
        "2016",
        "--chart",
        str(chart),
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert [row["year"] for row in data["years"]] == [2014, 2015, 2016]
    assert data["years"][0]["chaos"] is None and "falling into chaos" in err
    assert chart.read_bytes()[:4] == b"\x89PNG"
    assert not (tmp_path / "none.sqlite").exists()  # a read never creates a store
