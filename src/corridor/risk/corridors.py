"""Corridor risk: the chance that at least one segment of a corridor is disrupted.

A corridor is a chain of segments: the pieces of an economic corridor's line in each
country it crosses, or a route a user names as assets and countries. Each segment's
chance of disruption combines its own exposure and its country's risk,

    p_exposure = 1 - exp(-exposure / probability_scale)
    p_country  = country_probability_at_10 x country risk / 10
    p_segment  = 1 - (1 - p_exposure) (1 - p_country)

and, taking segments as independent, the corridor's is 1 - prod(1 - p_segment). The
weakest segment is the one most likely to be disrupted. Both scales are in the profile.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from corridor.risk.profile import CorridorProfile

__all__ = [
    "CorridorRisk",
    "Segment",
    "SegmentRisk",
    "corridor_risk",
    "pieces_by_country",
]


@dataclass(frozen=True)
class Segment:
    """A piece of a corridor: its label, country (if one) and exposure score."""

    label: str
    country: str | None
    exposure: float


@dataclass(frozen=True)
class SegmentRisk:
    label: str
    country: str | None
    exposure: float
    country_risk: float | None
    probability: float


@dataclass(frozen=True)
class CorridorRisk:
    corridor: str
    segments: tuple[SegmentRisk, ...]
    probability: float  # at least one segment disrupted

    @property
    def weakest(self) -> SegmentRisk | None:
        """The segment most likely disrupted; None when none has any chance."""
        worst = max(self.segments, key=lambda s: s.probability, default=None)
        return worst if worst is not None and worst.probability > 0 else None


def corridor_risk(
    corridor: str,
    segments: Sequence[Segment],
    country_risks: Mapping[str, float | None],
    profile: CorridorProfile,
) -> CorridorRisk:
    """Each segment's chance of disruption and the corridor's (see the module docstring)."""
    scored = []
    intact = 1.0
    for segment in segments:
        risk = country_risks.get(segment.country) if segment.country else None
        from_exposure = 1.0 - math.exp(-segment.exposure / profile.probability_scale)
        from_country = profile.country_probability_at_10 * (risk or 0.0) / 10.0
        probability = 1.0 - (1.0 - from_exposure) * (1.0 - from_country)
        intact *= 1.0 - probability
        scored.append(
            SegmentRisk(segment.label, segment.country, segment.exposure, risk, probability)
        )
    return CorridorRisk(corridor, tuple(scored), 1.0 - intact)


def pieces_by_country(
    line: BaseGeometry, countries: Sequence[str], shapes: Mapping[str, BaseGeometry]
) -> list[tuple[str | None, BaseGeometry]]:
    """The line cut into its piece in each of ``countries`` (in order), then what is left.

    What lies in none of them (open sea, a border's generalization) comes last, with no
    country; pieces that are empty are left out.
    """
    pieces: list[tuple[str | None, BaseGeometry]] = []
    rest = line
    for code in countries:
        shape = shapes.get(code)
        if shape is None:
            continue
        inside = shapely.intersection(line, shape)
        if not inside.is_empty and inside.length > 0:
            pieces.append((code, inside))
            rest = shapely.difference(rest, shape)
    if not rest.is_empty and rest.length > 0:
        pieces.append((None, rest))
    return pieces
