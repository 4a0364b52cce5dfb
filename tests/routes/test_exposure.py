"""A sea leg's exposure: the risk engine's formula on its line, across the antimeridian too."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.risk.exposure import IncidentArrays
from corridor.risk.profile import default_profile
from corridor.routes.exposure import legs_exposure
from corridor.routes.sea import SeaLeg

AS_OF = date(2011, 12, 31)
PROFILE = default_profile()


def _no_ancestors(_: str) -> list[str]:
    return []


def _leg(*line: tuple[float, float]) -> SeaLeg:
    return SeaLeg(line[0], line[-1], tuple(line), length_km=0.0, passages=())


def _incidents(*rows: tuple[float, float, int]) -> IncidentArrays:
    """(lon, lat, days before AS_OF) rows: non-lethal armed conflict."""
    return IncidentArrays.of_columns(
        lon=[r[0] for r in rows],
        lat=[r[1] for r in rows],
        threat_class=["armed_conflict"] * len(rows),
        start_date=[AS_OF - timedelta(days=r[2]) for r in rows],
        fatalities=[0.0] * len(rows),
    )


def _one_on_the_line() -> float:
    """What one non-lethal armed-conflict incident of today, on the line, adds (x criticality)."""
    settings = PROFILE.exposure
    return settings.weight_of("armed_conflict", _no_ancestors) * settings.non_lethal_floor


def test_an_incident_on_the_leg_adds_the_formulas_points() -> None:
    legs = {"aden": _leg((45.0, 12.0), (47.0, 12.0), (50.0, 12.0)), "far": _leg((0.0, 0.0), (1, 0))}
    exposure = legs_exposure(legs, _incidents((47.0, 12.0, 0)), PROFILE, AS_OF, _no_ancestors)
    assert exposure.asset_ids == ("aden", "far")
    important = PROFILE.exposure.criticality["important"]
    assert exposure.scores.tolist() == [_one_on_the_line() * important, 0.0]
    half_a_life = legs_exposure(
        legs, _incidents((47.0, 12.0, 365)), PROFILE, AS_OF, _no_ancestors, criticality="core"
    )
    core = PROFILE.exposure.criticality["core"]
    assert half_a_life.score_of("aden") == pytest.approx(_one_on_the_line() * core / 2)


def test_a_leg_across_the_antimeridian_stays_whole() -> None:
    """searoute's lines run on past 180 degrees; an incident at -179 lies on this one."""
    across = {"pacific": _leg((178.0, 10.0), (179.0, 10.0), (181.0, 10.0), (182.0, 10.0))}
    exposure = legs_exposure(across, _incidents((-179.0, 10.0, 0)), PROFILE, AS_OF, _no_ancestors)
    assert exposure.score_of("pacific") == pytest.approx(_one_on_the_line() * 2.0)
    wrapped = {"pacific": _leg((178.0, 10.0), (179.0, 10.0), (-179.0, 10.0), (-178.0, 10.0))}
    same = legs_exposure(wrapped, _incidents((-179.0, 10.0, 0)), PROFILE, AS_OF, _no_ancestors)
    assert same.scores.tolist() == exposure.scores.tolist()


@given(
    shift=st.sampled_from([-360.0, 0.0, 360.0]),
    lon=st.floats(150.0, 210.0),
    lat=st.floats(9.6, 10.6),
    age=st.integers(0, 2000),
)
def test_where_the_line_is_written_does_not_change_its_score(
    shift: float, lon: float, lat: float, age: int
) -> None:
    """The same route, its longitudes written 360 degrees apart, scores the same."""
    line = [(160.0, 10.0), (175.0, 10.5), (185.0, 10.0), (200.0, 9.5)]
    shifted = [(x + shift, y) for x, y in line]
    incidents = _incidents((lon - 360.0 if lon > 180 else lon, lat, age))
    once = legs_exposure({"r": _leg(*line)}, incidents, PROFILE, AS_OF, _no_ancestors)
    again = legs_exposure({"r": _leg(*shifted)}, incidents, PROFILE, AS_OF, _no_ancestors)
    np.testing.assert_allclose(again.scores, once.scores, rtol=1e-9, atol=1e-12)
