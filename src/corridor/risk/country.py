"""Country risk as a transparent composite in the manner of the INFORM risk index.

Three components on a 0-10 scale, every one shown beside the score (for one threat
class only, narrow the incidents with ``IncidentArrays.of_class`` first):

* hazard & exposure, from the incident record: per threat class, the yearly rate of
  incidents weighted by severity and by the reader's trust in their sources, normalized
  across countries as INFORM does (``10 * log(1 + rate) / log(1 + top rate)``), then
  the classes joined as a probabilistic OR weighted by the profile's class weights;
* vulnerability and lack of coping capacity, from indicators (World Bank governance
  estimates by default), higher governance meaning lower risk;

and risk = their geometric mean. Pure functions over numpy arrays; no database.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from corridor.risk.exposure import IncidentArrays, severity
from corridor.risk.indicators import IndicatorTable
from corridor.risk.profile import RiskProfile
from corridor.risk.trust import source_codes

__all__ = [
    "CountryRisk",
    "class_hazards",
    "combined_hazard",
    "country_risk",
    "governance_score",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CountryRisk:
    """One country's score and everything it was made of.

    Components run 0-10 (higher is worse); ``coping`` is the *lack* of coping capacity.
    ``risk``, ``vulnerability`` and ``coping`` are None when the indicators say nothing
    about the country. ``hazard_by_class`` and ``rate_by_class`` (severity- and
    trust-weighted incidents per year) list the classes the country had incidents of;
    ``indicators`` maps each indicator code used to the (year, value) taken; ``sources``
    maps each source of its incidents in the window to (incidents, the trust weight
    applied to them).
    """

    country: str
    risk: float | None
    hazard: float
    vulnerability: float | None
    coping: float | None
    hazard_by_class: dict[str, float]
    rate_by_class: dict[str, float]
    class_weights: dict[str, float]
    incidents: int
    indicators: dict[str, tuple[int, float]]
    window: tuple[date, date]
    profile: str
    sources: dict[str, tuple[int, float]] = field(default_factory=dict)


def country_risk(
    incidents: IncidentArrays,
    indicators: IndicatorTable,
    profile: RiskProfile,
    as_of: date,
    ancestors: Callable[[str], list[str]],
) -> list[CountryRisk]:
    """Every country with incidents in the window or indicators, by risk, highest first.

    Only incidents in (as_of - window_years, as_of] count. Indicators are the latest
    at or before ``as_of.year``; a component is the mean of the profile's indicators
    the country has. Countries without them come last with ``risk`` None, not a guess.
    A country without incidents has hazard 0 and so risk 0 by the geometric mean, as
    in INFORM: the score ranks exposure to what happened, not fragility alone.
    """
    window = (_years_before(as_of, profile.country.window_years), as_of)
    codes, names, rates, counts, sources = _rates(
        incidents, window, profile, indicators.countries()
    )
    weights = {n: min(1.0, max(0.0, profile.exposure.weight_of(n, ancestors))) for n in names}
    by_class = class_hazards(rates)
    hazard = combined_hazard(by_class, np.array([weights[n] for n in names], np.float64))
    results = []
    for i, country in enumerate(codes):
        vulnerability, coping, used = _governance(indicators, country, profile, as_of.year)
        risk = None
        if vulnerability is not None and coping is not None:
            risk = math.cbrt(float(hazard[i]) * vulnerability * coping)
        present = [(names[c], c) for c in np.flatnonzero(rates[i]).tolist()]
        results.append(
            CountryRisk(
                country=country,
                risk=risk,
                hazard=float(hazard[i]),
                vulnerability=vulnerability,
                coping=coping,
                hazard_by_class={n: float(by_class[i, c]) for n, c in present},
                rate_by_class={n: float(rates[i, c]) for n, c in present},
                class_weights={n: weights[n] for n, _ in present},
                incidents=int(counts[i]),
                indicators=used,
                window=window,
                profile=profile.label,
                sources=sources[i],
            )
        )
    return sorted(results, key=_rank)


def class_hazards(rates: FloatArray) -> FloatArray:
    """Hazard 0-10 per (country, class) from rates: ``10 * log(1 + r) / log(1 + top r)``.

    The top country of each class scores exactly 10; a class nobody has scores 0.
    """
    top = np.log1p(rates.max(axis=0, initial=0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.log1p(rates) / top
    return np.where(top > 0, 10.0 * np.clip(share, 0.0, 1.0), 0.0)


def combined_hazard(class_hazard: FloatArray, weights: FloatArray) -> FloatArray:
    """One hazard 0-10 per country: ``10 * (1 - prod_c (1 - w_c * H_c / 10))``.

    Weights must lie in [0, 1]; a class's share can only raise the result.
    """
    survive = np.ones(class_hazard.shape[0])
    for column, weight in enumerate(weights.tolist()):
        survive *= 1.0 - weight * (class_hazard[:, column] / 10.0)
    return np.clip(10.0 * (1.0 - survive), 0.0, 10.0)


def governance_score(value: float, indicator_range: Sequence[float]) -> float:
    """An indicator as risk 0-10: the top of the range is 0, the bottom 10, clipped."""
    low, high = indicator_range
    return min(10.0, max(0.0, 10.0 * (high - value) / (high - low)))


def _rates(
    incidents: IncidentArrays,
    window: tuple[date, date],
    profile: RiskProfile,
    also: frozenset[str],
) -> tuple[
    list[str], list[str], FloatArray, npt.NDArray[np.intp], list[dict[str, tuple[int, float]]]
]:
    """Countries (with incidents in the window, or in ``also``), classes, yearly
    severity- and trust-weighted rates by (country, class), incident counts by country,
    and per country its sources (incidents, mean trust weight). Incidents of weight 0
    are left out."""
    start, end = np.datetime64(window[0], "D"), np.datetime64(window[1], "D")
    dates = incidents.start_date
    inside = (dates > start) & (dates <= end) & _has_country(incidents.country)
    inside &= incidents.trust > 0
    countries = incidents.country[inside].astype(np.str_)
    codes = sorted(set(np.unique(countries).tolist()) | also)
    country_at = np.searchsorted(np.array(codes, np.str_), countries)
    names, class_at = np.unique(incidents.threat_class[inside].astype(np.str_), return_inverse=True)
    trust = incidents.trust[inside]
    weights = severity(incidents.fatalities[inside], profile.exposure.non_lethal_floor) * trust
    shape = (len(codes), len(names))
    sums = np.bincount(country_at * shape[1] + class_at, weights, shape[0] * shape[1])
    rates = sums.reshape(shape) / profile.country.window_years
    counts = np.bincount(country_at, minlength=len(codes))
    sources = _sources(len(codes), country_at, incidents.reporter[inside], trust)
    return codes, [str(n) for n in names.tolist()], rates, counts, sources


def _sources(
    countries: int,
    country_at: npt.NDArray[np.intp],
    reporters: npt.NDArray[np.object_],
    trust: FloatArray,
) -> list[dict[str, tuple[int, float]]]:
    """Per country, each source of its incidents: (how many, their mean trust weight)."""
    found: list[dict[str, tuple[int, float]]] = [{} for _ in range(countries)]
    if len(reporters) == 0:
        return found
    names, source_at = source_codes(reporters)
    pair = country_at * len(names) + source_at
    keys, at, counts = np.unique(pair, return_inverse=True, return_counts=True)
    totals = np.bincount(at, trust, len(keys))
    for key, count, total in zip(keys.tolist(), counts.tolist(), totals.tolist(), strict=True):
        country, source = divmod(key, len(names))
        found[country][names[source]] = (count, total / count)
    return found


def _governance(
    indicators: IndicatorTable, country: str, profile: RiskProfile, year: int
) -> tuple[float | None, float | None, dict[str, tuple[int, float]]]:
    """Vulnerability, lack of coping capacity, and the (year, value) of each indicator used."""
    used: dict[str, tuple[int, float]] = {}
    settings = profile.country
    vulnerability, coping = (
        _component(indicators, country, codes, year, settings.indicator_range, used)
        for codes in (settings.vulnerability_indicators, settings.coping_indicators)
    )
    return vulnerability, coping, used


def _component(
    indicators: IndicatorTable,
    country: str,
    codes: Sequence[str],
    year: int,
    indicator_range: Sequence[float],
    used: dict[str, tuple[int, float]],
) -> float | None:
    """Mean score 0-10 of the indicators the country has (recording each in ``used``)."""
    scores = []
    for code in codes:
        found = indicators.value(country, code, year)
        if found is not None:
            used[code] = found
            scores.append(governance_score(found[1], indicator_range))
    return sum(scores) / len(scores) if scores else None


def _rank(item: CountryRisk) -> tuple[bool, float, float, str]:
    return (item.risk is None, -(item.risk or 0.0), -item.hazard, item.country)


def _has_country(codes: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    if codes.dtype.kind == "O":  # None and "" are false
        return np.fromiter(map(bool, codes), np.bool_, len(codes))
    known: npt.NDArray[np.bool_] = codes != ""
    return known


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
