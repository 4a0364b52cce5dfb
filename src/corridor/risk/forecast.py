"""Next year's incidents per country, by four methods that see only the past.

The record becomes a matrix of yearly counts, countries x years, the years ending on one
day (31 December in a backtest, the as-of date in a ranking). At an origin (the end of
year ``i``) every method reads columns ``0..i`` and nothing later, and returns a score per
country that ranks next year's incidents:

* ``last_year``: the count of year ``i`` (the naive forecast to beat);
* ``ewma``: past counts averaged with weights halving every ``HALF_LIFE_YEARS``;
* ``count_model``: a Poisson GLM (scikit-learn) fitted on every earlier (year, next year)
  pair: the country's history, its neighbours' (countries whose 1:50m shapes lie within
  ``NEIGHBOUR_REACH_DEG`` of each other, so sea neighbours count), and governance (the
  profile's indicators, the bundled WGI by default);
* ``composite``: the INFORM-style country risk as of the origin (0-10).

A country takes part from its first incident on: before it nothing ranks it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
from numpy.typing import NDArray

from corridor.risk.country import country_risk
from corridor.risk.exposure import IncidentArrays
from corridor.risk.indicators import IndicatorTable
from corridor.risk.profile import RiskProfile

__all__ = [
    "DEFAULT_METHOD",
    "HALF_LIFE_YEARS",
    "METHODS",
    "METHOD_LABELS",
    "MIN_PAIRS",
    "NAIVE",
    "NEIGHBOUR_REACH_DEG",
    "ForecastHistory",
    "YearlyCounts",
    "ewma",
    "neighbour_matrix",
    "yearly_counts",
]

NAIVE = "last_year"
METHODS = (NAIVE, "ewma", "count_model", "composite")
METHOD_LABELS = {
    NAIVE: "last year's count",
    "ewma": "weighted history",
    "count_model": "count model (Poisson GLM)",
    "composite": "composite (INFORM-style)",
}
# What `corridor risk countries` ranks by: the winner of the backtest on the bundled piracy
# record, which is last year's count: no other method ranks better there (mean Spearman
# 2000-2020; tests/risk/test_forecast.py pins it, and must change when one does).
DEFAULT_METHOD = NAIVE
HALF_LIFE_YEARS = 1.0  # fixed before looking at any result: last year weighs twice the one before
NEIGHBOUR_REACH_DEG = 1.0  # about 110 km: land borders and the facing coast across a strait
MIN_PAIRS = 3  # the count model fits from this many (year, next year) pairs on

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class YearlyCounts:
    """Incidents per country and year; year ``years[j]`` ends on ``ends[j]``. Each
    incident counts its trust weight (1 unless the reader rated its source lower)."""

    countries: tuple[str, ...]  # every country with an incident, sorted
    ends: tuple[date, ...]
    counts: NDArray[np.float64]  # (countries, years); whole numbers when nothing is rated

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(end.year for end in self.ends)

    def seen(self, origin: int) -> NDArray[np.bool_]:
        """The countries with an incident up to the end of year ``origin``."""
        found: NDArray[np.bool_] = self.counts[:, : origin + 1].sum(axis=1) > 0
        return found


def yearly_counts(incidents: IncidentArrays, last_end: date, years: int) -> YearlyCounts:
    """Count each country's incidents in ``years`` consecutive years, the last ending on
    ``last_end`` (a year steps back to the same day; 29 February to the 28th), each
    incident counting its trust weight."""
    ends = tuple(_years_before(last_end, years - 1 - k) for k in range(years))
    starts = (_years_before(last_end, years), *ends[:-1])
    has_country = np.fromiter(map(bool, incidents.country), np.bool_, len(incidents))
    codes = incidents.country[has_country].astype(str)
    dates = incidents.start_date[has_country]
    trust = incidents.trust[has_country]
    edges = np.array([*starts[:1], *ends], "datetime64[D]")
    year_at = np.searchsorted(edges, dates, side="left") - 1  # (start, end]
    inside = (year_at >= 0) & (year_at < years)
    countries, country_at = np.unique(codes[inside], return_inverse=True)
    counts = np.zeros((len(countries), years), np.float64)
    np.add.at(counts, (country_at, year_at[inside]), trust[inside])
    return YearlyCounts(tuple(countries.tolist()), ends, counts)


@cache
def _neighbours_of(countries: tuple[str, ...], reach_deg: float) -> NDArray[np.bool_]:
    import shapely

    from corridor.atlas.borders import country_shapes

    shapes = country_shapes()
    drawn = [i for i, c in enumerate(countries) if c in shapes]
    near = np.zeros((len(countries), len(countries)), np.bool_)
    if drawn:
        tree = shapely.STRtree([shapes[countries[i]] for i in drawn])
        pairs = tree.query(tree.geometries, predicate="dwithin", distance=reach_deg)
        at = np.array(drawn)
        near[at[pairs[0]], at[pairs[1]]] = True
    np.fill_diagonal(near, False)
    return near


def neighbour_matrix(
    countries: Sequence[str], reach_deg: float = NEIGHBOUR_REACH_DEG
) -> NDArray[np.bool_]:
    """``near[i, j]``: the shapes of countries i and j lie within ``reach_deg`` degrees
    (bundled Natural Earth borders); a country not drawn there has no neighbour."""
    return _neighbours_of(tuple(countries), reach_deg).copy()


def ewma(counts: FloatArray, half_life_years: float = HALF_LIFE_YEARS) -> FloatArray:
    """The weighted mean of each row's years (the last column weighs 1, the one before
    2^(-1/half_life)...): a count per year, as the counts are."""
    years = counts.shape[1]
    weights = 0.5 ** (np.arange(years - 1, -1, -1) / half_life_years)
    result: FloatArray = counts @ weights / weights.sum()
    return result


class ForecastHistory:
    """The record and what the methods read from it, with the count model's features
    computed once per year (each from the columns up to its year only)."""

    def __init__(
        self,
        counts: YearlyCounts,
        incidents: IncidentArrays,
        indicators: IndicatorTable,
        profile: RiskProfile,
        ancestors: Callable[[str], list[str]],
    ) -> None:
        self.counts = counts
        self._incidents = incidents
        self._indicators = indicators
        self._profile = profile
        self._ancestors = ancestors
        self._near = neighbour_matrix(counts.countries)
        self._features: dict[int, FloatArray] = {}

    def scores(self, origin: int) -> dict[str, FloatArray]:
        """Each method's score for every country at the end of year ``origin``."""
        return {method: self.score(origin, method) for method in METHODS}

    def score(self, origin: int, method: str) -> FloatArray:
        """``method``'s score for every country at the end of year ``origin``, from columns
        ``0..origin`` only (the composite reads the incidents up to that day only)."""
        past = self.counts.counts[:, : origin + 1].astype(np.float64)
        if method == NAIVE:
            return past[:, -1]
        if method == "ewma":
            return ewma(past)
        if method == "count_model":
            return self._count_model(origin)
        as_of = self.counts.ends[origin]
        risks = {
            c.country: c.risk or 0.0
            for c in country_risk(
                self._incidents, self._indicators, self._profile, as_of, self._ancestors
            )
        }
        return np.array([risks.get(c, 0.0) for c in self.counts.countries], np.float64)

    def features(self, year: int) -> FloatArray:
        """What the count model knows at the end of year ``year``, a row per country."""
        if year not in self._features:
            self._features[year] = _features(
                self.counts.counts[:, : year + 1].astype(np.float64),
                self._near,
                _governance(
                    self.counts.countries, self._indicators, self._profile,
                    self.counts.years[year],
                ),
            )  # fmt: skip
        return self._features[year]

    def _count_model(self, origin: int) -> FloatArray:
        """Expected incidents next year from a Poisson GLM fitted on the pairs (year s,
        year s + 1) with s + 1 <= origin, over the countries seen by s; the last year's
        count while there are fewer than ``MIN_PAIRS`` pairs."""
        counts = self.counts
        if origin < MIN_PAIRS:
            return counts.counts[:, origin].astype(np.float64)
        from sklearn.linear_model import PoissonRegressor
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        rows = [counts.seen(s) for s in range(origin)]
        x = np.vstack([self.features(s)[rows[s]] for s in range(origin)])
        y = np.concatenate([counts.counts[rows[s], s + 1] for s in range(origin)])
        model = make_pipeline(
            StandardScaler(), PoissonRegressor(alpha=1e-4, solver="newton-cholesky", max_iter=100)
        )
        model.fit(x, y)
        return np.asarray(model.predict(self.features(origin)), np.float64)


def _governance(
    countries: Sequence[str], indicators: IndicatorTable, profile: RiskProfile, year: int
) -> FloatArray:
    """Mean of the profile's indicators per country (latest at or before ``year``); NaN
    where it has none."""
    codes = [*profile.country.vulnerability_indicators, *profile.country.coping_indicators]
    means = []
    for country in countries:
        found = [indicators.value(country, code, year) for code in codes]
        values = [v[1] for v in found if v is not None]
        means.append(sum(values) / len(values) if values else math.nan)
    return np.array(means, np.float64)


def _features(past: FloatArray, near: NDArray[np.bool_], governance: FloatArray) -> FloatArray:
    """The count model's columns from the counts so far (countries x years)."""
    previous = past[:, -2] if past.shape[1] > 1 else np.zeros(len(past))
    weighted = ewma(past)
    neighbours = near.astype(np.float64)
    happened = past > 0
    since_last = np.argmax(happened[:, ::-1], axis=1)  # 0: an incident in the last year
    quiet_years = np.where(happened.any(axis=1), since_last, past.shape[1])
    known = np.isfinite(governance)
    return np.column_stack(
        [
            np.log1p(past[:, -1]),
            np.log1p(previous),
            np.log1p(weighted),
            np.log1p(neighbours @ past[:, -1]),
            np.log1p(neighbours @ weighted),
            np.log1p(quiet_years),
            np.where(known, governance, 0.0),
            (~known).astype(np.float64),
        ]
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
