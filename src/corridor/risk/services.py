"""Risk use cases: what the CLI, the HTTP API and a notebook call, with the same rules.

Each takes the store (a SQLAlchemy ``Engine``; None when there is no database yet, so
no incidents), the :class:`Viewer` whose readable incidents count, the atlas, and typed
options; each returns a frozen dataclass, never text. Bad input (an unknown class,
country or asset, a bad profile, indicator or asset file, a map into a missing folder)
raises an :class:`~corridor.errors.InputError` before anything is scored.

    from corridor.risk.services import asset_exposure
    result = asset_exposure(engine, Viewer("org-a"), load_atlas(), classes=["piracy"])
    result.ranking[0].asset.id  # the most exposed asset
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from corridor.atlas.catalog import Atlas
from corridor.cooperation.sharing import Viewer
from corridor.errors import UnknownValueError
from corridor.files import atomic_write
from corridor.risk.assets import atlas_shapes
from corridor.risk.backtest import Backtest, backtest_assets, backtest_countries
from corridor.risk.corridor_risks import CorridorRisks, corridor_risks
from corridor.risk.country import CountryRisk
from corridor.risk.drawing import (
    check_map_target,
    draw_calibration,
    draw_country_map,
    draw_exposure_map,
)
from corridor.risk.explanations import AssetExplanation, CountryExplanation, explain
from corridor.risk.exposure import Exposure, IncidentArrays
from corridor.risk.forecast import (
    DEFAULT_METHOD,
    METHOD_LABELS,
    METHODS,
    ForecastHistory,
    yearly_counts,
)
from corridor.risk.indicators import IndicatorTable
from corridor.risk.inputs import RiskInputs
from corridor.risk.profile import RiskProfile, default_profile_path
from corridor.risk.reading import (
    Classes,
    about,
    chosen_incidents,
    country_scores,
    indicator_table,
    read,
    scored_exposure,
)
from corridor.risk.rolling_backtest import ForecastBacktest, rolling_backtest
from corridor.risk.user_assets import RiskAsset

__all__ = [
    "AssetExplanation",
    "AssetExposure",
    "AssetScore",
    "BacktestReport",
    "CorridorRisks",
    "CountryExplanation",
    "CountryRanking",
    "ForecastBacktest",
    "ForecastReport",
    "asset_exposure",
    "backtest_scores",
    "corridor_risks",
    "country_ranking",
    "draw_country_map",
    "draw_exposure_map",
    "explain",
    "forecast_backtest",
    "indicator_table",
    "profile_text",
    "write_profile",
]

# --------------------------------------------------------------------------- exposure


@dataclass(frozen=True)
class AssetScore:
    """An asset's place in the ranking, its exposure, and how many incidents made it."""

    rank: int
    asset: RiskAsset
    exposure: float
    incidents_in_reach: int


@dataclass(frozen=True)
class AssetExposure:
    """Every asset (the atlas's and the user's own) ranked by exposure, most exposed first."""

    classes: tuple[str, ...]
    ranking: tuple[AssetScore, ...]
    exposure: Exposure  # the engine's result: contributions, data range, the incidents
    map_path: Path | None = None

    @property
    def as_of(self) -> date:
        return self.exposure.as_of

    @property
    def profile(self) -> RiskProfile:
        return self.exposure.profile

    @property
    def title(self) -> str:
        return f"Most exposed assets{about(self.classes, 'to')}, as of {self.as_of}"


def asset_exposure(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    *,
    as_of: date | None = None,
    classes: Classes = None,
    profile_path: Path | None = None,
    assets_path: Path | None = None,
    map_path: Path | None = None,
) -> AssetExposure:
    """The atlas's assets (and those in ``assets_path``, a GeoJSON file) ranked by their
    exposure to the incidents of ``classes`` the viewer may read; a PNG map if asked."""
    check_map_target(map_path)
    inputs = read(store, viewer, atlas, as_of, classes, profile_path, assets_path)
    result = _ranked(inputs, scored_exposure(inputs))
    if map_path is None:
        return result
    return AssetExposure(
        result.classes, result.ranking, result.exposure, draw_exposure_map(result, map_path)
    )


def _ranked(inputs: RiskInputs, exposure: Exposure) -> AssetExposure:
    assets = inputs.assets
    reach = exposure.incidents_in_reach()
    ranking = tuple(
        AssetScore(rank, assets[asset_id], score, int(reach[exposure.position[asset_id]]))
        for rank, (asset_id, score) in enumerate(exposure.ranking(), start=1)
    )
    return AssetExposure(inputs.classes, ranking, exposure)


# --------------------------------------------------------------------------- countries


@dataclass(frozen=True)
class CountryRanking:
    """Countries ranked by ``method``: by the INFORM-style composite (``composite``: the
    countries where something happened in the window, highest risk first), or by a forecast
    of the next 12 months (every country with an incident up to ``as_of``, most first)."""

    as_of: date
    profile: RiskProfile
    classes: tuple[str, ...]
    countries: tuple[CountryRisk, ...]  # in the method's order, each with its composite
    unscored: int  # countries with indicators left out (no incident in the window / ever)
    names: dict[str, str]  # alpha-3 -> name, for the countries listed
    window: tuple[date | None, date]
    map_path: Path | None = None
    method: str = "composite"
    forecasts: dict[str, float] = dataclasses.field(default_factory=dict)  # incidents, 12 months

    @property
    def title(self) -> str:
        if self.method == "composite":
            return f"Country risk{about(self.classes, 'of')}, as of {self.as_of}"
        return (
            f"Countries by {METHOD_LABELS[self.method]}{about(self.classes, 'of')}: "
            f"incidents expected in the 12 months after {self.as_of}"
        )


def country_ranking(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    *,
    as_of: date | None = None,
    classes: Classes = None,
    profile_path: Path | None = None,
    indicators_path: Path | None = None,
    map_path: Path | None = None,
    method: str = DEFAULT_METHOD,
) -> CountryRanking:
    """Countries ranked by ``method`` (one of ``METHODS``; the default is the winner of the
    backtest on the bundled data), each with its INFORM-style composite (hazard x
    vulnerability x lack of coping) beside it, the transparent view `explain` unfolds."""
    if method not in METHODS:
        raise UnknownValueError("--method", method, list(METHODS))
    check_map_target(map_path)
    table = indicator_table(indicators_path)
    inputs = read(store, viewer, atlas, as_of, classes, profile_path)
    every = country_scores(inputs, table)
    forecasts: dict[str, float] = {}
    if method == "composite":
        scored = tuple(c for c in every if c.hazard > 0)  # nothing happened elsewhere: risk 0
    else:
        forecasts = _forecast(inputs, table, chosen_incidents(inputs), method)
        known = {c.country: c for c in every}
        window = _window_of(inputs, every)
        scored = tuple(
            known.get(c) or _without_composite(c, window, inputs.profile.label)
            for c in sorted(forecasts, key=lambda c: (-forecasts[c], c))
        )
    result = CountryRanking(
        as_of=inputs.as_of,
        profile=inputs.profile,
        classes=inputs.classes,
        countries=scored,
        unscored=len({c.country for c in every} - {c.country for c in scored}),
        names={
            c.country: atlas.countries[c.country].name
            for c in scored
            if c.country in atlas.countries
        },
        window=scored[0].window if scored else (None, inputs.as_of),
        method=method,
        forecasts=forecasts,
    )
    if map_path is None:
        return result
    if method == "composite":
        values = {c.country: c.risk for c in scored if c.risk is not None}
    else:
        values = forecasts
    drawn = draw_country_map(values, map_path, title=result.title)
    return dataclasses.replace(result, map_path=drawn)


def _forecast(
    inputs: RiskInputs, table: IndicatorTable, incidents: IncidentArrays, method: str
) -> dict[str, float]:
    """``method``'s forecast for the 12 months after ``as_of``, from the years before it."""
    dates = incidents.start_date[
        np.fromiter(map(bool, incidents.country), np.bool_, len(incidents))
    ]
    dates = dates[dates <= np.datetime64(inputs.as_of, "D")]
    if len(dates) == 0:
        return {}
    years = inputs.as_of.year - int(str(dates.min())[:4]) + 1
    counts = yearly_counts(incidents, inputs.as_of, years)
    history = ForecastHistory(
        counts, incidents, table, inputs.profile, inputs.atlas.threat_ancestors
    )
    last = len(counts.ends) - 1
    score = history.score(last, method)
    seen = counts.seen(last)
    return {
        c: float(v)
        for c, v, s in zip(counts.countries, score.tolist(), seen.tolist(), strict=True)
        if s
    }


def _window_of(inputs: RiskInputs, every: list[CountryRisk]) -> tuple[date, date]:
    return every[0].window if every else (inputs.as_of, inputs.as_of)


def _without_composite(country: str, window: tuple[date, date], profile: str) -> CountryRisk:
    """A country the composite knows nothing of (no incident in its window, no indicators)."""
    return CountryRisk(country, None, 0.0, None, None, {}, {}, {}, 0, {}, window, profile)


# --------------------------------------------------------------------------- backtest


@dataclass(frozen=True)
class BacktestReport:
    """Scores as of ``train_until`` judged on the next 365 days: assets, countries, and
    countries by their hazard alone, each beside the baseline "last year's count"."""

    train_until: date
    profile: RiskProfile
    classes: tuple[str, ...]
    results: tuple[Backtest, ...]


def backtest_scores(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    train_until: date,
    *,
    classes: Classes = None,
    profile_path: Path | None = None,
    indicators_path: Path | None = None,
) -> BacktestReport:
    """Would the scores made with the incidents up to ``train_until`` have foretold the
    next year? Reads every incident the viewer may see: the year after is the test."""
    table = indicator_table(indicators_path)
    inputs = read(store, viewer, atlas, None, classes, profile_path)
    chosen = chosen_incidents(inputs)
    shapes, _ = atlas_shapes(atlas)
    profile, ancestors = inputs.profile, atlas.threat_ancestors
    results = (
        backtest_assets(shapes, chosen, profile, train_until, ancestors),
        backtest_countries(chosen, table, profile, train_until, ancestors),
        backtest_countries(chosen, table, profile, train_until, ancestors, hazard_only=True),
    )
    return BacktestReport(train_until, profile, inputs.classes, results)


@dataclass(frozen=True)
class ForecastReport:
    """The rolling-origin backtest of the country forecasts on the incidents of ``classes``."""

    classes: tuple[str, ...]
    profile: RiskProfile
    backtest: ForecastBacktest
    plot_path: Path | None = None  # the reliability diagram, when asked and there is one

    @property
    def title(self) -> str:
        years = self.backtest.years
        span = f", {years[0]}-{years[-1]}" if years else ""
        return (
            f"Forecasting next year's incidents per country{about(self.classes, 'of')}: "
            f"rolling origin{span}"
        )


def forecast_backtest(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    *,
    classes: Classes = None,
    last_year: int | None = None,
    profile_path: Path | None = None,
    indicators_path: Path | None = None,
    plot_path: Path | None = None,
) -> ForecastReport:
    """Would each method have foretold each year's incidents per country from the years
    before it? Last year's count, a weighted history, a Poisson count model and the
    composite, judged by rank (Spearman, precision at the top 10) and by the chance of any
    incident (Brier, log score); a reliability diagram in ``plot_path`` if asked."""
    check_map_target(plot_path)
    table = indicator_table(indicators_path)
    inputs = read(store, viewer, atlas, None, classes, profile_path)
    result = rolling_backtest(
        chosen_incidents(inputs), table, inputs.profile, atlas.threat_ancestors,
        last_year=last_year,
    )  # fmt: skip
    drawn = draw_calibration(result, plot_path) if plot_path and result.applies else None
    return ForecastReport(inputs.classes, inputs.profile, result, drawn)


# --------------------------------------------------------------------------- the profile


def profile_text() -> str:
    """The bundled risk profile, comments and all: the copy a user starts from."""
    return default_profile_path().read_text(encoding="utf-8")


def write_profile(path: Path, *, force: bool = False) -> Path:
    """Write a copy of the bundled profile to ``path``, whole or not at all; an existing
    file only with ``force``, a missing folder never."""
    with atomic_write(path, force=force) as handle:
        handle.write(profile_text())
    return path
