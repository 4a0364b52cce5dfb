"""``corridor risk`` as a user runs it, on the bundled piracy data in a fresh store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.datasets import dataset_path
from tests.cli import run


@pytest.fixture(autouse=True)
def piracy_store(cli_store: Path) -> Path:
    code, _, stderr = run("incidents", "import", str(dataset_path("pirate_attacks.csv.gz")))
    assert code == 0, stderr
    return cli_store


def test_assets_ranks_by_exposure_and_draws_a_map(tmp_path: Path) -> None:
    code, stdout, stderr = run(
        "risk", "assets", "--as-of", "2011-12-31", "--top", "5", "--json", "--map", "m.png"
    )
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["as_of"] == "2011-12-31" and result["profile"] == "default v1"
    rows = result["assets"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["asset"] == "sea-lane-bab-el-mandeb-red-sea-suez"
    assert [r["exposure"] for r in rows] == sorted((r["exposure"] for r in rows), reverse=True)
    assert (tmp_path / "m.png").stat().st_size > 50_000


def test_the_default_date_is_the_newest_incident() -> None:
    code, _, stderr = run("risk", "assets", "--top", "1")
    assert code == 0
    assert "as of 2020-12-" in stderr


def test_explain_shows_parameters_and_the_incidents_that_make_the_score() -> None:
    lane = "sea-lane-bab-el-mandeb-red-sea-suez"
    code, stdout, stderr = run("risk", "explain", lane, "--as-of", "2011-12-31", "--json")
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["radius_km_by_class"] == {"piracy": 100.0}
    assert result["half_life_days"] == 365.0 and result["criticality_factor"] == 3.0
    top = result["top_incidents"]
    assert len(top) == 10
    assert all(0 < t["share"] < 1 and t["distance_km"] <= 100 for t in top)
    assert result["data_range"][1] <= "2011-12-31"


def test_a_copied_and_edited_profile_changes_the_scores(tmp_path: Path) -> None:
    code, _, _ = run("risk", "profile", "--write", "mine.yaml")
    assert code == 0
    mine = tmp_path / "mine.yaml"
    mine.write_text(mine.read_text().replace("piracy: 100 ", "piracy: 10 "))
    _, default, _ = run("risk", "assets", "--as-of", "2011-12-31", "--json")
    _, narrow, _ = run(
        "risk", "assets", "--as-of", "2011-12-31", "--json", "--profile", "mine.yaml"
    )
    first = {r["asset"]: r["exposure"] for r in json.loads(default)["assets"]}
    second = {r["asset"]: r["exposure"] for r in json.loads(narrow)["assets"]}
    lane = "sea-lane-bab-el-mandeb-red-sea-suez"
    assert second.get(lane, 0) < first[lane]


def test_a_bad_profile_is_refused_with_its_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: mine\nversion: 1\nexposure:\n  radius_km: -5\n")
    code, _, stderr = run("risk", "assets", "--profile", str(bad))
    assert code == 1
    assert f"{bad}:4: exposure.radius_km" in stderr
    bad.write_text("name: mine\nversion: 1\nexposure:\n  class_weights:\n    piracyy: 1\n")
    code, _, stderr = run("risk", "assets", "--profile", str(bad))
    assert code == 1 and "piracyy" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("risk", "assets", "--as-of", "2011-13-01"), "not a date"),
        (("risk", "assets", "--threat", "pirates"), "not a threat class"),
        (("risk", "explain", "no-such-asset"), "no such asset"),
    ],
)
def test_bad_options_get_one_clear_line(args: tuple[str, ...], message: str) -> None:
    code, _, stderr = run(*args)
    assert code == 1
    assert message in stderr
