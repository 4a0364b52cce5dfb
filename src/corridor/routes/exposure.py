"""A sea route's or a land link's exposure to incidents, scored by the risk engine like any
line asset, and the incidents it is scored against."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from corridor.atlas.catalog import Atlas
from corridor.geodesy import wrap_longitude
from corridor.risk.exposure import Exposure, IncidentArrays, exposure_of
from corridor.risk.inputs import RiskInputs, check_threat, risk_inputs
from corridor.risk.profile import RiskProfile
from corridor.risk.shapes import AssetShapes
from corridor.routes.sea import SeaLeg

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from corridor.cooperation.sharing import Viewer

__all__ = ["legs_exposure", "of_classes", "scoring_inputs"]


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


def of_classes(
    incidents: IncidentArrays, classes: Sequence[str], ancestors: Callable[[str], list[str]]
) -> IncidentArrays:
    """The incidents of any of ``classes`` or a class under one (all of them for none)."""
    if not classes:
        return incidents
    wanted = set(classes)
    kinds = incidents.threat_class.astype(str)
    kept = [k for k in np.unique(kinds) if wanted & {str(k), *ancestors(str(k))}]
    return incidents.take(np.isin(kinds, kept))


def scoring_inputs(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    *,
    as_of: date | None,
    classes: Sequence[str],
    profile_path: Path | None,
    need_incidents: bool,
) -> tuple[RiskInputs, IncidentArrays]:
    """The risk inputs the viewer may read, and their incidents of ``classes``.

    An unknown class raises :class:`~corridor.errors.UnknownValueError`.
    """
    for name in classes:
        check_threat(atlas, name)
    inputs = risk_inputs(
        store,
        viewer,
        atlas,
        as_of=as_of,
        profile_path=profile_path,
        need_incidents=need_incidents,
    )
    return inputs, of_classes(inputs.incidents, classes, atlas.threat_ancestors)
