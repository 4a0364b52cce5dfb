"""Questions users ask of the atlas, as filters over its records.

A filter value the atlas does not know (a zone, a kind, a country, a mechanism) raises
:class:`~corridor.errors.UnknownValueError` naming the valid values: an unknown value
never quietly matches nothing. Countries may be ISO codes or names.
"""

from __future__ import annotations

from collections.abc import Iterable

from corridor.atlas.catalog import Atlas
from corridor.atlas.countries import resolve_country
from corridor.atlas.models import (
    Asset,
    AssetKind,
    Country,
    Criticality,
    Dispute,
    DisputeKind,
    Mechanism,
    MechanismKind,
)
from corridor.choices import choose, normal_name
from corridor.errors import UnknownValueError

__all__ = [
    "DISPUTE_CATEGORIES",
    "find_assets",
    "find_countries",
    "find_disputes",
    "find_mechanisms",
    "kind_matches",
    "mechanism_named",
]

DISPUTE_CATEGORIES = ("dispute", "hot_spot")


def kind_matches(kind: str, wanted: str) -> bool:
    """``pipeline`` matches ``oil_pipeline`` and ``gas_pipeline``; exact names match too."""
    wanted = normal_name(wanted)
    return kind == wanted or wanted in kind.split("_")


def _kind(what: str, wanted: str | None, kinds: Iterable[str]) -> str | None:
    """``wanted`` if it matches at least one of ``kinds``; :class:`UnknownValueError` if none."""
    if wanted is None:
        return None
    known = list(kinds)
    if not any(kind_matches(k, wanted) for k in known):
        raise UnknownValueError(what, wanted, known)
    return wanted


def _countries(wanted: Iterable[str] | None) -> frozenset[str] | None:
    """Alpha-3 codes of countries given as codes or names; None when no filter was given."""
    if not wanted:
        return None
    return frozenset(resolve_country(c) for c in wanted)


def mechanism_named(atlas: Atlas, name: str) -> Mechanism:
    """The mechanism with this id or acronym, in any case (``sco``, ``SCO-RATS``)."""
    wanted = normal_name(name)
    for mechanism in atlas.mechanisms.values():
        if wanted in (normal_name(mechanism.id), normal_name(mechanism.acronym)):
            return mechanism
    raise UnknownValueError(
        "mechanism", name, list(atlas.mechanisms), hint="see `corridor atlas mechanisms`"
    )


def find_countries(
    atlas: Atlas,
    *,
    zone: str | None = None,
    route: str | None = None,
    member_of: str | None = None,
    year: int | None = None,
    classified_only: bool = False,
) -> list[Country]:
    """Countries in a Belt zone, on a Road route, or members of a mechanism (in ``year``)."""
    zone = choose("belt zone", zone, list(atlas.belt_zones))
    route = choose("road route", route, list(atlas.road_routes))
    members = None
    if member_of is not None:
        members = atlas.member_states(mechanism_named(atlas, member_of), year)
    found = []
    for country in atlas.countries.values():
        if zone is not None and country.belt_zone != zone:
            continue
        if route is not None and route not in country.road_routes:
            continue
        if members is not None and country.alpha3 not in members:
            continue
        if classified_only and country.belt_zone is None and not country.road_routes:
            continue
        found.append(country)
    return found


def find_mechanisms(
    atlas: Atlas,
    *,
    countries: Iterable[str] | None = None,
    domain: str | None = None,
    kind: str | None = None,
    year: int | None = None,
) -> list[Mechanism]:
    """Mechanisms any of ``countries`` belongs to (in ``year``, else today), that cover a
    threat class (itself, a broader or a narrower one), of a kind, active in ``year``."""
    codes = _countries(countries)
    domain = choose("threat class", domain, list(atlas.threats), "see `corridor atlas threats`")
    kind = _kind("mechanism kind", kind, (k.value for k in MechanismKind))
    found = []
    for mechanism in atlas.mechanisms.values():
        if codes is not None and not codes & atlas.member_states(mechanism, year):
            continue
        if domain is not None and not atlas.covers_domain(mechanism, domain):
            continue
        if kind is not None and not kind_matches(mechanism.kind.value, kind):
            continue
        if year is not None and not mechanism.active_in(year):
            continue
        found.append(mechanism)
    return found


def find_assets(
    atlas: Atlas,
    *,
    kind: str | None = None,
    countries: Iterable[str] | None = None,
    criticality: str | None = None,
    status: str | None = None,
) -> list[Asset]:
    """Assets of a kind (``pipeline`` takes oil and gas), crossing any of ``countries``, of a
    criticality and status."""
    kind = _kind("asset kind", kind, (k.value for k in AssetKind))
    codes = _countries(countries)
    criticality = choose("criticality", criticality, [c.value for c in Criticality])
    statuses = sorted({a.status for a in atlas.assets.values()})
    status = choose("status", status, statuses)
    found = []
    for asset in atlas.assets.values():
        if kind is not None and not kind_matches(asset.kind.value, kind):
            continue
        if codes is not None and not codes & set(asset.countries):
            continue
        if criticality is not None and asset.criticality.value != criticality:
            continue
        if status is not None and asset.status != status:
            continue
        found.append(asset)
    return found


def find_disputes(
    atlas: Atlas,
    *,
    countries: Iterable[str] | None = None,
    kind: str | None = None,
    category: str | None = None,
) -> list[Dispute]:
    """Disputes and hot spots involving any of ``countries``, land or maritime."""
    codes = _countries(countries)
    kind = choose("dispute kind", kind, [k.value for k in DisputeKind])
    category = choose("dispute category", category, DISPUTE_CATEGORIES)
    found = []
    for dispute in atlas.disputes.values():
        if codes is not None and not codes & set(dispute.parties):
            continue
        if kind is not None and dispute.kind.value != kind:
            continue
        if category is not None and dispute.category != category:
            continue
        found.append(dispute)
    return found
