"""``/risk``: asset exposure and country risk, computed from what the CALLER may read.

The figures count only the incidents shared with the caller's organization, so two
callers can get two rankings; nobody learns of an incident through a score.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from corridor.api.deps import AtlasDep, PrincipalDep, StoreDep
from corridor.api.problems import PROBLEM_RESPONSES
from corridor.dates import parse_day

__all__ = ["router"]

router = APIRouter(prefix="/risk", tags=["risk"], responses=PROBLEM_RESPONSES)

_Classes = Annotated[list[str] | None, Query(alias="class", description="threat class id")]
_AsOf = Annotated[str | None, Query(description="YYYY, YYYY-MM or YYYY-MM-DD; default today")]


class AssetScoreOut(BaseModel):
    rank: int
    id: str
    name: str
    kind: str
    criticality: str
    exposure: float
    incidents_in_reach: int


class AssetExposureOut(BaseModel):
    as_of: date
    classes: list[str]
    assets: list[AssetScoreOut]


class CountryRiskOut(BaseModel):
    country: str
    name: str | None
    risk: float | None
    hazard: float
    vulnerability: float | None
    coping: float | None
    incidents: int
    forecast_12_months: float | None


class CountryRankingOut(BaseModel):
    as_of: date
    method: str
    classes: list[str]
    countries: list[CountryRiskOut]


@router.get("/exposure")
def exposure(
    caller: PrincipalDep,
    store: StoreDep,
    atlas: AtlasDep,
    threat_class: _Classes = None,
    as_of: _AsOf = None,
) -> AssetExposureOut:
    """The atlas's assets ranked by exposure to the incidents the caller may read."""
    from corridor.risk.services import asset_exposure

    found = asset_exposure(
        store, caller.viewer, atlas, as_of=parse_day(as_of, end=True), classes=threat_class or None
    )
    return AssetExposureOut(
        as_of=found.as_of,
        classes=list(found.classes),
        assets=[
            AssetScoreOut(
                rank=s.rank,
                id=s.asset.id,
                name=s.asset.name,
                kind=s.asset.kind,
                criticality=s.asset.criticality,
                exposure=s.exposure,
                incidents_in_reach=s.incidents_in_reach,
            )
            for s in found.ranking
        ],
    )


@router.get("/countries")
def countries(
    caller: PrincipalDep,
    store: StoreDep,
    atlas: AtlasDep,
    threat_class: _Classes = None,
    as_of: _AsOf = None,
    method: Annotated[str, Query(max_length=50)] = "composite",
) -> CountryRankingOut:
    """Countries ranked by risk from the incidents the caller may read."""
    from corridor.risk.services import country_ranking

    found = country_ranking(
        store,
        caller.viewer,
        atlas,
        as_of=parse_day(as_of, end=True),
        classes=threat_class or None,
        method=method,
    )
    return CountryRankingOut(
        as_of=found.as_of,
        method=found.method,
        classes=list(found.classes),
        countries=[
            CountryRiskOut(
                country=c.country,
                name=found.names.get(c.country),
                risk=c.risk,
                hazard=c.hazard,
                vulnerability=c.vulnerability,
                coping=c.coping,
                incidents=c.incidents,
                forecast_12_months=found.forecasts.get(c.country),
            )
            for c in found.countries
        ],
    )
