"""Which mechanisms cover a set of states for a threat class in a year, ranked and explained.

This is the question the advisor asks first and the alert routing of the cooperation
platform reuses ("whom to tell"): a mechanism covers a state when the state is a full member
in that year (through the parent for a body that serves its parent's states) and the
mechanism's domains cover the class. The score is a weighted sum of parts in 0..1, each
reported, so a user can see why one mechanism ranks above another.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corridor.atlas.catalog import Atlas
from corridor.atlas.models import Mechanism
from corridor.coordination.rules import CoordinationRules, load_rules
from corridor.errors import UnknownValueError

__all__ = [
    "Coverage",
    "ScoreParts",
    "check_classes",
    "check_states",
    "covers_state",
    "domain_fit",
    "focus",
    "joined_year",
    "mechanisms_covering",
    "resolve_year",
]


@dataclass(frozen=True)
class ScoreParts:
    """The parts of a coverage score, each in 0..1."""

    covered_share: float  # parties that are full members / parties
    binding: float  # binding rank / 4 (collective defence 1.0 ... consultative 0.25)
    domain_fit: float  # the class itself 1.0, a broader class 0.75, only narrower ones 0.5
    focus: float  # share of the mechanism's domains that are the classes or kin
    tenure: float  # mean over covered parties of min(years a member, full) / full
    activity: float  # years with a recorded meeting in the window / window


@dataclass(frozen=True)
class Coverage:
    """One mechanism and the parties of an issue it covers, with its score and why."""

    mechanism: str
    acronym: str
    name: str
    kind: str
    binding: str
    covered: tuple[str, ...]
    missing: tuple[str, ...]
    score: float
    parts: ScoreParts
    why: str
    source: str


def resolve_year(year: int | None) -> int:
    """None means this year."""
    return datetime.date.today().year if year is None else year


def check_states(atlas: Atlas, states: Iterable[str]) -> tuple[str, ...]:
    """Upper-cased alpha-3 codes, each once, in the order given; unknown ones are refused."""
    found: list[str] = []
    for state in states:
        code = state.strip().upper()
        if code not in atlas.countries:
            raise UnknownValueError("country", state, sorted(atlas.countries))
        if code not in found:
            found.append(code)
    return tuple(found)


def check_classes(atlas: Atlas, classes: str | Iterable[str]) -> tuple[str, ...]:
    """Threat class ids, each once; unknown ones are refused."""
    wanted = (classes,) if isinstance(classes, str) else tuple(classes)
    found: list[str] = []
    for threat in wanted:
        if threat not in atlas.threats:
            raise UnknownValueError(
                "threat class", threat, sorted(atlas.threats), "see `corridor atlas threats`"
            )
        if threat not in found:
            found.append(threat)
    if not found:
        raise UnknownValueError("threat class", "", sorted(atlas.threats), "give at least one")
    return tuple(found)


def covers_state(atlas: Atlas, mechanism: Mechanism, state: str, year: int) -> bool:
    """Whether ``state`` is a full member of ``mechanism`` in ``year``."""
    return state in atlas.member_states(mechanism, year)


def domain_fit(
    atlas: Atlas, mechanism: Mechanism, classes: Sequence[str], rules: CoordinationRules
) -> tuple[float, str]:
    """How well the mechanism's domains fit the best of ``classes`` (0 when none), and how."""
    fits = rules.score.domain_fit
    best, how = 0.0, ""
    domains = set(mechanism.domains)
    for threat in classes:
        if threat in domains:
            value, text = fits["exact"], f"{threat} (its own domain)"
        elif domains & set(atlas.threat_ancestors(threat)[1:]):
            broader = sorted(domains & set(atlas.threat_ancestors(threat)[1:]))
            value, text = fits["broader"], f"{threat} (through the broader {', '.join(broader)})"
        elif domains & atlas.threat_descendants(threat):
            narrower = sorted(domains & atlas.threat_descendants(threat))
            value, text = fits["narrower"], f"{threat} (only the narrower {', '.join(narrower)})"
        else:
            continue
        if value > best:
            best, how = value, text
    return best, how


def joined_year(atlas: Atlas, mechanism: Mechanism, state: str, year: int) -> int | None:
    """The year ``state`` joined (its own record, else the parent's); None if not recorded.

    Never earlier than the mechanism's founding: a member of a parent joins a sub-body when
    the sub-body is set up.
    """
    current: Mechanism | None = mechanism
    seen: set[str] = set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        for member in current.members:
            if member.country == state and member.active_in(year):
                return None if member.joined is None else max(member.joined, mechanism.founded)
        current = atlas.mechanisms.get(current.parent or "")
    return None


def focus(atlas: Atlas, mechanism: Mechanism, classes: Sequence[str]) -> float:
    """Share of the mechanism's domains that are the classes, above or below them."""
    kin: set[str] = set()
    for threat in classes:
        kin |= set(atlas.threat_ancestors(threat)) | atlas.threat_descendants(threat)
    return sum(d in kin for d in mechanism.domains) / len(mechanism.domains)


def _meeting_years(atlas: Atlas, mechanism_id: str) -> set[int]:
    """Years with a recorded meeting of the mechanism, or one it took part in."""
    years = set()
    for other in atlas.mechanisms.values():
        for meeting in other.meetings:
            if other.id == mechanism_id or mechanism_id in meeting.organizations:
                years.add(meeting.year)
    return years


def _score(
    atlas: Atlas,
    mechanism: Mechanism,
    parties: Sequence[str],
    covered: Sequence[str],
    fit: float,
    classes: Sequence[str],
    year: int,
    rules: CoordinationRules,
) -> tuple[float, ScoreParts, str]:
    settings = rules.score
    full = settings.tenure_full_years
    joined = {s: joined_year(atlas, mechanism, s, year) for s in covered}
    # a year not recorded counts from the founding (the atlas leaves unknown years out)
    years = [year - (j or mechanism.founded) + 1 for j in joined.values()]
    tenure = sum(min(y, full) / full for y in years) / max(len(covered), 1)
    window = settings.activity_window_years
    met = sorted(y for y in _meeting_years(atlas, mechanism.id) if year - window < y <= year)
    parts = ScoreParts(
        covered_share=len(covered) / len(parties),
        binding=mechanism.binding.rank / 4,
        domain_fit=fit,
        focus=focus(atlas, mechanism, classes),
        tenure=tenure,
        activity=len(met) / window,
    )
    w = settings.weights
    weighted = (
        w["binding"] * parts.binding
        + w["domain_fit"] * parts.domain_fit
        + w["focus"] * parts.focus
        + w["tenure"] * parts.tenure
        + w["activity"] * parts.activity
    )
    since = ", ".join(
        f"{s} since {joined[s]}" if joined[s] else f"{s} (year not recorded)" for s in covered
    )
    meetings = f"meetings in {', '.join(map(str, met))}" if met else "no meeting recorded"
    why = (
        f"members: {since}; binds {mechanism.binding.value}; {meetings} "
        f"in {year - window + 1}-{year}"
    )
    return round(parts.covered_share * weighted, 4), parts, why


def mechanisms_covering(
    atlas: Atlas,
    states: Iterable[str],
    domain: str | Iterable[str],
    year: int | None = None,
    *,
    complete: bool = True,
    rules: CoordinationRules | None = None,
) -> list[Coverage]:
    """Mechanisms dealing with ``domain`` in ``year`` that have the states as full members.

    ``complete`` keeps only those covering every state; otherwise every mechanism covering
    at least one is listed, most states covered first. Best score first, then by id.
    """
    rules = rules or load_rules()
    parties = check_states(atlas, states)
    classes = check_classes(atlas, domain)
    when = resolve_year(year)
    if not parties:
        return []
    found = []
    for mechanism in atlas.mechanisms.values():
        if not mechanism.active_in(when):
            continue
        fit, how = domain_fit(atlas, mechanism, classes, rules)
        if fit == 0:
            continue
        members = atlas.member_states(mechanism, when)
        covered = tuple(s for s in parties if s in members)
        if not covered or (complete and len(covered) < len(parties)):
            continue
        score, parts, why = _score(atlas, mechanism, parties, covered, fit, classes, when, rules)
        found.append(
            Coverage(
                mechanism=mechanism.id,
                acronym=mechanism.acronym,
                name=mechanism.name,
                kind=mechanism.kind.value,
                binding=mechanism.binding.value,
                covered=covered,
                missing=tuple(s for s in parties if s not in members),
                score=score,
                parts=parts,
                why=f"deals with {how}; {why}",
                source=mechanism.source,
            )
        )
    found.sort(key=lambda c: (-len(c.covered), -c.score, c.mechanism))
    return found
