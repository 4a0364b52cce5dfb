"""Risk maps written whole: the target is checked before any score is computed, the
picture is drawn beside it and renamed into place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from corridor.errors import InputError
from corridor.files import atomic_path, check_target

if TYPE_CHECKING:
    from corridor.risk.services import AssetExposure

__all__ = ["check_map_target", "draw_country_map", "draw_exposure_map"]

_FORMATS = ("", ".png", ".svg", ".pdf")  # no suffix: PNG


def check_map_target(path: Path | None) -> None:
    """Refuse a map into a missing folder, onto a folder, or in a format not drawn;
    an existing map is replaced (maps are made again, not kept)."""
    if path is None:
        return
    check_target(path, force=True)
    if path.suffix.lower() not in _FORMATS:
        raise InputError(f"{path}: a map is a .png, .svg or .pdf file")


def _drawn(path: Path, draw: Callable[[Path], object]) -> Path:
    """``draw`` into a temporary file beside ``path``, then rename it into place."""
    check_map_target(path)
    with atomic_path(path, force=True, suffix=path.suffix or ".png") as temporary:
        draw(temporary)
    return path


def draw_exposure_map(result: AssetExposure, path: Path, title: str | None = None) -> Path:
    """The assets coloured by exposure, with the incidents that could count."""
    from corridor.atlas.geometry import to_shape
    from corridor.maps import draw_risk_map

    exposure = result.exposure
    counted = exposure.ages >= 0
    scores = dict(zip(exposure.asset_ids, exposure.scores.tolist(), strict=True))
    points = (exposure.incidents.lon[counted].tolist(), exposure.incidents.lat[counted].tolist())
    shapes = [
        (s.asset.id, s.asset.name,
         to_shape({"type": s.asset.geometry_type, "coordinates": s.asset.coordinates}))
        for s in result.ranking
    ]  # fmt: skip
    heading = title or result.title
    return _drawn(path, lambda target: draw_risk_map(shapes, scores, points, target, title=heading))


def draw_country_map(values: dict[str, float], path: Path, *, title: str) -> Path:
    """Countries filled by their risk 0-10; those without a score stay grey."""
    from corridor import maps

    return _drawn(path, lambda target: maps.draw_country_map(values, target, title=title))
