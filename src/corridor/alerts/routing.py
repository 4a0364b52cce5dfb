"""Who must hear of an incident near an asset, and why: the seed-003 platform's routing.

An alert goes to the asset's operator; to the law-enforcement agencies and ministries of
the states the asset runs through and of the state where the incident happened; and to
the secretariats (or the international bodies) of the mechanisms that cover those states
for the incident's threat class in the incident's year, as the atlas records membership
(:func:`corridor.coordination.coverage.mechanisms_covering`: the same answer the
coordination advisor gives). Nobody receives an alert about an incident the sharing
rules keep from them: ``may_read`` decides, once per organization.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from corridor.atlas.catalog import Atlas
from corridor.atlas.models import Asset
from corridor.cooperation.models import Organization, OrganizationKind
from corridor.coordination.coverage import mechanisms_covering

__all__ = ["Recipient", "Withheld", "route_alert"]

_AGENCIES = frozenset({OrganizationKind.LAW_ENFORCEMENT, OrganizationKind.MINISTRY})
_MECHANISM_BODIES = frozenset({OrganizationKind.SECRETARIAT, OrganizationKind.INTERNATIONAL})


@dataclass(frozen=True, slots=True)
class Recipient:
    """An organization an alert goes to, with every reason it does."""

    organization: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Withheld:
    """Organizations the routing named that the sharing rules kept the incident from."""

    organizations: tuple[str, ...]


def route_alert(
    *,
    asset: Asset,
    incident_country: str | None,
    threat_class: str,
    year: int,
    atlas: Atlas,
    organizations: Mapping[str, Organization],
    may_read: Callable[[str], bool],
) -> tuple[tuple[Recipient, ...], Withheld]:
    """The recipients of an alert about an incident of ``threat_class`` in ``year`` (in
    ``incident_country``, None at sea or unknown) near ``asset``, in organization order,
    and those named but withheld because ``may_read(organization)`` is False."""
    reasons: dict[str, list[str]] = {}

    def add(organization: str, reason: str) -> None:
        reasons.setdefault(organization, []).append(reason)

    states = tuple(s for s in dict.fromkeys([*asset.countries, incident_country]) if s)
    for org in organizations.values():
        if asset.id in org.assets:
            add(org.id, f"operates {asset.name}")
        if org.kind in _AGENCIES and org.country is not None:
            if org.country in asset.countries:
                add(org.id, f"{asset.name} runs through {org.country}")
            if org.country == incident_country:
                add(org.id, f"the incident happened in {org.country}")
    bodies: dict[str, list[Organization]] = {}
    for org in organizations.values():
        if org.kind in _MECHANISM_BODIES and org.mechanism:
            bodies.setdefault(org.mechanism, []).append(org)
    if bodies and states:
        covering = mechanisms_covering(atlas, states, threat_class, year, complete=False)
        for coverage in covering:
            for org in bodies.get(coverage.mechanism, ()):
                add(
                    org.id,
                    f"{coverage.acronym} covers {', '.join(coverage.covered)} "
                    f"for {threat_class} in {year}",
                )
    kept, withheld = [], []
    for organization in sorted(reasons):
        if may_read(organization):
            kept.append(Recipient(organization, tuple(reasons[organization])))
        else:
            withheld.append(organization)
    return tuple(kept), Withheld(tuple(withheld))
