"""The Belt zones and Road routes hold exactly the countries seed 000's footnotes list."""

from __future__ import annotations

from corridor.atlas import Atlas

# Independent statements of the facts, written here again on purpose.
WESTERN_ASIA = {
    "ARM", "AZE", "BHR", "CYP", "GEO", "IRQ", "ISR", "JOR", "KWT",
    "LBN", "OMN", "QAT", "SAU", "PSE", "SYR", "TUR", "ARE", "YEM",
}  # fmt: skip
EU_2017 = {
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
    "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
    "SWE", "GBR",
}  # fmt: skip
ASEAN_2017 = {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"}


def test_core_area_is_china_russia_and_five_central_asian_states(atlas: Atlas) -> None:
    assert atlas.zone_countries["core"] == {"CHN", "RUS", "KAZ", "KGZ", "TJK", "TKM", "UZB"}


def test_extension_area_is_the_nine_named_countries(atlas: Atlas) -> None:
    assert atlas.zone_countries["extension"] == {
        "IND", "PAK", "IRN", "AFG", "MNG", "BLR", "ARM", "UKR", "MDA",
    }  # fmt: skip


def test_radiation_area_is_western_asia_the_eu_japan_and_south_korea(atlas: Atlas) -> None:
    inner = atlas.zone_countries["core"] | atlas.zone_countries["extension"]
    assert atlas.zone_countries["radiation"] == (WESTERN_ASIA | EU_2017 | {"JPN", "KOR"}) - inner


def test_a_country_named_in_two_zones_stays_in_the_inner_one(atlas: Atlas) -> None:
    assert atlas.countries["ARM"].belt_zone == "extension"  # also in Western Asia
    assert atlas.countries["CYP"].belt_zone == "radiation"


def test_southeast_asia_route_is_china_and_asean_as_a_whole(atlas: Atlas) -> None:
    assert atlas.route_countries["southeast_asia"] == {"CHN"} | ASEAN_2017


def test_south_asia_and_persian_gulf_route(atlas: Atlas) -> None:
    assert atlas.route_countries["south_asia_persian_gulf"] == {
        "BGD", "LKA", "IND", "PAK", "IRN", "IRQ", "KWT", "SAU", "QAT", "BHR", "ARE", "OMN",
    }  # fmt: skip


def test_red_sea_and_indian_ocean_west_coast_route(atlas: Atlas) -> None:
    assert atlas.route_countries["red_sea_indian_ocean_west"] == {
        "YEM", "EGY", "SDN", "ERI", "DJI", "SOM", "KEN", "TZA", "MOZ",
    }  # fmt: skip


def test_every_iso_country_is_in_the_atlas(atlas: Atlas) -> None:
    assert len(atlas.countries) == 249
    india = atlas.countries["IND"]
    assert india.belt_zone == "extension"
    assert india.road_routes == ("south_asia_persian_gulf",)
    assert atlas.countries["BRA"].belt_zone is None
