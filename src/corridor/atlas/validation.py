"""Checks across atlas records: ids unique, references resolve, assets where they claim."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

from corridor.atlas.entries import Entry
from corridor.atlas.models import Asset, Mechanism, Membership, Region, ThreatClass
from corridor.atlas.problems import AtlasProblem
from corridor.atlas.sourcefile import NodePath, field_path

__all__ = ["cross_reference_problems", "placement_report"]


def _duplicate_ids(entries: list[Entry]) -> list[AtlasProblem]:
    first: dict[str, Entry] = {}
    problems = []
    for entry in entries:
        key = entry.name.lower()
        if key in first:
            line = first[key].source.line_of(first[key].path)
            message = f"duplicate id (first used at line {line})"
            problems.append(entry.problem("id", message, ("id",)))
        else:
            first[key] = entry
    return problems


def _unknown(
    entry: Entry, what: str, known: set[str], refs: Iterable[tuple[NodePath, str | None]]
) -> list[AtlasProblem]:
    """A problem for each reference of ``entry`` (where it is, the id it names) to a
    ``what`` that is not among the ``known`` ids."""
    return [
        entry.problem(field_path(where), f"unknown {what} {value!r}", where)
        for where, value in refs
        if value is not None and value not in known
    ]


def _threat_problems(entries: list[Entry], declared: set[str]) -> list[AtlasProblem]:
    threats: dict[str, ThreatClass] = {e.record.id: e.record for e in entries}
    problems = []
    for entry in entries:
        threat: ThreatClass = entry.record
        if unknown := _unknown(entry, "threat class", declared, [(("parent",), threat.parent)]):
            problems += unknown
            continue
        seen, current = {threat.id}, threat.parent
        while current is not None and current in threats:
            if current in seen:
                problems.append(entry.problem("parent", "the parents form a cycle", ("parent",)))
                break
            seen.add(current)
            current = threats[current].parent
    return problems


def _overlapping(periods: list[Membership]) -> bool:
    spans = sorted((m.joined or 0, m.left or 10_000) for m in periods)
    return any(later[0] < earlier[1] for earlier, later in pairwise(spans))


def _membership_problems(
    entry: Entry, role: str, memberships: Iterable[Membership], mechanism_ids: set[str]
) -> list[AtlasProblem]:
    listed = list(memberships)
    refs = [((role, index, "mechanism"), m.mechanism) for index, m in enumerate(listed)]
    problems = _unknown(entry, "mechanism", mechanism_ids, refs)
    by_party: dict[str, list[Membership]] = defaultdict(list)
    for member in listed:
        by_party[member.party].append(member)
    for party, periods in by_party.items():
        if len(periods) > 1 and _overlapping(periods):
            problems.append(
                entry.problem(role, f"{party} is listed more than once for overlapping years")
            )
    return problems


def _mechanism_problems(
    entries: list[Entry], ids: set[str], threat_ids: set[str]
) -> list[AtlasProblem]:
    problems = []
    for entry in entries:
        mechanism: Mechanism = entry.record
        domains = [(("domains", index), d) for index, d in enumerate(mechanism.domains)]
        problems += _unknown(entry, "threat class", threat_ids, domains)
        problems += _unknown(entry, "mechanism", ids, [(("parent",), mechanism.parent)])
        for role in ("members", "observers", "partners"):
            problems += _membership_problems(entry, role, getattr(mechanism, role), ids)
        organizations = [
            (("meetings", m_index, "organizations", o_index), org)
            for m_index, meeting in enumerate(mechanism.meetings)
            for o_index, org in enumerate(meeting.organizations)
        ]
        problems += _unknown(entry, "mechanism", ids, organizations)
    return problems


def _region_problems(
    entries: list[Entry], region_ids: set[str], mechanism_ids: set[str]
) -> list[AtlasProblem]:
    problems = []
    for entry in entries:
        region: Region = entry.record
        subregions = [(("regions", index), sub) for index, sub in enumerate(region.regions)]
        problems += _unknown(entry, "region", region_ids, subregions)
        refs = [
            (("mechanisms", index, "mechanism"), ref.mechanism)
            for index, ref in enumerate(region.mechanisms)
        ]
        problems += _unknown(entry, "mechanism", mechanism_ids, refs)
    return problems


def cross_reference_problems(
    sections: dict[str, list[Entry]], declared: dict[str, set[str]]
) -> list[AtlasProblem]:
    """Duplicate ids and references to threats, regions or mechanisms that do not exist.

    ``declared`` holds every id written in each section, valid entry or not.
    """
    problems = []
    for key in ("threats", "mechanisms", "chokepoints", "disputes", "features"):
        problems += _duplicate_ids(sections[key])
    problems += _duplicate_ids(
        sections["regions"] + sections["belt_zones"] + sections["road_routes"]
    )
    threat_ids = declared["threats"]
    mechanism_ids = declared["mechanisms"]
    region_ids = declared["regions"]
    problems += _threat_problems(sections["threats"], threat_ids)
    problems += _mechanism_problems(sections["mechanisms"], mechanism_ids, threat_ids)
    problems += _region_problems(
        sections["regions"] + sections["belt_zones"] + sections["road_routes"],
        region_ids,
        mechanism_ids,
    )
    return problems


def placement_report(sections: dict[str, list[Entry]]) -> list[AtlasProblem]:
    """Assets that do not lie in the countries they claim (see :mod:`placement`)."""
    from corridor.atlas.placement import placement_problems  # borders load only for a check

    problems = []
    for entry in sections["features"]:
        asset: Asset = entry.record
        for message in placement_problems(asset):
            problems.append(entry.problem("geometry", message, ("geometry",)))
    return problems
