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

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from corridor.atlas.catalog import Atlas
from corridor.cooperation.sharing import Viewer
from corridor.files import atomic_write
from corridor.risk.assets import atlas_shapes
from corridor.risk.backtest import Backtest, backtest_assets, backtest_countries
from corridor.risk.corridor_risks import CorridorRisks, corridor_risks
from corridor.risk.country import CountryRisk
from corridor.risk.drawing import check_map_target, draw_country_map, draw_exposure_map
from corridor.risk.explanations import AssetExplanation, CountryExplanation, explain
from corridor.risk.exposure import Exposure
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
from corridor.risk.user_assets import RiskAsset

__all__ = [
    "AssetExplanation",
    "AssetExposure",
    "AssetScore",
    "BacktestReport",
    "CorridorRisks",
    "CountryExplanation",
    "CountryRanking",
    "asset_exposure",
    "backtest_scores",
    "corridor_risks",
    "country_ranking",
    "draw_country_map",
    "draw_exposure_map",
    "explain",
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
    """The countries where something happened in the window, highest risk first."""

    as_of: date
    profile: RiskProfile
    classes: tuple[str, ...]
    countries: tuple[CountryRisk, ...]  # hazard > 0; the rest score 0 by the composite
    unscored: int  # countries with indicators but no incident in the window
    names: dict[str, str]  # alpha-3 -> name, for the countries listed
    window: tuple[date | None, date]
    map_path: Path | None = None

    @property
    def title(self) -> str:
        return f"Country risk{about(self.classes, 'of')}, as of {self.as_of}"


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
) -> CountryRanking:
    """Country risk INFORM-style (hazard x vulnerability x lack of coping) for the
    countries with incidents of ``classes`` in the profile's window."""
    check_map_target(map_path)
    table = indicator_table(indicators_path)
    inputs = read(store, viewer, atlas, as_of, classes, profile_path)
    every = country_scores(inputs, table)
    scored = tuple(c for c in every if c.hazard > 0)  # nothing happened elsewhere: risk 0
    result = CountryRanking(
        as_of=inputs.as_of,
        profile=inputs.profile,
        classes=inputs.classes,
        countries=scored,
        unscored=len(every) - len(scored),
        names={
            c.country: atlas.countries[c.country].name
            for c in scored
            if c.country in atlas.countries
        },
        window=scored[0].window if scored else (None, inputs.as_of),
    )
    if map_path is None:
        return result
    values = {c.country: c.risk for c in scored if c.risk is not None}
    drawn = draw_country_map(values, map_path, title=result.title)
    return CountryRanking(**{**vars(result), "map_path": drawn})


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
