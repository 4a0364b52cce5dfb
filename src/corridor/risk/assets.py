"""Exposure of the atlas's assets: the atlas and the risk engine brought together."""

from __future__ import annotations

from datetime import date

from corridor.atlas.catalog import Atlas
from corridor.risk.exposure import Exposure, IncidentArrays, exposure_of
from corridor.risk.profile import RiskProfile
from corridor.risk.shapes import AssetShapes

__all__ = ["atlas_exposure", "atlas_shapes", "of_threat"]


def atlas_shapes(atlas: Atlas) -> tuple[AssetShapes, list[str]]:
    """The atlas's assets as shapes, and each one's criticality."""
    assets = list(atlas.assets.values())
    shapes = AssetShapes.from_geojson(
        (a.id, a.geometry.type, a.geometry.coordinates) for a in assets
    )
    return shapes, [a.criticality.value for a in assets]


def of_threat(incidents: IncidentArrays, atlas: Atlas, threat: str | None) -> IncidentArrays:
    """Only the incidents of ``threat`` or a class under it (all of them for None)."""
    return incidents if threat is None else incidents.of_class(threat, atlas.threat_ancestors)


def atlas_exposure(
    atlas: Atlas,
    incidents: IncidentArrays,
    profile: RiskProfile,
    as_of: date,
    *,
    threat: str | None = None,
) -> Exposure:
    """Every atlas asset's exposure as of ``as_of`` (to one threat and its subclasses)."""
    shapes, criticality = atlas_shapes(atlas)
    chosen = of_threat(incidents, atlas, threat)
    return exposure_of(shapes, criticality, chosen, profile, as_of, atlas.threat_ancestors)
