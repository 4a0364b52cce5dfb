"""Backtest: do scores made with the data up to a date foretell the following year?

Scores are computed as of ``train_until`` (later incidents are invisible to them) and
compared with what happened in the next 365 days: for an asset, the incidents within
its radius; for a country, its incidents. The naive baseline to beat is "last year's
count": the same count over the 365 days up to ``train_until``. Two measures, both
ways: Spearman's rank correlation, and the precision of the top decile (of the tenth
ranked highest, the share that were in the tenth that saw the most incidents).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray
from scipy.stats import spearmanr

from corridor.risk.country import country_risk
from corridor.risk.exposure import IncidentArrays, exposure_of, incident_weights
from corridor.risk.index import AssetIndex
from corridor.risk.indicators import IndicatorTable
from corridor.risk.profile import RiskProfile
from corridor.risk.shapes import AssetShapes

__all__ = [
    "Backtest",
    "backtest_assets",
    "backtest_countries",
    "brier_score",
    "log_score",
    "rank_correlation",
    "top_decile_precision",
    "top_k_precision",
]

YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Backtest:
    """How well scores as of ``train_until`` ranked what the next year brought."""

    subject: str  # "assets" or "countries"
    train_until: date
    items: tuple[str, ...]
    scores: tuple[float, ...]
    last_year: tuple[int, ...]  # the baseline
    next_year: tuple[int, ...]  # what happened
    spearman: float
    spearman_baseline: float
    precision: float
    precision_baseline: float


def rank_correlation(predicted: Sequence[float], actual: Sequence[float]) -> float:
    """Spearman's rho (ties averaged); NaN when either side has no spread."""
    if len(predicted) < 2 or len(set(predicted)) < 2 or len(set(actual)) < 2:
        return math.nan
    return float(spearmanr(predicted, actual).statistic)


def top_decile_precision(
    predicted: Sequence[float], actual: Sequence[float], names: Sequence[str]
) -> float:
    """Of the tenth ranked highest (at least one), the share in the tenth that had the most.

    The actual top tenth takes every item tied with its last member and only items
    with something to count; if nothing happened at all, the precision is NaN.
    """
    return top_k_precision(predicted, actual, names, max(1, math.ceil(len(predicted) / 10)))


def top_k_precision(
    predicted: Sequence[float], actual: Sequence[float], names: Sequence[str], k: int
) -> float:
    """Of the ``k`` ranked highest (ties broken by name), the share among the ``k`` that
    had the most (and every item tied with the k-th, if it had something); NaN when
    nothing happened. ``k`` larger than the items means all of them."""
    size = len(predicted)
    if size == 0 or max(actual, default=0) <= 0:
        return math.nan
    k = min(k, size)
    ranked = sorted(range(size), key=lambda i: (-predicted[i], names[i]))[:k]
    threshold = sorted(actual, reverse=True)[k - 1]
    worst = {i for i in range(size) if actual[i] >= max(threshold, 1e-12)}
    return sum(i in worst for i in ranked) / k


def brier_score(probability: Sequence[float], happened: Sequence[bool]) -> float:
    """Mean squared error of the probabilities (0 is perfect, lower is better); NaN if empty."""
    p, y = np.asarray(probability, np.float64), np.asarray(happened, np.float64)
    return float(np.mean((p - y) ** 2)) if len(p) else math.nan


def log_score(probability: Sequence[float], happened: Sequence[bool]) -> float:
    """Mean negative log-likelihood in nats (lower is better; a sure forecast that fails
    costs about 23 nats: probabilities are held within [1e-10, 1 - 1e-10])."""
    p = np.clip(np.asarray(probability, np.float64), 1e-10, 1 - 1e-10)
    y = np.asarray(happened, np.bool_)
    return float(-np.mean(np.where(y, np.log(p), np.log1p(-p)))) if len(p) else math.nan


def _window(dates: NDArray[np.datetime64], start: date, end: date) -> NDArray[np.bool_]:
    """Incidents with start < date <= end."""
    return (dates > np.datetime64(start, "D")) & (dates <= np.datetime64(end, "D"))


def _counts_near(
    index: AssetIndex,
    incidents: IncidentArrays,
    radius: NDArray[np.float64],
    chosen: NDArray[np.bool_],
    assets: int,
) -> NDArray[np.int64]:
    rows = np.flatnonzero(chosen & np.isfinite(incidents.lon) & np.isfinite(incidents.lat))
    found = index.pairs(incidents.lon[rows], incidents.lat[rows], radius[rows])
    return np.bincount(found.asset, minlength=assets).astype(np.int64)


def _result(
    subject: str,
    train_until: date,
    items: Sequence[str],
    scores: Sequence[float],
    last: Sequence[int],
    following: Sequence[int],
) -> Backtest:
    return Backtest(
        subject=subject,
        train_until=train_until,
        items=tuple(items),
        scores=tuple(scores),
        last_year=tuple(last),
        next_year=tuple(following),
        spearman=rank_correlation(scores, following),
        spearman_baseline=rank_correlation(last, following),
        precision=top_decile_precision(scores, following, items),
        precision_baseline=top_decile_precision(last, following, items),
    )


def backtest_assets(
    shapes: AssetShapes,
    incidents: IncidentArrays,
    profile: RiskProfile,
    train_until: date,
    ancestors: Callable[[str], list[str]],
) -> Backtest:
    """Asset exposure as of ``train_until`` against the incidents near each the year after.

    Every asset counts as ordinary here: criticality says what a loss would cost, not
    where incidents happen, and would only blur the test of the part that predicts.
    """
    index = AssetIndex(shapes, profile.exposure.largest_radius_km)
    ordinary = ["ordinary"] * len(shapes)
    exposure = exposure_of(
        shapes, ordinary, incidents, profile, train_until, ancestors, index=index
    )
    _, radius, _ = incident_weights(incidents, profile.exposure, train_until, ancestors)
    dates = incidents.start_date
    last = _counts_near(
        index, incidents, radius, _window(dates, train_until - YEAR, train_until), len(shapes)
    )
    following = _counts_near(
        index, incidents, radius, _window(dates, train_until, train_until + YEAR), len(shapes)
    )
    return _result(
        "assets", train_until, shapes.ids, exposure.scores.tolist(), last.tolist(),
        following.tolist(),
    )  # fmt: skip


def backtest_countries(
    incidents: IncidentArrays,
    indicators: IndicatorTable,
    profile: RiskProfile,
    train_until: date,
    ancestors: Callable[[str], list[str]],
    *,
    hazard_only: bool = False,
) -> Backtest:
    """Country risk (or its hazard component alone) as of ``train_until`` against each
    country's incidents the year after.

    Only countries with a score (indicators known) and some incident in either year
    take part: the rest would be a mass of ties at zero that says nothing.
    """
    scored = {
        c.country: c.hazard if hazard_only else c.risk
        for c in country_risk(incidents, indicators, profile, train_until, ancestors)
        if c.risk is not None
    }
    dates, codes = incidents.start_date, incidents.country.astype(str)

    def counts(chosen: NDArray[np.bool_]) -> dict[str, int]:
        names, numbers = np.unique(codes[chosen], return_counts=True)
        return dict(zip(names.tolist(), numbers.tolist(), strict=True))

    last = counts(_window(dates, train_until - YEAR, train_until))
    following = counts(_window(dates, train_until, train_until + YEAR))
    items = sorted(c for c in scored if last.get(c, 0) or following.get(c, 0))
    return _result(
        "countries (hazard)" if hazard_only else "countries",
        train_until,
        items,
        [float(scored[c] or 0.0) for c in items],
        [last.get(c, 0) for c in items],
        [following.get(c, 0) for c in items],
    )
