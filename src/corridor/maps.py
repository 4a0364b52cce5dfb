"""Static maps of the corridors' world, drawn offline with matplotlib over 1:50m borders."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm, Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from shapely.affinity import translate
from shapely.geometry.base import BaseGeometry

from corridor.atlas.borders import country_shapes
from corridor.atlas.catalog import Atlas
from corridor.atlas.geometry import to_shape
from corridor.atlas.models import AssetKind

__all__ = ["draw_atlas_map", "draw_country_map", "draw_risk_map", "draw_routes_map"]

ZONE_COLOURS = {"core": "#f4d6a0", "extension": "#f9e7c6", "radiation": "#fbf3e4"}
KIND_STYLES: dict[AssetKind, tuple[str, float, Any]] = {
    AssetKind.GAS_PIPELINE: ("#2b8cbe", 1.6, "-"),
    AssetKind.OIL_PIPELINE: ("#252525", 1.6, "-"),
    AssetKind.RAILWAY: ("#b2182b", 1.3, "-"),
    AssetKind.SEA_LANE: ("#0868ac", 1.4, "--"),
    AssetKind.ECONOMIC_CORRIDOR: ("#7a0177", 2.6, ":"),
}
POINT_STYLES: dict[AssetKind, tuple[str, str]] = {
    AssetKind.PORT: ("#08519c", "o"),
    AssetKind.DRY_PORT: ("#8c510a", "s"),
    AssetKind.BORDER_CROSSING: ("#4d4d4d", "D"),
}
EXTENT = (-20.0, 150.0, -40.0, 68.0)  # lon min, lon max, lat min, lat max


def _fill(ax: Axes, geom: BaseGeometry, **style: Any) -> None:
    for polygon in getattr(geom, "geoms", [geom]):
        min_x, _, max_x, _ = polygon.bounds
        if polygon.geom_type != "Polygon" or max_x - min_x > 180:  # wraps the antimeridian
            continue
        xs, ys = polygon.exterior.xy
        ax.fill(xs, ys, **style)


def _draw_lines(ax: Axes, geom: BaseGeometry, **style: Any) -> None:
    for line in getattr(geom, "geoms", [geom]):
        xs, ys = line.xy
        ax.plot(xs, ys, **style)


def _countries(
    ax: Axes, colour_of: dict[str, Any], default: str = "#eeeeee", shifts: Sequence[float] = (0.0,)
) -> None:
    """Countries filled; ``shifts`` repeats the world east or west (a frame past 180)."""
    for code, geom in country_shapes().items():
        for shift in shifts:
            moved = translate(geom, xoff=shift) if shift else geom
            colour = colour_of.get(code, default)
            _fill(ax, moved, facecolor=colour, edgecolor="#9e9e9e", linewidth=0.3)


def _finish(
    fig: Any, ax: Axes, path: Path, title: str, handles: list[Artist], extent: tuple[float, ...]
) -> Path:
    """Frame, legend, title, credits; write the PNG and return its path."""
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect(1.2)
    ax.set_facecolor("#dceefb")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9)
    ax.set_title(title, loc="left")
    fig.text(
        0.99, 0.01, "Borders: Natural Earth 1:50m. Pipelines: Global Energy Monitor (CC BY 4.0).",
        ha="right", fontsize=7, color="#555555",
    )  # fmt: skip
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def draw_atlas_map(atlas: Atlas, path: Path, *, title: str | None = None) -> Path:
    """Write a PNG of the Belt zones, assets, chokepoints and disputes; return its path."""
    fig, ax = plt.subplots(figsize=(16, 10), dpi=110)
    zone_of = {code: c.belt_zone for code, c in atlas.countries.items()}
    _countries(ax, {code: ZONE_COLOURS[z] for code, z in zone_of.items() if z in ZONE_COLOURS})
    for dispute in atlas.disputes.values():
        geom = to_shape(dispute.geometry)
        colour = "#e31a1c" if dispute.category == "dispute" else "#ff7f00"
        if geom.geom_type == "Point":
            ax.plot(geom.x, geom.y, marker="x", color=colour, markersize=5)
        else:
            _fill(ax, geom, facecolor="none", edgecolor=colour, hatch="///", linewidth=0.6)
    for asset in atlas.assets.values():
        geom = to_shape(asset.geometry)
        if asset.kind in KIND_STYLES:
            colour, width, dash = KIND_STYLES[asset.kind]
            _draw_lines(ax, geom, color=colour, linewidth=width, linestyle=dash, alpha=0.85)
        else:
            colour, marker = POINT_STYLES[asset.kind]
            ax.plot(geom.x, geom.y, marker=marker, color=colour, markersize=5, linestyle="none")
    for point in atlas.chokepoints.values():
        ax.plot(point.longitude, point.latitude, marker="^", color="#d7301f", markersize=9)
        ax.annotate(
            point.name, (point.longitude, point.latitude), xytext=(4, 4),
            textcoords="offset points", fontsize=7, color="#67000d",
        )  # fmt: skip
    handles: list[Artist] = [
        Patch(facecolor=c, edgecolor="#9e9e9e", label=f"Belt {z} area")
        for z, c in ZONE_COLOURS.items()
    ]
    handles += [
        Line2D([], [], color=c, linewidth=w, linestyle=d, label=k.value.replace("_", " "))
        for k, (c, w, d) in KIND_STYLES.items()
    ]
    handles += [
        Line2D([], [], color=c, marker=m, linestyle="none", label=k.value.replace("_", " "))
        for k, (c, m) in POINT_STYLES.items()
    ]
    handles += [
        Line2D([], [], color="#d7301f", marker="^", linestyle="none", label="chokepoint"),
        Patch(facecolor="none", edgecolor="#e31a1c", hatch="///", label="dispute"),
        Patch(facecolor="none", edgecolor="#ff7f00", hatch="///", label="hot spot"),
    ]
    return _finish(
        fig, ax, path, title or f"Secure Corridor atlas {atlas.version}", handles, EXTENT
    )


def draw_risk_map(
    assets: Sequence[tuple[str, str, BaseGeometry]],
    scores: dict[str, float],
    incidents: tuple[Sequence[float], Sequence[float]],
    path: Path,
    *,
    title: str,
    label_top: int = 8,
) -> Path:
    """Assets (id, name, shape) coloured by exposure (log scale) over the borders, with
    the incidents as dots. The ``label_top`` most exposed are named, numbered by rank."""
    fig, ax = plt.subplots(figsize=(16, 10), dpi=110)
    _countries(ax, {})
    lon, lat = incidents
    ax.scatter(lon, lat, s=2, color="#737373", alpha=0.35, linewidths=0, label="incident")
    top = max([s for s in scores.values() if s > 0], default=1.0)
    palette = plt.get_cmap("YlOrRd")
    low = max(top / 1000, 1e-3)
    scale = LogNorm(vmin=low, vmax=top)

    def colour(asset_id: str) -> Any:
        score = scores.get(asset_id, 0.0)
        return "#2c7bb6" if score <= 0 else palette(0.25 + 0.75 * scale(max(score, low)))

    ranked = sorted(assets, key=lambda a: scores.get(a[0], 0.0))
    for asset_id, _, geom in ranked:  # the most exposed drawn last, on top
        if geom.geom_type == "Point":
            ax.plot(geom.x, geom.y, marker="o", color=colour(asset_id), markersize=6,
                    markeredgecolor="#252525", markeredgewidth=0.5, linestyle="none")  # fmt: skip
        else:
            _draw_lines(ax, geom.boundary if geom.geom_type.endswith("Polygon") else geom,
                        color=colour(asset_id), linewidth=2.4, alpha=0.95)  # fmt: skip
    for rank, (asset_id, name, geom) in enumerate(reversed(ranked[-label_top:]), start=1):
        if scores.get(asset_id, 0.0) <= 0:
            break
        x, y = geom.representative_point().coords[0]
        ax.annotate(
            f"{rank}. {name}", (x, y), xytext=(5, 5), textcoords="offset points",
            fontsize=7, color="#67000d", bbox={"boxstyle": "round", "fc": "white", "alpha": 0.7},
        )  # fmt: skip
    mappable = plt.cm.ScalarMappable(norm=scale, cmap=palette)
    fig.colorbar(mappable, ax=ax, shrink=0.6, label="exposure (log scale)")
    handles: list[Artist] = [
        Line2D([], [], color="#2c7bb6", linewidth=2.4, label="no incident within reach"),
        Line2D([], [], color=palette(0.9), linewidth=2.4, label="exposed asset"),
        Line2D([], [], color="#737373", marker=".", linestyle="none", label="incident"),
    ]
    return _finish(fig, ax, path, title, handles, EXTENT)


def draw_country_map(values: dict[str, float], path: Path, *, title: str) -> Path:
    """Countries filled by a 0-10 score; countries without one stay grey."""
    fig, ax = plt.subplots(figsize=(16, 10), dpi=110)
    palette = plt.get_cmap("OrRd")
    _countries(ax, {code: palette(0.08 + 0.92 * v / 10.0) for code, v in values.items()})
    mappable = plt.cm.ScalarMappable(norm=Normalize(0, 10), cmap=palette)
    fig.colorbar(mappable, ax=ax, shrink=0.6, label="risk (0-10)")
    handles: list[Artist] = [Patch(facecolor="#eeeeee", edgecolor="#9e9e9e", label="no score")]
    return _finish(fig, ax, path, title, handles, EXTENT)


def draw_routes_map(
    routes: Sequence[tuple[str, Sequence[tuple[float, float]], str]],
    chokepoints: Sequence[tuple[str, float, float, bool]],
    path: Path,
    *,
    title: str,
    point_label: str = "chokepoint",
) -> Path:
    """Routes (label, line, colour) over the borders, with the chokepoints (name, lon,
    lat, closed): closed ones as a red cross. The frame follows the routes; routes that
    share a label share one legend entry. ``point_label`` names the points in the legend
    (the land network marks its transfer places with them)."""
    fig, ax = plt.subplots(figsize=(16, 10), dpi=110)
    xs: list[float] = [x for _, line, _ in routes for x, _ in line]
    shifts = [
        s for s in (-360.0, 0.0, 360.0) if not xs or (min(xs) < s + 180 and max(xs) > s - 180)
    ]
    _countries(ax, {}, shifts=shifts)
    ys: list[float] = []
    handles: list[Artist] = []
    labelled: set[str] = set()
    for label, line, colour in routes:
        lon = [p[0] for p in line]
        lat = [p[1] for p in line]
        for shift in (-360.0, 0.0, 360.0):  # a route across the antimeridian stays whole
            ax.plot([x + shift for x in lon], lat, color=colour, linewidth=2.2, alpha=0.9)
        ys += lat
        if label not in labelled:
            labelled.add(label)
            handles.append(Line2D([], [], color=colour, linewidth=2.2, label=label))
    for name, lon_, lat_, closed in chokepoints:
        ax.plot(lon_, lat_, marker="X" if closed else "^", markersize=11 if closed else 8,
                color="#d7301f" if closed else "#737373", linestyle="none")  # fmt: skip
        ax.annotate(name + (" (closed)" if closed else ""), (lon_, lat_), xytext=(4, 4),
                    textcoords="offset points", fontsize=7, color="#67000d")  # fmt: skip
    if chokepoints:
        handles += [
            Line2D([], [], color="#737373", marker="^", linestyle="none", label=point_label),
        ]
        if any(closed for *_, closed in chokepoints):
            handles.append(
                Line2D([], [], color="#d7301f", marker="X", linestyle="none", label="closed")
            )
    extent: tuple[float, ...] = EXTENT
    if xs:  # the routes' box, no flatter than 2.5:1 so the map stays readable
        west, east = min(xs) - 8.0, max(xs) + 8.0
        middle = (min(ys) + max(ys)) / 2
        half = max((max(ys) - min(ys)) / 2 + 8.0, (east - west) / 5)
        extent = (west, east, max(middle - half, -80.0), min(middle + half, 85.0))
    return _finish(fig, ax, path, title, handles, extent)
