"""Exposure behaves as its formula says: more, nearer, newer incidents never lower it."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.risk.exposure import IncidentArrays, LiveExposure, exposure_of, severity
from corridor.risk.index import AssetIndex
from corridor.risk.profile import default_profile
from corridor.risk.shapes import AssetShapes

AS_OF = date(2020, 1, 1)
PIPELINE = np.array([[60.0, 30.0], [60.5, 30.2], [61.0, 30.1]])
PORT = np.array([[62.0, 29.0]])
SHAPES = AssetShapes.from_lines(["pipeline", "port"], [PIPELINE, PORT])
CRITICALITY = ["core", "ordinary"]
PROFILE = default_profile()


def _no_ancestors(_: str) -> list[str]:
    return []


def _incidents(rows: list[tuple[float, float, int, float]]) -> IncidentArrays:
    """(lon, lat, days before AS_OF, fatalities) rows, all armed conflict."""
    size = len(rows)
    return IncidentArrays(
        ids=np.array([f"i{k}" for k in range(size)], dtype=object),
        lon=np.array([r[0] for r in rows], np.float64),
        lat=np.array([r[1] for r in rows], np.float64),
        threat_class=np.array(["armed_conflict"] * size, dtype=object),
        start_date=np.array([AS_OF - timedelta(days=r[2]) for r in rows], dtype="datetime64[D]"),
        fatalities=np.array([r[3] for r in rows], np.float64),
        country=np.array([None] * size, dtype=object),
        title=np.array([f"event {k}" for k in range(size)], dtype=object),
    )


def _scores(rows: list[tuple[float, float, int, float]]) -> np.ndarray:
    return exposure_of(SHAPES, CRITICALITY, _incidents(rows), PROFILE, AS_OF, _no_ancestors).scores


incident_rows = st.tuples(
    st.floats(59, 63),
    st.floats(28.5, 31),
    st.integers(-30, 3000),
    st.floats(0, 500) | st.just(np.nan),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(incident_rows, max_size=25), extra=incident_rows)
def test_adding_an_incident_never_lowers_an_exposure(
    rows: list[tuple[float, float, int, float]], extra: tuple[float, float, int, float]
) -> None:
    before = _scores(rows)
    after = _scores([*rows, extra])
    assert np.all(after >= before - 1e-9 * np.maximum(1.0, before))


@settings(max_examples=60, deadline=None)
@given(offset=st.floats(0.0, 0.6), further=st.floats(0.01, 0.6), age=st.integers(0, 2000))
def test_exposure_falls_with_distance(offset: float, further: float, age: int) -> None:
    near = _scores([(60.5, 30.2 + offset, age, 10)])
    far = _scores([(60.5, 30.2 + offset + further, age, 10)])
    assert far[0] <= near[0]
    if near[0] > 0:
        assert far[0] < near[0]


@settings(max_examples=60, deadline=None)
@given(age=st.integers(0, 5000), older=st.integers(1, 5000), deaths=st.floats(0, 1000))
def test_exposure_falls_with_age(age: int, older: int, deaths: float) -> None:
    newer = _scores([(60.5, 30.25, age, deaths)])
    old = _scores([(60.5, 30.25, age + older, deaths)])
    assert old[0] < newer[0]


@settings(max_examples=60, deadline=None)
@given(beyond=st.floats(0.01, 20.0), age=st.integers(0, 2000))
def test_nothing_beyond_the_radius_counts(beyond: float, age: int) -> None:
    # due south of the port: the distance is the meridian arc, about 110.6 km a degree here
    degrees_per_km = 1 / 110.6
    radius = PROFILE.exposure.radius_km
    lat = 29.0 - (radius + beyond + 1) * degrees_per_km
    assert _scores([(62.0, lat, age, 100)])[1] == 0.0


def test_incidents_after_the_as_of_date_do_not_count() -> None:
    assert _scores([(60.5, 30.2, -1, 100)]).tolist() == [0.0, 0.0]


def test_the_score_is_the_formula() -> None:
    """One incident 0 km from the core pipeline, 365 days old, 7 deaths."""
    scores = _scores([(60.5, 30.2, 365, 7)])
    expected = 1.0 * np.log2(8) * 0.5 * 1.0 * PROFILE.exposure.criticality["core"]
    assert scores[0] == np.float64(expected)
    assert scores[1] == 0.0


def test_severity_has_a_floor_for_non_lethal_and_unknown() -> None:
    values = severity(np.array([0.0, np.nan, 1.0, 3.0, -4.0]), 0.5)
    assert values.tolist() == [0.5, 0.5, 1.0, 2.0, 0.5]


def test_contributions_explain_the_whole_score() -> None:
    rows = [(60.5, 30.2, 10, 3), (60.6, 30.3, 400, 0), (61.0, 30.15, 50, 20)]
    exposure = exposure_of(SHAPES, CRITICALITY, _incidents(rows), PROFILE, AS_OF, _no_ancestors)
    parts = exposure.contributions("pipeline", top=None)
    assert abs(sum(p.points for p in parts) - exposure.score_of("pipeline")) < 1e-9
    assert abs(sum(p.share for p in parts) - 1.0) < 1e-9
    assert [p.points for p in parts] == sorted((p.points for p in parts), reverse=True)
    assert exposure.data_range == (AS_OF - timedelta(days=400), AS_OF - timedelta(days=10))


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(incident_rows, max_size=15), new=st.lists(incident_rows, min_size=1, max_size=5)
)
def test_live_updates_equal_a_full_recomputation(
    rows: list[tuple[float, float, int, float]], new: list[tuple[float, float, int, float]]
) -> None:
    index = AssetIndex(SHAPES, PROFILE.exposure.largest_radius_km)
    start = exposure_of(
        SHAPES, CRITICALITY, _incidents(rows), PROFILE, AS_OF, _no_ancestors, index=index
    )
    live = LiveExposure(start, index, CRITICALITY, _no_ancestors)
    for row in new:
        live.add(_incidents([row]))
    np.testing.assert_allclose(live.scores, _scores(rows + new), rtol=1e-9, atol=1e-12)
