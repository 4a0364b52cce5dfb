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
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, Engine

from corridor.alerts.routing import Recipient, route_alert
from corridor.alerts.rules import AlertRule
from corridor.atlas.catalog import Atlas
from corridor.events.access import Viewer, may_read
from corridor.events.model import Incident

if TYPE_CHECKING:  # matching brings numpy and the compiled index: loaded on first use
    from corridor.alerts.matching import Match

__all__ = [
    "AlertSummary",
    "Notify",
    "alerts_after_import",
    "raise_alerts",
    "raise_alerts_since",
    "to_outbox",
]


def to_outbox(
    connection: Connection, organization: str, event: str, payload: Mapping[str, Any]
) -> None:
    """The platform's notifier: the organization's webhooks get the message, written to
    the delivery outbox in the caller's transaction (the inbox holds it anyway)."""
    from corridor.cooperation.records import utc
    from corridor.delivery import enqueue

    enqueue(connection, organization=organization, event=event, payload=dict(payload),
            now=utc())  # fmt: skip


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
    notify = notify or to_outbox
    organizations = organizations_by_id(connection)
    operated = {org.id: org.assets for org in organizations.values()}
    matcher = matcher_for(atlas)
    found, too_old = matcher.matches(incidents, active, operated, today=now.date())
    seen = known_keys(connection, (m.key for m in found))
    fresh = [m for m in found if m.key not in seen]
    groups_on = memberships(connection, atlas, organizations=organizations)
    router = _Router(connection, atlas, organizations, groups_on)
    raised, grouped = _store(connection, fresh, router, now, notify)
    return AlertSummary(
        raised=len(raised),
        grouped=grouped,
        repeated=len(found) - len(fresh),
        too_old=len(too_old),
        alerts=tuple(raised),
    )


class _Router:
    """Who receives an alert about one incident near one asset, worked out once per kind
    of incident (the same label, owner, sharing, place and year route alike: a storm of
    like incidents costs one routing)."""

    def __init__(
        self,
        connection: Connection,
        atlas: Atlas,
        organizations: Mapping[str, Any],
        groups_on: Callable[[str, date], frozenset[str]],
    ) -> None:
        self.connection, self.atlas, self.organizations = connection, atlas, organizations
        self.groups_on = groups_on
        self._known: dict[tuple[Any, ...], tuple[tuple[Recipient, ...], int]] = {}

    def recipients(self, asset: str, incident: Incident) -> tuple[tuple[Recipient, ...], int]:
        """The recipients, and how many the sharing rules withheld."""
        from corridor.store.parties import shares_of

        shares = tuple(shares_of(self.connection, str(incident.uuid)))
        key = (asset, incident.country, incident.threat_class, incident.start_date,
               incident.tlp, incident.reporter, shares)  # fmt: skip
        if key not in self._known:

            def reads(organization: str) -> bool:
                groups = self.groups_on(organization, incident.start_date)
                return may_read(Viewer(organization, groups), incident.tlp, incident.reporter,
                                shares)  # fmt: skip

            found, withheld = route_alert(
                asset=self.atlas.assets[asset], incident_country=incident.country,
                threat_class=incident.threat_class, year=incident.start_date.year,
                atlas=self.atlas, organizations=self.organizations, may_read=reads,
            )  # fmt: skip
            self._known[key] = (found, len(withheld.organizations))
        return self._known[key]


def _payload(match: Match, alert_uuid: str, recipient: Recipient) -> dict[str, Any]:
    """What a recipient is told of a new alert (or of an alert it newly receives)."""
    incident, rule = match.incident, match.rule
    return {
        "alert": alert_uuid, "rule": rule.id, "rule_name": rule.name, "asset": match.asset,
        "incident": {"uuid": str(incident.uuid), "title": incident.title,
                     "date": incident.start_date.isoformat(),
                     "threat_class": incident.threat_class, "severity": incident.severity,
                     "country": incident.country, "tlp": incident.tlp.value},
        "distance_km": round(match.distance_km, 3), "why": list(recipient.reasons), "level": 0,
    }  # fmt: skip


def _store(
    connection: Connection,
    matches: Sequence[Match],
    router: _Router,
    now: datetime,
    notify: Notify | None,
) -> tuple[list[str], int]:
    """Write the matches as new or grouped alerts; the new alerts' uuids and how many
    incidents joined open ones. An incident that joins an alert and may be read by an
    organization the alert did not reach yet brings it in (told as of a new alert)."""
    from corridor.store.alerts import add_event, add_incidents, open_alerts

    by_pair: dict[tuple[str, str], list[Match]] = defaultdict(list)
    for match in sorted(matches, key=lambda m: (m.rule.id, m.asset, _day(m.incident))):
        by_pair[(match.rule.id, match.asset)].append(match)
    # Only open alerts a window can reach: months of alerts nobody closed cost nothing.
    reach = min((_day(m.incident) - timedelta(hours=m.rule.window_hours) for m in matches),
                default=None)  # fmt: skip
    standing: dict[tuple[str, str], list[_Open]] = defaultdict(list)
    for row in open_alerts(connection, by_pair, last_on_from=reach):
        standing[(row.rule_id, row.asset_id)].append(_Open.of(connection, row))
    raised: list[str] = []
    joins: list[dict[str, Any]] = []
    for pair, pair_matches in by_pair.items():
        for match in pair_matches:
            window = timedelta(hours=match.rule.window_hours)
            day = _day(match.incident)
            recipients, withheld = router.recipients(match.asset, match.incident)
            alert = next((a for a in standing[pair] if a.takes(day, window)), None)
            if alert is None:
                alert = _open_alert(connection, match, recipients, withheld, now)
                standing[pair].append(alert)
                raised.append(alert.uuid)
            else:
                alert.join(day, match.incident.severity)
            for recipient in alert.reach(recipients):
                if notify is not None:
                    payload = _payload(match, alert.uuid, recipient)
                    notify(connection, recipient.organization, "alert.raised", payload)
            if alert.uuid in raised[-1:] and alert.joined == 0:
                alert.initial, alert.newly_reached = alert.newly_reached, []
            joins.append(
                {"rule_id": match.rule.id, "asset_id": match.asset,
                 "incident_uuid": str(match.incident.uuid), "alert_id": alert.id,
                 "distance_km": round(match.distance_km, 3), "added_at": now}
            )  # fmt: skip
        for alert in standing[pair]:
            if alert.changed:
                if alert.joined or alert.newly_reached:
                    add_event(connection, alert.id, "grouped", now, detail=alert.growth())
                alert.save(connection, now)
    add_incidents(connection, joins)
    return raised, len(joins) - len(raised)


@dataclass
class _Open:
    """An alert incidents may still join, as it stands in this transaction."""

    id: int
    uuid: str
    first_on: date
    last_on: date
    count: int
    severity: int
    reached: set[str] | None  # its recipients; None: not read yet (see :meth:`reach`)
    connection: Connection | None = None  # where to read them
    changed: bool = False
    joined: int = 0
    newly_reached: list[Recipient] = field(default_factory=list)
    initial: list[Recipient] = field(default_factory=list)  # of an alert raised just now

    @classmethod
    def of(cls, connection: Connection, row: Any) -> _Open:
        return cls(row.id, row.uuid, row.first_on, row.last_on, row.incident_count,
                   row.severity, None, connection)  # fmt: skip

    def takes(self, day: date, window: timedelta) -> bool:
        return self.first_on - window <= day <= self.last_on + window

    def join(self, day: date, severity: int) -> None:
        self.first_on, self.last_on = min(self.first_on, day), max(self.last_on, day)
        self.count += 1
        self.joined += 1
        self.severity = max(self.severity, severity)
        self.changed = True

    def reach(self, recipients: Sequence[Recipient]) -> list[Recipient]:
        """Those of ``recipients`` the alert had not reached; they are now. The stored
        recipients are read here, for the alerts an incident joins only."""
        if self.reached is None:
            from corridor.store.alerts import recipients_of

            assert self.connection is not None  # a stored alert's, set by :meth:`of`
            self.reached = {r.organization for r in recipients_of(self.connection, self.id)}
        new = [r for r in recipients if r.organization not in self.reached]
        self.reached |= {r.organization for r in new}
        self.newly_reached += new
        self.changed = self.changed or bool(new)
        return new

    def growth(self) -> dict[str, Any]:
        """What joined since the last save, for the timeline."""
        return {"incidents": self.joined,
                "new_recipients": [r.organization for r in self.newly_reached]}  # fmt: skip

    def save(self, connection: Connection, now: datetime) -> None:
        from corridor.store.alerts import add_recipients, update_alert

        update_alert(
            connection, self.id, first_on=self.first_on, last_on=self.last_on,
            incident_count=self.count, severity=self.severity, updated_at=now,
        )  # fmt: skip
        added = {r.organization: r.reasons for r in [*self.initial, *self.newly_reached]}
        add_recipients(connection, self.id, added, 0, now)
        self.initial, self.newly_reached, self.joined, self.changed = [], [], 0, False


def _open_alert(
    connection: Connection,
    match: Match,
    recipients: Sequence[Recipient],
    withheld: int,
    now: datetime,
) -> _Open:
    """A new alert for ``match``, stored; its recipients are added (and told) by the
    caller through :meth:`_Open.reach`."""
    from corridor.store.alerts import add_event, insert_alert

    incident, rule = match.incident, match.rule
    alert_uuid = str(uuid.uuid4())
    day = _day(incident)
    alert_id = insert_alert(
        connection,
        {"uuid": alert_uuid, "rule_id": rule.id, "asset_id": match.asset, "status": "open",
         "level": 0, "severity": incident.severity, "threat_class": incident.threat_class,
         "first_on": day, "last_on": day, "incident_count": 1, "opened_at": now,
         "updated_at": now, "escalate_at": now + timedelta(minutes=rule.ack_minutes)},
    )  # fmt: skip
    add_event(
        connection, alert_id, "raised", now,
        detail={"incident": str(incident.uuid), "distance_km": round(match.distance_km, 3),
                "recipients": [r.organization for r in recipients], "withheld": withheld},
    )  # fmt: skip
    return _Open(alert_id, alert_uuid, day, day, 1, incident.severity, set(), changed=True)


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


def alerts_after_import(
    store: Engine, run_id: int, *, atlas: Atlas | None = None, notify: Notify | None = None
) -> str:
    """Raise the alerts of everything import run ``run_id`` wrote (its resumed parts too),
    in one transaction, with the rules in force; the summary line for the import report."""
    from corridor.alerts.services import current_rules
    from corridor.cooperation.groups import atlas_of
    from corridor.cooperation.records import utc
    from corridor.store.import_job import run_started_at

    with store.begin() as connection:
        since = run_started_at(connection, run_id)
        summary = raise_alerts_since(
            connection, since, atlas=atlas_of(atlas), rules=current_rules(connection),
            now=utc(), notify=notify,
        )  # fmt: skip
    return summary.describe()
