"""The assets risk scores: the atlas's, and a company's own from a GeoJSON file.

An operator scores its own pipeline, depot or berth beside the atlas's assets without
editing the atlas: a FeatureCollection whose features carry an ``id`` and optionally a
``name``, ``kind`` and ``criticality`` (core, important, ordinary). A bad feature is
refused with the file, line, feature and field, before anything is scored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corridor.atlas.catalog import Atlas
from corridor.atlas.geometry import geometry_problem
from corridor.atlas.sourcefile import NodePath, SourceFile, SourceFileError
from corridor.errors import InputError
from corridor.risk.profile import CRITICALITIES

__all__ = ["RiskAsset", "UserAssetError", "atlas_assets", "load_user_assets"]

_SHAPES = ("Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


@dataclass(frozen=True)
class RiskAsset:
    """What scoring needs of an asset, wherever it comes from."""

    id: str
    name: str
    kind: str
    criticality: str
    geometry_type: str
    coordinates: Any
    origin: str  # "atlas" or the file it came from


class UserAssetError(InputError):
    """Problems of a user's asset file, one line each: file:line: feature: field: reason."""


def atlas_assets(atlas: Atlas) -> list[RiskAsset]:
    return [
        RiskAsset(
            a.id,
            a.name,
            a.kind.value,
            a.criticality.value,
            a.geometry.type,
            a.geometry.coordinates,
            "atlas",
        )
        for a in atlas.assets.values()
    ]


def load_user_assets(path: Path, taken: Iterable[str] = ()) -> list[RiskAsset]:
    """The features of a GeoJSON file as assets; ids must be new (not in ``taken``)."""
    try:
        source = SourceFile.read(path)
    except SourceFileError as exc:
        raise UserAssetError(f"{path}:{exc.line or '?'}: {exc.message}") from exc
    data = source.data
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise UserAssetError(f"{path}:1: not a GeoJSON FeatureCollection")
    problems: list[str] = []
    assets: list[RiskAsset] = []
    seen = set(taken)

    def problem(where: NodePath, number: int, field: str, reason: str) -> None:
        line = source.line_of(("features", number, *where))
        problems.append(f"{path}:{line or '?'}: feature {number + 1}: {field}: {reason}")

    for number, feature in enumerate(data.get("features") or []):
        properties = (feature or {}).get("properties") or {}
        geometry = (feature or {}).get("geometry") or {}
        asset_id = properties.get("id", (feature or {}).get("id"))
        criticality = properties.get("criticality", "ordinary")
        kind = geometry.get("type")
        if not isinstance(asset_id, str | int) or not str(asset_id).strip():
            problem(("properties",), number, "id", "every feature needs an id")
            continue
        asset_id = str(asset_id).strip()
        if asset_id in seen:
            problem(("properties", "id"), number, "id", f"{asset_id!r} is already taken")
        if criticality not in CRITICALITIES:
            problem(
                ("properties", "criticality"), number, "criticality",
                f"{criticality!r} is not one of {', '.join(CRITICALITIES)}",
            )  # fmt: skip
        reason = (
            f"type {kind!r} is not one of {', '.join(_SHAPES)}"
            if kind not in _SHAPES
            else geometry_problem(kind, geometry.get("coordinates"))
        )
        if reason:
            problem(("geometry",), number, "geometry", reason)
        seen.add(asset_id)
        assets.append(
            RiskAsset(
                asset_id,
                str(properties.get("name") or asset_id),
                str(properties.get("kind") or "asset"),
                str(criticality),
                str(kind),
                geometry.get("coordinates"),
                path.name,
            )
        )
    if problems:
        raise UserAssetError("\n".join(problems))
    if not assets:
        raise UserAssetError(f"{path}:1: the file has no features")
    return assets
