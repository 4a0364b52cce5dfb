"""Raising alerts on the atlas, on both databases: routing, sharing, grouping, no storms."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, event, func, select

from corridor.alerts.raising import AlertSummary, raise_alerts
from corridor.alerts.rules import AlertRule, bundled_rules
from corridor.atlas import Atlas
from corridor.cooperation.groups import viewer_for
from corridor.cooperation.services import create_organization, share_incident
from corridor.events.access import may_read
from corridor.events.model import Incident, Tlp
from corridor.store.alerts import recipients_of
from corridor.store.incident_writes import upsert_incidents
from corridor.store.tables import alert_incidents, alerts
from tests.cooperation.conftest import ADMIN, ORGANIZATIONS, build_platform

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC).replace(tzinfo=None)
TODAY = NOW.date()

EXTRA = {
    # id: (kind, country, mechanism): beyond the cooperation tests' platform
    "us-fbi": ("law_enforcement", "USA", None),
    "so-police": ("law_enforcement", "SOM", None),
    "dcoc": ("secretariat", None, "DCOC"),
    "cgpcs": ("secretariat", None, "CGPCS"),
    "rats-ec": ("secretariat", None, "SCO-RATS"),  # RATS's executive committee, Tashkent
}


@pytest.fixture
def platform(store: Engine, atlas: Atlas) -> Engine:
    build_platform(store, atlas)
    for org, (kind, country, mechanism) in EXTRA.items():
        create_organization(store, ADMIN, org, name=org.upper(), kind=kind, country=country,
                            mechanism=mechanism, atlas=atlas)  # fmt: skip
    return store


def kazakh_point(atlas: Atlas) -> tuple[float, float]:
    """A vertex of the Central Asia-China gas pipeline's line A inside Kazakhstan."""
    line = atlas.assets["cagp-line-a"].geometry.coordinates
    return next((lon, lat) for lon, lat in line if 70 < lon < 78 and lat > 42)


def attack(n: int, lon: float, lat: float, **changes: object) -> Incident:
    base = Incident(
        source="report", source_id=f"attack-{n}", title=f"attack {n}",
        start_date=TODAY - timedelta(days=1), threat_class="terrorism", severity=3,
        longitude=lon, latitude=lat, country="KAZ", reporter="kz-mvd", tlp=Tlp.GREEN,
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def run(store: Engine, atlas: Atlas, incidents: list[Incident], **kw: object) -> AlertSummary:
    rules = kw.pop("rules", bundled_rules())
    with store.begin() as connection:
        upsert_incidents(connection, incidents)
        return raise_alerts(connection, incidents, atlas=atlas, rules=rules, now=NOW)  # type: ignore[arg-type]


def recipients(store: Engine, alert_uuid: str) -> dict[str, list[str]]:
    with store.connect() as connection:
        alert_id = connection.execute(select(alerts.c.id).where(alerts.c.uuid == alert_uuid))
        rows = recipients_of(connection, alert_id.scalar_one())
    return {row.organization: json.loads(row.reasons) for row in rows}


def alert_on(store: Engine, asset: str, rule: str = "attack-near-pipeline") -> str:
    with store.connect() as connection:
        statement = select(alerts.c.uuid).where(
            alerts.c.asset_id == asset, alerts.c.rule_id == rule
        )
        return str(connection.execute(statement).scalar_one())


def test_an_attack_near_the_gas_pipeline_in_kazakhstan_reaches_who_it_concerns(
    platform: Engine, atlas: Atlas
) -> None:
    lon, lat = kazakh_point(atlas)
    summary = run(platform, atlas, [attack(1, lon + 0.05, lat)])
    assert summary.raised >= 1  # lines A, B and C run side by side: one alert per line
    got = recipients(platform, alert_on(platform, "cagp-line-a"))
    # the operator, the agencies of the states the line runs through and of the incident's
    # state, the SCO's anti-terror structure and INTERPOL (both cover Kazakhstan)
    concerned = {"pipechina", "kz-mvd", "cn-mps", "uz-mvd", "sco-rats", "rats-ec", "interpol"}
    assert concerned <= set(got)
    assert not {"us-fbi", "tr-police", "ir-police", "so-police", "dcoc", "cgpcs"} & set(got)
    assert "operates" in got["pipechina"][0]
    assert any("the incident happened in KAZ" in why for why in got["kz-mvd"])
    assert any(why.startswith("RATS covers") and "KAZ" in why for why in got["rats-ec"])


def test_piracy_off_somalia_reaches_the_counter_piracy_arrangements(
    platform: Engine, atlas: Atlas
) -> None:
    lane = atlas.assets["sea-lane-arabian-sea-gwadar-aden"].geometry.coordinates
    lon, lat = next((x, y) for x, y in lane if x < 52 and y < 14)  # in the Gulf of Aden
    piracy = attack(2, lon, lat - 0.2, threat_class="piracy", country=None, severity=2)
    run(platform, atlas, [piracy])
    got = recipients(platform, alert_on(platform, "sea-lane-arabian-sea-gwadar-aden",
                                        "piracy-near-sea-lane"))  # fmt: skip
    assert {"dcoc", "cgpcs", "so-police"} <= set(got)
    assert not {"sco-rats", "rats-ec", "us-fbi", "kz-mvd"} & set(got)


@pytest.mark.parametrize("shared_with", [(), ("sco",), ("nobody",), ("quiet",)])
def test_only_those_who_may_read_the_incident_receive_the_alert(
    platform: Engine, atlas: Atlas, shared_with: tuple[str, ...]
) -> None:
    lon, lat = kazakh_point(atlas)
    amber = attack(3, lon, lat, tlp=Tlp.AMBER)
    with platform.begin() as connection:
        upsert_incidents(connection, [amber])
    if shared_with:
        share_incident(platform, ADMIN, str(amber.uuid), shared_with, on=TODAY, atlas=atlas)
    with platform.begin() as connection:
        raise_alerts(connection, [amber], atlas=atlas, rules=bundled_rules(), now=NOW)
    got = set(recipients(platform, alert_on(platform, "cagp-line-a")))
    everyone = {*ORGANIZATIONS, *EXTRA}
    readers = set()
    for org in everyone:
        viewer = viewer_for(platform, org, on=amber.start_date, atlas=atlas)
        if may_read(viewer, amber.tlp, amber.reporter, shared_with):
            readers.add(org)
    assert got <= readers
    assert "kz-mvd" in got  # the reporter always reads its own
    if not shared_with or shared_with == ("nobody",):
        assert got == {"kz-mvd"}
    if shared_with == ("sco",):
        assert {"cn-mps", "uz-mvd"} <= got


def test_a_storm_of_incidents_near_one_pipeline_raises_one_alert_per_asset_and_rule(
    platform: Engine, atlas: Atlas
) -> None:
    lon, lat = kazakh_point(atlas)
    storm = [
        attack(n, lon + (n % 50) * 0.001, lat + (n % 7) * 0.001,
               start_date=TODAY - timedelta(days=n % 7))
        for n in range(10_000)
    ]  # fmt: skip
    first = run(platform, atlas, storm)
    with platform.connect() as connection:
        per_pair = connection.execute(
            select(alerts.c.rule_id, alerts.c.asset_id, func.count()).group_by(
                alerts.c.rule_id, alerts.c.asset_id
            )
        ).all()
        joined = connection.execute(select(func.count()).select_from(alert_incidents)).scalar()
    assert per_pair and all(n == 1 for _, _, n in per_pair)
    assert first.raised == len(per_pair)
    assert joined == first.raised + first.grouped
    again = run(platform, atlas, storm)
    assert (again.raised, again.grouped) == (0, 0)
    assert again.repeated == joined


def test_history_older_than_the_horizon_alerts_nobody(platform: Engine, atlas: Atlas) -> None:
    lon, lat = kazakh_point(atlas)
    old = [attack(n, lon, lat, start_date=date(2016, 3, 1) + timedelta(days=n)) for n in range(50)]
    summary = run(platform, atlas, old)
    assert summary.raised == 0 and summary.too_old == 50
    assert "older than the rules' horizon" in summary.describe()


def test_incidents_further_apart_than_the_window_raise_separate_alerts(
    platform: Engine, atlas: Atlas
) -> None:
    lon, lat = kazakh_point(atlas)
    only_a = tuple(r.model_copy(update={"assets": ("cagp-line-a",)}) for r in bundled_rules())
    early = attack(10, lon, lat, start_date=TODAY - timedelta(days=20))
    late = attack(11, lon, lat, start_date=TODAY - timedelta(days=2))
    summary = run(platform, atlas, [early, late], rules=only_a)
    assert summary.raised == 2


def test_a_disabled_rule_raises_nothing(platform: Engine, atlas: Atlas) -> None:
    lon, lat = kazakh_point(atlas)
    off = tuple(r.model_copy(update={"enabled": False}) for r in bundled_rules())
    assert run(platform, atlas, [attack(12, lon, lat)], rules=off).raised == 0


def test_an_incident_others_may_read_brings_them_into_a_grouped_alert(
    platform: Engine, atlas: Atlas
) -> None:
    lon, lat = kazakh_point(atlas)
    amber = attack(20, lon, lat, tlp=Tlp.AMBER, start_date=TODAY - timedelta(days=3))
    green = attack(21, lon, lat, tlp=Tlp.GREEN, start_date=TODAY - timedelta(days=2))
    run(platform, atlas, [amber])
    assert set(recipients(platform, alert_on(platform, "cagp-line-a"))) == {"kz-mvd"}
    summary = run(platform, atlas, [green])
    assert summary.raised == 0 and summary.grouped >= 1
    widened = set(recipients(platform, alert_on(platform, "cagp-line-a")))
    assert {"kz-mvd", "cn-mps", "uz-mvd", "pipechina", "rats-ec"} <= widened


def _statements(
    store: Engine, atlas: Atlas, incident: Incident, rules: tuple[AlertRule, ...]
) -> int:
    """How many SQL statements raising the alerts of ``incident`` took."""
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(store, "before_cursor_execute", count)
    try:
        assert run(store, atlas, [incident], rules=rules).raised == 1
    finally:
        event.remove(store, "before_cursor_execute", count)
    return len(seen)


def test_raising_does_not_slow_down_as_old_open_alerts_pile_up(
    platform: Engine, atlas: Atlas
) -> None:
    """Open alerts nobody closed stay open for months; an incident is compared only with
    those of its rule and asset its window can reach, not with every one of them."""
    lon, lat = kazakh_point(atlas)
    daily = tuple(
        r.model_copy(update={"assets": ("cagp-line-a",), "window_hours": 1, "horizon_days": 3660})
        for r in bundled_rules()
        if r.id == "attack-near-pipeline"
    )
    first = _statements(
        platform, atlas, attack(30, lon, lat, start_date=TODAY - timedelta(days=400)), daily
    )
    for n in range(40):  # forty open alerts on line A, two days apart
        day = TODAY - timedelta(days=398 - 2 * n)
        assert (
            run(platform, atlas, [attack(31 + n, lon, lat, start_date=day)], rules=daily).raised
            == 1
        )
    last = _statements(
        platform, atlas, attack(80, lon, lat, start_date=TODAY - timedelta(days=2)), daily
    )
    assert last <= first
