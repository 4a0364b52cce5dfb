"""A company's own assets from GeoJSON: read with care, scored beside the atlas's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.risk.user_assets import UserAssetError, load_user_assets

COMPANY = Path(__file__).parent / "fixtures" / "company_assets.geojson"


def test_features_become_assets_with_defaults() -> None:
    berth, route, depot = load_user_assets(COMPANY)
    assert (berth.id, berth.kind, berth.criticality) == ("acme-berth-aden", "port", "core")
    assert (route.geometry_type, route.criticality, route.kind) == (
        "LineString",
        "ordinary",
        "sea_lane",
    )
    assert (depot.name, depot.kind) == ("acme-depot-urumqi", "asset")
    assert depot.origin == COMPANY.name


def _write(tmp_path: Path, features: list[dict[str, object]]) -> Path:
    path = tmp_path / "mine.geojson"
    lines = ['{"type": "FeatureCollection", "features": [']
    lines += [
        json.dumps(f) + ("," if k < len(features) - 1 else "") for k, f in enumerate(features)
    ]
    lines.append("]}")
    path.write_text("\n".join(lines))
    return path


def test_every_bad_feature_is_named_with_its_line_and_field(tmp_path: Path) -> None:
    point = {"type": "Point", "coordinates": [44.0, 12.0]}
    path = _write(
        tmp_path,
        [
            {"type": "Feature", "properties": {"id": "a"}, "geometry": point},
            {"type": "Feature", "properties": {"id": "a"}, "geometry": point},
            {"type": "Feature", "properties": {"id": "b", "criticality": "vital"},
             "geometry": point},
            {"type": "Feature", "properties": {"id": "c"},
             "geometry": {"type": "Point", "coordinates": [12.0, 144.0]}},
            {"type": "Feature", "properties": {}, "geometry": point},
        ],
    )  # fmt: skip
    with pytest.raises(UserAssetError) as caught:
        load_user_assets(path, taken={"port-gwadar"})
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{path}:3: feature 2: id: 'a' is already taken")
    assert lines[1].startswith(f"{path}:4: feature 3: criticality: 'vital' is not one of")
    assert lines[2].startswith(f"{path}:5: feature 4: geometry: position [12.0, 144.0] is outside")
    assert lines[3] == f"{path}:6: feature 5: id: every feature needs an id"


def test_an_atlas_id_cannot_be_taken_and_an_empty_file_is_refused(tmp_path: Path) -> None:
    point = {"type": "Point", "coordinates": [62.3, 25.1]}
    path = _write(
        tmp_path, [{"type": "Feature", "properties": {"id": "port-gwadar"}, "geometry": point}]
    )
    with pytest.raises(UserAssetError, match="'port-gwadar' is already taken"):
        load_user_assets(path, taken={"port-gwadar"})
    with pytest.raises(UserAssetError, match="no features"):
        load_user_assets(_write(tmp_path, []))
    (tmp_path / "bad.geojson").write_text('{"type": "Feature"}')
    with pytest.raises(UserAssetError, match="not a GeoJSON FeatureCollection"):
        load_user_assets(tmp_path / "bad.geojson")
