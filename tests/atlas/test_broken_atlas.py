"""A broken atlas file is refused with one line naming the file, line, entry and field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from corridor.atlas import AtlasError, AtlasProblem, check_atlas, load_atlas
from corridor.atlas.loader import atlas_file_paths

BUNDLED = atlas_file_paths()

GOOD_MECHANISM: dict[str, Any] = {
    "id": "TEST-MECH",
    "acronym": "TM",
    "name": "Test mechanism",
    "founded": 2000,
    "kind": "forum",
    "binding": "consultative",
    "domains": ["terrorism"],
    "members": [{"country": "KAZ", "joined": 2000}],
    "source": "test fixture",
}

GOOD_ASSET: dict[str, Any] = {
    "type": "Feature",
    "properties": {
        "id": "test-line",
        "name": "Test line",
        "kind": "railway",
        "countries": ["KAZ"],
        "criticality": "ordinary",
        "source": "test fixture",
    },
    "geometry": {"type": "LineString", "coordinates": [[71.4, 51.1], [71.9, 51.0]]},
}


def _line_of(path: Path, marker: str, after: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [n for n, text in enumerate(lines, start=1) if marker in text and n > after][:1]
    assert len(hits) == 1, f"marker {marker!r} found {len(hits)} times"
    return hits[0]


def _with_mechanism(tmp_path: Path, entry: dict[str, Any]) -> Path:
    data = yaml.safe_load(BUNDLED["mechanisms"].read_text(encoding="utf-8"))
    data["mechanisms"].append(entry)
    target = tmp_path / "mechanisms.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def _with_asset(tmp_path: Path, feature: dict[str, Any]) -> Path:
    data = json.loads(BUNDLED["assets"].read_text(encoding="utf-8"))
    data["features"].append(feature)
    target = tmp_path / "assets.geojson"
    target.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return target


def _only_problem(tmp_path: Path) -> AtlasProblem:
    problems = check_atlas(tmp_path, geography=False)
    assert len(problems) == 1, [str(p) for p in problems]
    with pytest.raises(AtlasError) as refused:
        load_atlas(tmp_path)
    assert str(refused.value) == f"{problems[0]}; `corridor atlas check` lists every problem"
    return problems[0]


def test_unknown_country_code(tmp_path: Path) -> None:
    entry = copy.deepcopy(GOOD_MECHANISM)
    entry["members"].append({"country": "XQZ", "joined": 2001})
    target = _with_mechanism(tmp_path, entry)
    problem = _only_problem(tmp_path)
    assert problem.file == "mechanisms.yaml"
    assert problem.line == _line_of(target, "XQZ")
    assert problem.entry == "TEST-MECH"
    assert problem.field == "members[1].country"
    assert "unknown country code 'XQZ'" in str(problem)
    assert str(problem).startswith(f"mechanisms.yaml:{problem.line}: entry 'TEST-MECH'")


def test_member_of_an_unknown_mechanism(tmp_path: Path) -> None:
    entry = copy.deepcopy(GOOD_MECHANISM)
    entry["members"].append({"mechanism": "NO-SUCH-BODY", "joined": 2001})
    target = _with_mechanism(tmp_path, entry)
    problem = _only_problem(tmp_path)
    assert problem.line == _line_of(target, "NO-SUCH-BODY")
    assert problem.field == "members[1].mechanism"
    assert "unknown mechanism 'NO-SUCH-BODY'" in problem.message


def test_zone_made_of_an_unknown_mechanism(tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED["regions"].read_text(encoding="utf-8"))
    data["road_routes"][0]["mechanisms"] = [{"mechanism": "ASEAN-X", "as_of": 2017}]
    target = tmp_path / "regions.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    problem = _only_problem(tmp_path)
    assert (problem.file, problem.entry) == ("regions.yaml", "southeast_asia")
    assert problem.line == _line_of(target, "ASEAN-X")
    assert problem.field == "mechanisms[0].mechanism"


def test_leave_year_before_join_year(tmp_path: Path) -> None:
    entry = copy.deepcopy(GOOD_MECHANISM)
    entry["members"] = [{"country": "UZB", "joined": 2005, "left": 1998}]
    target = _with_mechanism(tmp_path, entry)
    problem = _only_problem(tmp_path)
    assert problem.line == _line_of(target, "country: UZB", after=_line_of(target, "TEST-MECH"))
    assert problem.field == "members[0]"
    assert "left (1998) is before joined (2005)" in problem.message


def test_duplicate_id(tmp_path: Path) -> None:
    entry = copy.deepcopy(GOOD_MECHANISM)
    entry["id"] = "GCC"
    entry["name"] = "A second GCC"
    target = _with_mechanism(tmp_path, entry)
    problem = _only_problem(tmp_path)
    assert problem.entry == "GCC"
    assert problem.field == "id"
    assert problem.line == _line_of(target, "- id: GCC", after=_line_of(target, "- id: GCC"))
    assert "duplicate id (first used at line" in problem.message


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        ({"type": "LineString", "coordinates": [[71.4, 51.1]]}, "LineString"),
        ({"type": "LineString", "coordinates": [[51.1, 171.4], [51.0, 171.9]]}, "outside"),
        ({"type": "LineString", "coordinates": [[71.4, 51.1], "x"]}, "not [longitude, latitude]"),
        ({"type": "Point", "coordinates": [71.4, 51.1]}, "a railway needs"),
    ],
)
def test_invalid_geometry(tmp_path: Path, geometry: dict[str, Any], expected: str) -> None:
    feature = copy.deepcopy(GOOD_ASSET)
    feature["geometry"] = geometry
    target = _with_asset(tmp_path, feature)
    problem = _only_problem(tmp_path)
    assert (problem.file, problem.entry) == ("assets.geojson", "test-line")
    assert expected in problem.message
    lines = target.read_text(encoding="utf-8").splitlines()
    assert problem.line is not None
    assert '"test-line"' in "\n".join(lines[problem.line - 12 : problem.line + 12])


def test_self_intersecting_dispute_polygon(tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED["disputes"].read_text(encoding="utf-8"))
    bowtie = [[70.0, 40.0], [71.0, 41.0], [71.0, 40.0], [70.0, 41.0], [70.0, 40.0]]
    data["disputes"][0]["geometry"] = {"type": "Polygon", "coordinates": [bowtie]}
    target = tmp_path / "disputes.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    problem = _only_problem(tmp_path)
    assert problem.field == "geometry"
    assert "Self-intersection" in problem.message
    assert problem.line == _line_of(target, "geometry:")


def test_a_file_that_is_not_yaml(tmp_path: Path) -> None:
    (tmp_path / "chokepoints.yaml").write_text("chokepoints:\n  - id: [unclosed\n", "utf-8")
    problem = _only_problem(tmp_path)
    assert problem.file == "chokepoints.yaml"
    assert problem.line is not None and problem.line >= 2
    assert "invalid YAML" in problem.message


def test_an_asset_claiming_the_wrong_country_is_caught_by_the_geography_check(
    tmp_path: Path,
) -> None:
    feature = copy.deepcopy(GOOD_ASSET)
    feature["properties"]["countries"] = ["KAZ", "MNG"]
    _with_asset(tmp_path, feature)
    assert check_atlas(tmp_path, geography=False) == []
    problems = [p for p in check_atlas(tmp_path) if p.entry == "test-line"]
    assert len(problems) == 1
    assert "claims MNG" in problems[0].message


def test_the_bundled_atlas_is_valid() -> None:
    assert [str(p) for p in check_atlas(geography=False)] == []


def test_one_bad_entry_does_not_make_its_references_problems_too(tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED["mechanisms"].read_text(encoding="utf-8"))
    sco = next(m for m in data["mechanisms"] if m["id"] == "SCO")
    sco["founded"] = "long ago"
    target = tmp_path / "mechanisms.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    problem = _only_problem(tmp_path)  # SCO-RATS names SCO as parent: no second problem
    assert (problem.entry, problem.field) == ("SCO", "founded")
