"""Storms through the real import, on both databases: 10,000 incidents around one pipeline in
one week raise one grouped alert per asset and rule; the same file again raises none; history
ten years old raises none, and the import says so."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

from corridor.atlas import Atlas
from corridor.events.services import import_file
from corridor.store.tables import alert_incidents, alerts
from tests.alerts.test_raising import kazakh_point
from tests.alerts.test_services import platform

__all__ = ["platform"]

COLUMNS = ("source", "source_id", "title", "start_date", "date_precision", "longitude",
           "latitude", "location_precision", "country", "threat_class", "severity", "reporter",
           "tlp")  # fmt: skip


def write_reports(path: Path, count: int, first_day: date, lon: float, lat: float) -> Path:
    rng = random.Random(5)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(count):
            day = first_day + timedelta(days=rng.randrange(7))
            writer.writerow(("kz-patrols", f"{first_day}-{n}", f"shots near the line {n}",
                             day.isoformat(), "day", round(lon + rng.uniform(-0.05, 0.05), 5),
                             round(lat + rng.uniform(-0.05, 0.05), 5), 2, "KZ", "terrorism", 3,
                             "kz-mvd", "GREEN"))  # fmt: skip
    return path


def counts(store: Engine) -> tuple[int, int, int]:
    with store.connect() as connection:
        raised = connection.execute(select(func.count()).select_from(alerts)).scalar_one()
        pairs = connection.execute(
            select(func.count()).select_from(
                select(alerts.c.rule_id, alerts.c.asset_id).distinct().subquery()
            )
        ).scalar_one()
        joined = connection.execute(select(func.count()).select_from(alert_incidents)).scalar_one()
    return raised, pairs, joined


def test_a_week_of_incidents_around_one_pipeline_raises_one_alert_per_asset_and_rule(
    platform: Engine, atlas: Atlas, tmp_path: Path
) -> None:
    lon, lat = kazakh_point(atlas)
    week = write_reports(tmp_path / "week.csv", 10_000, date.today() - timedelta(days=8), lon, lat)
    first = import_file(platform, week, organization="kz-mvd", atlas=atlas)
    raised, pairs, joined = counts(platform)
    assert raised == pairs and 1 <= raised <= 6  # the pipelines' lines near that point
    assert joined >= 10_000
    assert f"{raised} alerts raised" in first.alerts
    again = import_file(platform, week, organization="kz-mvd", atlas=atlas)
    assert counts(platform) == (raised, pairs, joined)
    assert again.alerts.startswith("0 alerts raised")


def test_history_imports_quietly_and_says_so(
    platform: Engine, atlas: Atlas, tmp_path: Path
) -> None:
    lon, lat = kazakh_point(atlas)
    old = write_reports(tmp_path / "2016.csv", 500, date(2016, 3, 1), lon, lat)
    report = import_file(platform, old, organization="kz-mvd", atlas=atlas)
    assert counts(platform) == (0, 0, 0)
    assert "500 incidents older than the rules' horizon alerted nobody" in report.alerts
