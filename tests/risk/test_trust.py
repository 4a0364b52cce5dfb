"""Weighing incidents by trust in their sources: the pure functions, on random data.

Properties: raising any source's weight never lowers a score (exposure, a country's
own rates and hazard, the yearly counts), weight 0 is the same as leaving the incidents
out, and weights of 1 everywhere (or no setting at all) give exactly the unweighted
figures.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.risk.country import country_risk
from corridor.risk.exposure import IncidentArrays, exposure_of
from corridor.risk.forecast import yearly_counts
from corridor.risk.indicators import bundled_indicators
from corridor.risk.profile import default_profile
from corridor.risk.shapes import AssetShapes
from corridor.risk.trust import by_trust, trust_weights

AS_OF = date(2020, 1, 1)
SHAPES = AssetShapes.from_lines(
    ["pipeline", "port"],
    [np.array([[60.0, 30.0], [60.5, 30.2], [61.0, 30.1]]), np.array([[62.0, 29.0]])],
)
CRITICALITY = ["core", "ordinary"]
PROFILE = default_profile()
INDICATORS = bundled_indicators()
SOURCES = ("kz-mvd", "stix:cert-ua", "public:ucdp", "")
COUNTRIES = ("AFG", "PAK", "IRN")


def _no_ancestors(_: str) -> list[str]:
    return []


Row = tuple[float, float, int, float, int, int]  # lon, lat, days before, deaths, source, country

rows = st.lists(
    st.tuples(
        st.floats(59, 63),
        st.floats(28.5, 31),
        st.integers(-30, 2000),
        st.floats(0, 200) | st.just(np.nan),
        st.integers(0, len(SOURCES) - 1),
        st.integers(0, len(COUNTRIES) - 1),
    ),
    max_size=30,
)
weights = st.floats(0, 1)


def _arrays(found: list[Row]) -> IncidentArrays:
    size = len(found)
    return IncidentArrays(
        ids=np.array([f"i{k}" for k in range(size)], dtype=object),
        lon=np.array([r[0] for r in found], np.float64),
        lat=np.array([r[1] for r in found], np.float64),
        threat_class=np.array(["armed_conflict", "terrorism"] * size, dtype=object)[:size],
        start_date=np.array([AS_OF - timedelta(days=r[2]) for r in found], "datetime64[D]"),
        fatalities=np.array([r[3] for r in found], np.float64),
        country=np.array([COUNTRIES[r[5]] for r in found], dtype=object),
        title=np.array([""] * size, dtype=object),
        reporter=np.array([SOURCES[r[4]] for r in found], dtype=object),
    )


def _exposure(incidents: IncidentArrays) -> np.ndarray:
    return exposure_of(SHAPES, CRITICALITY, incidents, PROFILE, AS_OF, _no_ancestors).scores


def _countries(incidents: IncidentArrays) -> dict[str, tuple[float, dict[str, float]]]:
    found = country_risk(incidents, INDICATORS, PROFILE, AS_OF, _no_ancestors)
    return {c.country: (c.hazard, c.rate_by_class) for c in found}


def test_a_source_without_a_setting_weighs_one() -> None:
    reporters = np.array(["a", "b", "a", "c"], dtype=object)
    assert trust_weights(reporters, {"a": 0.5, "c": 0.0}).tolist() == [0.5, 1.0, 0.5, 0.0]
    assert trust_weights(reporters, {}).tolist() == [1.0] * 4
    assert trust_weights(np.array([], dtype=object), {"a": 0.5}).tolist() == []


@settings(max_examples=60)
@given(found=rows, low=st.fixed_dictionaries({s: weights for s in SOURCES}), data=st.data())
def test_scores_never_fall_when_a_source_is_trusted_more(
    found: list[Row], low: dict[str, float], data: st.DataObject
) -> None:
    high = {s: data.draw(st.floats(w, 1), label=s) for s, w in low.items()}
    incidents = _arrays(found)
    less, more = by_trust(incidents, low), by_trust(incidents, high)
    assert np.all(_exposure(less) <= _exposure(more) * (1 + 1e-12) + 1e-12)
    counts_less = yearly_counts(less, AS_OF, 6)
    counts_more = yearly_counts(more, AS_OF, 6)
    before = dict(zip(counts_less.countries, counts_less.counts.sum(axis=1).tolist(), strict=True))
    after = dict(zip(counts_more.countries, counts_more.counts.sum(axis=1).tolist(), strict=True))
    assert all(before[c] <= after[c] + 1e-9 for c in before)
    rates_less, rates_more = _countries(less), _countries(more)
    for country, (_, rate_by_class) in rates_less.items():
        for name, rate in rate_by_class.items():
            assert rate <= rates_more[country][1][name] + 1e-9


@settings(max_examples=60)
@given(found=rows, own=weights, raised=weights, others=weights)
def test_a_countrys_hazard_never_falls_when_its_own_sources_are_trusted_more(
    found: list[Row], own: float, raised: float, others: float
) -> None:
    """AFG's incidents all come from kz-mvd here; raising kz-mvd's weight raises AFG's
    hazard or keeps it (the others' may fall: hazard is relative to the top country)."""
    found = [(*r[:4], 0 if r[5] == 0 else 1 + r[4] % 3, r[5]) for r in found]
    low, high = sorted((own, raised))
    rest = dict.fromkeys(SOURCES[1:], others)
    incidents = _arrays(found)
    less = _countries(by_trust(incidents, {"kz-mvd": low, **rest}))
    more = _countries(by_trust(incidents, {"kz-mvd": high, **rest}))
    if "AFG" in less:
        assert less["AFG"][0] <= more["AFG"][0] + 1e-9


@settings(max_examples=60)
@given(found=rows)
def test_every_source_at_one_gives_exactly_the_unweighted_figures(found: list[Row]) -> None:
    plain = _arrays(found)
    rated = by_trust(plain, dict.fromkeys(SOURCES, 1.0))
    assert np.array_equal(_exposure(plain), _exposure(rated))
    assert _countries(plain) == _countries(rated)
    assert np.array_equal(
        yearly_counts(plain, AS_OF, 6).counts, yearly_counts(rated, AS_OF, 6).counts
    )
    assert by_trust(plain, {}) is plain  # no setting: nothing to do


@settings(max_examples=60)
@given(found=rows, weight=weights)
def test_an_untrusted_source_is_as_if_its_incidents_were_not_there(
    found: list[Row], weight: float
) -> None:
    incidents = _arrays(found)
    untrusted = by_trust(incidents, {"stix:cert-ua": 0.0, "kz-mvd": weight})
    without = incidents.take(incidents.reporter != "stix:cert-ua")
    assert "stix:cert-ua" not in set(untrusted.reporter.tolist())
    rated_without = by_trust(without, {"kz-mvd": weight})
    assert np.array_equal(_exposure(untrusted), _exposure(rated_without))
    assert _countries(untrusted) == _countries(rated_without)


def test_a_countrys_sources_say_how_many_incidents_and_what_weight() -> None:
    found: list[Row] = [
        (60.0, 30.0, 10, 0.0, 0, 0),
        (60.0, 30.0, 20, 0.0, 0, 0),
        (60.0, 30.0, 30, 5.0, 1, 0),
        (60.0, 30.0, 40, 5.0, 1, 1),
    ]
    incidents = by_trust(_arrays(found), {"stix:cert-ua": 0.25})
    scored = {c.country: c for c in country_risk(incidents, INDICATORS, PROFILE, AS_OF,
                                                 _no_ancestors)}  # fmt: skip
    assert scored["AFG"].sources == {"kz-mvd": (2, 1.0), "stix:cert-ua": (1, 0.25)}
    assert scored["PAK"].sources == {"stix:cert-ua": (1, 0.25)}
    exposure = exposure_of(SHAPES, CRITICALITY, incidents, PROFILE, AS_OF, _no_ancestors)
    parts = {p.incident_id: (p.source, p.trust) for p in exposure.contributions("pipeline")}
    assert parts["i2"] == ("stix:cert-ua", 0.25) and parts["i0"] == ("kz-mvd", 1.0)
    unweighted = exposure_of(SHAPES, CRITICALITY, _arrays(found), PROFILE, AS_OF, _no_ancestors)
    points = {p.incident_id: p.points for p in unweighted.contributions("pipeline")}
    weighted = {p.incident_id: p.points for p in exposure.contributions("pipeline")}
    assert weighted["i2"] == points["i2"] * 0.25 and weighted["i0"] == points["i0"]


def test_arrays_without_the_columns_read_as_unrated() -> None:
    plain = _arrays([(60.0, 30.0, 10, 0.0, 0, 0)])
    bare = dataclasses.replace(plain, reporter=np.empty(0, object), trust=np.empty(0))
    assert bare.reporter.tolist() == [""] and bare.trust.tolist() == [1.0]
    assert np.array_equal(_exposure(bare), _exposure(plain))
