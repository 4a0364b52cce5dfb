"""A small platform behind the API: agencies of five states and an operator, groups of every
kind (explicit, confidential, empty, two mechanisms), a user and token per organization and
role, and incidents, meetings (with action items) and training courses of every TLP label
shared in every way.

Everything is made through the library (as `corridor admin` would); the tests then talk
to the app over HTTP only. The app reckons group membership on ``Platform.read_day``, so
a test can read as of 2011 (Uzbekistan still in the CSTO, Iran not yet in the SCO) or
today (Uzbekistan gone since 2012, Iran in since 2023).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from corridor.alerts.raising import raise_alerts
from corridor.alerts.rules import bundled_rules
from corridor.api import create_app
from corridor.api.deps import FailedAuthLimiter
from corridor.atlas import Atlas
from corridor.cases.services import open_case
from corridor.cooperation.meeting_services import add_action_item, add_meeting
from corridor.cooperation.meetings import Meeting
from corridor.cooperation.models import Principal, Role
from corridor.cooperation.record_sharing import RecordKind, share_record
from corridor.cooperation.services import (
    add_group_members,
    create_group,
    create_organization,
    create_user,
    issue_token,
    share_incident,
)
from corridor.cooperation.training import TrainingCourse
from corridor.cooperation.training_services import add_course
from corridor.cooperation.trust_services import set_trust
from corridor.delivery import add_webhook, enqueue
from corridor.events.access import Viewer
from corridor.events.model import Incident, Tlp
from corridor.store import open_store
from corridor.store.incident_writes import upsert_incidents
from tests.cooperation.conftest import incident as reported

SECRET = b"api-test-secret-" + b"x" * 32
ADMIN = Principal.operator("platform")
TODAY = date.today()
REPORTED = datetime(2022, 5, 2, 8, 0)  # the day after the incidents: within the rules' horizon
# The days the app is made to read on: before Uzbekistan left the CSTO (2012) and Iran
# joined the SCO (2023), and today, after both.
DAYS = {"2011": date(2011, 6, 1), "today": TODAY}

ORGANIZATIONS = {
    # id: (kind, country)
    "kz-mvd": ("law_enforcement", "KAZ"),
    "uz-mvd": ("law_enforcement", "UZB"),
    "tr-police": ("law_enforcement", "TUR"),
    "cn-mps": ("law_enforcement", "CHN"),
    "pipechina": ("operator", "CHN"),
    "ir-police": ("law_enforcement", "IRN"),
}
GROUPS = {
    # id: (mechanism, confidential, owner, members added by hand)
    "pair": (None, False, "kz-mvd", ("kz-mvd", "uz-mvd")),
    "quiet": (None, True, "kz-mvd", ("kz-mvd", "tr-police")),
    "nobody": (None, False, "kz-mvd", ()),
    "sco": ("SCO", False, "cn-mps", ()),
    # owned by an organization of no member state: its admins list it, nobody there reads by it
    "csto": ("CSTO", False, "tr-police", ()),
}
ROLES = [role.value for role in Role]
# The role of the user ``auth(org)`` acts as: kz-mvd's reports, the others read.
DEFAULT_ROLE = {org: "viewer" for org in ORGANIZATIONS} | {
    "kz-mvd": "reporter",
    "cn-mps": "analyst",
}

# Who is in each group on each read day, written out by hand from the atlas's years.
EVERYONE = frozenset(ORGANIZATIONS)
KZ = frozenset({"kz-mvd"})
PAIR = KZ | {"uz-mvd"}
QUIET = KZ | {"tr-police"}
SCO = {"2011": frozenset({"kz-mvd", "uz-mvd", "cn-mps", "pipechina"})}
SCO["today"] = SCO["2011"] | {"ir-police"}  # Iran, since 2023
CSTO = {"2011": PAIR, "today": KZ}  # Uzbekistan, until 2012
MEMBERS = {
    day: {"pair": PAIR, "quiet": QUIET, "nobody": frozenset(), "sco": SCO[day], "csto": CSTO[day]}
    for day in DAYS
}

# source_id: (tlp, shared with). All reported by kz-mvd.
INCIDENTS: dict[str, tuple[Tlp, tuple[str, ...]]] = {
    "k-clear": (Tlp.CLEAR, ()),
    "k-green": (Tlp.GREEN, ()),
    "k-amber": (Tlp.AMBER, ()),
    "k-pair": (Tlp.AMBER, ("pair",)),
    "k-red-nobody": (Tlp.RED, ("nobody",)),
    "k-strict-quiet": (Tlp.AMBER_STRICT, ("quiet",)),
    "k-green-pair": (Tlp.GREEN, ("pair",)),
    "k-sco": (Tlp.AMBER, ("sco",)),
    "k-csto": (Tlp.RED, ("csto",)),
}
# Webhooks per organization (nothing listens there: the worker is not running in the API
# tests), each with one delivery of an alert.raised event.
WEBHOOKS = {"kz-mvd": ("http://127.0.0.1:9/kz-1", "http://127.0.0.1:9/kz-2"),
            "pipechina": ("http://127.0.0.1:9/pipechina",)}  # fmt: skip
# organization: {source: level}, as each organization's admin rated them (B and C weigh
# 0.75 and 0.5: figures change, nobody's incident counts do).
TRUST: dict[str, dict[str, str]] = {"kz-mvd": {"uz-mvd": "C"}, "uz-mvd": {"kz-mvd": "B"}}
# Meetings, all recorded by kz-mvd, each with one action item: id: (tlp, shared with, part of).
MEETINGS: dict[str, tuple[Tlp, tuple[str, ...], str | None]] = {
    "m-green": (Tlp.GREEN, (), None),
    "m-amber": (Tlp.AMBER, (), None),
    "m-sco": (Tlp.AMBER, ("sco",), None),
    "m-csto-quiet": (Tlp.RED, ("csto", "quiet"), None),
    "m-nobody": (Tlp.AMBER_STRICT, ("nobody",), None),
    "m-green-part": (Tlp.RED, ("csto",), "m-green"),  # held within m-green, shared on its own
}
# Training courses, all kz-mvd's: id: (tlp, shared with).
COURSES: dict[str, tuple[Tlp, tuple[str, ...]]] = {
    "c-clear": (Tlp.CLEAR, ()),
    "c-amber": (Tlp.AMBER, ()),
    "c-pair": (Tlp.RED, ("pair",)),
    "c-sco": (Tlp.AMBER, ("sco",)),
}


def _readers(day: str) -> dict[str, frozenset[str]]:
    """Who reads each object on ``day``, written out by hand (not computed by the rule
    under test): the label's audience, the owner, and the members of its groups."""
    sco, csto = SCO[day], CSTO[day]
    return {
        "k-clear": EVERYONE, "k-green": EVERYONE, "k-amber": KZ, "k-pair": PAIR,
        "k-red-nobody": KZ, "k-strict-quiet": QUIET, "k-green-pair": EVERYONE, "k-sco": sco,
        "k-csto": csto,
        "m-green": EVERYONE, "m-amber": KZ, "m-sco": sco, "m-csto-quiet": csto | QUIET,
        "m-nobody": KZ, "m-green-part": csto,
        "c-clear": EVERYONE, "c-amber": KZ, "c-pair": PAIR, "c-sco": sco,
    }  # fmt: skip


READERS = {day: _readers(day) for day in DAYS}
EXPECTED = {k: v for k, v in READERS["today"].items() if k in INCIDENTS}  # the app's own day


def incident(source_id: str, tlp: Tlp, owner: str = "kz-mvd", **changes: object) -> Incident:
    """The cooperation tests' report, at 66.7383, 39.5101 unless ``changes`` move it."""
    return reported(source_id, tlp, owner, **{"longitude": 66.7383, "latitude": 39.5101, **changes})


@dataclasses.dataclass
class ReadDay:
    """The app's clock for group membership: a day the tests set."""

    day: date = TODAY

    def __call__(self) -> date:
        return self.day


@dataclasses.dataclass
class Platform:
    url: str
    store: Engine
    tokens: dict[tuple[str, str], str]  # (organization, role) -> its user's token
    uuids: dict[str, str]  # source_id -> uuid
    read_day: ReadDay = dataclasses.field(default_factory=ReadDay)
    webhooks: dict[str, tuple[int, ...]] = dataclasses.field(default_factory=dict)

    def auth(self, organization: str, role: str | None = None) -> dict[str, str]:
        token = self.tokens[organization, role or DEFAULT_ROLE[organization]]
        return {"Authorization": f"Bearer {token}"}

    def admin_auth(self, organization: str) -> dict[str, str]:
        """The headers of the organization's org_admin."""
        return self.auth(organization, "org_admin")


def _records(store: Engine, atlas: Atlas) -> None:
    kz = Viewer("kz-mvd")
    for key, (tlp, _, part_of) in MEETINGS.items():
        meeting = Meeting(id=key, kind="round_table", title=f"Pipeline security {key}",
                          when="2022-05-02", countries=("KAZ",), part_of=part_of)  # fmt: skip
        add_meeting(store, kz, meeting, tlp=tlp, atlas=atlas)
        add_action_item(store, kz, key, f"follow up {key}", owner="uz-mvd")
    for key, (tlp, _) in COURSES.items():
        course = TrainingCourse(id=key, title=f"Pipeline protection {key}", host="KTO",
                                starts="2022-06-01", ends="2022-06-03")  # fmt: skip
        add_course(store, kz, course, tlp=tlp, atlas=atlas)
    shared = [(RecordKind.MEETING, k, groups) for k, (_, groups, _) in MEETINGS.items()]
    shared += [(RecordKind.COURSE, k, groups) for k, (_, groups) in COURSES.items()]
    for kind, key, groups in shared:
        if groups:
            share_record(store, ADMIN, kind, key, groups, on=TODAY, atlas=atlas)


def add_webhooks(store: Engine) -> dict[str, tuple[int, ...]]:
    """The ``WEBHOOKS``, each with one delivery; webhook ids per organization."""
    hooks: dict[str, tuple[int, ...]] = {}
    for org, urls in WEBHOOKS.items():
        hooks[org] = tuple(add_webhook(store, ADMIN, org, url).webhook.id for url in urls)
        with store.begin() as connection:
            enqueue(connection, organization=org, event="alert.raised", payload={"org": org},
                    now=datetime.now(UTC))  # fmt: skip
    return hooks


def build_platform(
    store: Engine, atlas: Atlas
) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """Organizations, groups, users and tokens of every role, incidents, trust settings,
    meetings and courses; (tokens, uuids)."""
    for org, (kind, country) in ORGANIZATIONS.items():
        create_organization(store, ADMIN, org, name=org.upper(), kind=kind, country=country,
                            atlas=atlas)  # fmt: skip
    for group, (mechanism, confidential, owner, members) in GROUPS.items():
        create_group(store, ADMIN, group, name=group, mechanism=mechanism,
                     confidential=confidential, owner=owner, atlas=atlas)  # fmt: skip
        if members:
            add_group_members(store, ADMIN, group, members)
    tokens = {}
    for org in ORGANIZATIONS:
        for role in ROLES:
            create_user(store, ADMIN, f"{org}-{role}", organization=org, roles=[role])
            tokens[org, role] = issue_token(store, ADMIN, f"{org}-{role}", secret=SECRET).secret
    records = [incident(source_id, tlp) for source_id, (tlp, _) in INCIDENTS.items()]
    with store.begin() as connection:
        upsert_incidents(connection, records)
    for record in records:
        groups = INCIDENTS[record.source_id][1]
        if groups:
            share_incident(store, ADMIN, str(record.uuid), groups, on=TODAY, atlas=atlas)
    rules = [r.model_copy(update={"min_severity": 1}) for r in bundled_rules()]
    with store.begin() as connection:  # the alerts they raised when they happened
        raise_alerts(connection, records, atlas=atlas, rules=rules, now=REPORTED)
    # cases: kz-mvd's AMBER joint action with uz-mvd, and cn-mps's GREEN exercise
    open_case(store, Principal.operator("kz-mvd"), title="Joint patrol", tlp=Tlp.AMBER,
              participants=["uz-mvd"])  # fmt: skip
    open_case(store, Principal.operator("cn-mps"), title="Pipeline drill", kind="exercise",
              tlp=Tlp.GREEN)  # fmt: skip
    for org, levels in TRUST.items():
        for source, level in levels.items():
            set_trust(store, ADMIN, org, source, level, atlas=atlas)
    _records(store, atlas)
    return tokens, {r.source_id: str(r.uuid) for r in records}


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory, atlas: Atlas) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("api")
    url = f"sqlite:///{folder / 'api.sqlite'}"
    store = open_store(url, create=True)
    tokens, uuids = build_platform(store, atlas)
    yield Platform(url, store, tokens, uuids, webhooks=add_webhooks(store))
    store.dispose()


def make_app(url: str, **options: object) -> FastAPI:
    return create_app(url, token_secret=SECRET, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(platform: Platform, atlas: Atlas) -> Iterator[TestClient]:
    limiter = FailedAuthLimiter(max_failures=10_000)
    app = make_app(platform.url, limiter=limiter, today=platform.read_day)
    with TestClient(app) as test_client:
        app.state.corridor._atlas = atlas  # the session's atlas: no second load
        yield test_client


def expired_token(store: Engine, user: str) -> str:
    """A token for ``user`` issued 400 days ago for one day: expired now."""
    past = datetime.now(UTC) - timedelta(days=400)
    return issue_token(store, ADMIN, user, secret=SECRET, expires_in_days=1, now=past).secret
