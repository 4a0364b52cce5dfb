"""``/atlas``: the read-only reference data (countries, mechanisms, assets, chokepoints).

Public knowledge, the same for every caller; a token is still required, as everywhere.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from corridor.api.deps import AtlasDep, PrincipalDep
from corridor.api.problems import PROBLEM_RESPONSES
from corridor.atlas.models import Chokepoint
from corridor.atlas.services import AssetEntry, CountryList, MechanismEntry

__all__ = ["router"]

router = APIRouter(prefix="/atlas", tags=["atlas"], responses=PROBLEM_RESPONSES)

_Name = Annotated[str | None, Query(max_length=100)]
_Year = Annotated[int | None, Query(ge=1800, le=2200)]


def _codes(country: list[str] | None) -> list[str] | None:
    from corridor.atlas.countries import resolve_country

    return [resolve_country(c) for c in country] if country else None


@router.get("/countries")
def countries(
    _caller: PrincipalDep,
    atlas: AtlasDep,
    zone: _Name = None,
    route: _Name = None,
    member_of: _Name = None,
    year: _Year = None,
    everywhere: bool = False,
) -> CountryList:
    """Countries of a Belt zone, a Road route, or members of a mechanism (in ``year``)."""
    from corridor.atlas import services

    return services.countries(
        atlas, zone=zone, route=route, member_of=member_of, year=year, everywhere=everywhere
    )


@router.get("/mechanisms")
def mechanisms(
    _caller: PrincipalDep,
    atlas: AtlasDep,
    country: Annotated[list[str] | None, Query(description="ISO code or name")] = None,
    kind: _Name = None,
    domain: _Name = None,
    year: _Year = None,
) -> list[MechanismEntry]:
    """Cooperation mechanisms, as they stood in ``year`` (else today)."""
    from corridor.atlas import services

    return services.mechanisms(
        atlas, countries=_codes(country), kind=kind, domain=domain, year=year
    )


@router.get("/assets")
def assets(
    _caller: PrincipalDep,
    atlas: AtlasDep,
    kind: _Name = None,
    country: Annotated[list[str] | None, Query(description="ISO code or name")] = None,
    criticality: _Name = None,
    status: _Name = None,
) -> list[AssetEntry]:
    """Pipelines, railways, ports and other assets of the corridors."""
    from corridor.atlas import services

    return services.assets(
        atlas, kind=kind, countries=_codes(country), criticality=criticality, status=status
    )


@router.get("/chokepoints")
def chokepoints(_caller: PrincipalDep, atlas: AtlasDep) -> list[Chokepoint]:
    """The straits and canals the sea lanes depend on."""
    from corridor.atlas import services

    return services.chokepoints(atlas)
