"""Seed 002's rules of dual coordination and seed 004's blocs, read from data with their quotes.

Which states are great powers, which threat classes are traditional and which rule applies
when are facts of the seeds, not of the code: they live in ``data/rules.yaml`` so a user can
read (and, with ``rules_path``, replace) them, and every answer can quote them.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corridor.atlas.models import Binding
from corridor.errors import InputError

__all__ = [
    "BUNDLED_RULES",
    "BlocGroup",
    "CoordinationRules",
    "Route",
    "Rule",
    "load_rules",
]

BUNDLED_RULES = Path(str(resources.files("corridor.coordination").joinpath("data/rules.yaml")))

Code = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class Route(StrEnum):
    """The kind of coordination an issue calls for."""

    GREAT_POWER = "great_power"  # coordination among great powers leads
    MECHANISM = "mechanism"  # coordination through the mechanisms of the issue area
    PARTIES_CHOICE = "parties_choice"  # either one, by the will of the parties
    DUAL = "dual"  # both, hand in hand


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class _Quoted(_Data):
    quote: str = Field(min_length=10)
    source: str = Field(min_length=3)
    judgement: str | None = None


class StateList(_Quoted):
    states: tuple[Code, ...] = Field(min_length=1)


class ClassList(_Quoted):
    classes: tuple[str, ...] = Field(min_length=1)


class Rule(_Quoted):
    """One rule of the seed: what it says, where, and how the project reads it."""

    id: str
    route: Route | None
    mechanisms: tuple[str, ...] = ()
    min_binding: Binding | None = None


class ScoreSettings(_Data):
    weights: dict[str, float]
    tenure_full_years: int = Field(ge=1)
    activity_window_years: int = Field(ge=1)
    domain_fit: dict[str, float]

    @model_validator(mode="after")
    def _complete(self) -> ScoreSettings:
        wanted = {"binding", "domain_fit", "focus", "tenure", "activity"}
        if set(self.weights) != wanted:
            raise ValueError(f"score weights must be exactly {sorted(wanted)}")
        if abs(sum(self.weights.values()) - 1.0) > 1e-9:
            raise ValueError("score weights must sum to 1")
        if set(self.domain_fit) != {"exact", "broader", "narrower"}:
            raise ValueError("domain_fit needs exact, broader and narrower")
        return self


class BlocGroup(_Data):
    """One side of seed 004's polarization: anchor states, listed allies, their source."""

    id: str
    name: str
    anchors: tuple[Code, ...] = Field(min_length=1)
    allies: tuple[Code, ...] = ()
    source: str


class Blocs(_Data):
    quote: str
    source: str
    groups: tuple[BlocGroup, BlocGroup]


class CoordinationRules(_Data):
    """The whole rule file, validated."""

    great_powers: StateList
    traditional: ClassList
    mechanism_areas: ClassList
    rules: tuple[Rule, ...]
    score: ScoreSettings
    binding_at_least: Binding
    blocs: Blocs

    @model_validator(mode="after")
    def _known_rules(self) -> CoordinationRules:
        wanted = {
            "no_great_power",
            "traditional_great_powers",
            "dual",
            "nt_institutions",
            "nt_similar",
            "nt_divergent",
            "broad_mechanisms",
            "accepted_mechanism",
        }
        have = {r.id for r in self.rules}
        if have != wanted:
            missing, extra = sorted(wanted - have), sorted(have - wanted)
            raise ValueError(
                f"rules must be exactly the seed's: missing {missing}, unknown {extra}"
            )
        return self

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (every id is checked present at load)."""
        return next(r for r in self.rules if r.id == rule_id)

    @property
    def great_power_states(self) -> frozenset[str]:
        return frozenset(self.great_powers.states)


def load_rules(path: Path | None = None) -> CoordinationRules:
    """The bundled rules, or a user's file of the same shape; bad files raise InputError."""
    if path is None:
        return _bundled()
    return _read(path)


@cache
def _bundled() -> CoordinationRules:
    return _read(BUNDLED_RULES)


def _read(path: Path) -> CoordinationRules:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})") from exc
    try:
        return CoordinationRules.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise InputError(f"{path}: {where}: {first['msg']}") from exc
