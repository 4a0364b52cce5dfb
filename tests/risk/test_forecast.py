"""Country forecasts and their rolling-origin backtest: by hand, on generated worlds with
known answers, and on the bundled piracy record (what decides the product's default)."""

from __future__ import annotations

import gzip
import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.datasets import BUNDLED_DATASETS, dataset_path
from corridor.events.importers import FORMATS, read_records
from corridor.events.model import Incident
from corridor.risk.backtest import brier_score, log_score, top_k_precision
from corridor.risk.exposure import IncidentArrays
from corridor.risk.forecast import (
    DEFAULT_METHOD,
    METHODS,
    NAIVE,
    ForecastHistory,
    ewma,
    neighbour_matrix,
    yearly_counts,
)
from corridor.risk.indicators import IndicatorTable, bundled_indicators
from corridor.risk.profile import default_profile
from corridor.risk.rolling_backtest import MIN_COUNTRIES, rolling_backtest

NO_INDICATORS = IndicatorTable("none", {})
# Coastal countries of three seas, so neighbours mean something.
COUNTRIES = ("SOM", "YEM", "DJI", "ERI", "OMN", "KEN", "TZA", "MOZ", "IDN", "MYS", "SGP",
             "PHL", "VNM", "THA", "NGA", "BEN", "TGO", "GHA", "CMR", "GAB")  # fmt: skip


def _none(_: str) -> list[str]:
    return []


def _world(counts: dict[str, list[int]], first_year: int) -> IncidentArrays:
    """Incidents spread over each year, ``counts[country][k]`` in year first_year + k."""
    days, codes = [], []
    for country, by_year in counts.items():
        for k, n in enumerate(by_year):
            start = date(first_year + k, 1, 1)
            days += [start + timedelta(days=int(d)) for d in np.linspace(5, 355, n)]
            codes += [country] * n
    return IncidentArrays.of_columns(
        threat_class=["piracy"] * len(days), start_date=days,
        fatalities=[0.0] * len(days), country=codes,
    )  # fmt: skip


# --------------------------------------------------------------------------- measures


def test_proper_scores_by_hand() -> None:
    assert brier_score([1.0, 0.0, 0.5], [True, False, True]) == pytest.approx(0.25 / 3)
    assert log_score([0.5, 0.5], [True, False]) == pytest.approx(math.log(2))
    assert log_score([0.0], [True]) == pytest.approx(-math.log(1e-10))  # capped, not infinite
    assert math.isnan(brier_score([], []))


def test_precision_at_k_counts_the_top_k() -> None:
    names = [f"c{i}" for i in range(12)]
    actual = [12.0 - i for i in range(12)]  # c0 had most
    assert top_k_precision(list(actual), actual, names, 10) == 1.0
    reversed_ = [float(i) for i in range(12)]
    assert top_k_precision(reversed_, actual, names, 10) == 0.8  # c2..c11 hold 8 of the top 10
    assert top_k_precision([1.0, 2.0], [3.0, 1.0], ["a", "b"], 10) == 1.0  # k larger: everyone


# --------------------------------------------------------------------------- counts, neighbours


def test_yearly_counts_take_each_incident_into_its_year() -> None:
    incidents = _world({"SOM": [3, 0, 2], "YEM": [0, 4, 1]}, 2010)
    counts = yearly_counts(incidents, date(2012, 12, 31), 3)
    assert counts.countries == ("SOM", "YEM") and counts.years == (2010, 2011, 2012)
    assert counts.counts.tolist() == [[3, 0, 2], [0, 4, 1]]
    assert counts.seen(0).tolist() == [True, False]
    ending_midyear = yearly_counts(incidents, date(2012, 6, 30), 2)
    assert ending_midyear.counts.sum() < incidents.start_date.size  # later ones left out


def test_neighbours_are_land_borders_and_the_facing_coast() -> None:
    names = ["SOM", "DJI", "ETH", "KEN", "YEM", "SGP", "MYS", "IDN", "NGA"]
    near = neighbour_matrix(names)
    at = {c: i for i, c in enumerate(names)}
    assert near[at["SOM"], at["ETH"]] and near[at["SOM"], at["KEN"]]  # land
    assert near[at["DJI"], at["YEM"]]  # across Bab-el-Mandeb
    assert near[at["SGP"], at["MYS"]] and near[at["SGP"], at["IDN"]]  # across the strait
    assert not near[at["SOM"], at["NGA"]] and not near.diagonal().any()
    assert (near == near.T).all()


def test_the_weighted_history_halves_each_year_back() -> None:
    assert ewma(np.array([[4.0, 8.0]]), half_life_years=1.0)[0] == pytest.approx(
        (4 * 0.5 + 8) / 1.5
    )


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(4, 7))
def test_no_method_peeks_past_its_origin(seed: int, origin: int) -> None:
    """Changing what happened after the origin changes no method's score at it."""
    rng = np.random.default_rng(seed)
    base = {c: rng.poisson(rng.uniform(0.5, 8), 10).tolist() for c in COUNTRIES[:12]}
    later = {c: v[: origin + 1] + rng.poisson(20, 9 - origin).tolist() for c, v in base.items()}
    scores = []
    for world in (base, later):
        incidents = _world(world, 2000)
        counts = yearly_counts(incidents, date(2009, 12, 31), 10)
        history = ForecastHistory(counts, incidents, bundled_indicators(), default_profile(), _none)
        scores.append(history.scores(origin))
    for method in METHODS:
        np.testing.assert_allclose(scores[0][method], scores[1][method], err_msg=method)


# --------------------------------------------------------------------------- generated worlds


def test_a_model_beats_last_years_count_when_counts_are_noisy_around_steady_rates() -> None:
    """Each country draws Poisson counts from its own steady rate: last year's count is one
    noisy draw, a history averages the noise away; the verdict names the winner."""
    rng = np.random.default_rng(7)
    rates = dict(zip(COUNTRIES, rng.lognormal(0.5, 1.0, len(COUNTRIES)), strict=True))
    world = {c: rng.poisson(rate, 16).tolist() for c, rate in rates.items()}
    result = rolling_backtest(_world(world, 2000), NO_INDICATORS, default_profile(), _none)
    assert result.applies and result.years == tuple(range(2007, 2016))
    by_method = {s.method: s for s in result.summary}
    assert result.winner in ("ewma", "count_model") and result.chosen == result.winner
    assert by_method[result.winner].spearman > by_method[NAIVE].spearman
    assert "beats last year's count" in result.verdict
    ranked = sum(y.countries for y in result.per_year if y.method == NAIVE)
    for curve in result.calibration:
        assert sum(curve.forecasts) == ranked  # every forecast of every test year, once
        assert all(0 <= p <= 1 for p in (*curve.predicted, *curve.observed))


def test_when_counts_repeat_exactly_nothing_beats_last_years_count_and_it_says_so() -> None:
    world = {c: [k + 1] * 12 for k, c in enumerate(COUNTRIES)}
    result = rolling_backtest(_world(world, 2005), NO_INDICATORS, default_profile(), _none)
    naive = next(s for s in result.summary if s.method == NAIVE)
    assert naive.spearman == pytest.approx(1.0) and naive.precision_at_10 == 1.0
    assert result.winner is None and result.chosen == NAIVE
    assert result.verdict.startswith("nothing beats last year's count")


def test_one_country_is_not_a_ranking() -> None:
    """The bundled UCDP file is Syria alone: forecasting across countries does not apply."""
    result = rolling_backtest(
        _world({"SYR": [900, 800, 700, 650]}, 2016), NO_INDICATORS, default_profile(), _none
    )
    assert not result.applies and result.per_year == () and result.winner is None
    assert result.verdict == (
        "forecasting across countries does not apply: these incidents name 1 country (SYR); "
        f"ranking needs at least {MIN_COUNTRIES}"
    )


def test_too_few_years_say_so() -> None:
    world = {c: [1, 2, 3] for c in COUNTRIES}
    result = rolling_backtest(_world(world, 2018), NO_INDICATORS, default_profile(), _none)
    assert not result.applies and "too few years" in result.verdict


# --------------------------------------------------------------------------- the bundled record


@pytest.fixture(scope="module")
def piracy() -> IncidentArrays:
    name = "pirate_attacks.csv.gz"
    path = dataset_path(name)
    with gzip.open(path, "rb") as stream:
        records = read_records(FORMATS[BUNDLED_DATASETS[name]], stream, path.name)  # type: ignore[arg-type]
        return IncidentArrays.from_incidents(r for r in records if isinstance(r, Incident))


def test_the_default_ranking_is_what_wins_on_the_bundled_piracy_record(
    piracy: IncidentArrays,
) -> None:
    """The honest result: on 2000-2020 no method ranks countries better than last year's
    count (mean Spearman), so that is the default; the count model's probabilities of any
    incident are the best (Brier). If a method comes to win, the default must follow."""
    result = rolling_backtest(piracy, bundled_indicators(), default_profile(), _none)
    assert result.years == tuple(range(2000, 2021)) and len(result.countries) > 100
    assert result.chosen == DEFAULT_METHOD == NAIVE and result.winner is None
    assert result.verdict.startswith("nothing beats last year's count on these incidents")
    by_method = {s.method: s for s in result.summary}
    naive = by_method[NAIVE]
    assert 0.70 < naive.spearman < 0.73
    assert all(s.spearman <= naive.spearman for s in result.summary)
    assert by_method["count_model"].brier < naive.brier - 0.005  # better probabilities
    assert "count model (Poisson GLM) scores best (Brier" in result.verdict
