"""The loaded atlas: every record by id, and the questions callers ask of it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from corridor.atlas.countries import iso_countries
from corridor.atlas.models import (
    Asset,
    Chokepoint,
    Country,
    Dispute,
    Mechanism,
    Region,
    ThreatClass,
)

__all__ = ["Atlas", "resolve_region"]


def resolve_region(
    region: Region, regions: Mapping[str, Region], mechanisms: Mapping[str, Mechanism]
) -> frozenset[str]:
    """Every country of ``region``: named ones, those of sub-regions, members of mechanisms."""
    members = set(region.countries)
    for sub in region.regions:
        if sub in regions and sub != region.id:
            members |= resolve_region(regions[sub], regions, mechanisms)
    for ref in region.mechanisms:
        if ref.mechanism in mechanisms:
            members |= mechanisms[ref.mechanism].member_countries(ref.as_of)
    return frozenset(members)


@dataclass(frozen=True, eq=False)
class Atlas:
    """A validated atlas. Build it with :func:`corridor.atlas.load_atlas`."""

    version: str
    threats: Mapping[str, ThreatClass]
    regions: Mapping[str, Region]
    belt_zones: Mapping[str, Region]
    road_routes: Mapping[str, Region]
    mechanisms: Mapping[str, Mechanism]
    chokepoints: Mapping[str, Chokepoint]
    disputes: Mapping[str, Dispute]
    assets: Mapping[str, Asset]
    sources: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def zone_countries(self) -> dict[str, frozenset[str]]:
        """Belt zone id -> its countries; a country named by two zones stays in the first."""
        taken: set[str] = set()
        zones = {}
        for zone_id, zone in self.belt_zones.items():
            members = resolve_region(zone, self.regions, self.mechanisms) - taken
            zones[zone_id] = frozenset(members)
            taken |= members
        return zones

    @cached_property
    def route_countries(self) -> dict[str, frozenset[str]]:
        """Road route id -> its countries (a country may be on several routes)."""
        return {
            route_id: resolve_region(route, self.regions, self.mechanisms)
            for route_id, route in self.road_routes.items()
        }

    @cached_property
    def countries(self) -> dict[str, Country]:
        """Every ISO 3166-1 country, with its Belt zone and Road routes."""
        zone_of = {c: z for z, members in self.zone_countries.items() for c in members}
        table = {}
        for alpha3, (alpha2, numeric, name) in sorted(iso_countries().items()):
            routes = tuple(r for r, members in self.route_countries.items() if alpha3 in members)
            table[alpha3] = Country(
                alpha3=alpha3,
                alpha2=alpha2,
                numeric=numeric,
                name=name,
                belt_zone=zone_of.get(alpha3),
                road_routes=routes,
            )
        return table

    def threat_ancestors(self, threat_id: str) -> list[str]:
        """The path from ``threat_id`` up to its root, itself first."""
        path = []
        current: str | None = threat_id
        while current is not None and current in self.threats and current not in path:
            path.append(current)
            current = self.threats[current].parent
        return path

    def threat_descendants(self, threat_id: str) -> set[str]:
        """``threat_id`` and every class below it."""
        found = {threat_id}
        changed = True
        while changed:
            below = {t.id for t in self.threats.values() if t.parent in found}
            changed = not below <= found
            found |= below
        return found

    def covers_domain(self, mechanism: Mechanism, threat_id: str) -> bool:
        """Whether a mechanism deals with a threat: the class, a broader or a narrower one."""
        related = set(self.threat_ancestors(threat_id)) | self.threat_descendants(threat_id)
        return bool(related & set(mechanism.domains))

    def member_states(self, mechanism: Mechanism, year: int | None = None) -> frozenset[str]:
        """Member states, with those of the parent when the parent is itself a member.

        A body that lists its parent as member serves the parent's states (CIS-ATC and
        the CIS, Operation Atalanta and the EU). Other member organizations take part in
        their own right (INTERPOL at the Lianyungang Forum, the EU in the ARF) and bring
        no states. ``year`` takes membership as it stood then; None means today's, so a
        mechanism that has ended has no member states today.
        """
        states: set[str] = set()
        pending, seen = [mechanism], set()
        while pending:
            current = pending.pop()
            if current.id in seen:
                continue
            seen.add(current.id)
            if not current.active_in(year):
                continue
            states |= current.member_countries(year)
            for member in current.members:
                active = member.active_in(year) if year is not None else member.left is None
                body = self.mechanisms.get(member.mechanism or "")
                if body is not None and active and body.id == current.parent:
                    pending.append(body)
        return frozenset(states)

    def mechanisms_of(self, country: str, year: int | None = None) -> list[Mechanism]:
        """Mechanisms ``country`` takes part in as a member state (in ``year``, else today)."""
        return [m for m in self.mechanisms.values() if country in self.member_states(m, year)]

    def broadest_domains(self, domains: tuple[str, ...]) -> list[str]:
        """The domains without those already implied by a broader one in the list."""
        kept = []
        for domain in domains:
            ancestors = self.threat_ancestors(domain)[1:]
            if not any(a in domains for a in ancestors):
                kept.append(domain)
        return kept

    def counts(self) -> dict[str, int]:
        """How many records of each kind the atlas holds."""
        return {
            "countries": len(self.countries),
            "belt zones": len(self.belt_zones),
            "road routes": len(self.road_routes),
            "mechanisms": len(self.mechanisms),
            "threat classes": len(self.threats),
            "chokepoints": len(self.chokepoints),
            "disputes and hot spots": len(self.disputes),
            "assets": len(self.assets),
        }

    def records(self) -> Iterator[tuple[str, object]]:
        """(kind, record) for every record, in a stable order."""
        for kind, table in (
            ("country", self.countries),
            ("belt zone", self.belt_zones),
            ("road route", self.road_routes),
            ("region", self.regions),
            ("mechanism", self.mechanisms),
            ("threat", self.threats),
            ("chokepoint", self.chokepoints),
            ("dispute", self.disputes),
            ("asset", self.assets),
        ):
            for record in table.values():
                yield kind, record

    def find(self, record_id: str) -> list[tuple[str, object]]:
        """Every record whose id matches (country codes and mechanism ids in any case)."""
        wanted = record_id.strip().lower()
        return [
            (kind, record)
            for kind, record in self.records()
            if str(getattr(record, "id", getattr(record, "alpha3", ""))).lower() == wanted
        ]
