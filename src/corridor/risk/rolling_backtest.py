"""Rolling-origin backtest of the country forecasts: train up to year t, predict t + 1.

For every test year each method of :mod:`corridor.risk.forecast` ranks the countries seen
so far from the record up to the end of the year before, and is judged on what came:
Spearman's rank correlation with next year's counts, precision at the top 10, and for
"any incident next year" the Brier and log scores. A method's score becomes a probability
by a logistic fit (Platt scaling) on its own forecasts of the earlier years, never the
year judged. A method wins when its mean Spearman beats last year's count's and it ranks
better in more than half of the test years; otherwise nothing beats the naive forecast,
and the result says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from corridor.risk.backtest import brier_score, log_score, rank_correlation, top_k_precision
from corridor.risk.exposure import IncidentArrays
from corridor.risk.forecast import (
    METHOD_LABELS,
    METHODS,
    MIN_PAIRS,
    NAIVE,
    ForecastHistory,
    yearly_counts,
)
from corridor.risk.indicators import IndicatorTable
from corridor.risk.profile import RiskProfile

__all__ = [
    "CALIBRATION_BINS",
    "MIN_COUNTRIES",
    "PLATT_YEARS",
    "TOP_K",
    "Calibration",
    "ForecastBacktest",
    "MethodSummary",
    "MethodYear",
    "rolling_backtest",
]

MIN_COUNTRIES = 10  # fewer, and "the top 10" is everyone: ranking countries means nothing
PLATT_YEARS = 3  # earlier forecasts a method needs before its probabilities are judged
TOP_K = 10
CALIBRATION_BINS = 10

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class MethodYear:
    """One method's forecast of one year, judged."""

    method: str
    year: int  # the year forecast, from the record up to the end of the year before
    countries: int  # ranked: those with an incident up to the end of the year before
    spearman: float
    precision_at_10: float
    brier: float
    log_score: float


@dataclass(frozen=True)
class MethodSummary:
    """A method's measures averaged over the test years (NaN years left out)."""

    method: str
    label: str
    spearman: float
    precision_at_10: float
    brier: float
    log_score: float
    years_ranked_better: int  # test years with a higher Spearman than last year's count
    years: int


@dataclass(frozen=True)
class Calibration:
    """A reliability diagram's points: the forecasts of every test year pooled, in
    ``CALIBRATION_BINS`` equal bins of probability (empty bins left out)."""

    method: str
    predicted: tuple[float, ...]  # mean forecast probability in the bin
    observed: tuple[float, ...]  # share of the bin's countries with an incident
    forecasts: tuple[int, ...]  # how many (country, year) forecasts fell in the bin


@dataclass(frozen=True)
class ForecastBacktest:
    """Every method judged on every test year, the averages, and the verdict."""

    years: tuple[int, ...]  # the years forecast
    countries: tuple[str, ...]  # every country in the record
    per_year: tuple[MethodYear, ...]
    summary: tuple[MethodSummary, ...]  # in METHODS order, last year's count first
    calibration: tuple[Calibration, ...]
    winner: str | None  # the method that beats last year's count; None when none does
    reason: str = ""  # why the backtest does not apply, when it does not

    @property
    def applies(self) -> bool:
        return not self.reason

    @property
    def chosen(self) -> str:
        """The ranking to show: the winner, else last year's count."""
        return self.winner or NAIVE

    @property
    def verdict(self) -> str:
        """Plain words: who ranks best, or that nothing beats the naive forecast, and
        whose probabilities of "any incident" score best."""
        if self.reason:
            return self.reason
        return f"{self._ranking_verdict()}. {self._probability_verdict()}"

    def _probability_verdict(self) -> str:
        naive = next(s for s in self.summary if s.method == NAIVE)
        best = min(self.summary, key=lambda s: _or(s.brier, 2.0))
        if best.method == NAIVE:
            return "For the chance of any incident, no method scores better than last year's count"
        return (
            f"For the chance of any incident, {best.label} scores best (Brier {best.brier:.3f} "
            f"against {naive.brier:.3f}, log score {best.log_score:.3f} against "
            f"{naive.log_score:.3f})"
        )

    def _ranking_verdict(self) -> str:
        by_method = {s.method: s for s in self.summary}
        naive = by_method[NAIVE]
        if self.winner is None:
            best = max(
                (s for s in self.summary if s.method != NAIVE),
                key=lambda s: _or(s.spearman, -2.0),
            )
            return (
                f"nothing beats last year's count on these incidents: the best other, "
                f"{best.label}, ranks {best.spearman:.2f} against {naive.spearman:.2f} "
                f"(mean Spearman, {len(self.years)} years), better in "
                f"{best.years_ranked_better} of {best.years}: rank by last year's count"
            )
        won = by_method[self.winner]
        return (
            f"{won.label} beats last year's count: mean Spearman {won.spearman:.2f} against "
            f"{naive.spearman:.2f}, better in {won.years_ranked_better} of {won.years} years "
            f"({self.years[0]}-{self.years[-1]})"
        )


def rolling_backtest(
    incidents: IncidentArrays,
    indicators: IndicatorTable,
    profile: RiskProfile,
    ancestors: Callable[[str], list[str]],
    *,
    last_year: int | None = None,
) -> ForecastBacktest:
    """Forecast each year from the record before it and judge every method on it.

    The record runs from its first year to ``last_year`` (default: the newest incident's
    year if that year reaches December, else the year before: a part year would look
    like a fall). Fewer than ``MIN_COUNTRIES`` countries or too few years: the result
    carries the reason and no measures.
    """
    located = incidents.take(np.fromiter(map(bool, incidents.country), np.bool_, len(incidents)))
    if len(located) == 0:
        return _not_applicable((), "no incident names a country: nothing to forecast")
    first = int(str(located.start_date.min())[:4])
    newest = date.fromisoformat(str(located.start_date.max()))
    final = last_year or (newest.year if newest.month == 12 else newest.year - 1)
    counts = yearly_counts(located, date(final, 12, 31), max(final - first + 1, 1))
    named = counts.countries
    if len(named) < MIN_COUNTRIES:
        listed = ", ".join(named[:5]) + (", ..." if len(named) > 5 else "")
        return _not_applicable(
            named,
            f"forecasting across countries does not apply: these incidents name "
            f"{len(named)} {'country' if len(named) == 1 else 'countries'} ({listed}); "
            f"ranking needs at least {MIN_COUNTRIES}",
        )
    origins = range(MIN_PAIRS, len(counts.ends) - 1)
    tests = [o for o in origins if o - MIN_PAIRS >= PLATT_YEARS]
    if not tests:
        need = MIN_PAIRS + PLATT_YEARS + 2
        return _not_applicable(
            named,
            f"too few years to backtest: {first}-{final} is {len(counts.ends)}, "
            f"the rolling origin needs {need}",
        )
    history = ForecastHistory(counts, located, indicators, profile, ancestors)
    scores = {o: history.scores(o) for o in origins}
    per_year: list[MethodYear] = []
    pooled: dict[str, list[tuple[FloatArray, NDArray[np.bool_]]]] = {m: [] for m in METHODS}
    for origin in tests:
        seen = counts.seen(origin)
        names = [c for c, s in zip(named, seen.tolist(), strict=True) if s]
        actual = counts.counts[seen, origin + 1].astype(np.float64)
        happened = actual > 0
        for method in METHODS:
            ranked = scores[origin][method][seen]
            probability = _platt(
                [(scores[s][method][counts.seen(s)], counts.counts[counts.seen(s), s + 1] > 0)
                 for s in origins if s < origin],
                ranked,
            )  # fmt: skip
            pooled[method].append((probability, happened))
            per_year.append(
                MethodYear(
                    method=method,
                    year=counts.years[origin + 1],
                    countries=len(names),
                    spearman=rank_correlation(ranked.tolist(), actual.tolist()),
                    precision_at_10=top_k_precision(ranked.tolist(), actual.tolist(), names, TOP_K),
                    brier=brier_score(probability.tolist(), happened.tolist()),
                    log_score=log_score(probability.tolist(), happened.tolist()),
                )
            )
    summary = tuple(_summary(m, per_year) for m in METHODS)
    return ForecastBacktest(
        years=tuple(counts.years[o + 1] for o in tests),
        countries=named,
        per_year=tuple(per_year),
        summary=summary,
        calibration=tuple(_calibration(m, pooled[m]) for m in METHODS),
        winner=_winner(summary),
    )


def _not_applicable(countries: tuple[str, ...], reason: str) -> ForecastBacktest:
    return ForecastBacktest((), countries, (), (), (), None, reason)


def _feature(score: FloatArray) -> FloatArray:
    """Scores are counts or 0-10: their log keeps the big ones from swamping the fit."""
    return np.log1p(np.maximum(score, 0.0)).reshape(-1, 1)


def _platt(earlier: list[tuple[FloatArray, NDArray[np.bool_]]], score: FloatArray) -> FloatArray:
    """P(any incident) for ``score`` from a logistic fit on the earlier (score, happened)."""
    x = np.vstack([_feature(s) for s, _ in earlier])
    y = np.concatenate([h for _, h in earlier])
    if y.all() or not y.any():  # one outcome only: its frequency, kept off 0 and 1
        share = (y.sum() + 0.5) / (len(y) + 1.0)
        return np.full(len(score), share)
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=100.0).fit(x, y)
    return np.asarray(model.predict_proba(_feature(score))[:, 1], np.float64)


def _summary(method: str, per_year: list[MethodYear]) -> MethodSummary:
    mine = [r for r in per_year if r.method == method]
    naive = {r.year: r.spearman for r in per_year if r.method == NAIVE}
    better = sum(_or(r.spearman, -2.0) > _or(naive[r.year], -2.0) for r in mine)
    return MethodSummary(
        method=method,
        label=METHOD_LABELS[method],
        spearman=_mean(r.spearman for r in mine),
        precision_at_10=_mean(r.precision_at_10 for r in mine),
        brier=_mean(r.brier for r in mine),
        log_score=_mean(r.log_score for r in mine),
        years_ranked_better=better if method != NAIVE else 0,
        years=len(mine),
    )


def _winner(summary: tuple[MethodSummary, ...]) -> str | None:
    """The best mean Spearman, if it beats last year's count on average and in most years."""
    naive = next(s for s in summary if s.method == NAIVE)
    rivals = [s for s in summary if s.method != NAIVE and not math.isnan(s.spearman)]
    if not rivals:
        return None
    best = max(rivals, key=lambda s: s.spearman)
    beats = best.spearman > _or(naive.spearman, -2.0) and 2 * best.years_ranked_better > best.years
    return best.method if beats else None


def _calibration(method: str, pooled: list[tuple[FloatArray, NDArray[np.bool_]]]) -> Calibration:
    probability = np.concatenate([p for p, _ in pooled])
    happened = np.concatenate([h for _, h in pooled]).astype(np.float64)
    at = np.minimum((probability * CALIBRATION_BINS).astype(np.int64), CALIBRATION_BINS - 1)
    sizes = np.bincount(at, minlength=CALIBRATION_BINS)
    used = sizes > 0
    mean_p = np.bincount(at, probability, CALIBRATION_BINS)[used] / sizes[used]
    share = np.bincount(at, happened, CALIBRATION_BINS)[used] / sizes[used]
    return Calibration(
        method, tuple(mean_p.tolist()), tuple(share.tolist()), tuple(sizes[used].tolist())
    )


def _mean(values: Iterable[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else math.nan


def _or(value: float, default: float) -> float:
    return default if math.isnan(value) else value
