"""Seeded generators of benchmark data in the publishers' exact layouts.

Incidents cluster around real hot spots with a uniform share over lon 20..125,
lat -15..55, the shape ../shared/BENCHMARKS.md asks for.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

# The publisher's GED columns, in the order of GEDEvent_v23_1.csv.
GED_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low",
)  # fmt: skip

# (longitude, latitude, spread in degrees, UCDP country name, GW code, region)
HOT_SPOTS = (
    (38.0, 35.0, 1.5, "Syria", 652, "Middle East"),
    (44.0, 33.5, 1.5, "Iraq", 645, "Middle East"),
    (66.0, 34.0, 2.0, "Afghanistan", 700, "Asia"),
    (71.5, 33.0, 1.5, "Pakistan", 770, "Asia"),
    (45.0, 15.0, 1.5, "Yemen (North Yemen)", 678, "Middle East"),
    (45.5, 4.0, 2.0, "Somalia", 520, "Africa"),
    (96.0, 21.0, 2.0, "Myanmar (Burma)", 775, "Asia"),
    (122.0, 7.5, 1.5, "Philippines", 840, "Asia"),
)
UNIFORM = ("India", 750, "Asia")


def clustered_positions(
    rng: np.random.Generator, rows: int, centres: np.ndarray, uniform_share: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(hot spot, uniform?, longitude, latitude) of ``rows`` events: around ``centres``
    (longitude, latitude, spread in degrees) or, a ``uniform_share`` of them, anywhere in
    lon 20..125, lat -15..55."""
    spot = rng.integers(0, len(centres), rows)
    uniform = rng.random(rows) < uniform_share
    lon = np.where(
        uniform,
        rng.uniform(20, 125, rows),
        centres[spot, 0] + rng.normal(0, 1, rows) * centres[spot, 2],
    )
    lat = np.where(
        uniform,
        rng.uniform(-15, 55, rows),
        centres[spot, 1] + rng.normal(0, 1, rows) * centres[spot, 2],
    )
    return spot, uniform, lon, lat


def write_ged_csv(path: Path, rows: int, *, seed: int = 7, uniform_share: float = 0.2) -> Path:
    """Write ``rows`` GED events (publisher layout: integers, ``YYYY-MM-DD 00:00:00.000``)."""
    rng = np.random.default_rng(seed)
    centres = np.array([(s[0], s[1], s[2]) for s in HOT_SPOTS])
    spot, uniform, lon, lat = clustered_positions(rng, rows, centres, uniform_share)
    lon = np.clip(lon, -180, 180).round(6)
    lat = np.clip(lat, -90, 90).round(6)
    day = rng.integers(0, 35 * 365, rows)
    start = np.datetime64("1989-01-01") + day.astype("timedelta64[D]")
    violence = rng.integers(1, 4, rows)
    best = rng.geometric(0.3, rows) - 1
    where_prec = rng.integers(1, 8, rows)
    date_prec = rng.integers(1, 6, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(GED_COLUMNS)
        for i in range(rows):
            name, gw, region = UNIFORM if uniform[i] else HOT_SPOTS[spot[i]][3:]
            when = str(start[i])
            b = int(best[i])
            writer.writerow((
                i + 1, f"GED-{i + 1}", when[:4], 1, "Clear", int(violence[i]), 400 + spot[i],
                400 + spot[i], f"{name}: Government", 700 + spot[i], 700 + spot[i],
                f"Government of {name} - insurgents", 100 + spot[i], 100 + spot[i],
                f"Government of {name}", 5000 + spot[i], 5000 + spot[i], "insurgents", 1,
                f"Agence France Presse,{when},clashes reported", "", "", "clashes reported", "",
                int(where_prec[i]), f"village {i % 9973}", "", f"{name} province", "",
                lat[i], lon[i], f"POINT ({lon[i]} {lat[i]})", 150000 + i % 50000, name, gw,
                region, 1, int(date_prec[i]), f"{when} 00:00:00.000", f"{when} 00:00:00.000",
                b, 0, 0, 0, b, b + 1, b,
            ))  # fmt: skip
    return path
