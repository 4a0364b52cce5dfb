"""Corridor risk as a use case: the atlas's economic corridors, or a route of one's own.

Both are judged alike: segments on land and every country's risk leave out the classes
the profile's ``corridor.land_leaves_out`` names (piracy filed under a coast is no risk
to a road); only a route's sea lanes (asset kind ``sea_lane``) keep every class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from corridor.atlas.catalog import Atlas
from corridor.atlas.models import AssetKind
from corridor.cooperation.sharing import Viewer
from corridor.errors import InputError
from corridor.risk.assets import atlas_shapes, corridor_segments, route_segments
from corridor.risk.corridors import CorridorRisk, corridor_risk
from corridor.risk.exposure import IncidentArrays, exposure_of
from corridor.risk.index import AssetIndex
from corridor.risk.indicators import IndicatorTable
from corridor.risk.inputs import RiskInputs
from corridor.risk.profile import RiskProfile
from corridor.risk.reading import (
    Classes,
    chosen_incidents,
    country_scores,
    indicator_table,
    read,
)

__all__ = ["CorridorRisks", "corridor_risks", "economic_corridors"]


@dataclass(frozen=True)
class CorridorRisks:
    """The atlas's economic corridors (or one route of the user's) with their segments."""

    as_of: date
    profile: RiskProfile
    classes: tuple[str, ...]
    corridors: tuple[CorridorRisk, ...]
    left_out: tuple[str, ...]  # classes land segments leave out (the profile's land_leaves_out)


def corridor_risks(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    *,
    route: Sequence[str] | None = None,
    as_of: date | None = None,
    classes: Classes = None,
    profile_path: Path | None = None,
    assets_path: Path | None = None,
    indicators_path: Path | None = None,
) -> CorridorRisks:
    """The chance each economic corridor, or the ``route`` (asset ids and alpha-3 codes
    in order), is disrupted. Every corridor is judged alike: segments on land and every
    country's risk leave out the profile's ``land_leaves_out`` classes (piracy); only a
    route's sea lanes count them. An unknown route part raises :class:`UnknownValueError`."""
    if route is not None and not route:
        raise InputError("--route: name at least one asset id or country")
    table = indicator_table(indicators_path)
    inputs = read(store, viewer, atlas, as_of, classes, profile_path, assets_path)
    if route is None:
        ids = [a.id for a in atlas.assets.values() if a.kind == AssetKind.ECONOMIC_CORRIDOR]
        corridors = economic_corridors(inputs, table, ids)
    else:
        corridors = [_route_risk(inputs, table, route)]
    left_out = tuple(inputs.profile.corridor.land_leaves_out)
    return CorridorRisks(inputs.as_of, inputs.profile, inputs.classes, tuple(corridors), left_out)


def economic_corridors(
    inputs: RiskInputs, table: IndicatorTable, ids: Sequence[str]
) -> list[CorridorRisk]:
    """The atlas's economic corridors by segment, without the classes land leaves out."""
    on_land = _land_incidents(inputs)
    by_country = {c.country: c.risk for c in country_scores(inputs, table, on_land)}
    return [
        corridor_risk(
            i,
            corridor_segments(inputs.atlas, i, on_land, inputs.profile, inputs.as_of),
            by_country,
            inputs.profile.corridor,
        )
        for i in ids
    ]


def _route_risk(inputs: RiskInputs, table: IndicatorTable, route: Sequence[str]) -> CorridorRisk:
    """A user's route: sea lanes scored with every class, the rest as land segments."""
    chosen = chosen_incidents(inputs)
    on_land = _land_incidents(inputs)
    shapes, criticality = atlas_shapes(inputs.atlas, inputs.extra)
    profile, ancestors = inputs.profile, inputs.atlas.threat_ancestors
    index = AssetIndex(shapes, profile.exposure.largest_radius_km)
    at_sea = exposure_of(shapes, criticality, chosen, profile, inputs.as_of, ancestors, index=index)
    landward = (
        exposure_of(shapes, criticality, on_land, profile, inputs.as_of, ancestors, index=index)
        if len(on_land) < len(chosen)
        else at_sea
    )
    sea_lane = AssetKind.SEA_LANE.value
    scores = {
        a.id: (at_sea if a.kind == sea_lane else landward).score_of(a.id)
        for a in inputs.assets.values()
    }
    segments = route_segments(inputs.atlas, [p.strip() for p in route], scores)
    by_country = {c.country: c.risk for c in country_scores(inputs, table, on_land)}
    return corridor_risk("your route", segments, by_country, profile.corridor)


def _land_incidents(inputs: RiskInputs) -> IncidentArrays:
    """The incidents of the classes asked for, less those land leaves out."""
    land = inputs.profile.corridor.land_leaves_out
    return chosen_incidents(inputs).without(land, inputs.atlas.threat_ancestors)
