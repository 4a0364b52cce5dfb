"""Source categories mapped onto the atlas threat taxonomy, from data files.

Each source has ``mappings/<source>.yaml``; a user can read and change how
"Battles" or "Hijacked" become a threat class, target and severity floor
without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from corridor.events.model import Target

__all__ = ["CategoryMap", "CategoryRule", "category_map"]


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """What one source category means in our taxonomy."""

    threat_class: str
    target: Target | None = None
    severity_floor: int = 1
    tags: tuple[str, ...] = ()


def _key(value: str) -> str:
    return " ".join(value.lower().split())


def _rule(data: dict[str, Any]) -> CategoryRule:
    target = data.get("target")
    return CategoryRule(
        threat_class=str(data["threat_class"]),
        target=Target(target) if target else None,
        severity_floor=int(data.get("severity_floor", 1)),
        tags=tuple(data.get("tags", ())),
    )


@dataclass(frozen=True)
class CategoryMap:
    """The rules of one source; ``classify`` falls back from specific to general."""

    source: str
    default: CategoryRule
    rules: dict[str, CategoryRule]

    def classify(self, *levels: str) -> CategoryRule:
        """The rule for the most specific known key: ``a|b|c``, then ``a|b``, then ``a``.

        ``levels`` go from general to specific (event type, sub-event type, ...).
        """
        parts = [_key(level) for level in levels if level and level.strip()]
        for size in range(len(parts), 0, -1):
            rule = self.rules.get("|".join(parts[:size]))
            if rule is not None:
                return rule
        return self.default

    def threat_classes(self) -> set[str]:
        """Every threat class the map can produce (for validation against the atlas)."""
        return {self.default.threat_class} | {r.threat_class for r in self.rules.values()}


@cache
def category_map(source: str) -> CategoryMap:
    """The bundled map of ``source`` (``mappings/<source>.yaml``)."""
    path = resources.files("corridor.events").joinpath(f"mappings/{source}.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules = {_key(key): _rule(value) for key, value in (data.get("categories") or {}).items()}
    return CategoryMap(source=source, default=_rule(data["default"]), rules=rules)
