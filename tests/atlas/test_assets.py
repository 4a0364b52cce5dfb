"""Infrastructure assets: real geometry, dense enough, lying in the countries they claim."""

from __future__ import annotations

import pytest

from corridor.atlas import Asset, AssetKind, Atlas
from corridor.atlas.geometry import max_vertex_gap_km, to_shape
from corridor.atlas.placement import placement_problems

PORTS = ["Gwadar", "Hambantota", "Colombo", "Piraeus", "Djibouti", "Kyaukphyu", "Lianyungang"]
CORRIDORS = [
    "China-Pakistan", "Bangladesh-China-India-Myanmar", "New Eurasian Land Bridge",
    "China-Mongolia-Russia", "China-Central Asia-West Asia", "China-Indochina",
]  # fmt: skip


def _plain(text: str) -> str:
    return text.replace("\u2013", "-").replace("\u2014", "-").lower()


def _named(atlas: Atlas, kind: AssetKind, words: str) -> list[Asset]:
    return [a for a in atlas.assets.values() if a.kind is kind and _plain(words) in _plain(a.name)]


def test_at_least_forty_assets_of_every_kind(atlas: Atlas) -> None:
    assert len(atlas.assets) >= 40
    assert {a.kind for a in atlas.assets.values()} == set(AssetKind)


@pytest.mark.parametrize("port", PORTS)
def test_the_named_ports_are_there(atlas: Atlas, port: str) -> None:
    assert _named(atlas, AssetKind.PORT, port), port


@pytest.mark.parametrize("corridor", CORRIDORS)
def test_the_six_economic_corridors_are_there(atlas: Atlas, corridor: str) -> None:
    assert _named(atlas, AssetKind.ECONOMIC_CORRIDOR, corridor), corridor


def test_the_central_asia_china_gas_lines_and_malacca(atlas: Atlas) -> None:
    lines = _named(atlas, AssetKind.GAS_PIPELINE, "Central Asia")
    assert len(lines) >= 3
    assert all({"TKM", "UZB", "KAZ", "CHN"} <= set(a.countries) for a in lines[:3])
    assert _named(atlas, AssetKind.SEA_LANE, "Malacca")


def test_lines_have_a_vertex_at_least_every_100_km(atlas: Atlas) -> None:
    gaps = {
        a.id: max_vertex_gap_km(to_shape(a.geometry))
        for a in atlas.assets.values()
        if a.geometry.type != "Point"
    }
    assert {k: round(v) for k, v in gaps.items() if v > 100.0} == {}


def test_every_asset_lies_in_the_countries_it_claims(atlas: Atlas) -> None:
    problems = {a.id: placement_problems(a) for a in atlas.assets.values()}
    assert {k: v for k, v in problems.items() if v} == {}


def test_a_port_placed_in_the_wrong_country_is_caught(atlas: Atlas) -> None:
    gwadar = _named(atlas, AssetKind.PORT, "Gwadar")[0]
    moved = gwadar.model_copy(update={"countries": ("IRN",)})
    assert placement_problems(gwadar) == []
    assert any("outside the claimed countries IRN" in p for p in placement_problems(moved))


def test_every_asset_cites_a_source_and_has_a_criticality(atlas: Atlas) -> None:
    for asset in atlas.assets.values():
        assert len(asset.source) > 10, asset.id
    core = {a.id for a in atlas.assets.values() if a.criticality.value == "core"}
    assert core and len(core) < len(atlas.assets)
