"""The coordination advisor: for an issue, which coordination fits and which mechanisms cover it.

Seed 002 ("dual coordination") gives rules for when great powers should coordinate among
themselves and when the mechanisms should; :mod:`corridor.coordination.rules` holds them as
data. The answer quotes each rule it applied and cites each atlas record it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corridor.atlas.catalog import Atlas
from corridor.coordination.coverage import (
    Coverage,
    check_classes,
    check_states,
    mechanisms_covering,
    resolve_year,
)
from corridor.coordination.rules import CoordinationRules, Route, Rule, load_rules
from corridor.errors import UnknownValueError

__all__ = ["Advice", "AppliedRule", "Citation", "Issue", "advise", "is_traditional"]


@dataclass(frozen=True)
class Issue:
    """A security issue: threat classes, the states involved, optionally an asset or place.

    The countries an asset crosses and the parties of a dispute or hot spot (``place``) join
    the states involved: protecting a pipeline involves every state it crosses.
    """

    classes: tuple[str, ...]
    countries: tuple[str, ...] = ()
    asset: str | None = None
    place: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class AppliedRule:
    """A rule of the seed as applied: its words, where they are, and why it applies here."""

    id: str
    route: str | None
    quote: str
    source: str
    judgement: str | None
    why: str


@dataclass(frozen=True)
class Citation:
    """An atlas record the answer used."""

    kind: str
    id: str
    name: str
    source: str


@dataclass(frozen=True)
class Advice:
    """The advisor's answer; ``to_dict`` is its JSON form."""

    classes: tuple[str, ...]
    parties: tuple[str, ...]
    year: int
    traditional: bool
    great_powers: tuple[str, ...]
    route: Route
    summary: str
    rules: tuple[AppliedRule, ...]
    covering: tuple[Coverage, ...]
    nearest: tuple[Coverage, ...]  # mechanisms that would cover every party if one state joined
    uncovered: tuple[str, ...]  # parties no mechanism of the issue area has as a member
    strengthen: tuple[str, ...]  # broad mechanisms (rule 5) that have every party as member
    citations: tuple[Citation, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        data = asdict(self)
        data["route"] = self.route.value
        return data


def is_traditional(atlas: Atlas, threat: str, rules: CoordinationRules) -> bool:
    """Whether a class is one of the traditional classes of the rules, or lies under one."""
    return bool(set(atlas.threat_ancestors(threat)) & set(rules.traditional.classes))


def _parties(atlas: Atlas, issue: Issue) -> tuple[tuple[str, ...], list[Citation]]:
    states = list(check_states(atlas, issue.countries))
    cited: list[Citation] = []
    if issue.asset is not None:
        asset = atlas.assets.get(issue.asset)
        if asset is None:
            raise UnknownValueError(
                "asset", issue.asset, sorted(atlas.assets), "see `corridor atlas assets`"
            )
        states += [c for c in asset.countries if c not in states]
        cited.append(Citation("asset", asset.id, asset.name, asset.source))
    if issue.place is not None:
        place = atlas.disputes.get(issue.place)
        if place is None:
            raise UnknownValueError(
                "place", issue.place, sorted(atlas.disputes), "a dispute or hot spot id"
            )
        states += [c for c in place.parties if c not in states]
        cited.append(Citation(place.category, place.id, place.name, place.source))
    if not states:
        raise UnknownValueError("issue", "without states", hint="give a country, asset or place")
    return tuple(states), cited


def _applied(rule: Rule, why: str) -> AppliedRule:
    route = rule.route.value if rule.route is not None else None
    return AppliedRule(rule.id, route, rule.quote, rule.source, rule.judgement, why)


def _route(
    atlas: Atlas,
    classes: tuple[str, ...],
    parties: tuple[str, ...],
    powers: tuple[str, ...],
    traditional: bool,
    year: int,
    covering: list[Coverage],
    rules: CoordinationRules,
) -> tuple[Route, list[AppliedRule]]:
    """Seed 002's decision, rule by rule; see the `judgement` of each rule in rules.yaml."""
    accepted_rule = rules.rule("accepted_mechanism")
    least = accepted_rule.min_binding.rank if accepted_rule.min_binding else 0
    accepted = [c for c in covering if atlas.mechanisms[c.mechanism].binding.rank >= least]
    if powers and accepted:
        names = ", ".join(c.acronym for c in accepted)
        why = (
            f"{names} has every great power involved ({', '.join(powers)}) and every party as "
            f"full members in {year}, covers the issue and binds at least "
            f"{accepted_rule.min_binding}"
        )
        applied = [_applied(accepted_rule, why)]
        if not traditional:
            applied.insert(0, _applied(rules.rule("nt_institutions"), "a non-traditional issue"))
        return Route.MECHANISM, applied
    if traditional:
        if not powers:
            return Route.PARTIES_CHOICE, [
                _applied(rules.rule("no_great_power"), "no great power is among the parties")
            ]
        if len(powers) >= 2:
            why = f"a traditional issue between the great powers {', '.join(powers)}"
            return Route.GREAT_POWER, [_applied(rules.rule("traditional_great_powers"), why)]
        why = (
            f"a traditional issue with one great power ({powers[0]}): the seed's rules name "
            "none for this case, so its general strategy applies"
        )
        return Route.DUAL, [_applied(rules.rule("dual"), why)]
    base = _applied(rules.rule("nt_institutions"), "a non-traditional issue")
    areas = [
        c for c in classes if set(atlas.threat_ancestors(c)) & set(rules.mechanism_areas.classes)
    ]
    shared = _shared_by_powers(atlas, classes, powers, year, rules)
    if areas:
        why = f"{', '.join(areas)} is an issue area the seed names for mechanism coordination"
    elif len(powers) <= 1:
        why = "at most one great power is involved, so no great-power interests diverge"
    elif shared:
        why = f"the great powers involved already sit together in {', '.join(shared)} for it"
    else:
        why = (
            f"the great powers involved ({', '.join(powers)}) share no mechanism of this issue "
            f"area in {year}: their interests count as overwhelmingly different"
        )
        return Route.GREAT_POWER, [base, _applied(rules.rule("nt_divergent"), why)]
    return Route.MECHANISM, [base, _applied(rules.rule("nt_similar"), why)]


def _shared_by_powers(
    atlas: Atlas,
    classes: tuple[str, ...],
    powers: tuple[str, ...],
    year: int,
    rules: CoordinationRules,
) -> list[str]:
    if len(powers) < 2:
        return []
    return [c.acronym for c in mechanisms_covering(atlas, powers, classes, year, rules=rules)]


def advise(atlas: Atlas, issue: Issue, rules: CoordinationRules | None = None) -> Advice:
    """Which coordination fits the issue by seed 002's rules, and which mechanisms cover it."""
    rules = rules or load_rules()
    classes = check_classes(atlas, issue.classes)
    parties, cited = _parties(atlas, issue)
    year = resolve_year(issue.year)
    powers = tuple(p for p in parties if p in rules.great_power_states)
    traditional = any(is_traditional(atlas, c, rules) for c in classes)
    covering = mechanisms_covering(atlas, parties, classes, year, rules=rules)
    partial = mechanisms_covering(atlas, parties, classes, year, complete=False, rules=rules)
    # With two parties every mechanism of either one "lacks one state": list the nearest
    # only where they tell something, when no mechanism covers all or there are 3+ parties.
    telling = len(parties) > 2 or (len(parties) == 2 and not covering)
    nearest = [c for c in partial if len(c.missing) == 1][:5] if telling else []
    in_some = {s for c in partial for s in c.covered}
    uncovered = tuple(p for p in parties if p not in in_some)
    route, applied = _route(atlas, classes, parties, powers, traditional, year, covering, rules)
    broad_rule = rules.rule("broad_mechanisms")
    strengthen = tuple(
        m
        for m in broad_rule.mechanisms
        if m in atlas.mechanisms and set(parties) <= atlas.member_states(atlas.mechanisms[m], year)
    )
    if strengthen:
        why = f"{', '.join(strengthen)} has every party as a member in {year}"
        applied.append(_applied(broad_rule, why))
    used = {c.mechanism for c in (*covering, *nearest)} | set(strengthen)
    cited += [
        Citation("mechanism", m.id, m.name, m.source)
        for m in atlas.mechanisms.values()
        if m.id in used
    ]
    cited += [
        Citation("threat", c, atlas.threats[c].name, atlas.threats[c].source) for c in classes
    ]
    summary = _summary(route, parties, powers, covering, nearest, uncovered)
    return Advice(
        classes=classes,
        parties=parties,
        year=year,
        traditional=traditional,
        great_powers=powers,
        route=route,
        summary=summary,
        rules=tuple(applied),
        covering=tuple(covering),
        nearest=tuple(nearest),
        uncovered=uncovered,
        strengthen=strengthen,
        citations=tuple(cited),
    )


_ROUTE_TEXT = {
    Route.GREAT_POWER: "coordination among the great powers leads",
    Route.MECHANISM: "mechanism coordination",
    Route.PARTIES_CHOICE: "either kind of coordination, by the will of the parties",
    Route.DUAL: "dual coordination: great powers and mechanisms hand in hand",
}


def _summary(
    route: Route,
    parties: tuple[str, ...],
    powers: tuple[str, ...],
    covering: list[Coverage],
    nearest: list[Coverage],
    uncovered: tuple[str, ...],
) -> str:
    text = f"{_ROUTE_TEXT[route]}; great powers involved: {', '.join(powers) or 'none'}. "
    if covering:
        every = "both" if len(parties) == 2 else f"all {len(parties)}"
        text += f"{', '.join(c.acronym for c in covering[:4])} cover {every} parties."
    else:
        text += "No mechanism covers all the parties."
        if nearest:
            best = nearest[0]
            text += f" {best.acronym} would if {best.missing[0]} joined."
    if uncovered:
        text += f" No mechanism of this issue area has {', '.join(uncovered)} as a member."
    return text
