"""Questions users ask of the atlas, as filters over its records."""

from __future__ import annotations

from corridor.atlas.catalog import Atlas
from corridor.atlas.models import Asset, Country, Dispute, Mechanism

__all__ = ["find_assets", "find_countries", "find_disputes", "find_mechanisms", "kind_matches"]


def kind_matches(kind: str, wanted: str) -> bool:
    """``pipeline`` matches ``oil_pipeline`` and ``gas_pipeline``; exact names match too."""
    wanted = wanted.strip().lower().replace("-", "_").replace(" ", "_")
    return kind == wanted or wanted in kind.split("_")


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
    members = None
    if member_of is not None:
        mechanism = _mechanism(atlas, member_of)
        members = atlas.member_states(mechanism, year)
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


def _mechanism(atlas: Atlas, mechanism_id: str) -> Mechanism:
    for key, mechanism in atlas.mechanisms.items():
        if key.lower() == mechanism_id.strip().lower():
            return mechanism
    raise KeyError(f"unknown mechanism {mechanism_id!r}")


def find_mechanisms(
    atlas: Atlas,
    *,
    member: str | None = None,
    domain: str | None = None,
    kind: str | None = None,
    year: int | None = None,
) -> list[Mechanism]:
    """Mechanisms a country belongs to (in ``year``), that cover a threat class, of a kind."""
    if domain is not None and domain not in atlas.threats:
        raise KeyError(f"unknown threat class {domain!r}")
    found = []
    for mechanism in atlas.mechanisms.values():
        if member is not None and member.upper() not in atlas.member_states(mechanism, year):
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
    country: str | None = None,
    criticality: str | None = None,
    status: str | None = None,
) -> list[Asset]:
    """Assets of a kind (``pipeline`` takes oil and gas), crossing a country, of a criticality."""
    found = []
    for asset in atlas.assets.values():
        if kind is not None and not kind_matches(asset.kind.value, kind):
            continue
        if country is not None and country.upper() not in asset.countries:
            continue
        if criticality is not None and asset.criticality.value != criticality.lower():
            continue
        if status is not None and asset.status != status.lower():
            continue
        found.append(asset)
    return found


def find_disputes(
    atlas: Atlas,
    *,
    party: str | None = None,
    kind: str | None = None,
    category: str | None = None,
) -> list[Dispute]:
    """Disputes and hot spots involving a country, land or maritime."""
    found = []
    for dispute in atlas.disputes.values():
        if party is not None and party.upper() not in dispute.parties:
            continue
        if kind is not None and dispute.kind.value != kind.lower():
            continue
        if category is not None and dispute.category != category.lower().replace("-", "_"):
            continue
        found.append(dispute)
    return found
