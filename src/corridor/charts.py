"""Charts of counts, drawn offline with matplotlib."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

__all__ = ["draw_yearly_counts"]


def draw_yearly_counts(
    year_class: dict[str, dict[str, int]], path: Path, *, title: str = "Incidents per year"
) -> Path:
    """A stacked bar chart of incidents per year and threat class; return the path."""
    years = sorted(year_class, key=int)
    classes = sorted({c for counts in year_class.values() for c in counts})
    fig, ax = plt.subplots(figsize=(11, 5), dpi=110)
    bottom = [0] * len(years)
    for threat in classes:
        heights = [year_class[y].get(threat, 0) for y in years]
        ax.bar(years, heights, bottom=bottom, label=threat.replace("_", " "))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_ylabel("incidents")
    ax.set_title(title, loc="left")
    ax.legend(fontsize=8, ncols=2)
    ax.tick_params(axis="x", labelrotation=60, labelsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
