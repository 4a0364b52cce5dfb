"""A small platform behind the API: agencies, an operator, groups of every kind, a user
and token per organization, and incidents of every TLP label shared in every way.

Everything is made through the library (as `corridor admin` would); the tests then talk
to the app over HTTP only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from corridor.api import create_app
from corridor.api.deps import FailedAuthLimiter
from corridor.atlas import Atlas
from corridor.cooperation.meeting_services import add_meeting
from corridor.cooperation.meetings import Meeting
from corridor.cooperation.models import Principal
from corridor.cooperation.services import (
    add_group_members,
    create_group,
    create_organization,
    create_user,
    issue_token,
    share_incident,
)
from corridor.delivery import add_webhook, enqueue
from corridor.events.access import Viewer
from corridor.events.model import Incident, Tlp
from corridor.store import open_store
from corridor.store.incident_writes import upsert_incidents

SECRET = b"api-test-secret-" + b"x" * 32
ADMIN = Principal.operator("platform")
TODAY = date.today()

ORGANIZATIONS = {
    # id: (kind, country)
    "kz-mvd": ("law_enforcement", "KAZ"),
    "uz-mvd": ("law_enforcement", "UZB"),
    "tr-police": ("law_enforcement", "TUR"),
    "cn-mps": ("law_enforcement", "CHN"),
    "pipechina": ("operator", "CHN"),
}
GROUPS = {
    # id: (mechanism, confidential, owner, members added by hand)
    "pair": (None, False, "kz-mvd", ("kz-mvd", "uz-mvd")),
    "quiet": (None, True, "kz-mvd", ("kz-mvd", "tr-police")),
    "nobody": (None, False, "kz-mvd", ()),
    "sco": ("SCO", False, "cn-mps", ()),
}
# One user per organization: <org>-user; kz-mvd's reports, the others read.
ROLES = {"kz-mvd": "reporter", "uz-mvd": "viewer", "tr-police": "viewer", "cn-mps": "analyst"}
ROLES["pipechina"] = "viewer"

# source_id: (tlp, shared with). All reported by kz-mvd.
INCIDENTS: dict[str, tuple[Tlp, tuple[str, ...]]] = {
    "k-clear": (Tlp.CLEAR, ()),
    "k-green": (Tlp.GREEN, ()),
    "k-amber": (Tlp.AMBER, ()),
    "k-pair": (Tlp.AMBER, ("pair",)),
    "k-red-nobody": (Tlp.RED, ("nobody",)),
    "k-strict-quiet": (Tlp.AMBER_STRICT, ("quiet",)),
    "k-green-pair": (Tlp.GREEN, ("pair",)),
}
# Webhooks per organization (nothing listens there: the worker is not running in the API
# tests), each with one delivery of an alert.raised event.
WEBHOOKS = {"kz-mvd": ("http://127.0.0.1:9/kz-1", "http://127.0.0.1:9/kz-2"),
            "pipechina": ("http://127.0.0.1:9/pipechina",)}  # fmt: skip
EVERYONE = frozenset(ORGANIZATIONS)
# Who reads what, written out by hand (not computed by the rule under test).
EXPECTED: dict[str, frozenset[str]] = {
    "k-clear": EVERYONE,
    "k-green": EVERYONE,
    "k-amber": frozenset({"kz-mvd"}),
    "k-pair": frozenset({"kz-mvd", "uz-mvd"}),
    "k-red-nobody": frozenset({"kz-mvd"}),
    "k-strict-quiet": frozenset({"kz-mvd", "tr-police"}),
    "k-green-pair": EVERYONE,
}


def incident(source_id: str, tlp: Tlp, owner: str = "kz-mvd", **changes: object) -> Incident:
    base = Incident(
        source="report",
        source_id=source_id,
        title=f"pipeline sabotage {source_id}",
        start_date=date(2022, 5, 1),
        threat_class="infrastructure_attack",
        longitude=66.7383,
        latitude=39.5101,
        country="KAZ",
        reporter=owner,
        tlp=tlp,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@dataclasses.dataclass
class Platform:
    url: str
    store: Engine
    tokens: dict[str, str]  # organization -> its user's token
    uuids: dict[str, str]  # source_id -> uuid
    admin_tokens: dict[str, str]  # organization -> its org_admin's token
    webhooks: dict[str, tuple[int, ...]]  # organization -> its webhooks' ids

    def auth(self, organization: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[organization]}"}

    def admin_auth(self, organization: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_tokens[organization]}"}


def build_platform(store: Engine, atlas: Atlas) -> tuple[dict[str, str], dict[str, str]]:
    """Organizations, groups, users, tokens, incidents and one AMBER meeting; (tokens, uuids)."""
    for org, (kind, country) in ORGANIZATIONS.items():
        create_organization(store, ADMIN, org, name=org.upper(), kind=kind, country=country,
                            atlas=atlas)  # fmt: skip
    for group, (mechanism, confidential, owner, members) in GROUPS.items():
        create_group(store, ADMIN, group, name=group, mechanism=mechanism,
                     confidential=confidential, owner=owner, atlas=atlas)  # fmt: skip
        if members:
            add_group_members(store, ADMIN, group, members)
    tokens = {}
    for org, role in ROLES.items():
        create_user(store, ADMIN, f"{org}-user", organization=org, roles=[role])
        tokens[org] = issue_token(store, ADMIN, f"{org}-user", secret=SECRET).secret
    records = [incident(source_id, tlp) for source_id, (tlp, _) in INCIDENTS.items()]
    with store.begin() as connection:
        upsert_incidents(connection, records)
    for record in records:
        groups = INCIDENTS[record.source_id][1]
        if groups:
            share_incident(store, ADMIN, str(record.uuid), groups, on=TODAY, atlas=atlas)
    amber = Meeting(id="kz-amber-meeting", kind="round_table", title="Pipeline security",
                    when="2022-05-02", countries=("KAZ",))  # fmt: skip
    add_meeting(store, Viewer("kz-mvd"), amber, tlp=Tlp.AMBER, atlas=atlas)
    return tokens, {r.source_id: str(r.uuid) for r in records}


def add_admins_and_webhooks(
    store: Engine,
) -> tuple[dict[str, str], dict[str, tuple[int, ...]]]:
    """An org_admin (``<org>-admin``) per organization and the ``WEBHOOKS``, each with one
    delivery; (admin tokens, webhook ids per organization)."""
    tokens = {}
    for org in ORGANIZATIONS:
        create_user(store, ADMIN, f"{org}-admin", organization=org, roles=["org_admin"])
        tokens[org] = issue_token(store, ADMIN, f"{org}-admin", secret=SECRET).secret
    hooks: dict[str, tuple[int, ...]] = {}
    for org, urls in WEBHOOKS.items():
        hooks[org] = tuple(add_webhook(store, ADMIN, org, url).webhook.id for url in urls)
        with store.begin() as connection:
            enqueue(connection, organization=org, event="alert.raised", payload={"org": org},
                    now=datetime.now(UTC))  # fmt: skip
    return tokens, hooks


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory, atlas: Atlas) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("api")
    url = f"sqlite:///{folder / 'api.sqlite'}"
    store = open_store(url, create=True)
    tokens, uuids = build_platform(store, atlas)
    yield Platform(url, store, tokens, uuids, *add_admins_and_webhooks(store))
    store.dispose()


def make_app(url: str, **options: object) -> FastAPI:
    return create_app(url, token_secret=SECRET, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(platform: Platform, atlas: Atlas) -> Iterator[TestClient]:
    app = make_app(platform.url, limiter=FailedAuthLimiter(max_failures=10_000))
    with TestClient(app) as test_client:
        app.state.corridor._atlas = atlas  # the session's atlas: no second load
        yield test_client


def expired_token(store: Engine, user: str) -> str:
    """A token for ``user`` issued 400 days ago for one day: expired now."""
    past = datetime.now(UTC) - timedelta(days=400)
    return issue_token(store, ADMIN, user, secret=SECRET, expires_in_days=1, now=past).secret
