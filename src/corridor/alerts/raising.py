"""Raise alerts for new incidents inside the writer's transaction, without storms.

Called by whoever stores incidents (a report, an import) on the same connection, so an
alert and the deliveries it queues commit with the incidents or not at all. Each
(rule, asset, incident) raises or joins at most one alert, ever: re-reporting or
re-importing adds nothing. Incidents near one asset within a rule's window join the
open alert of that rule and asset (its count grows; nobody is paged again); incidents
older than the rule's horizon (history) raise nothing and are counted as such.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection

from corridor.alerts.routing import route_alert
from corridor.alerts.rules import AlertRule
from corridor.atlas.catalog import Atlas
from corridor.events.access import Viewer, may_read
from corridor.events.model import Incident

if TYPE_CHECKING:  # matching brings numpy and the compiled index: loaded on first use
    from corridor.alerts.matching import Match

__all__ = ["AlertSummary", "Notify", "raise_alerts", "raise_alerts_since"]


class Notify(Protocol):
    """Queue a message to an organization in the caller's transaction (the outbox)."""

    def __call__(
        self, connection: Connection, organization: str, event: str, payload: Mapping[str, Any]
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class AlertSummary:
    """What raising did with a batch of incidents."""

    raised: int = 0  # new alerts
    grouped: int = 0  # incidents that joined an open alert
    repeated: int = 0  # (rule, asset, incident) already alerted: ignored
    too_old: int = 0  # incidents older than the rules' horizon: history, never alerted
    alerts: tuple[str, ...] = ()  # uuids of the new alerts

    def describe(self) -> str:
        """One line for an import summary."""
        parts = [f"{self.raised} alert{'s' if self.raised != 1 else ''} raised"]
        if self.grouped:
            parts.append(f"{self.grouped} incidents joined open alerts")
        if self.repeated:
            parts.append(f"{self.repeated} already alerted")
        if self.too_old:
            parts.append(f"{self.too_old} incidents older than the rules' horizon alerted nobody")
        return "; ".join(parts)


def _day(incident: Incident) -> date:
    return incident.start_date


def raise_alerts(
    connection: Connection,
    incidents: Sequence[Incident],
    *,
    atlas: Atlas,
    rules: Sequence[AlertRule],
    now: datetime,
    notify: Notify | None = None,
) -> AlertSummary:
    """Raise or group the alerts ``incidents`` call for under ``rules``; see the module."""
    from corridor.alerts.matching import matcher_for
    from corridor.cooperation.directory import organizations_by_id
    from corridor.cooperation.groups import memberships
    from corridor.store.alerts import known_keys

    active = tuple(r for r in rules if r.enabled)
    if not incidents or not active:
        return AlertSummary()
    organizations = organizations_by_id(connection)
    operated = {org.id: org.assets for org in organizations.values()}
    matcher = matcher_for(atlas)
    found, too_old = matcher.matches(incidents, active, operated, today=now.date())
    seen = known_keys(connection, (m.key for m in found))
    fresh = [m for m in found if m.key not in seen]
    groups_on = memberships(connection, atlas)
    readers = _Readers(connection, groups_on)
    raised, grouped = _store(connection, fresh, atlas, organizations, readers, now, notify)
    return AlertSummary(
        raised=len(raised),
        grouped=grouped,
        repeated=len(found) - len(fresh),
        too_old=len(too_old),
        alerts=tuple(raised),
    )


class _Readers:
    """Whether an organization may read an incident, with the groups of each organization
    on each day worked out once."""

    def __init__(
        self, connection: Connection, groups_on: Callable[[str, date], frozenset[str]]
    ) -> None:
        self.connection = connection
        self.groups_on = groups_on
        self._shares: dict[str, list[str]] = {}

    def may_read(self, organization: str, incident: Incident) -> bool:
        from corridor.store.parties import shares_of

        key = str(incident.uuid)
        if key not in self._shares:
            self._shares[key] = shares_of(self.connection, key)
        viewer = Viewer(organization, self.groups_on(organization, incident.start_date))
        return may_read(viewer, incident.tlp, incident.reporter, self._shares[key])


def _store(
    connection: Connection,
    matches: Sequence[Match],
    atlas: Atlas,
    organizations: Mapping[str, Any],
    readers: _Readers,
    now: datetime,
    notify: Notify | None,
) -> tuple[list[str], int]:
    """Write the matches as new or grouped alerts; the new alerts' uuids and how many
    incidents joined open ones."""
    from corridor.store.alerts import add_event, add_incidents, open_alerts

    by_pair: dict[tuple[str, str], list[Match]] = defaultdict(list)
    for match in sorted(matches, key=lambda m: (m.rule.id, m.asset, _day(m.incident))):
        by_pair[(match.rule.id, match.asset)].append(match)
    standing: dict[tuple[str, str], list[_Open]] = defaultdict(list)
    for row in open_alerts(connection, by_pair):
        standing[(row.rule_id, row.asset_id)].append(_Open.of(row))
    raised: list[str] = []
    joined = 0
    for pair, pair_matches in by_pair.items():
        touched: dict[int, int] = defaultdict(int)
        for match in pair_matches:
            window = timedelta(hours=match.rule.window_hours)
            day = _day(match.incident)
            alert = next((a for a in standing[pair] if a.takes(day, window)), None)
            if alert is None:
                alert = _open_alert(connection, match, atlas, organizations, readers, now, notify)
                standing[pair].append(alert)
                raised.append(alert.uuid)
            else:
                alert.join(day, match.incident.severity)
                touched[alert.id] += 1
                joined += 1
            add_incidents(
                connection,
                [{"rule_id": match.rule.id, "asset_id": match.asset,
                  "incident_uuid": str(match.incident.uuid), "alert_id": alert.id,
                  "distance_km": round(match.distance_km, 3), "added_at": now}],
            )  # fmt: skip
        for alert in standing[pair]:
            if alert.changed:
                alert.save(connection, now)
                if alert.id in touched:
                    add_event(connection, alert.id, "grouped", now,
                              detail={"incidents": touched[alert.id]})  # fmt: skip
    return raised, joined


@dataclass
class _Open:
    """An alert incidents may still join, as it stands in this transaction."""

    id: int
    uuid: str
    first_on: date
    last_on: date
    count: int
    severity: int
    changed: bool = False

    @classmethod
    def of(cls, row: Any) -> _Open:
        return cls(row.id, row.uuid, row.first_on, row.last_on, row.incident_count, row.severity)

    def takes(self, day: date, window: timedelta) -> bool:
        return self.first_on - window <= day <= self.last_on + window

    def join(self, day: date, severity: int) -> None:
        self.first_on, self.last_on = min(self.first_on, day), max(self.last_on, day)
        self.count += 1
        self.severity = max(self.severity, severity)
        self.changed = True

    def save(self, connection: Connection, now: datetime) -> None:
        from corridor.store.alerts import update_alert

        update_alert(
            connection, self.id, first_on=self.first_on, last_on=self.last_on,
            incident_count=self.count, severity=self.severity, updated_at=now,
        )  # fmt: skip
        self.changed = False


def _open_alert(
    connection: Connection,
    match: Match,
    atlas: Atlas,
    organizations: Mapping[str, Any],
    readers: _Readers,
    now: datetime,
    notify: Notify | None,
) -> _Open:
    """A new alert for ``match``: routed, stored with its recipients, queued to each."""
    from corridor.store.alerts import add_event, add_recipients, insert_alert

    incident, rule = match.incident, match.rule
    asset = atlas.assets[match.asset]
    recipients, withheld = route_alert(
        asset=asset,
        incident_country=incident.country,
        threat_class=incident.threat_class,
        year=incident.start_date.year,
        atlas=atlas,
        organizations=organizations,
        may_read=lambda org: readers.may_read(org, incident),
    )
    alert_uuid = str(uuid.uuid4())
    day = _day(incident)
    alert_id = insert_alert(
        connection,
        {"uuid": alert_uuid, "rule_id": rule.id, "asset_id": asset.id, "status": "open",
         "level": 0, "severity": incident.severity, "threat_class": incident.threat_class,
         "first_on": day, "last_on": day, "incident_count": 1, "opened_at": now,
         "updated_at": now, "escalate_at": now + timedelta(minutes=rule.ack_minutes)},
    )  # fmt: skip
    add_recipients(connection, alert_id, {r.organization: r.reasons for r in recipients}, 0, now)
    add_event(
        connection, alert_id, "raised", now,
        detail={"incident": str(incident.uuid), "distance_km": round(match.distance_km, 3),
                "recipients": [r.organization for r in recipients],
                "withheld": len(withheld.organizations)},
    )  # fmt: skip
    if notify is not None:
        for recipient in recipients:
            payload = {
                "alert": alert_uuid, "rule": rule.id, "rule_name": rule.name,
                "asset": asset.id, "asset_name": asset.name,
                "incident": {"uuid": str(incident.uuid), "title": incident.title,
                             "date": day.isoformat(), "threat_class": incident.threat_class,
                             "severity": incident.severity, "country": incident.country,
                             "tlp": incident.tlp.value},
                "distance_km": round(match.distance_km, 3),
                "why": list(recipient.reasons), "level": 0,
            }  # fmt: skip
            notify(connection, recipient.organization, "alert.raised", payload)
    return _Open(alert_id, alert_uuid, day, day, 1, incident.severity)


def raise_alerts_since(
    connection: Connection,
    since: datetime,
    *,
    atlas: Atlas,
    rules: Sequence[AlertRule],
    now: datetime,
    notify: Notify | None = None,
) -> AlertSummary:
    """Raise the alerts of every incident written since ``since`` (an import's start).

    Only incidents within the widest rule horizon are read and matched; the others are
    history and are counted, so an import of ten-year-old records says so and costs one
    count."""
    from corridor.store.alerts import incidents_written_since

    active = [r for r in rules if r.enabled]
    if not active:
        return AlertSummary()
    cutoff = now.date() - timedelta(days=max(r.horizon_days for r in active))
    recent, history = incidents_written_since(connection, since, recent_from=cutoff)
    summary = raise_alerts(connection, recent, atlas=atlas, rules=active, now=now, notify=notify)
    return dataclasses.replace(summary, too_old=summary.too_old + history)
