"""The backtest's measures, by hand, and on the bundled piracy data."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from corridor.risk.backtest import backtest_assets, rank_correlation, top_decile_precision
from corridor.risk.exposure import IncidentArrays
from corridor.risk.profile import default_profile
from corridor.risk.shapes import AssetShapes

TRAIN_UNTIL = date(2015, 12, 31)


def test_top_decile_precision_by_hand() -> None:
    names = [f"a{i}" for i in range(20)]  # the top decile is 2 items
    actual = [0.0] * 20
    actual[3], actual[7] = 9.0, 5.0
    predicted = [0.0] * 20
    predicted[3], predicted[11] = 2.0, 1.0
    assert top_decile_precision(predicted, actual, names) == 0.5
    predicted[7] = 1.5
    assert top_decile_precision(predicted, actual, names) == 1.0
    assert math.isnan(top_decile_precision(predicted, [0.0] * 20, names))


def test_ties_at_the_cut_count_as_the_top() -> None:
    names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]  # k = 2
    actual = [5.0, 3.0, 3.0, 3.0, 0, 0, 0, 0, 0, 0, 0]
    predicted = [0.0, 0.0, 0.0, 9.0, 8.0, 0, 0, 0, 0, 0, 0]
    assert top_decile_precision(predicted, actual, names) == 0.5  # d is tied at the cut


def test_rank_correlation_is_nan_without_spread() -> None:
    assert rank_correlation([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert rank_correlation([3, 2, 1], [10, 20, 30]) == pytest.approx(-1.0)
    assert math.isnan(rank_correlation([1, 1, 1], [1, 2, 3]))


def _around(
    lon: float, lat: float, count: int, first: date, days: int
) -> list[tuple[float, float, date]]:
    rng = np.random.default_rng(int(lon * 100 + lat))
    return [
        (lon + rng.uniform(-0.1, 0.1), lat + rng.uniform(-0.1, 0.1), first + timedelta(days=int(d)))
        for d in rng.uniform(0, days, count)
    ]


def test_a_steady_pattern_is_foretold_exactly() -> None:
    """Many incidents keep happening at A, a few at B, none at C or D: the ranking holds."""
    shapes = AssetShapes.from_lines(
        ["A", "B", "C", "D"],
        [np.array([[10.0, 10.0]]), np.array([[20.0, 10.0]]), np.array([[30.0, 10.0]]),
         np.array([[40.0, 10.0]])],
    )  # fmt: skip
    rows = _around(10, 10, 60, date(2013, 1, 1), 365 * 4) + _around(
        20, 10, 8, date(2013, 1, 1), 365 * 4
    )
    incidents = IncidentArrays.of_columns(
        lon=[r[0] for r in rows],
        lat=[r[1] for r in rows],
        threat_class=["armed_conflict"] * len(rows),
        start_date=[r[2] for r in rows],
        fatalities=[1.0] * len(rows),
    )
    result = backtest_assets(shapes, incidents, default_profile(), TRAIN_UNTIL, lambda c: [])
    assert result.items == ("A", "B", "C", "D")
    assert result.scores[0] > result.scores[1] > result.scores[2] == result.scores[3] == 0
    assert result.next_year[2:] == (0, 0) and result.next_year[0] > result.next_year[1] > 0
    assert result.spearman == pytest.approx(1.0)
    assert result.precision == 1.0
