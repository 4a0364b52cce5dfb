"""Exposure benchmark: our asset index against GeoPandas buffer + sjoin, same data, same run.

    .venv/bin/python bench/bench_exposure.py                      # 1,000,000 x 5,000 + 2,000
    .venv/bin/python bench/bench_exposure.py --skip-baseline       # ours only

Every way runs in its own process (so its peak memory is its own) on the same seeded
data (``generate_exposure.py``, cached under /tmp/corridor-bench):

* ours: ``AssetShapes.from_lines``, ``AssetIndex(shapes, radius)`` and ``.pairs`` (median
  of ``--repeat`` calls, 2 threads; once more with 1 thread), then ``exposure_of`` with the
  default profile, as a user calls it (its index reaches the profile's largest radius;
  each group of incidents scans at its own). Numba compiles on first use and caches on
  disk: each child makes a tiny warm-up call first, timed apart; a child with an empty
  cache times a cold compile.
* baseline: GeoPandas as ../shared/BENCHMARKS.md asks: assets and incidents to EPSG:3857,
  assets buffered by the radius, ``gpd.sjoin`` in both argument orders (buffered assets
  left with ``predicate="contains"``; incidents left with ``predicate="within"``, which
  GeoPandas itself runs as ``contains`` with the tree on the incidents), the projection
  and buffering timed with the join; the faster counts. Both orders run at the sample
  size; at full size an order runs only if its estimate (scaled from the sample) fits
  ``--baseline-budget`` seconds, otherwise the scaled estimate is printed and marked.
  Two more variants run at the sample size only, for context: the default call
  (incidents left, ``predicate="intersects"``) and ``predicate="dwithin"`` on the
  unbuffered assets (no buffer polygons, GEOS distance).
* correctness, on the first ``--sample`` incidents (they are drawn independently, so a
  prefix is a fair sample): the baseline's pairs against ours (what the EPSG:3857 buffer
  misses and adds); our distances against pyproj's ``Geod`` for 200 pairs; our pairs
  against a brute-force scan of every segment for 200 incidents.
* incremental: ``LiveExposure.add`` (``AssetIndex.near`` and the score update) for 1,000
  new incidents, one at a time, checked against ``exposure_of`` of those incidents.

The machine is shared: before each child the script waits (up to ``--wait-idle`` s) for
other processes to leave the CPUs idle and prints how busy they were.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate_exposure import (  # noqa: E402
    DATA,
    DAYS,
    FIRST_DAY,
    asset_lines,
    exposure_data,
    incident_chunks,
    new_incidents,
)

AS_OF = (FIRST_DAY + np.timedelta64(DAYS - 1, "D")).astype(object)
CLASS = "armed_conflict"
EARTH_KM = 6371.0088  # mean radius, for the brute-force scan only


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall seconds, CPU seconds of every thread of this process)."""
    cpu, started = _cpu(), time.perf_counter()
    result = work()
    return result, time.perf_counter() - started, _cpu() - cpu


def _data(args: argparse.Namespace) -> dict[str, NDArray[Any]]:
    return exposure_data(args.incidents, args.lines, args.points, seed=args.seed)


def _shapes(data: dict[str, NDArray[Any]]) -> Any:
    from corridor.risk.shapes import AssetShapes

    lines = asset_lines(data)
    return AssetShapes.from_lines([f"asset-{k}" for k in range(len(lines))], lines)


def _warm_up() -> float:
    """A tiny call of every compiled loop: loads numba's disk cache, or compiles."""
    started = time.perf_counter()
    from corridor.risk.index import AssetIndex
    from corridor.risk.shapes import AssetShapes

    line = np.array([[30.0, 10.0], [30.2, 10.1], [30.4, 10.0]])
    shapes = AssetShapes.from_lines(["a", "b"], [line, np.array([[31.0, 11.0]])])
    index = AssetIndex(shapes, 50.0)
    index.pairs([30.1, 31.0, 40.0], [10.0, 11.1, 0.0], 50.0)
    index.near(30.1, 10.0, 50.0)
    return time.perf_counter() - started


def child_compile(args: argparse.Namespace) -> dict[str, Any]:
    """Run with NUMBA_CACHE_DIR pointing at an empty directory: the cold first call."""
    return {"seconds": _warm_up()}


def child_ours(args: argparse.Namespace) -> dict[str, Any]:
    data = _data(args)
    size = args.n or args.incidents
    lon, lat = data["inc_lon"][:size], data["inc_lat"][:size]
    warm = _warm_up()
    from corridor.risk.index import AssetIndex

    shapes, build_s, build_cpu = _timed(lambda: _shapes(data))
    index, index_s, index_cpu = _timed(lambda: AssetIndex(shapes, args.radius))
    runs, cpus, count = [], [], 0
    for _ in range(args.repeat):
        found, seconds, cpu = _timed(lambda: index.pairs(lon, lat, args.radius))
        count = len(found)
        runs.append(seconds)
        cpus.append(cpu)
        del found
    one_thread = None
    if args.one_thread:
        found, one_thread, _ = _timed(lambda: index.pairs(lon, lat, args.radius, workers=1))
        del found
    query_s = statistics.median(runs)
    return {
        "warm_up": warm,
        "build": build_s,
        "prepare": index_s,
        "query": query_s,
        "query_runs": runs,
        "one_thread": one_thread,
        "seconds": build_s + index_s + query_s,
        "cpu": build_cpu + index_cpu + statistics.median(cpus),
        "pairs": count,
        "segments": index.segments,
        "peak_mb": _peak_mb(),
    }


def _incident_arrays(
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    day: NDArray[np.int64],
    fatalities: NDArray[np.float64],
    prefix: str,
) -> Any:
    from corridor.risk.exposure import IncidentArrays

    count = len(lon)
    return IncidentArrays(
        ids=np.array([f"{prefix}{k}" for k in range(count)], dtype=object),
        lon=lon,
        lat=lat,
        threat_class=np.full(count, CLASS, dtype=object),
        start_date=FIRST_DAY + day.astype("timedelta64[D]"),
        fatalities=fatalities,
        country=np.full(count, None, dtype=object),
        title=np.full(count, "", dtype=object),
    )


def child_exposure(args: argparse.Namespace) -> dict[str, Any]:
    """``exposure_of`` as a user calls it, then 1,000 incidents added one at a time."""
    data = _data(args)
    warm = _warm_up()
    from corridor.risk.exposure import LiveExposure, exposure_of
    from corridor.risk.index import AssetIndex
    from corridor.risk.profile import default_profile

    profile = default_profile()
    shapes = _shapes(data)
    criticality = ["important"] * len(shapes)
    incidents = _incident_arrays(
        data["inc_lon"], data["inc_lat"], data["inc_day"], data["inc_fatalities"], "inc-"
    )

    def no_ancestors(_: str) -> list[str]:
        return []

    exposure, seconds, cpu = _timed(
        lambda: exposure_of(shapes, criticality, incidents, profile, AS_OF, no_ancestors)
    )
    peak = _peak_mb()
    largest = profile.exposure.largest_radius_km
    index, index_s, _ = _timed(lambda: AssetIndex(shapes, largest))
    live = LiveExposure(exposure, index, criticality, no_ancestors)
    lon, lat, _, fatalities = new_incidents(args.updates, seed=args.seed)
    days = np.full(len(lon), DAYS - 1)  # reported today
    arrivals = _incident_arrays(lon, lat, days, fatalities, "new-")
    rows = [arrivals.take(np.array([k])) for k in range(len(lon))]
    live.add(rows[0])  # the first call of a fresh process pays for imports and caches
    live.scores = exposure.scores.copy()
    add_ms, near_ms, changed = [], [], 0
    radius = profile.exposure.radius_of(CLASS, no_ancestors)
    for k, row in enumerate(rows):
        started = time.perf_counter()
        changed += len(live.add(row))
        add_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        index.near(float(lon[k]), float(lat[k]), radius)
        near_ms.append((time.perf_counter() - started) * 1000)
    added = exposure_of(
        shapes, criticality, arrivals, profile, AS_OF, no_ancestors, index=index
    ).scores
    gap = np.abs(live.scores - exposure.scores - added)
    found = len(exposure.pairs)
    del exposure, live
    batch = _batch(args, index, shapes, criticality, profile, no_ancestors)
    return {
        **batch,
        "warm_up": warm,
        "seconds": seconds,
        "cpu": cpu,
        "pairs": found,
        "peak_mb": peak,
        "index_radius_km": largest,
        "live_index_s": index_s,
        "add_median_ms": float(np.median(add_ms)),
        "add_p99_ms": float(np.percentile(add_ms, 99)),
        "add_max_ms": float(np.max(add_ms)),
        "near_median_ms": float(np.median(near_ms)),
        "near_p99_ms": float(np.percentile(near_ms, 99)),
        "updates": len(rows),
        "assets_changed": changed,
        "live_gap": float(gap.max()),
        "live_scale": float(np.abs(added).max()),
    }


def _batch(
    args: argparse.Namespace,
    index: Any,
    shapes: Any,
    criticality: list[str],
    profile: Any,
    no_ancestors: Callable[[str], list[str]],
) -> dict[str, Any]:
    """``args.batch`` new incidents against the standing index: their pairs, and scored
    (``exposure_of`` with the index); median of three, wall and CPU."""
    from corridor.risk.exposure import exposure_of

    lon, lat, _, fatalities = new_incidents(args.batch, seed=args.seed + 1)
    arrivals = _incident_arrays(lon, lat, np.full(len(lon), DAYS - 1), fatalities, "batch-")
    radius = profile.exposure.radius_of(CLASS, no_ancestors)
    pairs = [_timed(lambda: len(index.pairs(lon, lat, radius))) for _ in range(3)]

    def scores() -> float:
        found = exposure_of(
            shapes, criticality, arrivals, profile, AS_OF, no_ancestors, index=index
        )
        return float(found.scores.sum())

    scored = [_timed(scores) for _ in range(3)]
    return {
        "batch": args.batch,
        "batch_pairs": pairs[0][0],
        "batch_pairs_s": statistics.median(r[1] for r in pairs),
        "batch_pairs_cpu": statistics.median(r[2] for r in pairs),
        "batch_scored_s": statistics.median(r[1] for r in scored),
        "batch_scored_cpu": statistics.median(r[2] for r in scored),
    }


def child_scale(args: argparse.Namespace) -> dict[str, Any]:
    """``args.n`` incidents streamed ``args.chunk`` at a time against one index: every
    pair found, reduced chunk by chunk to per-asset counts and distance-decayed sums
    (what a score needs), so no more than one chunk's pairs is ever held."""
    from corridor.risk.index import AssetIndex

    warm = _warm_up()
    shapes = _shapes(exposure_data(0, args.lines, args.points, seed=args.seed))
    index, prepare_s, prepare_cpu = _timed(lambda: AssetIndex(shapes, args.radius))
    counts = np.zeros(len(shapes), np.int64)
    decayed = np.zeros(len(shapes))

    def reduce(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> int:
        found = index.pairs(lon, lat, args.radius)
        these = np.bincount(found.asset, minlength=len(shapes))
        far = np.bincount(found.asset, weights=found.distance_km, minlength=len(shapes))
        counts[:] += these
        decayed[:] += these - far / args.radius  # the sum of 1 - km / radius, no temporaries
        return len(found)

    stream = incident_chunks(args.n, args.chunk, seed=args.seed)
    made = query = cpu = 0.0
    pairs = chunks = 0
    while True:
        chunk, seconds, _ = _timed(lambda: next(stream, None))
        made += seconds
        if chunk is None:
            break
        found, seconds, used = _timed(lambda: reduce(*chunk))  # noqa: B023 (called at once)
        query, cpu, pairs, chunks = query + seconds, cpu + used, pairs + found, chunks + 1
        del chunk
    return {
        "warm_up": warm,
        "n": args.n,
        "chunks": chunks,
        "prepare": prepare_s,
        "prepare_cpu": prepare_cpu,
        "query": query,
        "cpu": cpu,
        "seconds": prepare_s + query,
        "generate": made,
        "pairs": pairs,
        "pairs_counted": int(counts.sum()),
        "peak_mb": _peak_mb(),
    }


def child_baseline(args: argparse.Namespace) -> dict[str, Any]:
    """GeoPandas the way a user writes it: project, buffer, sjoin."""
    import geopandas as gpd
    import shapely

    data = _data(args)
    size = args.n or args.incidents
    lon, lat = data["inc_lon"][:size], data["inc_lat"][:size]

    def build() -> tuple[Any, Any]:
        offsets = data["line_offsets"]
        owner = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
        lines = shapely.linestrings(data["line_lon"], data["line_lat"], indices=owner)
        points = shapely.points(data["point_lon"], data["point_lat"])
        geometry = np.concatenate([lines, points])
        assets = gpd.GeoDataFrame({"asset": np.arange(len(geometry))}, geometry=geometry)
        incidents = gpd.GeoDataFrame(
            {"incident": np.arange(size)}, geometry=gpd.points_from_xy(lon, lat)
        )
        return assets.set_crs(4326), incidents.set_crs(4326)

    (assets, incidents), build_s, build_cpu = _timed(build)

    def prepare() -> tuple[Any, Any]:
        zones = assets.to_crs(3857)
        if args.order != "dwithin":
            zones = zones.set_geometry(zones.buffer(args.radius * 1000.0))
        return zones, incidents.to_crs(3857)

    (zones, points), prepare_s, prepare_cpu = _timed(prepare)
    join = {
        "contains": lambda: gpd.sjoin(zones, points, predicate="contains"),
        "within": lambda: gpd.sjoin(points, zones, predicate="within"),
        "intersects": lambda: gpd.sjoin(points, zones),  # the default predicate and order
        "dwithin": lambda: gpd.sjoin(
            zones, points, predicate="dwithin", distance=args.radius * 1000.0
        ),
    }[args.order]
    joined, query_s, query_cpu = _timed(join)
    asset, incident = joined["asset"].to_numpy(), joined["incident"].to_numpy()
    count = len(joined)
    del joined
    if args.out:
        np.savez(args.out, asset=asset.astype(np.int64), incident=incident.astype(np.int64))
    return {
        "build": build_s,
        "prepare": prepare_s,
        "query": query_s,
        "seconds": build_s + prepare_s + query_s,
        "cpu": build_cpu + prepare_cpu + query_cpu,
        "pairs": count,
        "peak_mb": _peak_mb(),
    }


def _geod_reference(geod: Any, line: NDArray[np.float64], lon: float, lat: float) -> float:
    """Geodesic km from (lon, lat) to a line: densify the nearest segments, then refine."""

    def distances(plon: NDArray[np.float64], plat: NDArray[np.float64]) -> NDArray[np.float64]:
        count = len(plon)
        _, _, metres = geod.inv(np.full(count, lon), np.full(count, lat), plon, plat)
        return np.asarray(metres) / 1000.0

    if len(line) == 1:
        return float(distances(line[:, 0], line[:, 1])[0])

    def along(k: int, pieces: int) -> NDArray[np.float64]:
        inner = geod.npts(line[k, 0], line[k, 1], line[k + 1, 0], line[k + 1, 1], pieces - 1)
        return np.vstack([line[k], np.asarray(inner).reshape(-1, 2), line[k + 1]])

    coarse = [float(distances(*along(k, 32).T).min()) for k in range(len(line) - 1)]
    best = np.inf
    for k in np.argsort(coarse)[:2]:  # the nearest two segments, densified finely
        dense = along(int(k), 2000)
        km = distances(dense[:, 0], dense[:, 1])
        j = int(np.argmin(km))
        lo, hi = dense[max(j - 1, 0)], dense[min(j + 1, len(dense) - 1)]
        fine = np.vstack([lo, np.asarray(geod.npts(*lo, *hi, 400)).reshape(-1, 2), hi])
        best = min(best, float(distances(fine[:, 0], fine[:, 1]).min()))
    return best


def _sphere_to_segments(
    point: NDArray[np.float64],
    a: NDArray[np.float64],
    b: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Great-circle km (mean radius) from one unit vector to every arc a-b: plain numpy."""
    normal = np.cross(a, b)
    length = np.linalg.norm(normal, axis=1)
    arc = length > 1e-15
    normal[arc] /= length[arc, None]
    s = normal @ point
    foot = point[None, :] - s[:, None] * normal
    on_arc = arc & (np.einsum("ij,ij->i", np.cross(a, foot), normal) >= 0)
    on_arc &= np.einsum("ij,ij->i", np.cross(foot, b), normal) >= 0
    to_a = np.arccos(np.clip(a @ point, -1, 1))
    to_b = np.arccos(np.clip(b @ point, -1, 1))
    to_arc = np.arcsin(np.clip(np.abs(s), 0, 1))
    return np.where(on_arc, to_arc, np.minimum(to_a, to_b)) * EARTH_KM


def _brute_force(
    shapes: Any,
    ours: Any,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    radius: float,
    rng: np.random.Generator,
) -> dict[str, int]:
    """Every segment of every asset for 200 incidents, on the sphere, against our pairs.

    The sphere and WGS 84 differ by up to ~0.6 %, so only pairs clear of a band count.
    """
    from corridor.geodesy import unit_vectors
    from corridor.risk.index import segment_ends

    start, end = segment_ends(shapes)
    owner = np.repeat(shapes.part_asset, np.maximum(np.diff(shapes.part_offsets) - 1, 1))
    vectors = unit_vectors(shapes.lon, shapes.lat)
    a, b = vectors[start], vectors[end]
    band = 0.007 * radius
    lost = extra = checked = 0
    for incident in rng.choice(len(lon), 200, replace=False):
        km = _sphere_to_segments(unit_vectors([lon[incident]], [lat[incident]])[0], a, b)
        nearest = np.full(len(shapes), np.inf)
        np.minimum.at(nearest, owner, km)
        found = set(ours.asset[ours.incident == incident].tolist())
        sure = set(np.flatnonzero(nearest < radius - band).tolist())
        never = set(np.flatnonzero(nearest > radius + band).tolist())
        lost += len(sure - found)
        extra += len(found & never)
        checked += len(sure)
    return {
        "brute_incidents": 200,
        "brute_pairs": checked,
        "brute_lost": lost,
        "brute_extra": extra,
    }


def _exact(
    shapes: Any,
    ours: Any,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    radius: float,
    picks: NDArray[np.int64],
) -> dict[str, Any]:
    """Every segment of every asset for each picked incident, with no index: the same
    great-circle distance (``kernels.point_distances_km``) on arcs built here in numpy.
    The pairs within the radius must be ours, at the same distance."""
    from corridor.geodesy import unit_vectors
    from corridor.risk.index import segment_ends
    from corridor.risk.kernels import point_distances_km

    start, end = segment_ends(shapes)
    vectors = unit_vectors(shapes.lon, shapes.lat)
    a, b = vectors[start], vectors[end]
    normal = np.cross(a, b)
    length = np.linalg.norm(normal, axis=1, keepdims=True)
    normal = np.divide(normal, length, out=np.zeros_like(normal), where=length > 1e-15)
    segments = np.repeat(np.arange(shapes.parts), np.maximum(np.diff(shapes.part_offsets) - 1, 1))
    owner = shapes.part_asset[segments]
    first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    every = np.arange(len(owner))
    lost = extra = checked = 0
    worst = 0.0
    for incident in picks:
        p = unit_vectors([lon[incident]], [lat[incident]])[0]
        km = point_distances_km(p[0], p[1], p[2], every, a, b, normal)
        nearest = np.minimum.reduceat(km, first)
        assets = owner[first]
        within = nearest <= radius
        expected = dict(zip(assets[within].tolist(), nearest[within], strict=True))
        mine = ours.incident == incident
        got = dict(zip(ours.asset[mine].tolist(), ours.distance_km[mine], strict=True))
        lost += len(set(expected) - set(got))
        extra += len(set(got) - set(expected))
        for asset in set(got) & set(expected):
            worst = max(worst, abs(got[asset] - expected[asset]) / max(expected[asset], 1e-9))
        checked += len(expected)
    return {
        "exact_incidents": len(picks),
        "exact_pairs": checked,
        "exact_lost": lost,
        "exact_extra": extra,
        "exact_worst_rel": worst,
    }


def child_correctness(args: argparse.Namespace) -> dict[str, Any]:
    """The baseline's pairs against ours; our distances against pyproj; against brute force."""
    from pyproj import Geod

    from corridor.risk.index import AssetIndex

    data = _data(args)
    size = args.n
    lon, lat = data["inc_lon"][:size], data["inc_lat"][:size]
    shapes = _shapes(data)
    index = AssetIndex(shapes, args.radius)
    ours = index.pairs(lon, lat, args.radius)
    ours_key = ours.asset.astype(np.int64) * size + ours.incident
    result: dict[str, Any] = {"pairs": len(ours)}
    if args.out:
        with np.load(args.out) as stored:
            base_key = stored["asset"] * size + stored["incident"]
        missed = ~np.isin(ours_key, base_key)
        added = np.setdiff1d(base_key, ours_key)
        result.update(
            baseline_pairs=len(base_key),
            missed=int(missed.sum()),
            added=len(added),
            missed_median_km=float(np.median(ours.distance_km[missed])) if missed.any() else 0,
            missed_min_km=float(ours.distance_km[missed].min()) if missed.any() else 0,
        )
        bands = []
        band_lat = np.abs(lat[ours.incident])
        for lo, hi in ((0, 15), (15, 30), (30, 45), (45, 90)):
            inside = (band_lat >= lo) & (band_lat < hi)
            share = float(missed[inside].mean()) if inside.any() else 0.0
            bands.append([lo, hi, int(inside.sum()), share])
        result["missed_by_lat"] = bands
        if len(added):
            geod = Geod(ellps="WGS84")
            lines = asset_lines(data)
            km = [
                _geod_reference(geod, lines[int(k // size)], lon[k % size], lat[k % size])
                for k in added[:50]
            ]
            result["added_km"] = [float(min(km)), float(max(km))]
    rng = np.random.default_rng(args.seed)
    geod = Geod(ellps="WGS84")
    lines = asset_lines(data)
    picks = rng.choice(len(ours), 200, replace=False)
    # the exact check runs on the whole job's pairs
    every_lon, every_lat = data["inc_lon"], data["inc_lat"]
    whole = index.pairs(every_lon, every_lat, args.radius)
    chosen = rng.choice(len(every_lon), args.exact, replace=False)
    result.update(_exact(shapes, whole, every_lon, every_lat, args.radius, chosen))
    del whole
    errors, metres = [], []
    for p in picks:
        asset, incident, km = int(ours.asset[p]), int(ours.incident[p]), ours.distance_km[p]
        reference = _geod_reference(geod, lines[asset], lon[incident], lat[incident])
        metres.append(abs(km - reference) * 1000)
        if reference >= 1.0:
            errors.append(abs(km - reference) / reference)
    result.update(geod_checked=len(picks), geod_max_rel=max(errors), geod_max_m=max(metres))
    result["geod_median_rel"] = float(np.median(errors))
    result.update(_brute_force(shapes, ours, lon, lat, args.radius, rng))
    result["peak_mb"] = _peak_mb()
    return result


CHILDREN = {
    "compile": child_compile,
    "ours": child_ours,
    "scale": child_scale,
    "exposure": child_exposure,
    "baseline": child_baseline,
    "correctness": child_correctness,
}


def _busy_cores(seconds: float = 1.0) -> float:
    """Cores kept busy by every process on the machine over ``seconds``."""

    def sample() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields) - idle, sum(fields)

    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    return (busy1 - busy0) / max(total1 - total0, 1) * (os.cpu_count() or 1)


def _wait_idle(limit: float) -> float:
    """Wait until other processes use under a quarter of a core; return what they used."""
    deadline = time.monotonic() + limit
    busy = _busy_cores()
    while busy > 0.25 and time.monotonic() < deadline:
        busy = _busy_cores(2.0)
    return busy


def _spawn(
    args: argparse.Namespace, way: str, *extra: str, env: dict[str, str] | None = None
) -> dict[str, Any]:
    busy = _wait_idle(args.wait_idle)
    command = [sys.executable, __file__, "--child", way, *extra]
    names = ("incidents", "lines", "points", "radius", "seed", "repeat", "updates", "batch")
    for name in (*names, "exact", "chunk"):
        command += [f"--{name}", str(getattr(args, name))]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{way} {' '.join(extra)} failed with code {done.returncode}")
    outcome: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    outcome["busy"] = busy
    return outcome


def _row(label: str, r: dict[str, Any], note: str = "") -> str:
    return (
        f"  {label:34s} {r['build']:6.2f} {r['prepare']:8.2f} {r['query']:8.2f} "
        f"{r['seconds']:8.2f} {r['cpu']:7.1f} {r['pairs']:12,} {r['peak_mb']:7.0f} "
        f"{r['busy']:5.2f}  {note}"
    )


def _cold_compile(args: argparse.Namespace) -> float:
    cache = tempfile.mkdtemp(prefix="numba-cold-", dir=DATA)
    try:
        outcome = _spawn(args, "compile", env={**os.environ, "NUMBA_CACHE_DIR": cache})
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return float(outcome["seconds"])


ORDERS = {  # order: (label, runs at full size)
    "contains": ("geopandas buffers.sjoin(contains)", True),
    "within": ("geopandas sjoin(within)", True),
    "intersects": ("geopandas sjoin(buffers) default", False),
    "dwithin": ("geopandas lines.sjoin(dwithin)", False),
}


def _baseline(args: argparse.Namespace, size: int) -> dict[str, dict[str, Any]]:
    """Every sjoin variant at the sample size; the two BENCHMARKS.md names at full size
    where the budget allows, otherwise scaled from the sample and marked."""
    pair_file = DATA / f"exposure_base_pairs_{os.getpid()}.npz"
    results = {}
    for order in ORDERS:
        extra = ("--out", str(pair_file)) if order == "contains" else ()
        results[f"{order}@sample"] = _spawn(
            args, "baseline", "--order", order, "--n", str(size), *extra
        )
    if args.incidents > size:
        scale = args.incidents / size
        for order in (o for o, (_, full) in ORDERS.items() if full):
            outcome = results[f"{order}@sample"]
            estimate = outcome["build"] + outcome["prepare"] + outcome["query"] * scale
            if estimate <= args.baseline_budget:
                results[order] = _spawn(args, "baseline", "--order", order)
            else:
                scaled = {k: outcome[k] for k in ("build", "prepare", "peak_mb", "busy")}
                scaled.update(
                    query=outcome["query"] * scale,
                    seconds=estimate,
                    cpu=outcome["cpu"] * scale,
                    pairs=round(outcome["pairs"] * scale),
                    estimated=True,
                )
                results[order] = scaled
    results["pair_file"] = {"path": str(pair_file)}
    return results


def main() -> None:  # noqa: PLR0915 (one report, printed in order)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--points", type=int, default=2_000)
    parser.add_argument("--radius", type=float, default=50.0, help="km")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--sample", type=int, default=200_000, help="correctness, small scale")
    parser.add_argument("--repeat", type=int, default=3, help="our pairs calls, median kept")
    parser.add_argument("--updates", type=int, default=1_000, help="incremental incidents")
    parser.add_argument("--batch", type=int, default=100_000, help="new incidents at once")
    parser.add_argument("--exact", type=int, default=200, help="incidents checked by brute force")
    parser.add_argument(
        "--scale",
        default="100000,1000000,3000000,10000000",
        help="incident counts streamed for the growth curve ('' for none)",
    )
    parser.add_argument("--chunk", type=int, default=1_000_000, help="incidents per chunk")
    parser.add_argument("--plot", help="write the growth curve to this PNG")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--baseline-budget", type=float, default=600.0, help="s per sjoin")
    parser.add_argument("--wait-idle", type=float, default=120.0, help="s, before each child")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--order", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--one-thread", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return
    sample = min(args.sample, args.incidents)
    data = _data(args)  # generate (and cache) once, before any child
    sizes = np.diff(data["line_offsets"])
    print(
        f"Exposure: {args.incidents:,} incidents x {args.lines:,} lines "
        f"({int(sizes.sum()):,} vertices, {sizes.min()}-{sizes.max()} each) + "
        f"{args.points:,} points, radius {args.radius:g} km, seed {args.seed}, "
        f"{os.cpu_count()} cores"
    )
    del data
    cold = _cold_compile(args)
    ours = {
        "sample": _spawn(args, "ours", "--n", str(sample)),
        "full": _spawn(args, "ours", "--one-thread"),
    }
    exposure = _spawn(args, "exposure")
    base: dict[str, dict[str, Any]] = {} if args.skip_baseline else _baseline(args, sample)
    pair_file = base.pop("pair_file", {}).get("path")
    correct_args = ("--n", str(sample)) + (("--out", pair_file) if pair_file else ())
    correct = _spawn(args, "correctness", *correct_args)
    if pair_file:
        Path(pair_file).unlink(missing_ok=True)
    counts = [int(n) for n in args.scale.split(",") if n.strip()]
    scale = [_spawn(args, "scale", "--n", str(n)) for n in counts]

    print(
        "\n  way                                build  prepare    query    total   cpu s"
        "        pairs peak MB  busy"
    )
    scales = [(f"{sample:,}", "sample"), (f"{args.incidents:,}", "full")]
    if sample == args.incidents:
        scales = scales[1:]
    for label, key in scales:
        print(f"  -- {label} incidents")
        print(_row("ours: index + pairs", ours[key], f"runs {ours[key]['query_runs']}"))
        for order, (how, _) in ORDERS.items():
            name = order if key == "full" else f"{order}@sample"
            if name in base:
                note = "ESTIMATED: sample x scale" if base[name].get("estimated") else ""
                print(_row(how, base[name], note))
        if base:
            fast = min(
                (base[o if key == "full" else f"{o}@sample"] for o in ("contains", "within")),
                key=lambda r: r["seconds"],
            )
            mine = ours[key]
            total = fast["seconds"] / mine["seconds"]
            core = (fast["prepare"] + fast["query"]) / (mine["prepare"] + mine["query"])
            print(
                f"  ratio, faster of contains/within / ours: {total:.1f}x total, {core:.1f}x "
                f"without building geometries, {fast['cpu'] / mine['cpu']:.1f}x CPU seconds"
            )
    full = ours["full"]
    print(
        f"\n  ours, {args.incidents:,} incidents: pairs with 1 thread {full['one_thread']:.2f} s; "
        f"segments {full['segments']:,}"
    )
    print(
        f"  numba first call: {cold:.2f} s cold (empty cache), "
        f"{full['warm_up']:.2f} s with the disk cache"
    )
    print(
        f"  exposure_of (default profile, {args.incidents:,} incidents): "
        f"{exposure['seconds']:.2f} s, {exposure['cpu']:.1f} cpu s, {exposure['pairs']:,} pairs, "
        f"peak {exposure['peak_mb']:.0f} MB (index up to {exposure['index_radius_km']:g} km, "
        f"the profile's largest radius; these incidents scan at their class's)"
    )
    print(
        f"  {exposure['batch']:,} new incidents at once against the standing index: pairs "
        f"{exposure['batch_pairs_s']:.2f} s ({exposure['batch_pairs_cpu']:.2f} cpu s, "
        f"{exposure['batch_pairs']:,} pairs), exposure_of with the index "
        f"{exposure['batch_scored_s']:.2f} s ({exposure['batch_scored_cpu']:.2f} cpu s)"
    )
    print(
        f"  incremental ({exposure['updates']:,} new incidents, one at a time, index built "
        f"in {exposure['live_index_s']:.2f} s): LiveExposure.add median "
        f"{exposure['add_median_ms']:.2f} ms, p99 {exposure['add_p99_ms']:.2f} ms, "
        f"max {exposure['add_max_ms']:.2f} ms; AssetIndex.near alone median "
        f"{exposure['near_median_ms']:.2f} ms, p99 {exposure['near_p99_ms']:.2f} ms; "
        f"{exposure['assets_changed']:,} asset updates; scores equal exposure_of's to "
        f"{exposure['live_gap']:.1e} (largest added {exposure['live_scale']:.1f})"
    )
    print(f"\n  correctness on the first {sample:,} incidents ({correct['pairs']:,} true pairs):")
    if "missed" in correct:
        print(
            f"    EPSG:3857 buffer misses {correct['missed']:,} true pairs "
            f"({correct['missed'] / correct['pairs']:.1%}; median {correct['missed_median_km']:.1f}"
            f" km, nearest {correct['missed_min_km']:.1f} km) and adds {correct['added']:,}"
            + (
                f" (at {correct['added_km'][0]:.2f}-{correct['added_km'][1]:.2f} km by Geod)"
                if "added_km" in correct
                else ""
            )
        )
        print(
            "    missed share by |latitude| of the incident: "
            + ", ".join(
                f"{lo}-{hi}: {share:.1%} of {n:,}" for lo, hi, n, share in correct["missed_by_lat"]
            )
        )
    print(
        f"    distances vs pyproj Geod ({correct['geod_checked']} pairs): max relative error "
        f"{correct['geod_max_rel']:.2e} (median {correct['geod_median_rel']:.1e}, "
        f"pairs over 1 km), max {correct['geod_max_m']:.1f} m"
    )
    print(
        f"    sphere brute force in numpy ({correct['brute_incidents']} incidents, "
        f"{correct['brute_pairs']:,} pairs clear of the +-0.7 % sphere/ellipsoid band): "
        f"{correct['brute_lost']} missed by the index, {correct['brute_extra']} beyond the radius"
    )
    same = correct["exact_lost"] == 0 and correct["exact_extra"] == 0
    print(
        f"    exact brute force, every segment, same distance, no index "
        f"({correct['exact_incidents']} of all {args.incidents:,} incidents, "
        f"{correct['exact_pairs']:,} pairs): "
        f"{correct['exact_lost']} missed, {correct['exact_extra']} extra, distances equal to "
        f"{correct['exact_worst_rel']:.1e} relative: {'SAME PAIRS' if same else 'DIFFERENT'}"
    )
    if scale:
        _print_scale(scale, args)
    if scale and args.plot:
        _plot(scale, Path(args.plot), args)
        print(f"  growth curve written to {args.plot}")
    _print_targets(args, ours["full"], exposure, correct, base, scale)


def _print_scale(scale: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(
        f"\n  growth, incidents streamed {args.chunk:,} at a time against one index "
        f"(pairs reduced to per-asset counts and decayed sums chunk by chunk):"
    )
    print("    incidents  chunks  index s  pairs s   cpu s        pairs  s per M  peak MB  busy")
    for r in scale:
        print(
            f"  {r['n']:11,} {r['chunks']:7} {r['prepare']:8.2f} {r['query']:8.2f} "
            f"{r['cpu']:7.1f} {r['pairs']:12,} {r['query'] / r['n'] * 1e6:8.2f} "
            f"{r['peak_mb']:8.0f} {r['busy']:5.2f}"
        )


def _plot(scale: list[dict[str, Any]], path: Path, args: argparse.Namespace) -> None:
    """Seconds and peak memory against the incident count, log-log, small."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = [r["n"] for r in scale]
    figure, seconds = plt.subplots(figsize=(5.0, 3.0), dpi=110)
    seconds.loglog(counts, [r["query"] for r in scale], "o-", label="pairs, wall s")
    seconds.loglog(counts, [r["cpu"] for r in scale], "^:", label="pairs, CPU s")
    seconds.set_xlabel("incidents")
    seconds.set_ylabel("seconds")
    memory = seconds.twinx()
    memory.semilogx(counts, [r["peak_mb"] for r in scale], "s--", color="tab:red", label="peak MB")
    memory.set_ylabel("peak MB", color="tab:red")
    memory.set_ylim(0, max(r["peak_mb"] for r in scale) * 1.3)
    lines = seconds.get_legend_handles_labels()
    more = memory.get_legend_handles_labels()
    seconds.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left", fontsize=8)
    seconds.set_title(
        f"Exposure pairs, {args.lines:,} lines + {args.points:,} points, {args.radius:g} km",
        fontsize=9,
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)


def _print_targets(
    args: argparse.Namespace,
    full: dict[str, Any],
    exposure: dict[str, Any],
    correct: dict[str, Any],
    base: dict[str, dict[str, Any]],
    scale: list[dict[str, Any]],
) -> None:
    """Issue 15's goals beside what this run measured."""
    same = correct["exact_lost"] == 0 and correct["exact_extra"] == 0
    fast = [base[o] for o in ("contains", "within") if o in base]
    ratio = min(r["seconds"] for r in fast) / full["seconds"] if fast else float("nan")
    print("\n  goals (issue 15):")
    print(
        f"    {args.incidents:,} incidents, all pairs: {full['seconds']:.2f} s (goal < 3), "
        f"{full['cpu']:.1f} cpu s, peak {full['peak_mb']:.0f} MB (goal < 700), "
        f"{'same pairs as the exact brute force' if same else 'NOT the brute force pairs'}, "
        f"{ratio:.1f}x the faster GeoPandas order (goal >= 15)"
    )
    print(
        f"    one new incident: LiveExposure.add median {exposure['add_median_ms']:.2f} ms, "
        f"p99 {exposure['add_p99_ms']:.2f} ms (goal < 10); {exposure['batch']:,} new at once: "
        f"pairs {exposure['batch_pairs_s']:.2f} s ({exposure['batch_pairs_cpu']:.2f} cpu s), "
        f"scored {exposure['batch_scored_s']:.2f} s ({exposure['batch_scored_cpu']:.2f} cpu s)"
        f" (goal < 1)"
    )
    if scale:
        peaks = ", ".join(f"{r['n']:,}: {r['peak_mb']:.0f} MB" for r in scale)
        print(f"    growth: peak memory by incidents streamed: {peaks}")


if __name__ == "__main__":
    main()
