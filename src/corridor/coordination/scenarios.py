"""Seed 004's four scenarios for the regional security order, as yearly indicators from data.

A year's world is the set of security mechanisms then active, each with its binding rank and
its member states in the region. Each indicator is a formula over that world (and, for chaos,
over conflict counts the caller reads from the store); ``FORMULAS`` states them in words, and
the same words appear in ``--help``, the docs and the JSON. The core never touches the store.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from itertools import combinations
from typing import Any

import yaml

from corridor.atlas.catalog import Atlas
from corridor.atlas.models import Binding
from corridor.coordination.overlap import region_countries
from corridor.coordination.rules import BlocGroup, CoordinationRules, load_rules

__all__ = [
    "FORMULAS",
    "Body",
    "ScenarioYear",
    "Scenarios",
    "Split",
    "World",
    "best_split",
    "chaos",
    "conflict_change",
    "dominance",
    "integration",
    "pair_coverage",
    "polarization",
    "reference_blocs",
    "scenario_indicators",
    "world_in",
]

FORMULAS = {
    "integration": (
        "deep integration = share of the region's country pairs that sit together in at least "
        "one security mechanism binding at least legally (treaty, charter or collective "
        "defence); conflict_change beside it is the trend of conflict events"
    ),
    "dominance": (
        "shared dominance = Herfindahl index of great-power seats: each great power's seats "
        "are the binding ranks (consultative 1 .. collective defence 4) summed over the "
        "region's mechanisms it belongs to; the index is the sum of squared shares, from "
        "1/5 (seats spread evenly over the five powers) to 1 (one power holds them all)"
    ),
    "polarization": (
        "polarization = the two-way split of the co-membership network (countries linked by "
        "shared mechanisms, weighted by binding rank) with the highest modularity Q, scored "
        "by Q / (1 - sum of squared degree shares of the two groups): 1 when the two groups "
        "share no mechanism, 0 when no split beats one group; alignment = share of the "
        "countries of the two reference blocs (US alliance system; China, Russia and partners) "
        "that the split puts on their bloc's side"
    ),
    "chaos": (
        "falling into chaos = sqrt(rise x fall) over a window of years w: rise = max(0, (E_y - "
        "E_y-w) / (E_y + E_y-w)) for conflict events E, fall = max(0, (C_y-w - C_y) / C_y-w) "
        "for coverage C, the binding-weighted number of mechanisms a region pair shares, on "
        "average over all pairs; 0 unless events rise while coverage falls"
    ),
}


@dataclass(frozen=True)
class Body:
    """A mechanism in one year: its id, binding rank (1..4) and member states."""

    id: str
    rank: int
    members: frozenset[str]


@dataclass(frozen=True)
class World:
    """One year's security mechanisms over a region of countries."""

    year: int
    region: frozenset[str]
    bodies: tuple[Body, ...]


@dataclass(frozen=True)
class Split:
    """The best two-way split of the co-membership network."""

    groups: tuple[tuple[str, ...], tuple[str, ...]]
    modularity: float
    polarization: float
    alignment: float | None


@dataclass(frozen=True)
class ScenarioYear:
    year: int
    mechanisms: int
    integration: float
    dominance: float
    dominance_leaders: tuple[str, ...]
    polarization: float
    modularity: float
    alignment: float | None
    coverage: float
    conflict_events: int | None
    conflict_change: float | None
    chaos: float | None


@dataclass(frozen=True)
class Scenarios:
    region: tuple[str, ...]
    window_years: int
    formulas: dict[str, str]
    years: tuple[ScenarioYear, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- the world


@cache
def _history() -> tuple[tuple[str, int, int, int, frozenset[str]], ...]:
    """(id, first, last, rank, members) of the bodies in data/history.yaml."""
    folder = resources.files("corridor.coordination").joinpath("data")
    bodies = yaml.safe_load(folder.joinpath("history.yaml").read_text(encoding="utf-8"))
    with folder.joinpath("cow_igo_slice.csv").open(encoding="utf-8") as handle:
        spells = list(csv.DictReader(handle))
    found = []
    for body in bodies["bodies"]:
        members = frozenset(s["iso3"] for s in spells if s["ioname"] == body["cow_ioname"])
        rank = Binding(body["binding"]).rank
        found.append((body["id"], body["first_year"], body["last_year"], rank, members))
    return tuple(found)


def world_in(atlas: Atlas, year: int, region: Iterable[str]) -> World:
    """The mechanisms active in ``year`` with two or more region members.

    The COW slice adds what the atlas lacks (the Shanghai Five). Bodies with the very same
    members (the SCO and its anti-terror structure) count once, at the higher binding rank,
    so an organization's sub-bodies do not multiply its weight.
    """
    area = frozenset(region)
    by_members: dict[frozenset[str], Body] = {}
    candidates = [
        (m.id, m.binding.rank, atlas.member_states(m, year))
        for m in atlas.mechanisms.values()
        if m.active_in(year)
    ]
    candidates += [(i, r, ms) for i, first, last, r, ms in _history() if first <= year <= last]
    for body_id, rank, members in candidates:
        inside = frozenset(members & area)
        if len(inside) < 2:
            continue
        known = by_members.get(inside)
        if known is None or rank > known.rank:
            by_members[inside] = Body(body_id, rank, inside)
    bodies = tuple(sorted(by_members.values(), key=lambda b: b.id))
    return World(year, area, bodies)


# --------------------------------------------------------------------------- formulas


def _pair_share(world: World, least_rank: int) -> float:
    pairs = math.comb(len(world.region), 2)
    if pairs == 0:
        return 0.0
    linked: set[tuple[str, str]] = set()
    for body in world.bodies:
        if body.rank >= least_rank:
            linked.update(combinations(sorted(body.members), 2))
    return len(linked) / pairs


def integration(world: World, least_rank: int = Binding.LEGAL.rank) -> float:
    """Share of region pairs that share a mechanism binding at least ``least_rank``."""
    return _pair_share(world, least_rank)


def pair_coverage(world: World) -> float:
    """Binding-weighted mechanisms a region pair shares, on average over all pairs.

    Not a share: a global body that has everyone as member (INTERPOL) would pin a share at
    1 and hide every mechanism that ends or loses members.
    """
    pairs = math.comb(len(world.region), 2)
    if pairs == 0:
        return 0.0
    return sum(b.rank * math.comb(len(b.members), 2) for b in world.bodies) / pairs


def dominance(world: World, great_powers: Iterable[str]) -> tuple[float, tuple[str, ...]]:
    """Herfindahl index of great-power seats (binding-weighted), and the two largest holders."""
    seats = dict.fromkeys(sorted(great_powers), 0)
    for body in world.bodies:
        for power in seats:
            if power in body.members:
                seats[power] += body.rank
    total = sum(seats.values())
    if total == 0:
        return 0.0, ()
    index = sum((s / total) ** 2 for s in seats.values())
    leaders = tuple(p for p, s in sorted(seats.items(), key=lambda kv: (-kv[1], kv[0])) if s)[:2]
    return index, leaders


def reference_blocs(world: World, groups: Iterable[BlocGroup]) -> list[frozenset[str]]:
    """Each bloc: anchors, allies, and states in a collective-defence body with an anchor.

    A state claimed by an earlier bloc stays there (the US system is listed first).
    """
    taken: set[str] = set()
    blocs = []
    for group in groups:
        members = set(group.anchors) | set(group.allies)
        for body in world.bodies:
            if body.rank >= Binding.COLLECTIVE_DEFENSE.rank and body.members & set(group.anchors):
                members |= body.members
        members -= taken - set(group.anchors)
        blocs.append(frozenset(members))
        taken |= members
    return blocs


def _network(world: World) -> tuple[list[str], Any]:
    import numpy as np

    nodes = sorted({s for body in world.bodies for s in body.members})
    index = {s: i for i, s in enumerate(nodes)}
    weights = np.zeros((len(nodes), len(nodes)))
    for body in world.bodies:
        for a, b in combinations(sorted(body.members), 2):
            weights[index[a], index[b]] += body.rank
            weights[index[b], index[a]] += body.rank
    return nodes, weights


def best_split(world: World, blocs: list[frozenset[str]] | None = None) -> Split:
    """The two-way split of highest modularity: spectral bisection, then single-node moves."""
    import numpy as np

    nodes, weights = _network(world)
    degree = weights.sum(axis=1)
    twice_m = degree.sum()
    if twice_m == 0:
        return Split(((), ()), 0.0, 0.0, None)
    modularity_matrix = weights - np.outer(degree, degree) / twice_m
    values, vectors = np.linalg.eigh(modularity_matrix)
    side = np.where(vectors[:, int(np.argmax(values))] >= 0, 1.0, -1.0)
    for _ in range(4 * len(nodes)):  # greedy moves: each flip raises Q, so this ends
        gain = (np.diag(modularity_matrix) - side * (modularity_matrix @ side)) / (twice_m / 2)
        best = int(np.argmax(gain))
        if gain[best] <= 1e-12:
            break
        side[best] = -side[best]
    q = float(side @ modularity_matrix @ side / (2 * twice_m))
    shares = [float(degree[side == s].sum() / twice_m) for s in (1.0, -1.0)]
    ceiling = 1 - sum(a * a for a in shares)
    score = max(0.0, q / ceiling) if q > 1e-12 and ceiling > 0 else 0.0
    first = tuple(n for n, s in zip(nodes, side, strict=True) if s > 0)
    second = tuple(n for n, s in zip(nodes, side, strict=True) if s < 0)
    if q <= 1e-12:
        first, second, q = tuple(nodes), (), 0.0
    return Split(
        (first, second), round(q, 6), round(min(score, 1.0), 6), _alignment(first, second, blocs)
    )


def _alignment(
    first: tuple[str, ...], second: tuple[str, ...], blocs: list[frozenset[str]] | None
) -> float | None:
    """Share of the bloc countries in the network that the split puts on their bloc's side."""
    if not blocs or len(blocs) != 2:
        return None
    a, b = (bloc & (set(first) | set(second)) for bloc in blocs)
    if not a or not b:
        return None
    one, two = set(first), set(second)
    straight = len(a & one) + len(b & two)
    crossed = len(a & two) + len(b & one)
    return round(max(straight, crossed) / (len(a) + len(b)), 6)


def polarization(world: World, blocs: list[frozenset[str]] | None = None) -> Split:
    """Seed 004's polarization of one world (see FORMULAS)."""
    return best_split(world, blocs)


def conflict_change(now: int | None, before: int | None) -> float | None:
    """(now - before) / (now + before) in -1..1; 0 when both are 0; None when unknown."""
    if now is None or before is None:
        return None
    return 0.0 if now + before == 0 else (now - before) / (now + before)


def chaos(change: float | None, coverage_now: float, coverage_before: float) -> float | None:
    """sqrt(rise x fall): conflict rising while coverage falls (see FORMULAS)."""
    if change is None:
        return None
    rise = max(0.0, change)
    fall = max(0.0, (coverage_before - coverage_now) / coverage_before) if coverage_before else 0.0
    return math.sqrt(rise * fall)


# --------------------------------------------------------------------------- the series


def _count(counts: Mapping[int, int] | None, year: int) -> int | None:
    """A year's count; years between the first and last known count 0, others are unknown."""
    if not counts:
        return None
    if min(counts) <= year <= max(counts):
        return int(counts.get(year, 0))
    return None


def scenario_indicators(
    atlas: Atlas,
    years: Iterable[int],
    conflict_counts: Mapping[int, int] | None = None,
    *,
    region: Iterable[str] | None = None,
    window_years: int = 3,
    rules: CoordinationRules | None = None,
) -> Scenarios:
    """The four indicators for each year; chaos needs ``conflict_counts`` (year -> events).

    The region defaults to the corridor countries of the seeds, the great powers and the
    listed allies of the two blocs, so the powers the scenarios are about are in it.
    """
    rules = rules or load_rules()
    if region is None:
        area = set(region_countries(atlas)) | rules.great_power_states
        for group in rules.blocs.groups:
            area |= set(group.anchors) | set(group.allies)
    else:
        area = set(region)
    least = rules.binding_at_least.rank
    rows = []
    wanted = sorted(set(years))
    worlds = {
        y: world_in(atlas, y, area) for y in sorted({*wanted, *(y - window_years for y in wanted)})
    }
    for year in wanted:
        world, before = worlds[year], worlds[year - window_years]
        share, leaders = dominance(world, rules.great_power_states)
        split = polarization(world, reference_blocs(world, rules.blocs.groups))
        change = conflict_change(
            _count(conflict_counts, year), _count(conflict_counts, year - window_years)
        )
        coverage = pair_coverage(world)
        rows.append(
            ScenarioYear(
                year=year,
                mechanisms=len(world.bodies),
                integration=round(integration(world, least), 6),
                dominance=round(share, 6),
                dominance_leaders=leaders,
                polarization=split.polarization,
                modularity=split.modularity,
                alignment=split.alignment,
                coverage=round(coverage, 6),
                conflict_events=_count(conflict_counts, year),
                conflict_change=None if change is None else round(change, 6),
                chaos=_rounded(chaos(change, coverage, pair_coverage(before))),
            )
        )
    return Scenarios(tuple(sorted(area)), window_years, dict(FORMULAS), tuple(rows))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
