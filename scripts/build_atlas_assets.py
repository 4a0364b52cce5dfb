"""Build the atlas's infrastructure assets: src/corridor/atlas/data/assets.geojson.

Why a script rather than a hand-edited file: every geometry in the atlas must be
traceable to a public source and re-buildable after a source update, so this
script is the only writer of ``assets.geojson``. It reads

* Global Energy Monitor pipeline map data (CC BY 4.0) for pipelines,
* the NGA World Port Index and searoute's bundled port list for ports,
* searoute's bundled maritime network for sea lanes,
* ``scripts/atlas_sources/hand_drawn_assets.yaml`` for what no file carries
  (railways, economic corridors, Power of Siberia 1, dry ports, crossings),

densifies every line along great circles so no two consecutive vertices are more
than 100 km apart (risk scoring buffers lines, and long chords cut corners
through third countries), and checks the result against Natural Earth borders.

Run from the repository root::

    .venv/bin/python scripts/build_atlas_assets.py            # build, write, check
    .venv/bin/python scripts/build_atlas_assets.py --check    # check the written file

Nothing here touches the network: all inputs are local files.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import pycountry
import searoute
import shapely
import yaml
from pyproj import Geod
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))

from corridor.atlas.borders import country_shapes  # noqa: E402
from corridor.atlas.geometry import geometry_problem, max_vertex_gap_km  # noqa: E402
from corridor.atlas.models import Asset  # noqa: E402
from corridor.atlas.placement import (  # noqa: E402
    LAND_TOLERANCE_KM,
    SEA_LANE_REACH_KM,
    placement_problems,
)
from corridor.geodesy import great_circle_km  # noqa: E402

DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
HAND_DRAWN_FILE = REPO_ROOT / "scripts" / "atlas_sources" / "hand_drawn_assets.yaml"
OUTPUT_FILE = REPO_ROOT / "src" / "corridor" / "atlas" / "data" / "assets.geojson"

GAS_CSV = "pipelines/gem_asia_gas_tracker_map_data_2024-05.utf8.csv"
OIL_CSV = "pipelines/gem_goit_oil_ngl_pipelines_map_data_2024-06.csv"
WPI_CSV = "ports/nga_world_port_index_classic_WPI.csv"

GEOD = Geod(ellps="WGS84")
DASH = "\u2013"  # en dash, as GEM and the atlas spell route names
ARROW = "\u2192"

MAX_GAP_KM = 100.0
DENSIFY_STEP_KM = 95.0  # below the limit, so rounding to 4 decimals cannot push a gap over it
DECIMALS = 4
JOIN_KM = 5.0  # GEM unit ends closer than this are one continuous line
KM_PER_DEGREE = 111.0  # tolerance in degrees = km / 111 (15 km ~ 0.135 degrees)

PROPERTY_KEYS = {
    "id", "name", "kind", "countries", "criticality", "operator", "status", "note", "source",
}  # fmt: skip
STATUSES = {"operating", "construction", "proposed", "mothballed", "cancelled"}
DENSIFIED = "densified along great circles to <=100 km"

Coord = tuple[float, float]
Part = list[Coord]
Feature = dict[str, Any]


# --------------------------------------------------------------------------- specifications


@dataclass(frozen=True)
class GemSpec:
    """One asset cut from GEM map data: which rows (project, unit) make it, and our metadata.

    ``countries`` overrides GEM's column where it is blank or incomplete; ``note``
    says so, because the override is our judgement, not GEM's.
    """

    id: str
    name: str
    kind: str
    tracker: str  # "gas" or "oil"
    rows: tuple[tuple[str, str], ...]
    criticality: str
    operator: str | None
    countries: tuple[str, ...] | None = None
    status: str | None = None
    note: str | None = None
    drop_head: int = 0  # leading vertices of GEM's first part to leave out (offshore feeders)


@dataclass(frozen=True)
class PortSpec:
    """A port taken from the World Port Index (by INDEX_NO) or searoute (by UN/LOCODE)."""

    id: str
    name: str
    country: str
    criticality: str
    operator: str | None
    wpi_index: int | None = None
    locode: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class SeaLaneSpec:
    """A sea lane: searoute's shortest path between two sea points that bound the segment."""

    id: str
    name: str
    origin: Coord
    destination: Coord
    countries: tuple[str, ...]
    criticality: str
    note: str | None = None


_CAGP = "Central Asia\u2013China Gas Pipeline"
_ESPO = "Eastern Siberia\u2013Pacific Ocean Oil Pipeline"
_CAGP_OPERATOR = (
    "Asia Gas Pipeline LLP (Kazakhstan), Asia Trans Gas (Uzbekistan), "
    "Turkmengaz (Turkmenistan), PipeChina (China)"
)
_CAGP_NOTE = (
    "GEM maps Lines A, B and C on one identical centre-line (parallel pipes); "
    "GEM's start_year is truncated in this export."
)

GEM_SPECS: tuple[GemSpec, ...] = (
    GemSpec(
        id="cagp-line-a",
        name="Central Asia\u2013China gas pipeline, Line A",
        kind="gas_pipeline",
        tracker="gas",
        rows=((_CAGP, "Line A"),),
        criticality="core",
        operator=_CAGP_OPERATOR,
        note=_CAGP_NOTE,
    ),
    GemSpec(
        id="cagp-line-b",
        name="Central Asia\u2013China gas pipeline, Line B",
        kind="gas_pipeline",
        tracker="gas",
        rows=((_CAGP, "Line B"),),
        criticality="core",
        operator=_CAGP_OPERATOR,
        note=_CAGP_NOTE,
    ),
    GemSpec(
        id="cagp-line-c",
        name="Central Asia\u2013China gas pipeline, Line C",
        kind="gas_pipeline",
        tracker="gas",
        rows=((_CAGP, "Line C"),),
        criticality="core",
        operator=_CAGP_OPERATOR,
        note=_CAGP_NOTE,
    ),
    GemSpec(
        id="cagp-line-d",
        name="Central Asia\u2013China gas pipeline, Line D",
        kind="gas_pipeline",
        tracker="gas",
        rows=((_CAGP, "Line D"),),
        criticality="important",
        operator=None,
        note=(
            "Galkynysh (Turkmenistan) through Uzbekistan, Tajikistan and Kyrgyzstan to Xinjiang; "
            "GEM maps it schematically with three vertices, so the line is only a sketch of the "
            "route."
        ),
    ),
    GemSpec(
        id="kcp-atasu-alashankou",
        name="Kazakhstan\u2013China oil pipeline, Atasu\u2013Alashankou",
        kind="oil_pipeline",
        tracker="oil",
        rows=(("Kazakhstan-China Pipeline", "Atasu-Alashankou"),),
        criticality="core",
        operator="Kazakhstan\u2013China Pipeline LLP (KazTransOil, CNPC)",
    ),
    GemSpec(
        id="kcp-kenkiyak-kumkol",
        name="Kazakhstan\u2013China oil pipeline, Kenkiyak\u2013Kumkol",
        kind="oil_pipeline",
        tracker="oil",
        rows=(("Kazakhstan-China Pipeline", "Kenkiyak-Kumkol"),),
        criticality="important",
        operator="Kazakhstan\u2013China Pipeline LLP (KazTransOil, CNPC)",
    ),
    GemSpec(
        id="kcp-kenkiyak-atyrau",
        name="Kazakhstan\u2013China oil pipeline, Kenkiyak\u2013Atyrau",
        kind="oil_pipeline",
        tracker="oil",
        rows=(("Kazakhstan-China Pipeline", "Kenkiyak-Atyrau Oil Pipeline"),),
        criticality="important",
        operator="MunaiTas (KazTransOil, CNPC)",
    ),
    GemSpec(
        id="sino-myanmar-oil-pipeline",
        name="Sino-Myanmar oil pipeline (Kyaukphyu\u2013Kunming)",
        kind="oil_pipeline",
        tracker="oil",
        rows=(("Sino-Myanmar Oil Pipeline", ""),),
        criticality="core",
        operator=(
            "South-East Asia Crude Oil Pipeline Co. (Myanmar section); PipeChina (China section)"
        ),
        countries=("MMR", "CHN"),
        note=(
            "GEM's countries column is blank for this pipeline: filled from its route (Myanmar, "
            "China)."
        ),
    ),
    GemSpec(
        id="sino-myanmar-gas-pipeline",
        name="Sino-Myanmar gas pipeline trunk (Kyaukphyu\u2013Kunming\u2013Guigang)",
        kind="gas_pipeline",
        tracker="gas",
        rows=(
            ("Sino-Myanmar Gas Pipeline", "Trunk line (Burma segment)"),
            ("Sino-Myanmar Gas Pipeline", "Trunk line (China segment)"),
        ),
        criticality="core",
        operator="South-East Asia Gas Pipeline Co. (Myanmar section); PipeChina (China section)",
        countries=("MMR", "CHN"),
        note=(
            "GEM's Burma and China trunk units each carry the whole route (identical geometry) but"
            " name one country each: joined into one asset with both. The second part is the "
            "Chuxiong\u2013Panzhihua branch, which GEM includes in the trunk geometry. GEM starts "
            "the line at the offshore Shwe gas field platform; that offshore feeder (beyond any "
            "land border) is left out, so the trunk starts at Kyaukphyu."
        ),
        drop_head=1,
    ),
    GemSpec(
        id="espo-pipeline",
        name=(
            "Eastern Siberia\u2013Pacific Ocean oil pipeline "
            "(Taishet\u2013Skovorodino\u2013Kozmino)"
        ),
        kind="oil_pipeline",
        tracker="oil",
        rows=(
            (_ESPO, "Phase I (ESPO 1)"),
            (_ESPO, "Phase II (ESPO 2)"),
        ),
        criticality="important",
        operator="Transneft",
        note=(
            "ESPO 1 (2009) and ESPO 2 (2012) joined at Skovorodino; Kozmino ships crude to China "
            "and the Pacific."
        ),
    ),
    GemSpec(
        id="espo-spur-china",
        name=(
            "ESPO spur: Russia\u2013China crude oil pipelines 1 and 2 "
            "(Skovorodino\u2013Mohe\u2013Daqing)"
        ),
        kind="oil_pipeline",
        tracker="oil",
        rows=(
            ("Skovorodino-Mohe Oil Pipeline", ""),
            (_ESPO, "Russia\u2013China Crude Oil Pipeline 1"),
            (_ESPO, "Russia\u2013China Crude Oil Pipeline 2"),
        ),
        criticality="core",
        operator="Transneft (Skovorodino\u2013Mohe); PipeChina (Mohe\u2013Daqing)",
        countries=("RUS", "CHN"),
        note=(
            "GEM leaves the countries of Skovorodino\u2013Mohe blank and tags the "
            "Russia\u2013China lines China only: filled from the route. Lines 1 (2011) and 2 "
            "(2018) share one route in the map data; joined to Skovorodino\u2013Mohe across a 4 km"
            " gap at Mohe."
        ),
    ),
    GemSpec(
        id="tapi-pipeline",
        name="Turkmenistan\u2013Afghanistan\u2013Pakistan\u2013India (TAPI) gas pipeline",
        kind="gas_pipeline",
        tracker="gas",
        rows=(("Turkmenistan-Afghanistan-Pakistan-India Gas Pipeline", ""),),
        criticality="ordinary",
        operator="TAPI Pipeline Company Limited",
        note="Two short branches GEM draws in Afghanistan are kept as extra parts.",
    ),
    GemSpec(
        id="iran-pakistan-pipeline",
        name="Iran\u2013Pakistan gas pipeline",
        kind="gas_pipeline",
        tracker="gas",
        rows=(("Iran-Pakistan Pipeline", ""),),
        criticality="ordinary",
        operator="National Iranian Gas Company (Iran); Inter State Gas Systems (Pakistan)",
        note=(
            "Iranian section largely built; the Pakistani section (to Nawabshah) has not been "
            "started."
        ),
    ),
    GemSpec(
        id="east-west-crude-pipeline",
        name="East-West crude oil pipeline (Petroline, Abqaiq\u2013Yanbu)",
        kind="oil_pipeline",
        tracker="oil",
        rows=(("East-West Crude Oil Pipeline", ""),),
        criticality="important",
        operator="Saudi Aramco",
        note="Hormuz bypass to the Red Sea at Yanbu; GEM maps it with four vertices (schematic).",
    ),
    GemSpec(
        id="habshan-fujairah-pipeline",
        name="Habshan\u2013Fujairah oil pipeline (ADCOP)",
        kind="oil_pipeline",
        tracker="oil",
        rows=(("Bab-Habshan\u2013Fujairah Oil Pipeline", ""),),
        criticality="important",
        operator="Abu Dhabi National Oil Company (ADNOC)",
        note="Hormuz bypass to Fujairah on the Gulf of Oman, opened 2012.",
    ),
    GemSpec(
        id="kirkuk-baniyas-pipeline",
        name="Kirkuk\u2013Baniyas oil pipeline",
        kind="oil_pipeline",
        tracker="oil",
        rows=(("Kirkuk-Baniyas Oil Pipelines", ""),),
        criticality="ordinary",
        operator="Iraq Ministry of Oil",
        note=(
            "Out of use since 2003. GEM also lists the older Kirkuk\u2013Tripoli 'Main Pipeline' "
            "(tagged Iraq, Lebanon although its route crosses Syria) and three proposed "
            "replacement lines on this same route; not included."
        ),
    ),
    GemSpec(
        id="kirkuk-ceyhan-pipeline",
        name="Kirkuk\u2013Ceyhan oil pipeline (Iraq\u2013Turkey)",
        kind="oil_pipeline",
        tracker="oil",
        rows=(("Kirkuk-Ceyhan Oil Pipeline", ""),),
        criticality="ordinary",
        operator="BOTAS (Turkish section); Iraq Ministry of Oil (Iraqi section)",
        note=(
            "Exports through it were halted in March 2023 after the ICC arbitration ruling; GEM "
            "lists it as operating. GEM draws the Turkish section as one straight segment from "
            "near Silopi to Ceyhan (schematic)."
        ),
    ),
    GemSpec(
        id="china-russia-east-gas-pipeline",
        name=(
            "China\u2013Russia East-route gas pipeline "
            "(Heihe\u2013Changling\u2013Yongqing\u2013Shanghai)"
        ),
        kind="gas_pipeline",
        tracker="gas",
        rows=(
            ("China\u2013Russia East Pipeline", "Phase I"),
            ("China\u2013Russia East Pipeline", "Phase II"),
            ("China\u2013Russia East Pipeline", "Phase III"),
        ),
        criticality="important",
        operator="PipeChina",
        note=(
            "Chinese continuation of Power of Siberia 1. GEM repeats Phase II as an unnamed unit "
            "and the Changling\u2013Changchun branch inside Phase III; the branch is kept as a "
            "second part."
        ),
    ),
)

PORT_SPECS: tuple[PortSpec, ...] = (
    PortSpec(
        id="port-gwadar",
        name="Gwadar port",
        country="PAK",
        criticality="core",
        operator="China Overseas Port Holding Company (Gwadar Port Authority concession)",
        wpi_index=48590,
        note="CPEC's sea end; operated by COPHC since 2013.",
    ),
    PortSpec(
        id="port-karachi",
        name="Karachi port",
        country="PAK",
        criticality="important",
        operator="Karachi Port Trust",
        wpi_index=48600,
    ),
    PortSpec(
        id="port-colombo",
        name="Colombo port",
        country="LKA",
        criticality="important",
        operator=(
            "Sri Lanka Ports Authority (Colombo International Container Terminals: China Merchants"
            " Port 85%)"
        ),
        wpi_index=49240,
        note="Colombo Port City reclamation next door.",
    ),
    PortSpec(
        id="port-chittagong",
        name="Chittagong port",
        country="BGD",
        criticality="important",
        operator="Chittagong Port Authority",
        wpi_index=49590,
    ),
    PortSpec(
        id="port-singapore",
        name="Singapore (Keppel)",
        country="SGP",
        criticality="important",
        operator="PSA Singapore",
        wpi_index=50000,
    ),
    PortSpec(
        id="port-kuantan",
        name="Kuantan port",
        country="MYS",
        criticality="ordinary",
        operator="Kuantan Port Consortium (IJM; Guangxi Beibu Gulf Port Group 40%)",
        wpi_index=57410,
        note="Sea end of the Malaysia-China Kuantan Industrial Park.",
    ),
    PortSpec(
        id="port-lianyungang",
        name="Lianyungang port",
        country="CHN",
        criticality="important",
        operator="Lianyungang Port Holding Group",
        wpi_index=60130,
        note="Eastern end of the New Eurasian Land Bridge.",
    ),
    PortSpec(
        id="port-djibouti-doraleh",
        name="Djibouti (Doraleh)",
        country="DJI",
        criticality="important",
        operator="Port de Djibouti S.A. (China Merchants Port 23.5%)",
        wpi_index=47855,
        note="Doraleh Multipurpose Port (2017) next to the PLA Navy support base.",
    ),
    PortSpec(
        id="port-mombasa",
        name="Mombasa port",
        country="KEN",
        criticality="important",
        operator="Kenya Ports Authority",
        wpi_index=47100,
        note="Sea end of the Mombasa\u2013Nairobi SGR.",
    ),
    PortSpec(
        id="port-port-said",
        name="Port Said",
        country="EGY",
        criticality="important",
        operator=(
            "Suez Canal Economic Zone; Suez Canal Container Terminal at East Port Said (APM "
            "Terminals, COSCO 20%)"
        ),
        wpi_index=45140,
    ),
    PortSpec(
        id="port-piraeus",
        name="Piraeus port",
        country="GRC",
        criticality="important",
        operator="Piraeus Port Authority S.A. (COSCO Shipping 67%)",
        wpi_index=42230,
        note="WPI spells it PIRAIEVS.",
    ),
    PortSpec(
        id="port-haifa",
        name="Haifa port",
        country="ISR",
        criticality="ordinary",
        operator="Israel Ports Company; Haifa Bayport terminal: Shanghai International Port Group",
        wpi_index=45080,
    ),
    PortSpec(
        id="port-sihanoukville",
        name="Sihanoukville port",
        country="KHM",
        criticality="ordinary",
        operator="Sihanoukville Autonomous Port",
        locode="KHSIH",
    ),
)

SEA_LANE_SPECS: tuple[SeaLaneSpec, ...] = (
    SeaLaneSpec(
        id="sea-lane-malacca-singapore",
        name="Strait of Malacca and Singapore Strait",
        origin=(95.3, 6.0),
        destination=(104.6, 1.35),
        countries=("IDN", "MYS", "SGP"),
        criticality="core",
        note="Northern entrance off Aceh to the eastern end of the Singapore Strait.",
    ),
    SeaLaneSpec(
        id="sea-lane-bab-el-mandeb-red-sea-suez",
        name="Gulf of Aden, Bab-el-Mandeb, Red Sea and Suez Canal",
        origin=(51.5, 12.2),
        destination=(32.3, 31.3),
        countries=("SOM", "YEM", "DJI", "ERI", "SAU", "SDN", "EGY"),
        criticality="core",
        note="Cape Guardafui to Port Said through the Bab-el-Mandeb and the Suez Canal.",
    ),
    SeaLaneSpec(
        id="sea-lane-hormuz",
        name="Strait of Hormuz (Gulf of Oman to the Persian Gulf)",
        origin=(58.6, 24.0),
        destination=(54.5, 26.3),
        countries=("OMN", "IRN", "ARE"),
        criticality="core",
        note="From off Muscat through the strait to the Abu Dhabi/Dubai anchorages.",
    ),
    SeaLaneSpec(
        id="sea-lane-arabian-sea-gwadar-aden",
        name="Arabian Sea crossing (Gwadar approaches to the Gulf of Aden)",
        origin=(62.3, 25.0),
        destination=(51.5, 12.2),
        countries=("PAK", "OMN", "YEM", "SOM"),
        criticality="important",
        note="Makran coast off Ormara past Ras al Hadd to Cape Guardafui.",
    ),
    SeaLaneSpec(
        id="sea-lane-bay-of-bengal",
        name="Bay of Bengal crossing (Dondra Head to the Malacca entrance)",
        origin=(80.6, 5.8),
        destination=(95.3, 6.0),
        countries=("LKA", "IND", "IDN"),
        criticality="important",
        note="South of Sri Lanka, past the Nicobar Islands (Six Degree Channel) to Aceh.",
    ),
    SeaLaneSpec(
        id="sea-lane-south-china-sea",
        name="South China Sea (Singapore\u2013Hong Kong)",
        origin=(104.6, 1.35),
        destination=(114.2, 22.2),
        countries=("SGP", "IDN", "MYS", "VNM", "CHN", "HKG"),
        criticality="important",
    ),
    SeaLaneSpec(
        id="sea-lane-eastern-mediterranean",
        name="Eastern Mediterranean (Port Said\u2013Piraeus)",
        origin=(32.3, 31.3),
        destination=(23.6, 37.9),
        countries=("EGY", "GRC"),
        criticality="important",
        note="Suez Canal exit to Piraeus, COSCO's Mediterranean hub.",
    ),
    SeaLaneSpec(
        id="sea-lane-lombok-makassar",
        name="Lombok and Makassar straits",
        origin=(115.75, -9.5),
        destination=(117.5, -3.0),
        countries=("IDN",),
        criticality="important",
        note="Deep-water alternative to Malacca for the largest tankers.",
    ),
)


# --------------------------------------------------------------------------- geometry helpers


def densify(part: Sequence[Coord], step_km: float = DENSIFY_STEP_KM) -> Part:
    """Insert great-circle points so no gap exceeds ``step_km``.

    A straight chord in degrees between two far-apart waypoints strays from the
    great circle and can cross a third country; intermediate geodesic points keep
    the line honest and make buffers and distances meaningful.
    """
    out: Part = [part[0]]
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(part):
        _, _, meters = GEOD.inv(lon1, lat1, lon2, lat2)
        extra = max(0, math.ceil(meters / 1000.0 / step_km) - 1)
        if extra:
            out.extend(
                (float(lon), float(lat)) for lon, lat in GEOD.npts(lon1, lat1, lon2, lat2, extra)
            )
        out.append((lon2, lat2))
    return out


def round_part(part: Iterable[Coord]) -> Part:
    """Round to 4 decimals (~11 m) and drop consecutive duplicates that rounding creates."""
    out: Part = []
    for lon, lat in part:
        point = (round(lon, DECIMALS), round(lat, DECIMALS))
        if not out or out[-1] != point:
            out.append(point)
    return out


def km_between(a: Coord, b: Coord) -> float:
    """Geodesic distance on WGS 84, in km (the project's one distance)."""
    return float(great_circle_km(a[0], a[1], b[0], b[1]))


def chain_parts(parts: Sequence[Part], join_km: float = JOIN_KM) -> list[Part]:
    """Merge parts whose ends meet (within ``join_km``) into continuous lines.

    GEM splits one pipeline into units and parts whose ends touch, in either
    direction; duplicates (the same route under two unit names) are dropped.
    Parts that only branch off another part's middle stay separate.
    """
    unique: list[Part] = []
    for part in parts:
        if len(part) >= 2 and part not in unique and part[::-1] not in unique:
            unique.append(list(part))
    chains: list[Part] = []
    while unique:
        chain = unique.pop(0)
        grown = True
        while grown:
            grown = False
            for i, part in enumerate(unique):
                joined = _join(chain, part, join_km)
                if joined is not None:
                    chain, grown = joined, True
                    del unique[i]
                    break
        chains.append(chain)
    return chains


def _join(chain: Part, part: Part, join_km: float) -> Part | None:
    """``chain`` extended by ``part`` at whichever ends meet, or None if none do."""
    if km_between(chain[-1], part[0]) <= join_km:
        return chain + part
    if km_between(chain[-1], part[-1]) <= join_km:
        return chain + part[::-1]
    if km_between(chain[0], part[-1]) <= join_km:
        return part + chain
    if km_between(chain[0], part[0]) <= join_km:
        return part[::-1] + chain
    return None


def line_geometry(parts: Sequence[Part]) -> dict[str, Any]:
    """GeoJSON LineString (one part) or MultiLineString, densified and rounded."""
    finished = [round_part(densify(p)) for p in parts]
    finished = [p for p in finished if len(p) >= 2]
    if len(finished) == 1:
        return {"type": "LineString", "coordinates": [list(c) for c in finished[0]]}
    return {"type": "MultiLineString", "coordinates": [[list(c) for c in p] for p in finished]}


def point_geometry(lon: float, lat: float) -> dict[str, Any]:
    """GeoJSON Point, rounded."""
    return {"type": "Point", "coordinates": [round(lon, DECIMALS), round(lat, DECIMALS)]}


def vertices(geometry: dict[str, Any]) -> list[Coord]:
    """All positions of a Point, LineString or MultiLineString, in order."""
    coords = geometry["coordinates"]
    if geometry["type"] == "Point":
        return [(coords[0], coords[1])]
    if geometry["type"] == "LineString":
        return [(c[0], c[1]) for c in coords]
    return [(c[0], c[1]) for part in coords for c in part]


# --------------------------------------------------------------------------- countries


_COUNTRY_NAMES = {"Türkiye": "TUR", "Russia": "RUS", "Iran": "IRN", "Syria": "SYR"}


def alpha3(name: str) -> str:
    """ISO alpha-3 for a country name as GEM spells it."""
    name = name.strip()
    if name in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[name]
    return str(pycountry.countries.lookup(name).alpha_3)


def route_order(
    geometry: dict[str, Any], codes: Sequence[str], borders: dict[str, BaseGeometry], sea: bool
) -> list[str]:
    """Countries sorted by the first vertex that comes within the tolerance of each.

    Countries are listed in route order; GEM's column and our own lists are not
    guaranteed to be in it, so it is computed from the geometry (ties keep the
    given order).
    """
    points = shapely.points(np.array(vertices(geometry)))
    limit_deg = (SEA_LANE_REACH_KM if sea else LAND_TOLERANCE_KM) / KM_PER_DEGREE

    def position(code: str) -> int:
        distances = shapely.distance(points, borders[code])
        close = np.nonzero(distances <= limit_deg)[0]
        return int(close[0]) if close.size else int(np.argmin(distances))

    return sorted(dict.fromkeys(codes), key=position)


# --------------------------------------------------------------------------- features


def make_feature(
    *,
    id: str,
    name: str,
    kind: str,
    countries: Sequence[str],
    criticality: str,
    operator: str | None,
    status: str,
    note: str | None,
    source: str,
    geometry: dict[str, Any],
) -> Feature:
    """One GeoJSON Feature with exactly the properties ``Asset`` expects."""
    if status not in STATUSES:
        raise ValueError(f"{id}: status {status!r} is not one of {sorted(STATUSES)}")
    properties = {
        "id": id,
        "name": name,
        "kind": kind,
        "countries": list(countries),
        "criticality": criticality,
        "operator": operator,
        "status": status,
        "note": note,
        "source": " ".join(source.split()),
    }
    return {"type": "Feature", "geometry": geometry, "properties": properties}


# --------------------------------------------------------------------------- GEM pipelines


_TRACKERS = {
    "gas": (GAS_CSV, "Asia Gas Tracker map data 2024-05"),
    "oil": (OIL_CSV, "Global Oil Infrastructure Tracker, oil and NGL pipelines map data 2024-06"),
}
_GEM_STATUS = {
    "operating": "operating",
    "construction": "construction",
    "proposed": "proposed",
    "mothballed": "mothballed",
    "idle": "mothballed",
    "cancelled": "cancelled",
    "shelved": "cancelled",
}


def gem_status(row: dict[str, str]) -> str:
    """Our status from a GEM row: the gas file's ``status_tabular`` (plain words) if
    present, else ``status`` (the gas file's ``status`` says e.g. "construction_plus")."""
    raw = (row.get("status_tabular") or row["status"]).strip().lower()
    return _GEM_STATUS[raw.removesuffix("_plus")]


def _norm(text: str) -> str:
    """Compare GEM names without caring about dash style, case or stray spaces."""
    return text.replace(DASH, "-").strip().casefold()


@cache
def _gem_rows(path: Path) -> tuple[dict[str, str], ...]:
    """The rows of one GEM CSV (read once)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def find_gem_row(data_dir: Path, tracker: str, project: str, unit: str) -> dict[str, str]:
    """The single GEM pipeline row with this project and unit name."""
    rows = [
        r
        for r in _gem_rows(data_dir / _TRACKERS[tracker][0])
        if _norm(r["project"]) == _norm(project)
        and _norm(r["unit"] or "") == _norm(unit)
        and "pipeline" in r["type"]
    ]
    if len(rows) != 1:
        raise LookupError(f"GEM {tracker}: {len(rows)} rows for {project!r} / {unit!r}")
    return rows[0]


def parse_gem_route(text: str) -> list[Part]:
    """GEM's ``route`` text ("lat,lon:lat,lon;..."), latitude first, to [lon, lat] parts."""
    parts: list[Part] = []
    for chunk in text.split(";"):
        part: Part = []
        for pair in chunk.strip().split(":"):
            lat, lon = (float(v) for v in pair.split(","))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError(f"GEM route position {pair!r} is out of range")
            part.append((lon, lat))
        parts.append(part)
    return parts


def gem_feature(spec: GemSpec, data_dir: Path, borders: dict[str, BaseGeometry]) -> Feature:
    """A pipeline asset from one or more GEM rows, joined where their ends meet."""
    rows = [find_gem_row(data_dir, spec.tracker, p, u) for p, u in spec.rows]
    parts = []
    for row in rows:
        row_parts = parse_gem_route(row["route"])
        parts += [row_parts[0][spec.drop_head :], *row_parts[1:]]
    geometry = line_geometry(chain_parts(parts))
    countries = spec.countries or tuple(
        dict.fromkeys(alpha3(c) for row in rows for c in row["countries"].split(",") if c.strip())
    )
    status = spec.status or gem_status(rows[0])
    labels = "; ".join(
        f"'{row['project']} / {row['unit']}'" if row["unit"] else f"'{row['project']}'"
        for row in rows
    )
    urls = " ".join(dict.fromkeys(f"({row['url'].strip()})" for row in rows))
    source = (
        f"Global Energy Monitor, {_TRACKERS[spec.tracker][1]}, {labels} {urls}, CC BY 4.0; "
        f"{DENSIFIED}"
    )
    return make_feature(
        id=spec.id, name=spec.name, kind=spec.kind,
        countries=route_order(geometry, countries, borders, sea=False),
        criticality=spec.criticality, operator=spec.operator, status=status,
        note=spec.note, source=source, geometry=geometry,
    )  # fmt: skip


# --------------------------------------------------------------------------- ports


def _strip_dbf_header(row: dict[str, str]) -> dict[str, str]:
    """WPI headers carry DBF types (``INDEX_NO,N,16,6``): keep the field name only."""
    return {key.split(",")[0]: value for key, value in row.items()}


@cache
def _wpi(path: Path) -> dict[int, dict[str, str]]:
    """World Port Index rows by INDEX_NO."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = [_strip_dbf_header(r) for r in csv.DictReader(handle)]
    return {int(float(r["INDEX_NO"])): r for r in rows}


@cache
def _searoute_ports() -> dict[str, dict[str, Any]]:
    """searoute's bundled ports.geojson features by UN/LOCODE."""
    path = Path(searoute.__file__).parent / "data" / "ports.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["port"]: f for f in features}


def searoute_version() -> str:
    """The installed searoute version, for citations."""
    return version("searoute")


def port_feature(spec: PortSpec, data_dir: Path) -> Feature:
    """A port Point from the World Port Index, else from searoute's port list."""
    alpha2 = pycountry.countries.get(alpha_3=spec.country).alpha_2
    if spec.wpi_index is not None:
        row = _wpi(data_dir / WPI_CSV)[spec.wpi_index]
        if row["COUNTRY"] != alpha2:
            raise ValueError(f"{spec.id}: WPI country {row['COUNTRY']} is not {alpha2}")
        lon, lat = float(row["LONGITUDE"]), float(row["LATITUDE"])
        source = (
            f"NGA World Port Index (Pub. 150), INDEX_NO {spec.wpi_index} "
            f"('{row['PORT_NAME'].strip()}'), public domain"
        )
    elif spec.locode is not None:
        feature = _searoute_ports()[spec.locode]
        if not spec.locode.startswith(alpha2):
            raise ValueError(f"{spec.id}: LOCODE {spec.locode} is not in {alpha2}")
        lon, lat = feature["geometry"]["coordinates"]
        source = (
            f"searoute {searoute_version()} bundled ports.geojson, UN/LOCODE {spec.locode} "
            f"('{feature['properties']['name']}'), Apache-2.0"
        )
    else:
        raise ValueError(f"{spec.id}: give a WPI INDEX_NO or a UN/LOCODE")
    return make_feature(
        id=spec.id, name=spec.name, kind="port", countries=[spec.country],
        criticality=spec.criticality, operator=spec.operator, status="operating",
        note=spec.note, source=source, geometry=point_geometry(lon, lat),
    )  # fmt: skip


# --------------------------------------------------------------------------- sea lanes


def sea_lane_feature(spec: SeaLaneSpec, borders: dict[str, BaseGeometry]) -> Feature:
    """A sea lane from searoute's maritime network between the two ends of the segment."""
    route = searoute.searoute(list(spec.origin), list(spec.destination), return_passages=True)
    coords = [(float(c[0]), float(c[1])) for c in route["geometry"]["coordinates"]]
    geometry = line_geometry([coords])
    passages = sorted(route["properties"].get("traversed_passages") or [])
    via = f", passages: {', '.join(passages)}" if passages else ""
    source = (
        f"searoute {searoute_version()} maritime network (Apache-2.0; network derived from "
        f"Eurostat SeaRoute), searoute.searoute({list(spec.origin)} {ARROW} "
        f"{list(spec.destination)}){via}; {DENSIFIED}"
    )
    return make_feature(
        id=spec.id, name=spec.name, kind="sea_lane",
        countries=route_order(geometry, spec.countries, borders, sea=True),
        criticality=spec.criticality, operator=None, status="operating",
        note=spec.note, source=source, geometry=geometry,
    )  # fmt: skip


# --------------------------------------------------------------------------- hand-drawn


def expand_part(items: Sequence[Any], segments: dict[str, list[list[float]]]) -> Part:
    """A line part from waypoints and named shared segments, in order."""
    part: Part = []
    for item in items:
        points = segments[item] if isinstance(item, str) else [item]
        part.extend((float(p[0]), float(p[1])) for p in points)
    return part


def hand_drawn_feature(
    entry: dict[str, Any], segments: dict[str, list[list[float]]], borders: dict[str, BaseGeometry]
) -> Feature:
    """A feature from one entry of hand_drawn_assets.yaml."""
    if "point" in entry:
        lon, lat = entry["point"]
        geometry = point_geometry(float(lon), float(lat))
        countries = list(entry["countries"])
    else:
        geometry = line_geometry([expand_part(p, segments) for p in entry["parts"]])
        countries = route_order(geometry, entry["countries"], borders, sea=False)
        if countries != list(entry["countries"]):
            print(f"note: {entry['id']}: countries put in route order {countries}")
    return make_feature(
        id=entry["id"], name=entry["name"], kind=entry["kind"], countries=countries,
        criticality=entry["criticality"], operator=entry.get("operator"),
        status=entry.get("status", "operating"), note=entry.get("note"),
        source=entry["source"], geometry=geometry,
    )  # fmt: skip


def hand_drawn_features(path: Path, borders: dict[str, BaseGeometry]) -> list[Feature]:
    """Every asset of the hand-drawn YAML file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    segments = document.get("segments", {})
    return [hand_drawn_feature(e, segments, borders) for e in document["assets"]]


# --------------------------------------------------------------------------- build


_KIND_ORDER = (
    "gas_pipeline", "oil_pipeline", "railway", "economic_corridor",
    "sea_lane", "port", "dry_port", "border_crossing",
)  # fmt: skip


def build(data_dir: Path, hand_drawn: Path, borders: dict[str, BaseGeometry]) -> list[Feature]:
    """All assets, grouped by kind in a stable order."""
    features = [gem_feature(s, data_dir, borders) for s in GEM_SPECS]
    features += [port_feature(s, data_dir) for s in PORT_SPECS]
    features += [sea_lane_feature(s, borders) for s in SEA_LANE_SPECS]
    features += hand_drawn_features(hand_drawn, borders)
    return sorted(features, key=lambda f: _KIND_ORDER.index(f["properties"]["kind"]))


def write_collection(features: Sequence[Feature], path: Path) -> None:
    """Write a FeatureCollection, one compact feature per line (diffable, not huge)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- checks


def check_shape(feature: Feature) -> list[str]:
    """Validity, vertex gaps, duplicate consecutive vertices and coordinate precision."""
    geometry = feature["geometry"]
    problems: list[str] = []
    problem = geometry_problem(geometry["type"], geometry["coordinates"])
    if problem:
        problems.append(f"geometry: {problem}")
    positions = vertices(geometry)
    if any(round(v, DECIMALS) != v for p in positions for v in p):
        problems.append("coordinates are not rounded to 4 decimals")
    if geometry["type"] == "Point":
        return problems
    gap = max_vertex_gap_km(shape(geometry))
    if gap > MAX_GAP_KM:
        problems.append(f"vertex gap {gap:.1f} km > {MAX_GAP_KM:.0f} km")
    parts = (
        [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
    )
    for part in parts:
        for i, (a, b) in enumerate(itertools.pairwise(part)):
            if a == b:
                problems.append(f"duplicate consecutive vertex {i + 1} {b}")
    return problems


def check_model(feature: Feature) -> list[str]:
    """Problems the Asset model reports, then where the asset lies (the package's own check)."""
    try:
        asset = Asset.model_validate({**feature["properties"], "geometry": feature["geometry"]})
    except ValueError as exc:
        return [f"model: {' '.join(str(exc).split())}"]
    return placement_problems(asset)


def check(features: Sequence[Feature]) -> list[str]:
    """Every rule of the atlas geometry, one message per violation, prefixed by asset id."""
    messages: list[str] = []
    seen: set[str] = set()
    for feature in features:
        asset_id = feature["properties"]["id"]
        problems = check_model(feature) + check_shape(feature)
        if asset_id in seen:
            problems.append("duplicate id")
        seen.add(asset_id)
        if set(feature["properties"]) != PROPERTY_KEYS:
            problems.append(f"unexpected properties {sorted(feature['properties'])}")
        messages += [f"{asset_id}: {p}" for p in problems]
    return messages


def summary(features: Sequence[Feature]) -> str:
    """Count of assets by kind."""
    counts: dict[str, int] = {}
    for feature in features:
        kind = feature["properties"]["kind"]
        counts[kind] = counts.get(kind, 0) + 1
    listed = ", ".join(f"{k} {counts[k]}" for k in _KIND_ORDER if k in counts)
    return f"{len(features)} assets: {listed}"


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data_dir", nargs="?", type=Path, default=DEFAULT_DATA_DIR,
        help="the shared public data directory (default: ../shared/data from the repo root)",
    )  # fmt: skip
    parser.add_argument("--hand-drawn", type=Path, default=HAND_DRAWN_FILE)
    parser.add_argument("--output", type=Path, default=OUTPUT_FILE)
    parser.add_argument(
        "--check", action="store_true", help="only check the existing output file, do not build"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Build (unless --check), then check; exit status 1 on any violation."""
    args = parse_args(argv)
    borders = country_shapes()
    if args.check:
        features = json.loads(args.output.read_text(encoding="utf-8"))["features"]
    else:
        features = build(args.data_dir, args.hand_drawn, borders)
        write_collection(features, args.output)
        print(f"wrote {args.output}")
    print(summary(features))
    messages = check(features)
    for message in messages:
        print(message)
    print(f"{len(messages)} violation(s)")
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main())
