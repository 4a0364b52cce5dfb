"""What the scores say on the bundled real data: the Horn's piracy rise and fall, Syria's war."""

from __future__ import annotations

import gzip
from datetime import date
from functools import cache

import pytest

from corridor.atlas import load_atlas
from corridor.atlas.catalog import Atlas
from corridor.datasets import BUNDLED_DATASETS, dataset_path
from corridor.events.importers import FORMATS, read_records
from corridor.events.model import Incident
from corridor.risk.assets import atlas_exposure
from corridor.risk.exposure import Exposure, IncidentArrays
from corridor.risk.profile import default_profile

HORN_LANES = ("sea-lane-bab-el-mandeb-red-sea-suez", "sea-lane-arabian-sea-gwadar-aden")


@cache
def _atlas() -> Atlas:
    return load_atlas()


@cache
def _incidents(name: str) -> IncidentArrays:
    path = dataset_path(name)
    with gzip.open(path, "rb") as stream:
        records = read_records(FORMATS[BUNDLED_DATASETS[name]], stream, path.name)  # type: ignore[arg-type]
        return IncidentArrays.from_incidents(r for r in records if isinstance(r, Incident))


def _piracy(as_of: date) -> Exposure:
    return atlas_exposure(
        _atlas(), _incidents("pirate_attacks.csv.gz"), default_profile(), as_of, threat="piracy"
    )


def _rank(exposure: Exposure, asset_id: str) -> int:
    return [a for a, _ in exposure.ranking()].index(asset_id) + 1


@pytest.mark.parametrize("year", [2009, 2010, 2011])
def test_the_gulf_of_aden_lanes_rank_high_for_piracy_in_the_somali_years(year: int) -> None:
    exposure = _piracy(date(year, 12, 31))
    assert _rank(exposure, "sea-lane-bab-el-mandeb-red-sea-suez") == 1
    assert _rank(exposure, "sea-lane-arabian-sea-gwadar-aden") <= 8
    explained = exposure.contributions("sea-lane-bab-el-mandeb-red-sea-suez", top=20)
    assert {c.threat_class for c in explained} == {"piracy"}
    assert all(c.distance_km <= 100 for c in explained)


def test_their_piracy_exposure_falls_by_2013() -> None:
    peak, after = _piracy(date(2011, 12, 31)), _piracy(date(2013, 12, 31))
    # 2011: 91 and 12; 2013: 39 and 5 (with a one-year half-life, 2012's attacks still weigh)
    for lane in HORN_LANES:
        assert after.score_of(lane) < 0.5 * peak.score_of(lane)
    assert _rank(after, "sea-lane-bab-el-mandeb-red-sea-suez") > 1
    # while in the Strait of Malacca, where attacks went on, exposure rose and took the lead
    malacca = "sea-lane-malacca-singapore"
    assert after.score_of(malacca) > peak.score_of(malacca)
    assert _rank(after, malacca) == 1


def test_syrias_war_reaches_the_pipelines_through_it_and_nothing_far_away() -> None:
    exposure = atlas_exposure(
        _atlas(),
        _incidents("ged_syria_2016_2019.csv.gz"),
        default_profile(),
        date(2019, 12, 31),
        threat="armed_conflict",
    )
    assert exposure.ranking()[0][0] == "kirkuk-baniyas-pipeline"  # it crosses Syria
    far = ("power-of-siberia-1", "china-laos-railway", "port-singapore", "mombasa-nairobi-sgr")
    assert [exposure.score_of(a) for a in far] == [0.0] * len(far)
    assert sum(s > 0 for s in exposure.scores) < len(exposure.scores) / 4
