"""Risk maps written whole: the target is checked before any score is computed, the
picture is drawn beside it and renamed into place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from corridor.errors import InputError
from corridor.files import atomic_path, check_target

if TYPE_CHECKING:
    from corridor.risk.rolling_backtest import ForecastBacktest
    from corridor.risk.services import AssetExposure

__all__ = ["check_map_target", "draw_calibration", "draw_country_map", "draw_exposure_map"]

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


def draw_calibration(result: ForecastBacktest, path: Path) -> Path:
    """The reliability diagram of every method's "any incident next year" probabilities,
    pooled over the test years, with the diagonal a calibrated forecast would follow."""
    return _drawn(path, lambda target: _reliability_diagram(result, target))


def _reliability_diagram(result: ForecastBacktest, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from corridor.risk.forecast import METHOD_LABELS

    figure, axes = plt.subplots(figsize=(6.4, 6.0), dpi=110)
    axes.plot([0, 1], [0, 1], color="grey", linestyle=":", label="calibrated")
    brier = {s.method: s.brier for s in result.summary}
    for curve in result.calibration:
        axes.plot(
            curve.predicted, curve.observed, marker="o",
            label=f"{METHOD_LABELS[curve.method]} (Brier {brier[curve.method]:.3f})",
        )  # fmt: skip
    years = f"{result.years[0]}-{result.years[-1]}" if result.years else "no years"
    axes.set(
        xlim=(0, 1), ylim=(0, 1), xlabel="forecast probability of any incident next year",
        ylabel="share of countries that had one",
        title=f"Calibration, rolling origin, {years}",
    )  # fmt: skip
    axes.legend(loc="upper left", fontsize="small")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(target, format=target.suffix.lstrip(".") or "png")
    plt.close(figure)
