"""Seeded data for the exposure benchmark: incidents, line assets and point assets.

The shapes ../shared/BENCHMARKS.md asks for, over lon 20..125, lat -15..55:

* incidents: 70 % around 40 Gaussian hot spots (sigma 30-150 km, centres uniform in
  the box), 30 % uniform over it; dates spread over 5 years, fatalities geometric;
* line assets: random walks of 20-200 vertices with 10-30 km steps, starting uniformly
  in the box. The heading drifts (a correlated walk, about 25 degrees per step) so a
  line looks like a road or a pipeline rather than a knot; km become degrees with the
  cos(latitude) factor for longitude;
* point assets: uniform over the box.

Everything is numpy arrays; ``exposure_data`` caches them in an .npz under
/tmp/corridor-bench keyed by the sizes and the seed; ``incident_chunks`` draws any number
of incidents a chunk at a time, for runs that must not hold them all.

    .venv/bin/python bench/generate_exposure.py --incidents 1000000   # prints a summary
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from corridor.geodesy import wrap_longitude

DATA = Path("/tmp/corridor-bench")
LON = (20.0, 125.0)
LAT = (-15.0, 55.0)
KM_PER_DEG = 111.195  # mean Earth radius 6371.0 km x pi / 180
DAYS = 5 * 365
FIRST_DAY = np.datetime64("2019-01-01")

Floats = NDArray[np.float64]


def _streams(seed: int) -> tuple[np.random.Generator, ...]:
    """Independent streams (hot spots, incidents, lines, points, new incidents), so that
    each kind of data depends only on its own size."""
    return tuple(np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5))


def hot_spots(
    rng: np.random.Generator, count: int = 40, sigma_km: tuple[float, float] = (30.0, 150.0)
) -> tuple[Floats, Floats, Floats]:
    """(lon, lat, sigma in degrees of latitude) of ``count`` hot spots, uniform in the box."""
    lon = rng.uniform(*LON, count)
    lat = rng.uniform(*LAT, count)
    return lon, lat, rng.uniform(*sigma_km, count) / KM_PER_DEG


def incidents(
    count: int,
    rng: np.random.Generator,
    spots: tuple[Floats, Floats, Floats],
    *,
    hot_share: float = 0.7,
) -> tuple[Floats, Floats, NDArray[np.int64], Floats]:
    """(lon, lat, day number 0..5*365-1, fatalities) of ``count`` incidents."""
    centre_lon, centre_lat, sigma = spots
    hot = rng.random(count) < hot_share
    spot = rng.integers(0, len(centre_lon), count)
    north = rng.normal(0.0, 1.0, count) * sigma[spot]
    lat = np.where(hot, centre_lat[spot] + north, rng.uniform(*LAT, count))
    lat = np.clip(lat, -89.0, 89.0)
    east = rng.normal(0.0, 1.0, count) * sigma[spot] / np.cos(np.radians(lat))
    lon = np.where(hot, centre_lon[spot] + east, rng.uniform(*LON, count))
    lon = wrap_longitude(lon)
    day = rng.integers(0, DAYS, count)
    fatalities = (rng.geometric(0.3, count) - 1).astype(np.float64)
    return lon.round(6), lat.round(6), day, fatalities


def lines(
    count: int,
    rng: np.random.Generator,
    *,
    vertices: tuple[int, int] = (20, 200),
    step_km: tuple[float, float] = (10.0, 30.0),
    turn_deg: float = 25.0,
) -> tuple[Floats, Floats, NDArray[np.int64]]:
    """(lon, lat, offsets) of ``count`` random-walk lines; line k is ``offsets[k]:[k + 1]``."""
    sizes = rng.integers(vertices[0], vertices[1] + 1, count)
    offsets = np.zeros(count + 1, np.int64)
    np.cumsum(sizes, out=offsets[1:])
    total = int(offsets[-1])
    lon = np.empty(total)
    lat = np.empty(total)
    step = rng.uniform(*step_km, total) / KM_PER_DEG  # degrees of latitude
    heading = rng.uniform(0.0, 2 * np.pi, count)
    turn = np.radians(rng.normal(0.0, turn_deg, total))
    start_lon = rng.uniform(*LON, count)
    start_lat = rng.uniform(*LAT, count)
    for k in range(count):  # 5,000 short loops: cheap, and the walk needs the latitude so far
        lo, hi = offsets[k], offsets[k + 1]
        x, y = start_lon[k], start_lat[k]
        course = heading[k] + np.cumsum(turn[lo:hi])
        lon[lo], lat[lo] = x, y
        for v in range(1, hi - lo):
            y_next = min(max(y + step[lo + v] * np.cos(course[v]), -85.0), 85.0)
            x += step[lo + v] * np.sin(course[v]) / np.cos(np.radians(0.5 * (y + y_next)))
            y = y_next
            lon[lo + v], lat[lo + v] = x, y
    lon = wrap_longitude(lon)
    return lon.round(6), lat.round(6), offsets


def points(count: int, rng: np.random.Generator) -> tuple[Floats, Floats]:
    """(lon, lat) of ``count`` point assets, uniform over the box."""
    return rng.uniform(*LON, count).round(6), rng.uniform(*LAT, count).round(6)


def cache_path(n_incidents: int, n_lines: int, n_points: int, seed: int) -> Path:
    return DATA / f"exposure_i{n_incidents}_l{n_lines}_p{n_points}_s{seed}.npz"


def exposure_data(
    n_incidents: int, n_lines: int, n_points: int, *, seed: int = 11
) -> dict[str, NDArray[np.generic]]:
    """Every array of the benchmark, from the cache if it is there.

    Keys: ``inc_lon``, ``inc_lat``, ``inc_day``, ``inc_fatalities``; ``line_lon``,
    ``line_lat``, ``line_offsets``; ``point_lon``, ``point_lat``.
    """
    path = cache_path(n_incidents, n_lines, n_points, seed)
    if path.exists():
        with np.load(path) as stored:
            return {key: stored[key] for key in stored.files}
    spot_rng, incident_rng, line_rng, point_rng, _ = _streams(seed)
    inc_lon, inc_lat, inc_day, inc_fatalities = incidents(
        n_incidents, incident_rng, hot_spots(spot_rng)
    )
    line_lon, line_lat, line_offsets = lines(n_lines, line_rng)
    point_lon, point_lat = points(n_points, point_rng)
    data: dict[str, NDArray[np.generic]] = {
        "inc_lon": inc_lon,
        "inc_lat": inc_lat,
        "inc_day": inc_day,
        "inc_fatalities": inc_fatalities,
        "line_lon": line_lon,
        "line_lat": line_lat,
        "line_offsets": line_offsets,
        "point_lon": point_lon,
        "point_lat": point_lat,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{np.random.default_rng().integers(1 << 30)}.npz")
    np.savez(partial, **data)  # type: ignore[arg-type]
    partial.replace(path)  # atomic: concurrent runs never read half a file
    return data


def new_incidents(
    count: int, *, seed: int = 11
) -> tuple[Floats, Floats, NDArray[np.int64], Floats]:
    """More incidents from the same hot spots, drawn apart from the cached ones."""
    spot_rng, _, _, _, new_rng = _streams(seed)
    return incidents(count, new_rng, hot_spots(spot_rng))


def incident_chunks(
    total: int, chunk: int = 1_000_000, *, seed: int = 11
) -> Iterator[tuple[Floats, Floats]]:
    """(lon, lat) of ``total`` incidents from the same hot spots, ``chunk`` at a time, each
    chunk from its own stream: any count, in flat memory, the same for the same seed."""
    spot_rng = _streams(seed)[0]
    spots = hot_spots(spot_rng)
    for number, start in enumerate(range(0, total, chunk)):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 1 << 20, number]))
        lon, lat, _, _ = incidents(min(chunk, total - start), rng, spots)
        yield lon, lat


def asset_lines(data: dict[str, NDArray[np.generic]]) -> list[Floats]:
    """Every asset as an (n, 2) array of (lon, lat): the lines, then the points (n = 1)."""
    offsets = data["line_offsets"]
    xy = np.column_stack([data["line_lon"], data["line_lat"]]).astype(np.float64)
    found = [xy[offsets[k] : offsets[k + 1]] for k in range(len(offsets) - 1)]
    found.extend(np.column_stack([data["point_lon"], data["point_lat"]])[:, None, :])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--points", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    data = exposure_data(args.incidents, args.lines, args.points, seed=args.seed)
    sizes = np.diff(data["line_offsets"])
    print(cache_path(args.incidents, args.lines, args.points, args.seed))
    print(
        f"incidents {len(data['inc_lon']):,}: lon {data['inc_lon'].min():.1f}.."
        f"{data['inc_lon'].max():.1f}, lat {data['inc_lat'].min():.1f}..{data['inc_lat'].max():.1f}"
    )
    print(
        f"lines {len(sizes):,}: {int(sizes.sum()):,} vertices ({sizes.min()}..{sizes.max()}), "
        f"lon {data['line_lon'].min():.1f}..{data['line_lon'].max():.1f}, "
        f"lat {data['line_lat'].min():.1f}..{data['line_lat'].max():.1f}"
    )
    print(f"points {len(data['point_lon']):,}")


if __name__ == "__main__":
    main()
