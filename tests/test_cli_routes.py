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


def test_matrix_table_says_which_pairs_are_cut_off(tmp_path: Path) -> None:
    ports = tmp_path / "ports.csv"
    ports.write_text("name,lon,lat\nDammam,50.10,26.45\n")
    code, stdout, stderr = run("routes", "matrix", str(ports), "--close", "hormuz")
    assert code == 0, stderr
    assert stdout.count("cut off") == 2 * 15  # Dammam to and from each atlas port
    assert "pairs unaffected" in stderr


def test_matrix_streams_every_pair_to_a_file(tmp_path: Path) -> None:
    ports = tmp_path / "ports.csv"
    ports.write_text("name,lon,lat\nDammam,50.10,26.45\nRotterdam,4.44,51.90\n")
    target = tmp_path / "trips.csv"
    code, stdout, stderr = run(
        "routes", "matrix", str(ports), "--close", "hormuz", "-o", str(target), "--json"
    )
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["trips"] == 17 * 16 and summary["statuses"]["cut off"] == 2 * 16
    lines = target.read_text().splitlines()
    assert len(lines) == 1 + 17 * 16 and lines[0].startswith('"origin","destination"')
    assert any('"Dammam","Rotterdam"' in line and '"cut off"' in line for line in lines)


def test_closures_table_and_file(tmp_path: Path) -> None:
    ports = tmp_path / "ports.csv"
    ports.write_text("name,lon,lat\nDammam,50.10,26.45\nRotterdam,4.44,51.90\n")
    code, stdout, stderr = run(
        "routes", "closures", str(ports), "-o", str(tmp_path / "hit.parquet")
    )
    assert code == 0, stderr
    assert "each chokepoint closed alone" in stdout and "hormuz" in stdout
    assert "written to" in stderr and (tmp_path / "hit.parquet").stat().st_size > 1000
    code, stdout, stderr = run("routes", "closures", "--chokepoints", "malacca,suez", "--json")
    assert code == 0, stderr
    found = json.loads(stdout)
    assert found["ports"] == 15 and found["trips"] == 15 * 14
    malacca = next(c for c in found["closures"] if c["chokepoint"] == "malacca")
    assert malacca["longer"] > 0 and malacca["trips_through"] == len(malacca["trips"])
    assert all(t["extra_days"] >= 0 for t in malacca["trips"])


def test_a_position_west_or_south_is_a_place_with_options_before_or_after() -> None:
    """Click takes "-93.87,29.73" for an option unless told; here it is a place."""
    results = []
    for args in (
        ("routes", "sea", "-93.87,29.73", "Tokyo", "--json"),
        ("routes", "sea", "--json", "-93.87,29.73", "Tokyo"),
        ("routes", "sea", "--json", "Tokyo", "-93.87,29.73", "--speed", "20"),
    ):
        code, stdout, stderr = run(*args)
        assert code == 0, stderr
        results.append(json.loads(stdout))
    first, second, back = results
    assert first["ends"]["from"]["lon"] == -93.87 and first["ends"]["from"]["lat"] == 29.73
    assert first["ends"]["from"]["snap_km"] < 10  # Port Arthur, Texas: on the sea lane
    assert first["open"]["length_km"] == second["open"]["length_km"]
    assert "panama" in first["open"]["chokepoints"]
    assert back["to"] == "-93.87,29.73" and back["speed_knots"] == 20


def test_both_ends_south_and_west() -> None:
    code, stdout, stderr = run("routes", "sea", "-58.3,-34.7", "-43.1,-22.95", "--json")
    assert code == 0, stderr  # Buenos Aires to Rio de Janeiro
    route = json.loads(stdout)
    assert 1500 < route["open"]["length_km"] < 3500 and route["open"]["chokepoints"] == []


def test_how_far_each_end_was_snapped_is_said() -> None:
    code, stdout, stderr = run("routes", "sea", "port-kyaukphyu", "Rotterdam")
    assert code == 0, stderr
    said = " ".join(stderr.split())
    assert "from port-kyaukphyu: the sea lane starts 174 km away" in said
    code, stdout, stderr = run("routes", "sea", "port-kyaukphyu", "Rotterdam", "--json")
    ends = json.loads(stdout)["ends"]
    assert round(ends["from"]["snap_km"]) == 174 and ends["to"]["snap_km"] < 50


def test_an_inland_place_is_refused_unless_allowed() -> None:
    code, _, stderr = run("routes", "sea", "76.9,43.2", "Rotterdam")
    said = " ".join(stderr.split())
    assert code == 1
    assert "76.9,43.2: the nearest sea lane is 2,232 km away" in said and "--max-snap-km" in said
    code, stdout, stderr = run(
        "routes", "sea", "76.9,43.2", "Rotterdam", "--max-snap-km", "3000", "--json"
    )
    assert code == 0, stderr
    assert round(json.loads(stdout)["ends"]["from"]["snap_km"]) == 2232


def test_a_route_gets_an_exposure_and_its_incidents(cli_store: Path) -> None:
    from corridor.datasets import dataset_path

    code, _, stderr = run("incidents", "import", str(dataset_path("pirate_attacks.csv.gz")))
    assert code == 0, stderr
    code, stdout, stderr = run(
        "routes", "sea", "Singapore", "Jeddah", "--exposure", "--class", "piracy",
        "--as-of", "2011", "--json",
    )  # fmt: skip
    assert code == 0, stderr
    found = json.loads(stdout)["exposure"]
    assert found["as_of"] == "2011-12-31" and found["classes"] == ["piracy"]
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
    assert links[0]["trips_cut"] > 0 and result["trips"] >= 5
    assert result["places"][0]["trips_cut"] >= result["places"][-1]["trips_cut"]
    assert result["mode"] == "freight" and {link["mode"].split()[0] for link in links} <= {
        "rail", "road", "transfer",
    }  # fmt: skip


def test_gas_flows_and_the_pieces_by_mode() -> None:
    code, stdout, stderr = run("routes", "critical", "--mode", "gas", "--top", "3", "--json")
    assert code == 0, stderr
    assert {link["mode"] for link in json.loads(stdout)["links"]} == {"gas"}
    code, stdout, stderr = run("routes", "components", "--mode", "rail", "--mode", "gas", "--json")
    assert code == 0, stderr
    found = json.loads(stdout)
    assert {m: len(p) for m, p in found["modes"].items()} == {"rail": 10, "gas": 4}
    assert "port-piraeus" in found["places_on_no_line"]


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


def test_no_routes_command_writes_into_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reads never create a store: the default one lives in the user's data folder."""
    monkeypatch.chdir(tmp_path)
    for args in (
        ("routes", "sea", "Shanghai", "Rotterdam", "--json"),
        ("routes", "land", "crossing-khunjerab-pass", "port-gwadar", "--json"),
        ("routes", "critical", "--from", "crossing-khunjerab-pass", "--to", "port-gwadar"),
    ):
        code, _, stderr = run(*args)
        assert code == 0, stderr
    assert list(tmp_path.iterdir()) == []


def test_a_vessel_is_kept_out_of_what_it_does_not_fit_and_told_why() -> None:
    code, stdout, stderr = run("routes", "sea", "Ras Tanura", "Rotterdam", "--vessel", "vlcc")
    assert code == 0, stderr
    assert "hormuz > cape-of-good-hope" in stdout and "at 15.5 knots" in stdout
    assert "barred: Suez Canal: draft 20.5 m > 17.23 m allowed at beam 60.0 m" in stderr
    code, stdout, stderr = run(
        "routes", "sea", "Shanghai", "Rotterdam", "--close", "bab-el-mandeb",
        "--vessel", "ulcv", "--speed", "16", "--json",
    )  # fmt: skip
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["speed_knots"] == 16 and result["vessel"]["class"] == "ulcv"
    assert "cape-of-good-hope" in result["with_closures"]["chokepoints"]
    assert {"passage": "panama", "name": "Panama Canal"}.items() <= result["vessel"]["barred"][
        0
    ].items()


def test_the_help_of_sea_and_matrix_lists_the_vessel_classes() -> None:
    for command in ("sea", "matrix", "closures"):
        code, stdout, _ = run("routes", command, "--help")
        assert code == 0
        flat = " ".join(stdout.split())
        assert all(name in flat for name in ("ulcv", "vlcc", "q-max", "capesize")), command
