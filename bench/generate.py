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


# ---------------------------------------------------------------------------------------
# The other CSV formats, in their publishers' layouts (and ours), for the import benchmark.

# (ISO numeric, ACLED country name, region, admin1) for the hot spots, in HOT_SPOTS order.
_ACLED_PLACES = (
    (760, "Syria", "Middle East", "Homs"),
    (368, "Iraq", "Middle East", "Baghdad"),
    (4, "Afghanistan", "South Asia", "Kabul"),
    (586, "Pakistan", "South Asia", "Khyber Pakhtunkhwa"),
    (887, "Yemen", "Middle East", "Taizz"),
    (706, "Somalia", "Eastern Africa", "Banadir"),
    (104, "Myanmar", "Southeast Asia", "Shan"),
    (608, "Philippines", "Southeast Asia", "Maguindanao"),
)
_ACLED_UNIFORM = (356, "India", "South Asia", "Manipur")
_ACLED_KINDS = (
    ("Political violence", "Battles", "Armed clash"),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    ("Political violence", "Violence against civilians", "Attack"),
    ("Political violence", "Violence against civilians", "Abduction/forced disappearance"),
    ("Demonstrations", "Protests", "Peaceful protest"),
    ("Demonstrations", "Riots", "Violent demonstration"),
    ("Strategic developments", "Strategic developments", "Arrests"),
    ("Strategic developments", "Strategic developments", "Disrupted weapons use"),
)
_ACTORS = (
    "Military Forces of {c} (2018-)", "Police Forces of {c} (2018-)",
    "Unidentified Armed Group ({c})",
    "Protesters ({c})", "Rioters ({c})", "Civilians ({c})", "Islamic State ({c})",
)  # fmt: skip
ACLED_2023_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
ACLED_OLD_COLUMNS = (
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year",
    "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
    "actor2", "assoc_actor_2", "inter2", "interaction", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "timestamp", "iso3",
)  # fmt: skip
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def _events(rows: int, seed: int) -> tuple[np.random.Generator, dict[str, np.ndarray]]:
    """What every generated file shares: where (clustered) and when each event was."""
    rng = np.random.default_rng(seed)
    centres = np.array([(s[0], s[1], s[2]) for s in HOT_SPOTS])
    spot, uniform, lon, lat = clustered_positions(rng, rows, centres, 0.2)
    day = np.datetime64("1997-01-01") + rng.integers(0, 27 * 365, rows).astype("timedelta64[D]")
    return rng, {
        "spot": spot,
        "uniform": uniform,
        "lon": np.clip(lon, -180, 180).round(4),
        "lat": np.clip(lat, -90, 90).round(4),
        "day": day,
    }


def write_acled_csv(path: Path, rows: int, *, layout: str = "2023", seed: int = 11) -> Path:
    """Write ``rows`` ACLED events in the 2023 export layout or the older one (``old``:
    data_id and iso3, dates written "15 August 2021", no disorder_type or tags)."""
    rng, at = _events(rows, seed)
    kind = rng.integers(0, len(_ACLED_KINDS), rows)
    deaths = rng.geometric(0.4, rows) - 1
    actor = rng.integers(0, len(_ACTORS), (rows, 3))
    associated = rng.random(rows) < 0.2
    civilians = rng.random(rows) < 0.15
    tagged = rng.random(rows) < 0.3
    precision = rng.integers(1, 4, (rows, 2))
    stamp = rng.integers(1_500_000_000, 1_700_000_000, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACLED_2023_COLUMNS if layout == "2023" else ACLED_OLD_COLUMNS)
        for i in range(rows):
            iso, name, region, admin1 = (
                _ACLED_UNIFORM if at["uniform"][i] else _ACLED_PLACES[at["spot"][i]]
            )
            disorder, event_type, sub_type = _ACLED_KINDS[kind[i]]
            day = at["day"][i].astype(object)
            code = f"{name[:3].upper()}{i + 1}"
            actor1 = _ACTORS[actor[i, 0]].format(c=name)
            actor2 = _ACTORS[actor[i, 1]].format(c=name)
            assoc = (
                f"{_ACTORS[actor[i, 2]].format(c=name)}; Women ({name})" if associated[i] else ""
            )
            place = f"Town {i % 7919}"
            when = f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"
            notes = f"On {when}, {sub_type.lower()} near {place} ({admin1})."
            common = {
                "event_id_cnty": code, "year": day.year, "time_precision": precision[i, 0],
                "event_type": event_type, "sub_event_type": sub_type, "actor1": actor1,
                "assoc_actor_1": assoc, "inter1": 1, "actor2": actor2, "assoc_actor_2": "",
                "inter2": 2, "interaction": 12, "iso": iso, "region": region, "country": name,
                "admin1": admin1, "admin2": f"{admin1} district", "admin3": "", "location": place,
                "latitude": at["lat"][i], "longitude": at["lon"][i],
                "geo_precision": precision[i, 1], "source": "Local news; Reuters",
                "source_scale": "National", "notes": notes, "fatalities": deaths[i],
                "timestamp": stamp[i],
            }  # fmt: skip
            if layout == "2023":
                common |= {
                    "event_date": day.isoformat(), "disorder_type": disorder,
                    "civilian_targeting": "Civilian targeting" if civilians[i] else "",
                    "tags": "crowd size=no report" if tagged[i] else "",
                }  # fmt: skip
                writer.writerow([common[c] for c in ACLED_2023_COLUMNS])
            else:
                common |= {
                    "data_id": 8_000_000 + i, "event_id_no_cnty": i + 1, "iso3": name[:3].upper(),
                    "event_date": f"{day.day:02d} {_MONTH_NAMES[day.month - 1]} {day.year}",
                }  # fmt: skip
                writer.writerow([common[c] for c in ACLED_OLD_COLUMNS])
    return path


PIRACY_HEADER = (
    "date", "time", "longitude", "latitude", "attack_type", "location_description",
    "nearest_country", "eez_country", "shore_distance", "shore_longitude", "shore_latitude",
    "attack_description", "vessel_name", "vessel_type", "vessel_status", "data_source",
)  # fmt: skip
_ATTACKS = ("Boarded", "Attempted", "Boarding", "Hijacked", "NA", "Fired Upon", "Suspicious")
_VESSELS = ("Bulk carrier", "Tanker", "Container ship", "General cargo", "Fishing vessel", "NA")
_SEAS = (
    ("IDN", "Singapore Strait"), ("SOM", "Gulf of Aden"), ("NGA", "Gulf of Guinea"),
    ("MYS", "Malacca Strait"), ("BGD", "Chittagong anchorage"), ("IND", "Arabian Sea"),
)  # fmt: skip


def write_piracy_csv(path: Path, rows: int, *, seed: int = 13) -> Path:
    """Write ``rows`` attacks in the layout of "Crime at Sea" (pirate_attacks.csv)."""
    rng, at = _events(rows, seed)
    attack = rng.integers(0, len(_ATTACKS), rows)
    vessel = rng.integers(0, len(_VESSELS), rows)
    sea = rng.integers(0, len(_SEAS), rows)
    distance = rng.exponential(40.0, rows).round(6)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PIRACY_HEADER)
        for i in range(rows):
            country, place = _SEAS[sea[i]]
            writer.writerow((
                str(at["day"][i]), "NA", at["lon"][i], at["lat"][i], _ATTACKS[attack[i]], place,
                country, country, distance[i], round(at["lon"][i] + 0.1, 6),
                round(at["lat"][i] - 0.1, 6), f"Robbers boarded the vessel ({i}).",
                f"Mv Vessel {i % 50021}", _VESSELS[vessel[i]], "Anchored", "imb",
            ))  # fmt: skip
    return path


_HOSTILITIES = ("Pirates", "Robbers", "Armed robbery", "Hijacking", "Suspicious approach", "")
_ASAM_TEXTS = (
    "{c}: On {d} {m}, {n} robbers boarded an anchored {v} near position {p}. "
    "The crew were not harmed and nothing was stolen.",
    "{c}: On {d} {m}, a skiff approached the underway {v}; the armed security team "
    "fired warning shots and the skiff moved away.",
    "{c}: On {d} {m}, pirates hijacked the {v} and took it towards the coast. "
    "The crew are held for ransom.",
    "{c}: On {d} {m}, the {v} reported an explosion close to the vessel; "
    "no injuries were reported.",
)  # fmt: skip
_ASAM_PLACES = (("INDONESIA", "XI", 71), ("SOMALIA", "VIII", 61), ("NIGERIA", "II", 57),
                ("YEMEN", "IX", 62), ("BANGLADESH", "VIII", 63), ("PERU", "XVI", 22))  # fmt: skip


def _dms(value: float, positive: str, negative: str) -> str:
    seconds = round(abs(value) * 3600)
    degrees, rest = divmod(seconds, 3600)
    return f"{degrees}°{rest // 60:02d}'{rest % 60:02d}\"{positive if value >= 0 else negative}"


def write_asam_csv(path: Path, rows: int, *, seed: int = 17) -> Path:
    """Write ``rows`` ASAM records as the NGA site exports them (a DMS position on two lines)."""
    rng, at = _events(rows, seed)
    kind = rng.integers(0, len(_ASAM_TEXTS), rows)
    hostility = rng.integers(0, len(_HOSTILITIES), rows)
    place = rng.integers(0, len(_ASAM_PLACES), rows)
    us_date = rng.random(rows) < 0.3
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("reference", "date", "position", "navArea", "subreg", "hostility",
                         "victim", "description"))  # fmt: skip
        for i in range(rows):
            day = at["day"][i].astype(object)
            country, area, region = _ASAM_PLACES[place[i]]
            vessel = _VESSELS[i % 5].lower()
            position = f"{_dms(at['lat'][i], 'N', 'S')} \n{_dms(at['lon'][i], 'E', 'W')}"
            text = _ASAM_TEXTS[kind[i]].format(
                c=country,
                d=day.day,
                m=_MONTH_NAMES[day.month - 1],
                n=2 + i % 5,
                v=vessel,
                p=position.replace(" \n", " "),
            )
            written = f"{day.month:02d}/{day.day:02d}/{day.year}" if us_date[i] else day.isoformat()
            writer.writerow((f"{day.year}-{i + 1}", written, position, area, region,
                             _HOSTILITIES[hostility[i]], f"{vessel} {i % 9973}", text))  # fmt: skip
    return path


REPORT_HEADER = (
    "source", "source_id", "title", "start_date", "end_date", "date_precision", "longitude",
    "latitude", "location_precision", "country", "location_name", "description",
    "threat_class", "source_categories", "severity", "fatalities_best", "fatalities_low",
    "fatalities_high", "actors", "target", "tags", "reporter", "tlp", "source_updated",
)  # fmt: skip
_REPORT_KINDS = (("terrorism", "explosive device;bomb", "pipeline"),
                 ("piracy", "armed robbery", "vessel"),
                 ("infrastructure_attack", "sabotage", "railway"),
                 ("political_turmoil", "protest;road block", ""))  # fmt: skip
_COUNTRIES = ("SYR", "IRQ", "AFG", "PAK", "YEM", "SOM", "MMR", "PHL", "IND")
_TLPS = ("clear", "green", "amber", "amber+strict", "red")


def write_report_csv(path: Path, rows: int, *, seed: int = 19) -> Path:
    """Write ``rows`` agency reports in our own CSV format (docs/incident-format.md)."""
    rng, at = _events(rows, seed)
    kind = rng.integers(0, len(_REPORT_KINDS), rows)
    tlp = rng.integers(0, len(_TLPS), rows)
    severity = rng.integers(1, 6, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_HEADER)
        for i in range(rows):
            threat, categories, target = _REPORT_KINDS[kind[i]]
            day = str(at["day"][i])
            country = "IND" if at["uniform"][i] else _COUNTRIES[at["spot"][i]]
            writer.writerow((
                "agency-x", f"R-{i + 1}", f"Report {i + 1}: {categories.split(';')[0]}", day, "",
                "day", at["lon"][i], at["lat"][i], 2, country, f"Site {i % 4099}",
                "Found by a patrol.", threat, categories, severity[i], "", "", "",
                "Unknown group", target, "field;reported", "agency-x", _TLPS[tlp[i]],
                f"{day}T09:30:00+05:00",
            ))  # fmt: skip
    return path


# Every format the import benchmark runs: name -> (importer format, writer).
WRITERS = {
    "ucdp": ("ucdp", write_ged_csv),
    "acled": ("acled", write_acled_csv),
    "acled-old": ("acled", lambda path, rows: write_acled_csv(path, rows, layout="old")),
    "piracy": ("piracy", write_piracy_csv),
    "asam": ("asam", write_asam_csv),
    "csv": ("csv", write_report_csv),
}
