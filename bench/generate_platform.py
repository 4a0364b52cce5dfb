"""A seeded platform for the API benchmark: agencies, operators, sharing groups, users, and
incidents of realistic shape as record tables (the columnar import's input).

Public data (UCDP-, ACLED- and ASAM-like, TLP:CLEAR) is most of the store; the rest is
the agencies' own reports, GREEN to RED, a share of the AMBER/RED ones shared with a
group their reporter belongs to, so the sharing filter has real work to do. Positions
cluster around the hot spots of ``generate.py`` plus a uniform share over lon 20..125,
lat -15..55, as ../shared/BENCHMARKS.md asks.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from corridor.events.columnar import RECORD_SCHEMA, uuid_column
from generate import clustered_positions

# id: (kind, country, mechanism)
ORGANIZATIONS: dict[str, tuple[str, str | None, str | None]] = {
    "kz-mvd": ("law_enforcement", "KAZ", None),
    "uz-mvd": ("law_enforcement", "UZB", None),
    "cn-mps": ("law_enforcement", "CHN", None),
    "pk-fia": ("law_enforcement", "PAK", None),
    "ru-mvd": ("law_enforcement", "RUS", None),
    "ir-police": ("law_enforcement", "IRN", None),
    "tr-police": ("law_enforcement", "TUR", None),
    "az-mia": ("law_enforcement", "AZE", None),
    "pipechina": ("operator", "CHN", None),
    "ogdcl": ("operator", "PAK", None),
    "sco-rats": ("secretariat", None, "SCO"),
}
# id: (mechanism, confidential, owner, members added by hand)
GROUPS: dict[str, tuple[str | None, bool, str, tuple[str, ...]]] = {
    "sco": ("SCO", False, "cn-mps", ()),
    "central-asia": (None, False, "kz-mvd", ("kz-mvd", "uz-mvd", "cn-mps", "ru-mvd")),
    "corridor-ops": (None, False, "cn-mps", ("pipechina", "ogdcl", "cn-mps", "pk-fia", "kz-mvd")),
    "quiet": (None, True, "kz-mvd", ("kz-mvd", "tr-police", "az-mia")),
    "nobody": (None, False, "tr-police", ()),
}
# The groups each reporting agency shares with (it belongs to them).
SHARES_WITH = {
    "kz-mvd": ("sco", "central-asia", "corridor-ops", "quiet"),
    "uz-mvd": ("sco", "central-asia"),
    "cn-mps": ("sco", "central-asia", "corridor-ops"),
    "pk-fia": ("sco", "corridor-ops"),
    "ru-mvd": ("sco", "central-asia"),
    "ir-police": ("sco",),
    "tr-police": ("quiet", "nobody"),
    "az-mia": ("quiet",),
}
AGENCIES = tuple(SHARES_WITH)
# user: (organization, roles); the load is generated as the readers.
USERS = {f"{org}-analyst": (org, ("analyst",)) for org in ORGANIZATIONS if org != "sco-rats"}
READERS = ("kz-mvd-analyst", "pk-fia-analyst", "uz-mvd-analyst")

# (longitude, latitude, spread in degrees, ISO country)
HOT_SPOTS = (
    (38.0, 35.0, 1.5, "SYR"),
    (44.0, 33.5, 1.5, "IRQ"),
    (66.0, 34.0, 2.0, "AFG"),
    (71.5, 33.0, 1.5, "PAK"),
    (45.0, 15.0, 1.5, "YEM"),
    (45.5, 4.0, 2.0, "SOM"),
    (96.0, 21.0, 2.0, "MMR"),
    (122.0, 7.5, 1.5, "PHL"),
    (68.0, 48.0, 3.0, "KAZ"),
    (64.0, 41.0, 2.0, "UZB"),
)
UNIFORM_COUNTRIES = ("CHN", "IND", "IRN", "TKM", "KGZ", "TJK", "MNG", "OMN")

# source: (share of rows, reporter, classes, class weights)
SOURCES = (
    (
        "ucdp",
        0.55,
        "public:ucdp",
        ("armed_conflict", "political_turmoil", "terrorism"),
        (0.6, 0.2, 0.2),
    ),
    (
        "acled",
        0.12,
        "public:acled",
        ("political_turmoil", "armed_conflict", "terrorism", "separatism"),
        (0.4, 0.3, 0.2, 0.1),
    ),
    ("asam", 0.03, "public:asam", ("piracy",), (1.0,)),
    (
        "report",
        0.30,
        None,
        (
            "infrastructure_attack",
            "terrorism",
            "drug_trafficking",
            "human_smuggling",
            "organized_crime",
            "cyber",
            "separatism",
            "religious_extremism",
            "armed_conflict",
        ),
        (0.25, 0.15, 0.12, 0.1, 0.1, 0.08, 0.08, 0.06, 0.06),
    ),
)
# Labels of the agencies' own reports, and how often.
REPORT_TLP = (("green", 0.35), ("amber", 0.40), ("amber+strict", 0.10), ("red", 0.15))
SHARED_SHARE = 0.45  # of the AMBER/STRICT/RED reports, shared with one group (some two)
TARGETS = ("people", "pipeline", "railway", "port", "energy", "government", "property")
FIRST_DAY = np.datetime64("1989-01-01")
DAYS = (np.datetime64("2024-12-31") - FIRST_DAY).astype(int) + 1


def _choice(rng: np.random.Generator, values: tuple[str, ...], weights: object, n: int) -> object:
    return np.asarray(values, dtype=object)[rng.choice(len(values), n, p=weights)]  # type: ignore[arg-type]


def incident_tables(rows: int, *, seed: int = 11, chunk: int = 100_000) -> Iterator[pa.Table]:
    """``rows`` incidents as record tables of ``chunk`` rows (RECORD_SCHEMA), seeded."""
    rng = np.random.default_rng(seed)
    shares = np.array([s[1] for s in SOURCES])
    for first in range(0, rows, chunk):
        n = min(chunk, rows - first)
        kind = rng.choice(len(SOURCES), n, p=shares / shares.sum())
        ids = np.arange(first + 1, first + n + 1)
        centres = np.array([h[:3] for h in HOT_SPOTS])
        spot, uniform, lon, lat = clustered_positions(rng, n, centres, 0.2)
        country = np.where(
            uniform,
            np.asarray(UNIFORM_COUNTRIES, dtype=object)[rng.integers(0, 8, n)],
            np.asarray([h[3] for h in HOT_SPOTS], dtype=object)[spot],
        )
        day = FIRST_DAY + rng.integers(0, DAYS, n).astype("timedelta64[D]")
        threat = np.empty(n, dtype=object)
        reporter = np.empty(n, dtype=object)
        tlp = np.full(n, "clear", dtype=object)
        source = np.empty(n, dtype=object)
        for k, (name, _share, by, classes, weights) in enumerate(SOURCES):
            mask = kind == k
            m = int(mask.sum())
            source[mask] = name
            threat[mask] = _choice(rng, classes, weights, m)
            if by is not None:
                reporter[mask] = by
            else:
                reporter[mask] = np.asarray(AGENCIES, dtype=object)[
                    rng.integers(0, len(AGENCIES), m)
                ]
                labels, p = zip(*REPORT_TLP, strict=True)
                tlp[mask] = _choice(rng, labels, p, m)
        best = rng.geometric(0.3, n) - 1
        report = source == "report"
        titles = np.char.add(np.char.add(threat.astype(str), " near "), country.astype(str))
        uuid = np.empty(n, dtype=object)
        id_text = ids.astype(str).astype(object)
        for name, *_ in SOURCES:
            mask = source == name
            uuid[mask] = uuid_column(name, list(id_text[mask])).to_numpy(zero_copy_only=False)
        columns = {
            "uuid": uuid,
            "source": source,
            "source_id": id_text,
            "title": titles.astype(object),
            "description": np.where(
                report,
                "Reported by the liaison office; details in the case "
                "file. Local police and the operator were informed.",
                "",
            ),
            "start_date": day,
            "end_date": day,
            "date_precision": np.where(rng.random(n) < 0.9, "day", "month"),
            "longitude": np.clip(lon, -180, 180).round(5),
            "latitude": np.clip(lat, -90, 90).round(5),
            "location_precision": rng.integers(1, 6, n).astype(np.int16),
            "country": country,
            "location_name": np.char.add("district ", (ids % 9973).astype(str)).astype(object),
            "threat_class": threat,
            "source_categories": np.where(report, "[]", '["state-based"]'),
            "severity": np.clip(1 + best // 2, 1, 5).astype(np.int16),
            "fatalities_best": best,
            "fatalities_low": best,
            "fatalities_high": best + 1,
            "actors": np.where(report, "[]", '["Government","insurgents"]'),
            "target": np.where(report, np.asarray(TARGETS, dtype=object)[ids % len(TARGETS)], None),
            "tags": "[]",
            "reporter": reporter,
            "tlp": tlp,
            "source_updated": None,
        }
        arrays = []
        for field in RECORD_SCHEMA:
            values = columns[field.name]
            if values is None or isinstance(values, str):
                arrays.append(pa.array([values] * n, type=field.type))
            else:
                arrays.append(pa.array(values, type=field.type))
        yield pa.Table.from_arrays(arrays, schema=RECORD_SCHEMA)


def shares_for(
    uuids: list[str], reporters: list[str], *, seed: int = 12
) -> Iterator[tuple[str, str, str]]:
    """(incident uuid, group, reporter) shares for AMBER/STRICT/RED reports: a seeded
    ``SHARED_SHARE`` of them with one of their reporter's groups, a sixth of those with
    a second."""
    rng = np.random.default_rng(seed)
    for uuid, reporter in zip(uuids, reporters, strict=True):
        if rng.random() >= SHARED_SHARE:
            continue
        groups = SHARES_WITH[reporter]
        picked = list(dict.fromkeys(groups[i] for i in rng.integers(0, len(groups), 2)))
        for group in picked[: 2 if rng.random() < 1 / 6 else 1]:
            yield uuid, group, reporter
