"""Mechanism overlap and gaps: the "surplus of security mechanisms" of seed 002, measured.

Three views of one year's membership: how much the mechanisms of a domain share their
members (Jaccard), which countries sit in the most of them, and which country pairs along
the corridors (land neighbours, or states linked by one asset) share no binding mechanism.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from itertools import combinations
from typing import Any

from corridor.atlas.catalog import Atlas
from corridor.coordination.coverage import check_classes, resolve_year
from corridor.coordination.rules import CoordinationRules, load_rules

__all__ = [
    "CountryCount",
    "MechanismPair",
    "Overlap",
    "PairGap",
    "corridor_pairs",
    "jaccard",
    "overlap",
    "region_countries",
]


@dataclass(frozen=True)
class MechanismPair:
    a: str
    b: str
    jaccard: float  # shared members / members of either
    shared: tuple[str, ...]


@dataclass(frozen=True)
class CountryCount:
    domain: str
    country: str
    count: int
    mechanisms: tuple[str, ...]


@dataclass(frozen=True)
class PairGap:
    """Two states along a corridor with no binding mechanism in common for the domain."""

    a: str
    b: str
    links: tuple[str, ...]  # "land border" and/or the ids of assets that join them
    shared: tuple[str, ...]  # non-binding mechanisms they do share for the domain


@dataclass(frozen=True)
class Overlap:
    domain: str | None
    year: int
    binding_at_least: str
    mechanisms: tuple[str, ...]  # matrix order
    matrix: tuple[tuple[float, ...], ...]  # Jaccard, symmetric, 1 on the diagonal
    pairs: tuple[MechanismPair, ...]  # overlapping pairs, most overlap first
    busiest: tuple[CountryCount, ...]  # per domain, the countries in the most mechanisms
    gaps: tuple[PairGap, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared members over members of either; 0 for two empty sets."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def region_countries(atlas: Atlas) -> frozenset[str]:
    """The corridor region: every country in a Belt zone or on a Road route of the seeds."""
    return frozenset(c.alpha3 for c in atlas.countries.values() if c.belt_zone or c.road_routes)


@cache
def _land_neighbours(codes: frozenset[str]) -> frozenset[tuple[str, str]]:
    import shapely

    from corridor.atlas.borders import country_shapes

    shapes = country_shapes()
    present = sorted(c for c in codes if c in shapes)
    geometries = [shapes[c] for c in present]
    left, right = shapely.STRtree(geometries).query(geometries, predicate="intersects")
    return frozenset(
        (present[i], present[j])
        for i, j in zip(left.tolist(), right.tolist(), strict=True)
        if i < j
    )


def corridor_pairs(
    atlas: Atlas, region: Iterable[str] | None = None
) -> dict[tuple[str, str], list[str]]:
    """Pairs of region states (sorted codes) and what links them: a land border, assets."""
    codes = frozenset(region) if region is not None else region_countries(atlas)
    links: dict[tuple[str, str], list[str]] = {
        pair: ["land border"] for pair in sorted(_land_neighbours(codes))
    }
    for asset in atlas.assets.values():
        for a, b in combinations(sorted(set(asset.countries) & codes), 2):
            links.setdefault((a, b), []).append(asset.id)
    return links


def overlap(
    atlas: Atlas,
    domain: str | None = None,
    year: int | None = None,
    *,
    top: int = 5,
    rules: CoordinationRules | None = None,
) -> Overlap:
    """Overlap of the mechanisms of ``domain`` (all if None) in ``year``, and the gaps."""
    rules = rules or load_rules()
    when = resolve_year(year)
    classes = check_classes(atlas, domain) if domain is not None else ()
    members = {
        m.id: atlas.member_states(m, when)
        for m in atlas.mechanisms.values()
        if m.active_in(when) and (domain is None or atlas.covers_domain(m, domain))
    }
    members = {k: v for k, v in members.items() if v}
    ids = tuple(sorted(members))
    matrix = tuple(tuple(round(jaccard(members[a], members[b]), 4) for b in ids) for a in ids)
    pairs = sorted(
        (
            MechanismPair(
                a,
                b,
                round(jaccard(members[a], members[b]), 4),
                tuple(sorted(members[a] & members[b])),
            )
            for a, b in combinations(ids, 2)
            if members[a] & members[b]
        ),
        key=lambda p: (-p.jaccard, p.a, p.b),
    )
    busiest: list[CountryCount] = []
    for threat in classes or _listed_domains(atlas):
        counts: dict[str, list[str]] = {}
        for m in atlas.mechanisms.values():
            if m.id in members and atlas.covers_domain(m, threat):
                for state in members[m.id]:
                    counts.setdefault(state, []).append(m.id)
        ranked = sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
        busiest += [CountryCount(threat, s, len(ms), tuple(sorted(ms))) for s, ms in ranked]
    least = rules.binding_at_least.rank
    gaps = []
    for (a, b), links in corridor_pairs(atlas).items():
        shared = [m for m, states in members.items() if a in states and b in states]
        if not any(atlas.mechanisms[m].binding.rank >= least for m in shared):
            gaps.append(PairGap(a, b, tuple(links), tuple(sorted(shared))))
    return Overlap(
        domain=domain,
        year=when,
        binding_at_least=rules.binding_at_least.value,
        mechanisms=ids,
        matrix=matrix,
        pairs=tuple(pairs),
        busiest=tuple(busiest),
        gaps=tuple(gaps),
    )


def _listed_domains(atlas: Atlas) -> list[str]:
    """The taxonomy's classes that some mechanism names, in taxonomy order."""
    named = {d for m in atlas.mechanisms.values() for d in m.domains}
    return [t for t in atlas.threats if t in named]
