"""The atlas and the risk engine brought together: its assets' exposure, its corridors' segments."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import shapely
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from corridor.atlas.borders import country_shapes
from corridor.atlas.catalog import Atlas
from corridor.atlas.geometry import to_shape
from corridor.errors import UnknownValueError
from corridor.risk.corridors import Segment, pieces_by_country
from corridor.risk.exposure import Exposure, IncidentArrays, exposure_of
from corridor.risk.profile import RiskProfile
from corridor.risk.shapes import AssetShapes
from corridor.risk.user_assets import RiskAsset, atlas_assets

__all__ = ["atlas_exposure", "atlas_shapes", "corridor_segments", "of_threat", "route_segments"]


def atlas_shapes(atlas: Atlas, extra: Sequence[RiskAsset] = ()) -> tuple[AssetShapes, list[str]]:
    """The atlas's assets (and ``extra`` ones) as shapes, and each one's criticality."""
    assets = [*atlas_assets(atlas), *extra]
    shapes = AssetShapes.from_geojson((a.id, a.geometry_type, a.coordinates) for a in assets)
    return shapes, [a.criticality for a in assets]


def of_threat(
    incidents: IncidentArrays, atlas: Atlas, threat: str | Collection[str] | None
) -> IncidentArrays:
    """Only the incidents of ``threat`` (a class or several) or a class under one of them;
    all of them for None or no class."""
    if threat is None or (not isinstance(threat, str) and not threat):
        return incidents
    return incidents.of_class(threat, atlas.threat_ancestors)


def atlas_exposure(
    atlas: Atlas,
    incidents: IncidentArrays,
    profile: RiskProfile,
    as_of: date,
    *,
    threat: str | Collection[str] | None = None,
    extra: Sequence[RiskAsset] = (),
) -> Exposure:
    """Every atlas asset's exposure as of ``as_of`` (to one threat and its subclasses),
    and that of the ``extra`` assets a user brings."""
    shapes, criticality = atlas_shapes(atlas, extra)
    chosen = of_threat(incidents, atlas, threat)
    return exposure_of(shapes, criticality, chosen, profile, as_of, atlas.threat_ancestors)


def corridor_segments(
    atlas: Atlas,
    corridor_id: str,
    incidents: IncidentArrays,
    profile: RiskProfile,
    as_of: date,
) -> list[Segment]:
    """An economic corridor's line cut at the borders of the countries it names, each piece
    scored as a line asset of the corridor's criticality."""
    corridor = atlas.assets[corridor_id]
    pieces = pieces_by_country(to_shape(corridor.geometry), corridor.countries, country_shapes())
    labels = [
        f"{corridor_id} in {code}" if code else f"{corridor_id} elsewhere" for code, _ in pieces
    ]
    shapes = AssetShapes.from_geojson(
        (label, *_geojson(piece)) for label, (_, piece) in zip(labels, pieces, strict=True)
    )
    critical = [corridor.criticality.value] * len(pieces)
    scores = exposure_of(shapes, critical, incidents, profile, as_of, atlas.threat_ancestors).scores
    return [
        Segment(label, code, float(score))
        for label, (code, _), score in zip(labels, pieces, scores, strict=True)
    ]


def route_segments(
    atlas: Atlas, parts: Sequence[str], exposures: Mapping[str, float]
) -> list[Segment]:
    """A route a user names: assets (scored by ``exposures``, asset id -> score: the atlas's,
    and the user's own) and ISO alpha-3 countries (scored by their country risk alone).

    A part that is neither raises :class:`UnknownValueError` naming ``--route``.
    """
    segments = []
    for part in parts:
        if part in exposures:  # the atlas's or the user's own
            asset = atlas.assets.get(part)
            country = asset.countries[0] if asset and len(asset.countries) == 1 else None
            segments.append(Segment(part, country, exposures[part]))
        elif part.upper() in atlas.countries:
            segments.append(Segment(part.upper(), part.upper(), 0.0))
        else:
            raise UnknownValueError(
                "--route: asset or country",
                part,
                [*exposures, *atlas.countries],
                hint="asset ids: `corridor atlas assets`; countries: ISO alpha-3 codes",
            )
    return segments


def _geojson(geometry: BaseGeometry) -> tuple[str, Any]:
    mapping = shapely.geometry.mapping(geometry)
    if mapping["type"] == "GeometryCollection":  # a line cut may leave stray points
        lines = [g for g in geometry.geoms if g.geom_type in ("LineString", "MultiLineString")]
        mapping = shapely.geometry.mapping(shapely.union_all(lines))
    return mapping["type"], mapping["coordinates"]
