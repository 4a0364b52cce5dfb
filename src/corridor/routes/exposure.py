"""A sea route's exposure to incidents, scored by the risk engine like any line asset."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import numpy as np

from corridor.geodesy import wrap_longitude
from corridor.risk.exposure import Exposure, IncidentArrays, exposure_of
from corridor.risk.profile import RiskProfile
from corridor.risk.shapes import AssetShapes
from corridor.routes.sea import SeaLeg

__all__ = ["legs_exposure"]


def legs_exposure(
    legs: Mapping[str, SeaLeg],
    incidents: IncidentArrays,
    profile: RiskProfile,
    as_of: date,
    ancestors: Callable[[str], list[str]],
    *,
    criticality: str = "important",
) -> Exposure:
    """Each named leg as a line asset (longitudes brought back to -180..180: the index
    joins vertices the short way round, so a route across the antimeridian stays whole)."""
    lines = []
    for leg in legs.values():
        line = np.asarray(leg.line, np.float64).reshape(-1, 2).copy()
        line[:, 0] = wrap_longitude(line[:, 0])
        lines.append(line)
    shapes = AssetShapes.from_lines(list(legs), lines)
    return exposure_of(shapes, [criticality] * len(legs), incidents, profile, as_of, ancestors)
