"""Alert rules: which incidents, how close to which assets, concern whom and how soon.

A rule says: an incident of these threat classes (a class covers the classes below it)
and at least this severity, within this distance of the assets it watches, raises an
alert. The assets are narrowed by every filter the rule gives (kinds, ids, operating
organizations, countries, the seeds' Road routes); a rule with no filter watches every
asset. Incidents near one asset within ``window_hours`` of each other group into one
open alert; incidents older than ``horizon_days`` (history being imported) raise none;
an alert nobody acknowledges within ``ack_minutes`` escalates.

The default rules ship in ``data/rules.yaml``; an organization adds its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from corridor.atlas.catalog import Atlas
from corridor.atlas.models import Asset, AssetKind
from corridor.errors import InputError, UnknownValueError

__all__ = [
    "BUNDLED_RULES",
    "MAX_WITHIN_KM",
    "AlertRule",
    "bundled_rules",
    "check_rule",
    "read_rules",
    "watched_assets",
]

BUNDLED_RULES = Path(str(resources.files("corridor.alerts").joinpath("data/rules.yaml")))
MAX_WITHIN_KM = 500.0  # beyond this an incident is not "near" an asset any more

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


class AlertRule(BaseModel):
    """One rule. Filters left empty do not narrow."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: Identifier
    name: str = Field(min_length=3, max_length=200)
    classes: tuple[str, ...] = ()  # threat class ids; empty: every class
    min_severity: int = Field(default=1, ge=1, le=5)
    within_km: float = Field(gt=0, le=MAX_WITHIN_KM)
    asset_kinds: tuple[AssetKind, ...] = ()
    assets: tuple[str, ...] = ()  # atlas asset ids
    operators: tuple[str, ...] = ()  # organizations on the platform that operate assets
    countries: tuple[str, ...] = ()  # ISO alpha-3: assets running through one of them
    routes: tuple[str, ...] = ()  # the seeds' Road routes: assets in one of their countries
    window_hours: int = Field(default=168, ge=1, le=24 * 366)
    horizon_days: int = Field(default=30, ge=1, le=3660)
    ack_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    owner: str | None = None  # the organization that wrote it; None: shipped with the atlas
    enabled: bool = True

    def covers_class(self, threat_class: str, atlas: Atlas) -> bool:
        """Whether an incident of ``threat_class`` is one this rule looks at."""
        return not self.classes or not set(self.classes).isdisjoint(
            atlas.threat_ancestors(threat_class)
        )


def check_rule(rule: AlertRule, atlas: Atlas, organizations: Iterable[str] = ()) -> AlertRule:
    """``rule`` if every class, asset, country, route and operator it names exists;
    :class:`UnknownValueError` (with the nearest names) otherwise."""
    for name in rule.classes:
        if name not in atlas.threats:
            raise UnknownValueError("threat class", name, sorted(atlas.threats))
    for name in rule.assets:
        if name not in atlas.assets:
            raise UnknownValueError("asset", name, sorted(atlas.assets))
    for name in rule.routes:
        if name not in atlas.road_routes:
            raise UnknownValueError("road route", name, sorted(atlas.road_routes))
    for name in rule.countries:
        if name not in atlas.countries:
            raise UnknownValueError("country", name, sorted(atlas.countries))
    known = sorted(organizations)
    for name in rule.operators:
        if name not in known:
            raise UnknownValueError("organization", name, known)
    return rule


def watched_assets(
    rule: AlertRule, atlas: Atlas, operated: Mapping[str, Sequence[str]] | None = None
) -> frozenset[str]:
    """The ids of the atlas assets ``rule`` watches; ``operated`` maps an organization to
    the assets it operates (from the platform's directory)."""
    operated = operated or {}

    def kept(asset: Asset) -> bool:
        if rule.asset_kinds and asset.kind not in rule.asset_kinds:
            return False
        if rule.assets and asset.id not in rule.assets:
            return False
        if rule.operators and not any(asset.id in operated.get(o, ()) for o in rule.operators):
            return False
        if rule.countries and set(rule.countries).isdisjoint(asset.countries):
            return False
        if rule.routes:
            route_states = set().union(*(atlas.route_countries[r] for r in rule.routes))
            if route_states.isdisjoint(asset.countries):
                return False
        return True

    return frozenset(a.id for a in atlas.assets.values() if kept(a))


def read_rules(path: Path) -> tuple[AlertRule, ...]:
    """The rules of a YAML file (a list under ``rules:``); :class:`InputError` naming the
    file, the rule and the field on a bad one."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the rules ({exc})") from exc
    items = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise InputError(f"{path}: expected a mapping with a list under 'rules'")
    rules = []
    for number, item in enumerate(items, 1):
        try:
            rules.append(AlertRule.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "rule"
            raise InputError(f"{path}: rule {number}, {where}: {first['msg']}") from exc
    ids = [r.id for r in rules]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise InputError(f"{path}: rule ids appear twice: {', '.join(twice)}")
    return tuple(rules)


@cache
def bundled_rules() -> tuple[AlertRule, ...]:
    """The default rules that come with the atlas."""
    return read_rules(BUNDLED_RULES)
