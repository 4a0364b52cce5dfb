"""Pictures of overlap and scenarios, drawn offline with matplotlib (loaded only here).

Written whole or not at all (``corridor.files.atomic_write``); an existing file only with
``force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corridor.coordination.overlap import Overlap
from corridor.coordination.scenarios import Scenarios
from corridor.files import atomic_write

__all__ = ["draw_overlap_heatmap", "draw_scenarios"]


def _save(fig: Any, path: Path, force: bool) -> Path:
    import matplotlib.pyplot as plt

    try:
        with atomic_write(path, force=force, binary=True) as handle:
            fig.savefig(handle, format="png")
    finally:
        plt.close(fig)
    return path


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def draw_overlap_heatmap(report: Overlap, path: Path, *, force: bool = False) -> Path:
    """Mechanism x mechanism Jaccard overlap of member states as a heat map; return the path."""
    plt = _pyplot()
    size = max(6.0, 0.32 * len(report.mechanisms) + 2)
    fig, ax = plt.subplots(figsize=(size + 1.5, size), dpi=110)
    image = ax.imshow(report.matrix or [[0.0]], cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(len(report.mechanisms)), report.mechanisms, rotation=90, fontsize=7)
    ax.set_yticks(range(len(report.mechanisms)), report.mechanisms, fontsize=7)
    domain = report.domain.replace("_", " ") if report.domain else "every domain"
    ax.set_title(f"Membership overlap (Jaccard), {domain}, {report.year}", loc="left")
    fig.colorbar(image, ax=ax, shrink=0.8, label="shared members / all members")
    fig.tight_layout()
    return _save(fig, path, force)


def draw_scenarios(report: Scenarios, path: Path, *, force: bool = False) -> Path:
    """The four scenario indicators over the years, one line each; return the path."""
    plt = _pyplot()
    years = [row.year for row in report.years]
    fig, ax = plt.subplots(figsize=(11, 5), dpi=110)
    series: dict[str, list[float | None]] = {
        "deep integration": [row.integration for row in report.years],
        "shared dominance": [row.dominance for row in report.years],
        "polarization": [row.polarization for row in report.years],
        "falling into chaos": [row.chaos for row in report.years],
    }
    for label, values in series.items():
        points = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], marker=".", label=label)
    ax.set_ylim(0, 1)
    ax.set_ylabel("indicator (0..1)")
    ax.set_title("Four scenarios of the regional security order (seed 004)", loc="left")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return _save(fig, path, force)
