"""The coordination advisor (seeds 002 and 004): which coordination fits an issue, which
mechanisms cover its parties, how the mechanisms overlap, and the four security-order scenarios.

A domain core: plain functions over the atlas (and, for chaos, conflict counts the caller
reads), no database and no CLI. ``corridor advise`` and ``corridor coordination`` are thin
skins over these functions.
"""

from corridor.coordination.advisor import Advice, AppliedRule, Citation, Issue, advise
from corridor.coordination.coverage import Coverage, ScoreParts, mechanisms_covering
from corridor.coordination.overlap import Overlap, corridor_pairs, overlap, region_countries
from corridor.coordination.rules import CoordinationRules, Route, load_rules
from corridor.coordination.scenarios import FORMULAS, Scenarios, ScenarioYear, scenario_indicators

__all__ = [
    "FORMULAS",
    "Advice",
    "AppliedRule",
    "Citation",
    "CoordinationRules",
    "Coverage",
    "Issue",
    "Overlap",
    "Route",
    "ScenarioYear",
    "Scenarios",
    "ScoreParts",
    "advise",
    "corridor_pairs",
    "load_rules",
    "mechanisms_covering",
    "overlap",
    "region_countries",
    "scenario_indicators",
]
