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

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from corridor.atlas.catalog import Atlas
from corridor.atlas.countries import resolve_country
from corridor.atlas.models import AssetKind
from corridor.cooperation.sharing import Viewer
from corridor.errors import InputError, UnknownValueError
from corridor.files import atomic_write
from corridor.risk.assets import (
    atlas_exposure,
    atlas_shapes,
    corridor_segments,
    of_threat,
    route_segments,
)
from corridor.risk.backtest import Backtest, backtest_assets, backtest_countries
from corridor.risk.corridors import CorridorRisk, corridor_risk
from corridor.risk.country import CountryRisk, country_risk
from corridor.risk.drawing import check_map_target, draw_country_map, draw_exposure_map
from corridor.risk.exposure import Contribution, Exposure, IncidentArrays, exposure_of
from corridor.risk.index import AssetIndex
from corridor.risk.indicators import IndicatorTable, bundled_indicators, load_indicators
from corridor.risk.inputs import RiskInputs, risk_inputs, threat_classes
from corridor.risk.profile import RiskProfile, default_profile_path
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

Classes = str | Collection[str] | None  # one threat class, several, or all (None or empty)


def _about(classes: Sequence[str], word: str) -> str:
    """`` to piracy, terrorism`` for a title; nothing when every class counts."""
    return f" {word} {', '.join(classes)}" if classes else ""


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
        return f"Most exposed assets{_about(self.classes, 'to')}, as of {self.as_of}"


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
    inputs = _inputs(store, viewer, atlas, as_of, classes, profile_path, assets_path)
    result = _ranked(inputs, _exposure(inputs))
    if map_path is None:
        return result
    return AssetExposure(
        result.classes, result.ranking, result.exposure, draw_exposure_map(result, map_path)
    )


def _inputs(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    as_of: date | None,
    classes: Classes,
    profile_path: Path | None,
    assets_path: Path | None = None,
) -> RiskInputs:
    return risk_inputs(
        store, viewer, atlas, as_of=as_of, profile_path=profile_path,
        threat=threat_classes(classes), assets_path=assets_path,
    )  # fmt: skip


def _chosen(inputs: RiskInputs) -> IncidentArrays:
    """The incidents of the classes asked for (the choice every use case makes alike)."""
    return of_threat(inputs.incidents, inputs.atlas, inputs.classes)


def _exposure(inputs: RiskInputs) -> Exposure:
    return atlas_exposure(
        inputs.atlas, inputs.incidents, inputs.profile, inputs.as_of,
        threat=inputs.classes, extra=inputs.extra,
    )  # fmt: skip


def _ranked(inputs: RiskInputs, exposure: Exposure) -> AssetExposure:
    assets = inputs.assets
    reach = exposure.incidents_in_reach()
    ranking = tuple(
        AssetScore(rank, assets[asset_id], score, int(reach[exposure.position[asset_id]]))
        for rank, (asset_id, score) in enumerate(exposure.ranking(), start=1)
    )
    return AssetExposure(inputs.classes, ranking, exposure)


# --------------------------------------------------------------------------- countries


def indicator_table(path: Path | None) -> IndicatorTable:
    """The indicators in ``path`` (a World Bank bulk or a long CSV), the bundled WGI when
    None; a missing or unreadable file raises :class:`InputError` naming it."""
    if path is None:
        return bundled_indicators()
    if not path.is_file():
        raise InputError(f"{path}: no such indicator file")
    try:
        return load_indicators(path)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from exc


def _country_scores(
    inputs: RiskInputs, table: IndicatorTable, incidents: IncidentArrays | None = None
) -> list[CountryRisk]:
    """Country risk from ``incidents`` (default: those of the classes asked for)."""
    chosen = _chosen(inputs) if incidents is None else incidents
    return country_risk(chosen, table, inputs.profile, inputs.as_of, inputs.atlas.threat_ancestors)


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
        return f"Country risk{_about(self.classes, 'of')}, as of {self.as_of}"


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
    inputs = _inputs(store, viewer, atlas, as_of, classes, profile_path)
    every = _country_scores(inputs, table)
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


# --------------------------------------------------------------------------- corridors


@dataclass(frozen=True)
class CorridorRisks:
    """The atlas's economic corridors (or one route of the user's) with their segments."""

    as_of: date
    profile: RiskProfile
    classes: tuple[str, ...]
    corridors: tuple[CorridorRisk, ...]
    left_out: tuple[str, ...]  # classes land segments leave out (the profile's land_leaves_out)


def corridor_risks(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    *,
    route: Sequence[str] | None = None,
    as_of: date | None = None,
    classes: Classes = None,
    profile_path: Path | None = None,
    assets_path: Path | None = None,
    indicators_path: Path | None = None,
) -> CorridorRisks:
    """The chance each economic corridor, or the ``route`` (asset ids and alpha-3 codes
    in order), is disrupted. Every corridor is judged alike: segments on land and every
    country's risk leave out the profile's ``land_leaves_out`` classes (piracy); only a
    route's sea lanes count them. An unknown route part raises :class:`UnknownValueError`."""
    if route is not None and not route:
        raise InputError("--route: name at least one asset id or country")
    table = indicator_table(indicators_path)
    inputs = _inputs(store, viewer, atlas, as_of, classes, profile_path, assets_path)
    if route is None:
        ids = [a.id for a in atlas.assets.values() if a.kind == AssetKind.ECONOMIC_CORRIDOR]
        corridors = _economic_corridors(inputs, table, ids)
    else:
        corridors = [_route_risk(inputs, table, route)]
    left_out = tuple(inputs.profile.corridor.land_leaves_out)
    return CorridorRisks(inputs.as_of, inputs.profile, inputs.classes, tuple(corridors), left_out)


def _economic_corridors(
    inputs: RiskInputs, table: IndicatorTable, ids: Sequence[str]
) -> list[CorridorRisk]:
    """The atlas's economic corridors by segment, without the classes land leaves out."""
    on_land = _land_incidents(inputs)
    by_country = {c.country: c.risk for c in _country_scores(inputs, table, on_land)}
    return [
        corridor_risk(
            i,
            corridor_segments(inputs.atlas, i, on_land, inputs.profile, inputs.as_of),
            by_country,
            inputs.profile.corridor,
        )
        for i in ids
    ]


def _route_risk(inputs: RiskInputs, table: IndicatorTable, route: Sequence[str]) -> CorridorRisk:
    """A user's route: sea lanes scored with every class, the rest as land segments."""
    chosen = _chosen(inputs)
    on_land = _land_incidents(inputs)
    shapes, criticality = atlas_shapes(inputs.atlas, inputs.extra)
    profile, ancestors = inputs.profile, inputs.atlas.threat_ancestors
    index = AssetIndex(shapes, profile.exposure.largest_radius_km)
    at_sea = exposure_of(shapes, criticality, chosen, profile, inputs.as_of, ancestors, index=index)
    landward = (
        exposure_of(shapes, criticality, on_land, profile, inputs.as_of, ancestors, index=index)
        if len(on_land) < len(chosen)
        else at_sea
    )
    sea_lane = AssetKind.SEA_LANE.value
    scores = {
        a.id: (at_sea if a.kind == sea_lane else landward).score_of(a.id)
        for a in inputs.assets.values()
    }
    segments = route_segments(inputs.atlas, [p.strip() for p in route], scores)
    by_country = {c.country: c.risk for c in _country_scores(inputs, table, on_land)}
    return corridor_risk("your route", segments, by_country, profile.corridor)


def _land_incidents(inputs: RiskInputs) -> IncidentArrays:
    """The incidents of the classes asked for, less those land leaves out."""
    land = inputs.profile.corridor.land_leaves_out
    return _chosen(inputs).without(land, inputs.atlas.threat_ancestors)


# --------------------------------------------------------------------------- explain


@dataclass(frozen=True)
class AssetExplanation:
    """What makes an asset's score: the parameters, the data's range, the top incidents;
    for an economic corridor also its segments."""

    asset: RiskAsset
    exposure: float
    as_of: date
    profile: RiskProfile
    contributions: tuple[Contribution, ...]
    data_range: tuple[date, date] | None
    corridor: CorridorRisk | None = None

    @property
    def criticality_factor(self) -> float:
        return self.profile.exposure.criticality[self.asset.criticality]


@dataclass(frozen=True)
class CountryExplanation:
    """A country's composite with every component, indicator and class behind it."""

    score: CountryRisk
    name: str


def explain(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    subject: str,
    *,
    as_of: date | None = None,
    classes: Classes = None,
    profile_path: Path | None = None,
    assets_path: Path | None = None,
    indicators_path: Path | None = None,
    top: int | None = 10,
) -> AssetExplanation | CountryExplanation:
    """What makes the score of ``subject``: an asset id (the atlas's or the user's own),
    an economic corridor's id, or a country (ISO code or name). Unknown: an error.
    An asset's ``top`` incidents are listed (every one for None)."""
    table = indicator_table(indicators_path)
    inputs = _inputs(store, viewer, atlas, as_of, classes, profile_path, assets_path)
    assets = inputs.assets
    if subject in assets:
        return _explain_asset(inputs, table, assets[subject], top)
    return _explain_country(inputs, table, _country_code(subject, atlas, assets))


def _country_code(subject: str, atlas: Atlas, assets: Collection[str]) -> str:
    try:
        code = resolve_country(subject)
    except UnknownValueError:
        code = None
    if code is None or code not in atlas.countries:
        raise UnknownValueError(
            "asset or country",
            subject,
            [*assets, *atlas.countries, *(c.name for c in atlas.countries.values())],
            hint="an asset id (`corridor atlas assets`), an ISO code such as SOM or a name",
        )
    return code


def _explain_asset(
    inputs: RiskInputs, table: IndicatorTable, asset: RiskAsset, top: int | None
) -> AssetExplanation:
    exposure = _exposure(inputs)
    corridor = None
    if asset.origin == "atlas" and asset.kind == AssetKind.ECONOMIC_CORRIDOR.value:
        (corridor,) = _economic_corridors(inputs, table, [asset.id])
    return AssetExplanation(
        asset=asset,
        exposure=exposure.score_of(asset.id),
        as_of=inputs.as_of,
        profile=inputs.profile,
        contributions=tuple(exposure.contributions(asset.id, top=top)),
        data_range=exposure.data_range,
        corridor=corridor,
    )


def _explain_country(inputs: RiskInputs, table: IndicatorTable, code: str) -> CountryExplanation:
    found = {c.country: c for c in _country_scores(inputs, table)}.get(code)
    if found is None:
        raise InputError(f"{code}: no incidents in the window and no indicators: no score")
    return CountryExplanation(found, inputs.atlas.countries[code].name)


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
    inputs = _inputs(store, viewer, atlas, None, classes, profile_path)
    chosen = _chosen(inputs)
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
