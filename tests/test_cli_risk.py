"""``corridor risk`` as a user runs it, on the bundled piracy data in a fresh store."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from corridor.datasets import dataset_path
from tests.cli import run


@pytest.fixture(scope="module")
def piracy_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled piracy record imported once; each test gets a copy."""
    db = tmp_path_factory.mktemp("piracy") / "piracy.sqlite"
    source = str(dataset_path("pirate_attacks.csv.gz"))
    code, _, stderr = run("--db", str(db), "incidents", "import", source)
    assert code == 0, stderr
    return db


@pytest.fixture(autouse=True)
def piracy_store(cli_store: Path, piracy_db: Path) -> Path:
    shutil.copy(piracy_db, cli_store / "cli.sqlite")
    return cli_store


def test_assets_ranks_by_exposure_and_draws_a_map(tmp_path: Path) -> None:
    code, stdout, stderr = run(
        "risk", "assets", "--as-of", "2011", "--top", "5", "--json", "--map", "m.png"
    )
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["as_of"] == "2011-12-31" and result["profile"] == "default v1"  # a year: Dec 31
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
    assert result["data_range"].endswith("2011-12-29")  # the last attack before --as-of


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


def test_countries_rank_by_the_composite_and_show_every_component(tmp_path: Path) -> None:
    code, stdout, stderr = run(
        "risk", "countries", "--class", "piracy", "--as-of", "2011-12-31", "--json",
        "--map", "c.png", "--method", "composite",
    )  # fmt: skip
    assert code == 0, stderr
    rows = json.loads(stdout)["countries"]
    assert [r["country"] for r in rows[:3]] == ["YEM", "SOM", "NGA"]
    for row in rows:
        parts = row["hazard"] * row["vulnerability"] * row["lack_of_coping"]
        assert abs(row["risk"] - parts ** (1 / 3)) < 0.02  # rounded to 2 digits
    assert (tmp_path / "c.png").stat().st_size > 50_000


def test_explain_a_country_names_its_indicators_and_classes() -> None:
    code, stdout, stderr = run("risk", "explain", "som", "--as-of", "2011-12-31", "--json")
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["country"] == "SOM" and result["window"] == "2008-12-31 .. 2011-12-31"
    assert set(result["indicators_used"]) == {"PV.EST", "GE.EST", "RL.EST", "CC.EST"}
    assert [r["class"] for r in result["hazard_by_class"]] == ["piracy"]


def test_corridors_and_a_route_of_ones_own() -> None:
    code, stdout, stderr = run("risk", "corridors", "--as-of", "2011-12-31", "--json")
    assert code == 0, stderr
    found = {c["corridor"]: c for c in json.loads(stdout)["corridors"]}
    assert len(found) == 6
    for corridor in found.values():
        chances = [s["probability"] for s in corridor["segments"]]
        whole = 1 - np.prod([1 - p for p in chances])
        assert abs(corridor["disruption_chance"] - whole) < 1e-9
        weakest = max(corridor["segments"], key=lambda s: s["probability"])
        expected = weakest["label"] if weakest["probability"] > 0 else None
        assert corridor["weakest_segment"] == expected
    code, stdout, _ = run(
        "risk", "corridors", "--as-of", "2011-12-31", "--json",
        "--route", "sea-lane-bab-el-mandeb-red-sea-suez,port-djibouti-doraleh,SOM",
    )  # fmt: skip
    route = json.loads(stdout)["corridors"][0]
    lane, port, somalia = route["segments"]
    assert [lane["label"], port["label"], somalia["label"]] == [
        "sea-lane-bab-el-mandeb-red-sea-suez", "port-djibouti-doraleh", "SOM",
    ]  # fmt: skip
    assert route["weakest_segment"] == lane["label"] and lane["exposure"] > 0
    # on land, piracy is left out as for the atlas's corridors: the store holds nothing else
    assert port["exposure"] == 0 and somalia["country_risk"] == 0


def test_explain_a_corridor_lists_its_segments_by_country() -> None:
    code, stdout, stderr = run("risk", "explain", "corridor-china-indochina", "--json")
    assert code == 0, stderr
    segments = json.loads(stdout)["segments"]
    assert {s["country"] for s in segments} >= {"CHN", "VNM", "LAO", "THA", "MYS", "SGP"}


def test_backtest_against_last_years_count_on_the_piracy_record() -> None:
    code, stdout, stderr = run(
        "risk", "backtest", "--train-until", "2009-12-31", "--class", "piracy", "--json"
    )
    assert code == 0, stderr
    results = {r["subject"]: r for r in json.loads(stdout)["results"]}
    assert set(results) == {"assets", "countries", "countries (hazard)"}
    assets = results["assets"]
    assert assets["items"] == 73
    # what the record says: the lanes hit in 2009 were the lanes hit in 2010, and the
    # naive baseline does as well as the decayed exposure (see the README's backtest)
    assert assets["top_decile_precision"] == assets["precision_baseline"] == 1.0
    assert 0.6 < assets["spearman"] < 0.8
    for row in results.values():
        assert -1 <= row["spearman"] <= 1 and 0 <= row["top_decile_precision"] <= 1


def test_backtest_prints_methods_by_measures_and_the_verdict(tmp_path: Path) -> None:
    code, stdout, stderr = run("risk", "backtest", "--class", "piracy", "--plot", "cal.png")
    assert code == 0, stderr
    assert "rolling origin, 2000-2020" in stdout and "count_model" in stdout
    assert "nothing beats last year's count on these incidents" in stdout
    assert "calibration plot: cal.png" in stderr and (tmp_path / "cal.png").is_file()


def test_too_few_years_are_said_plainly() -> None:
    code, stdout, stderr = run("risk", "backtest", "--class", "piracy", "--last-year", "1994")
    assert code == 0, stderr
    assert "too few years to backtest: 1993-1994 is 2" in stdout


def test_the_bundled_ucdp_file_is_one_country_so_ranking_does_not_apply(tmp_path: Path) -> None:
    db = tmp_path / "syria.sqlite"
    code, _, stderr = run(
        "--db", str(db), "incidents", "import", str(dataset_path("ged_syria_2016_2019.csv.gz"))
    )
    assert code == 0, stderr
    code, stdout, stderr = run("--db", str(db), "risk", "backtest", "--json")
    assert code == 0, stderr
    result = json.loads(stdout)
    assert (
        result["applies"] is False and result["methods"] == [] and result["chosen"] == "last_year"
    )
    assert result["verdict"].startswith(
        "forecasting across countries does not apply: these incidents name 1 country (SYR)"
    )


def test_the_somalia_figures_of_the_demo_and_readme_hold() -> None:
    """The README sets these beside the IMB's 237 -> 15; the demo's note quotes the box."""
    horn = [a for c in ("SOM", "YEM", "DJI", "ERI", "OMN") for a in ("--country", c)]
    for where, expected in ((horn, (167, 13)), (["--bbox", "32,-12,70,30"], (234, 21))):
        code, stdout, stderr = run("incidents", "stats", "--source", "piracy", *where, "--json")
        assert code == 0, stderr
        years = json.loads(stdout)["year"]
        assert (years["2011"], years["2013"]) == expected, where


def test_a_companys_own_assets_are_scored_beside_the_atlas(tmp_path: Path) -> None:
    company = Path(__file__).parent / "risk" / "fixtures" / "company_assets.geojson"
    code, stdout, stderr = run(
        "risk", "assets", "--assets", str(company), "--class", "piracy",
        "--as-of", "2011-12-31", "--top", "80", "--json", "--map", "mine.png",
    )  # fmt: skip
    assert code == 0, stderr
    rows = {r["asset"]: r for r in json.loads(stdout)["assets"]}
    assert len(rows) == 76  # 73 atlas assets and the company's 3
    assert rows["acme-tanker-route"]["rank"] <= 5  # along the Gulf of Aden in 2011, ordinary
    assert rows["acme-berth-aden"]["exposure"] > 0 and rows["acme-berth-aden"]["kind"] == "port"
    assert rows["acme-depot-urumqi"]["exposure"] == 0
    code, stdout, stderr = run(
        "risk", "explain", "acme-tanker-route", "--assets", str(company), "--class", "piracy",
        "--as-of", "2011-12-31", "--json",
    )  # fmt: skip
    assert code == 0, stderr
    assert json.loads(stdout)["top_incidents"][0]["threat_class"] == "piracy"
    code, stdout, stderr = run(
        "risk", "corridors", "--assets", str(company), "--as-of", "2011-12-31",
        "--route", "acme-tanker-route, DJI", "--json",
    )  # fmt: skip
    assert code == 0, stderr
    (route,) = json.loads(stdout)["corridors"]
    tanker, djibouti = route["segments"]
    assert (tanker["label"], djibouti["label"], djibouti["country"]) == (
        "acme-tanker-route", "DJI", "DJI",
    )  # fmt: skip
    # a sea lane of one's own (kind sea_lane) keeps its piracy: every class counts on it
    assert round(tanker["exposure"], 2) == rows["acme-tanker-route"]["exposure"]
    assert tanker["country"] is None  # one's own assets name no country: exposure alone
    assert abs(tanker["probability"] - (1 - math.exp(-tanker["exposure"] / 50))) < 1e-12
    assert route["weakest_segment"] == "acme-tanker-route"
    assert djibouti["exposure"] == 0
    assert abs(route["disruption_chance"] - (
        1 - (1 - tanker["probability"]) * (1 - djibouti["probability"])
    )) < 1e-12  # fmt: skip


def test_risk_reads_only_what_the_organization_may_see(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An AMBER report of org-b near the Gwadar port moves org-b's score, not org-a's."""

    report = tmp_path / "amber.csv"
    report.write_text(
        "source,source_id,title,start_date,longitude,latitude,threat_class,fatalities_best,tlp\n"
        "mfa-pk,PK-1,Attack at the port gate,2020-12-01,62.31,25.14,terrorism,12,AMBER\n"
    )
    monkeypatch.setenv("CORRIDOR_ORGANIZATION", "org-b")
    code, _, stderr = run("incidents", "import", str(report), "--format", "csv")
    assert code == 0, stderr

    def gwadar(organization: str) -> float:
        monkeypatch.setenv("CORRIDOR_ORGANIZATION", organization)
        code, stdout, stderr = run(
            "risk", "assets", "--as-of", "2020-12-31", "--class", "terrorism", "--top", "80",
            "--json",
        )  # fmt: skip
        assert code == 0, stderr
        return {r["asset"]: r["exposure"] for r in json.loads(stdout)["assets"]}["port-gwadar"]

    assert gwadar("org-b") > 0
    assert gwadar("org-a") == 0


def test_a_land_corridor_leaves_piracy_out(tmp_path: Path) -> None:
    """Piracy filed under China's coast is no risk to a road; the profile says so."""
    _, stdout, _ = run("risk", "corridors", "--as-of", "2011-12-31", "--json")
    leaving = {c["corridor"]: c["disruption_chance"] for c in json.loads(stdout)["corridors"]}
    assert leaving["corridor-china-indochina"] == 0.0  # only pirate attacks in this store
    run("risk", "profile", "--write", "mine.yaml")
    mine = tmp_path / "mine.yaml"
    mine.write_text(mine.read_text().replace("land_leaves_out: [piracy]", "land_leaves_out: []"))
    _, stdout, _ = run(
        "risk", "corridors", "--as-of", "2011-12-31", "--json", "--profile", "mine.yaml"
    )
    keeping = {c["corridor"]: c["disruption_chance"] for c in json.loads(stdout)["corridors"]}
    assert keeping["corridor-china-indochina"] > 0.5  # Malacca's attacks, near its southern end


def test_a_route_of_ones_own_leaves_piracy_out_on_land_too(tmp_path: Path) -> None:
    """The exclusion holds for --route as for the atlas's corridors: a port and its country
    on land score nothing from piracy, unless the profile keeps it."""
    route = ("--route", "port-djibouti-doraleh,SOM", "--as-of", "2011", "--json")
    _, stdout, _ = run("risk", "corridors", *route)
    assert json.loads(stdout)["corridors"][0]["disruption_chance"] == 0.0
    run("risk", "profile", "--write", "mine.yaml")
    mine = tmp_path / "mine.yaml"
    mine.write_text(mine.read_text().replace("land_leaves_out: [piracy]", "land_leaves_out: []"))
    code, stdout, stderr = run("risk", "corridors", *route, "--profile", "mine.yaml")
    assert code == 0, stderr
    port, somalia = json.loads(stdout)["corridors"][0]["segments"]
    assert port["exposure"] > 0 and somalia["country_risk"] > 5  # Somalia's pirates, kept


def test_profile_write_overwrites_only_with_force(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("keep me")
    code, _, stderr = run("risk", "profile", "--write", "mine.yaml")
    assert code == 1 and "--force" in stderr
    assert (tmp_path / "mine.yaml").read_text() == "keep me"
    code, _, stderr = run("risk", "profile", "--write", "mine.yaml", "--force")
    assert code == 0, stderr
    _, bundled, _ = run("risk", "profile")
    assert (tmp_path / "mine.yaml").read_text() == bundled
    assert sorted(p.name for p in tmp_path.iterdir() if "mine" in p.name) == ["mine.yaml"]
