"""``corridor routes`` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run


def test_sea_route_with_a_closure_reports_the_extra_days(tmp_path: Path) -> None:
    code, stdout, stderr = run(
        "routes", "sea", "Shanghai", "Rotterdam", "--close", "bab-el-mandeb", "--speed", "14",
        "--json", "--map", str(tmp_path / "r.png"),
    )  # fmt: skip
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["closed"] == ["bab-el-mandeb"]
    assert {"malacca", "bab-el-mandeb", "suez", "gibraltar"} <= set(result["open"]["chokepoints"])
    assert not {"bab-el-mandeb", "suez"} & set(result["with_closures"]["chokepoints"])
    assert result["extra_days"] > 5 and result["sea_route_left"]
    assert abs(result["open"]["length_nm"] * 1.852 - result["open"]["length_km"]) < 0.2
    assert (tmp_path / "r.png").stat().st_size > 50_000


def test_no_sea_route_is_said_plainly() -> None:
    code, stdout, stderr = run("routes", "sea", "Dammam", "Rotterdam", "--close", "hormuz")
    assert code == 0
    assert "no sea route" in stdout and "no sea route from Dammam to Rotterdam" in stderr


def test_matrix_of_atlas_and_user_ports(tmp_path: Path) -> None:
    ports = tmp_path / "ports.csv"
    ports.write_text(
        "name,lon,lat\nDammam,50.10,26.45\nRotterdam,4.44,51.90\nKarachi-anchorage,66.9,24.7\n"
    )
    code, stdout, stderr = run(
        "routes",
        "matrix",
        str(ports),
        "--close",
        "hormuz",
        "--json",
        "--map",
        str(tmp_path / "m.png"),
    )
    assert code == 0, stderr
    pairs = json.loads(stdout)["pairs"]
    assert len(pairs) == 18 * 17  # 15 atlas ports and 3 of the user's
    cut = {(p["from"], p["to"]) for p in pairs if p["cut_off"]}
    assert ("Dammam", "Rotterdam") in cut and ("port-gwadar", "Dammam") in cut
    assert all("Dammam" in pair for pair in cut)
    assert (tmp_path / "m.png").stat().st_size > 50_000


def test_bad_places_and_closures_get_one_clear_line(tmp_path: Path) -> None:
    code, _, stderr = run("routes", "sea", "Shanghaii", "Rotterdam")
    assert code == 1 and "did you mean shanghai" in stderr
    code, _, stderr = run("routes", "sea", "Shanghai", "Rotterdam", "--close", "lombok")
    assert code == 1 and "no passage to close" in stderr
    code, _, stderr = run("routes", "sea", "Shanghai", "Rotterdam", "--close", "kiel")
    assert code == 1 and "no such chokepoint" in stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lon,lat\nA,50,26\nB,east,26\n")
    code, _, stderr = run("routes", "matrix", str(bad), "--close", "hormuz")
    assert code == 1 and f"{bad}:3: lon: 'east' is not a number" in stderr


def test_a_route_gets_an_exposure_and_its_incidents(cli_store: Path) -> None:
    from corridor.datasets import dataset_path

    code, _, stderr = run("incidents", "import", str(dataset_path("pirate_attacks.csv.gz")))
    assert code == 0, stderr
    code, stdout, stderr = run(
        "routes", "sea", "Singapore", "Jeddah", "--exposure", "--threat", "piracy",
        "--as-of", "2011-12-31", "--json",
    )  # fmt: skip
    assert code == 0, stderr
    found = json.loads(stdout)["exposure"]
    assert found["scores"]["open"] > 20  # Malacca and the Gulf of Aden, in 2011
    top = found["top_incidents"]["open"]
    assert len(top) == 5 and all(t["threat_class"] == "piracy" for t in top)


def test_pakistan_is_the_pivot_of_belt_to_road_trips_after_china() -> None:
    code, stdout, stderr = run("routes", "critical", "--top", "5", "--json")
    assert code == 0, stderr
    result = json.loads(stdout)
    states = [s["state"] for s in result["states"]]
    assert states[:2] == ["CHN", "PAK"]
    links = result["links"]
    assert [link["trips_cut"] for link in links] == sorted(
        (link["trips_cut"] for link in links), reverse=True
    )
    assert links[0]["trips_cut"] > 0 and result["trips"] > 10
    assert result["places"][0]["trips_cut"] >= result["places"][-1]["trips_cut"]


def test_critical_for_trips_of_ones_choosing() -> None:
    code, stdout, stderr = run(
        "routes", "critical", "--from", "crossing-khunjerab-pass",
        "--to", "port-gwadar,port-karachi", "--json",
    )  # fmt: skip
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["trips"] == 2
    shares = {s["state"]: s["share_of_trips"] for s in result["states"]}
    assert shares["PAK"] == 1.0 and set(shares) <= {"CHN", "PAK"}
    assert result["links"][0]["trips_cut"] == 2  # a CPEC link both trips need


def test_land_path_over_cpec_and_bad_places(tmp_path: Path) -> None:
    code, stdout, stderr = run(
        "routes", "land", "crossing-khunjerab-pass", "port-gwadar", "--by", "mix", "--json",
        "--map", str(tmp_path / "land.png"),
    )  # fmt: skip
    assert code == 0, stderr
    path = json.loads(stdout)
    assert path["links"][-1]["to"] == "port-gwadar" and 1500 < path["km"] < 3000
    assert {s for link in path["links"] for s in link["states"]} <= {"CHN", "PAK"}
    assert (tmp_path / "land.png").stat().st_size > 50_000
    code, _, stderr = run("routes", "land", "crossing-khunjerab-pass", "atlantis")
    assert code == 1 and "atlantis: not a place of the land network" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("routes", "matrix"), "--close: name at least one chokepoint"),
        (("routes", "critical", "--from", "atlantis"), "atlantis: not a place of the land network"),
        (("routes", "land", "port-mombasa", "port-gwadar"), "no land path from port-mombasa"),
    ],
)
def test_route_failures_get_one_clear_line(args: tuple[str, ...], message: str) -> None:
    code, _, stderr = run(*args)
    assert code == 1
    assert message in stderr
