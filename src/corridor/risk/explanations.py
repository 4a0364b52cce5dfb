"""Explanations as a use case: what makes the score of an asset, a corridor or a country."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from corridor.atlas.catalog import Atlas
from corridor.atlas.countries import resolve_country
from corridor.atlas.models import AssetKind
from corridor.cooperation.sharing import Viewer
from corridor.errors import InputError, UnknownValueError
from corridor.risk.corridor_risks import economic_corridors
from corridor.risk.corridors import CorridorRisk
from corridor.risk.country import CountryRisk
from corridor.risk.exposure import Contribution
from corridor.risk.indicators import IndicatorTable
from corridor.risk.inputs import RiskInputs
from corridor.risk.profile import RiskProfile
from corridor.risk.reading import Classes, country_scores, indicator_table, read, scored_exposure
from corridor.risk.user_assets import RiskAsset

__all__ = ["AssetExplanation", "CountryExplanation", "explain"]


@dataclass(frozen=True)
class AssetExplanation:
    """What makes an asset's score: the parameters, the data's range, the top incidents
    (each with its source and the trust weight applied); for an economic corridor also
    its segments. ``trust`` is the reader's weight per source it rated (others weigh 1)."""

    asset: RiskAsset
    exposure: float
    as_of: date
    profile: RiskProfile
    contributions: tuple[Contribution, ...]
    data_range: tuple[date, date] | None
    corridor: CorridorRisk | None = None
    trust: Mapping[str, float] = field(default_factory=dict)

    @property
    def criticality_factor(self) -> float:
        return self.profile.exposure.criticality[self.asset.criticality]


@dataclass(frozen=True)
class CountryExplanation:
    """A country's composite with every component, indicator, class and source behind it
    (``score.sources``: incidents and trust weight per source); ``trust`` as for assets."""

    score: CountryRisk
    name: str
    trust: Mapping[str, float] = field(default_factory=dict)


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
    inputs = read(store, viewer, atlas, as_of, classes, profile_path, assets_path)
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
    exposure = scored_exposure(inputs)
    corridor = None
    if asset.origin == "atlas" and asset.kind == AssetKind.ECONOMIC_CORRIDOR.value:
        (corridor,) = economic_corridors(inputs, table, [asset.id])
    return AssetExplanation(
        asset=asset,
        exposure=exposure.score_of(asset.id),
        as_of=inputs.as_of,
        profile=inputs.profile,
        contributions=tuple(exposure.contributions(asset.id, top=top)),
        data_range=exposure.data_range,
        corridor=corridor,
        trust=inputs.trust,
    )


def _explain_country(inputs: RiskInputs, table: IndicatorTable, code: str) -> CountryExplanation:
    found = {c.country: c for c in country_scores(inputs, table)}.get(code)
    if found is None:
        raise InputError(f"{code}: no incidents in the window and no indicators: no score")
    return CountryExplanation(found, inputs.atlas.countries[code].name, inputs.trust)
