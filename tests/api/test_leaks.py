"""The leak test: every route of the app, for every organization of the platform, every role
and two read days (2011, and today: a state left the CSTO and another joined the SCO in
between), returns exactly what that reader may read (TLP labels; explicit, empty and
confidential groups; the SCO and CSTO mechanism groups) for incidents, meetings, action
items, training courses, TAXII collections and risk figures; and every route that writes
refuses whoever may not. A route added without a row in ``CHECKS`` (reads) or ``WRITES``
fails :func:`test_every_route_is_in_the_leak_table`.

Sharing never depends on the role (only the group listing does: an organization admin
lists the groups its organization owns, a platform admin all of them), so the readers
are a pairwise cover, not the whole product: each organization with each role (on one
of the days), each organization and each role on both days. One app serves them all;
its clock is set to the reader's day.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from starlette.routing import BaseRoute

from corridor.alerts.rules import bundled_rules
from corridor.cooperation.taxii import SHARED_WITH_ME
from corridor.events.model import Tlp
from tests.api.conftest import (
    COURSES,
    DAYS,
    GROUPS,
    INCIDENTS,
    MEETINGS,
    MEMBERS,
    ORGANIZATIONS,
    READERS,
    ROLES,
    TRUST,
    Platform,
    incident,
    make_app,
)

ORGS = sorted(ORGANIZATIONS)
COVER = [
    (org, role, list(DAYS)[(i + j) % 2])
    for i, org in enumerate(ORGS)
    for j, role in enumerate(ROLES)
]
SHARERS = {"reporter", "analyst", "org_admin", "platform_admin"}  # roles that may share
REPORTERS = {"reporter", "org_admin", "platform_admin"}


@dataclass
class Reader:
    """One organization's user of one role, reading on one day."""

    client: TestClient
    platform: Platform
    org: str
    role: str
    day: str

    def get(self, path: str, **params: Any) -> Response:
        return self.client.get(path, headers=self.auth, params=params)

    def send(self, method: str, path: str, **options: Any) -> Response:
        return self.client.request(method, path, headers=self.auth, **options)

    def json(self, path: str, **params: Any) -> Any:
        response = self.get(path, **params)
        assert response.status_code == 200, (path, self, response.text)
        return response.json() if "json" in response.headers["content-type"] else response.text

    @property
    def auth(self) -> dict[str, str]:
        return self.platform.auth(self.org, self.role)

    def reads(self, keys: Any) -> set[str]:
        """Which of ``keys`` (incident source ids, meeting or course ids) it may read."""
        return {key for key in keys if self.org in READERS[self.day][key]}

    def hidden(self, keys: Any) -> set[str]:
        return set(keys) - self.reads(keys)

    def __repr__(self) -> str:
        return f"{self.org}/{self.role}/{self.day}"


Check = Callable[[Reader], None]
DATES = {"since": "2022", "until": "2022"}


# --------------------------------------------------------------------------- incidents


def _titles_absent(body: str, keys: set[str]) -> bool:
    return not any(f'pipeline sabotage {key}"' in body for key in keys)


def check_list(reader: Reader) -> None:
    page = reader.json("/incidents", limit=1000, **DATES)
    assert {i["source_id"] for i in page["incidents"]} == reader.reads(INCIDENTS), reader
    assert page["total"] == len(reader.reads(INCIDENTS))


def check_export(reader: Reader) -> None:
    for fmt in ("geojson", "stix"):
        body = reader.get("/incidents/export", format=fmt, **DATES).text
        assert _titles_absent(body, reader.hidden(INCIDENTS)), (fmt, reader)
    text = reader.json("/incidents/export", format="csv", **DATES)
    rows = csv.DictReader(io.StringIO(str(text)))
    assert {r["source_id"] for r in rows} == reader.reads(INCIDENTS), reader


def check_one(reader: Reader) -> None:
    for source_id, uuid in reader.platform.uuids.items():
        status = reader.get(f"/incidents/{uuid}").status_code
        assert status == (200 if source_id in reader.reads(INCIDENTS) else 404), (reader, source_id)


def check_exposure(reader: Reader) -> None:
    found = reader.json("/risk/exposure", as_of="2022")
    assert max(a["incidents_in_reach"] for a in found["assets"]) == len(reader.reads(INCIDENTS))


def check_country_risk(reader: Reader) -> None:
    found = reader.json("/risk/countries", as_of="2022")
    assert sum(c["incidents"] for c in found["countries"]) == len(reader.reads(INCIDENTS))


# --------------------------------------------------------------------------- directory


def groups_seen(reader: Reader) -> dict[str, set[str] | None]:
    """The groups it lists on its day, with their members (None where confidential): those
    its organization is in on the day, and those it administers (org admin: its
    organization's; platform admin: all), whose members it sees even when confidential."""
    seen: dict[str, set[str] | None] = {}
    for group, (_, confidential, owner, _) in GROUPS.items():
        members = MEMBERS[reader.day][group]
        manages = reader.role == "platform_admin" or (
            reader.role == "org_admin" and owner == reader.org
        )
        if reader.org in members or manages:
            seen[group] = set(members) if manages or not confidential else None
    return seen


def check_groups(reader: Reader) -> None:
    listed = {g["group"]["id"]: g["members"] for g in reader.json("/groups")}
    expected = groups_seen(reader)
    assert set(listed) == set(expected), reader  # never "nobody" unless administered
    for group, members in expected.items():
        assert (None if listed[group] is None else set(listed[group])) == members, (reader, group)


def check_directory(reader: Reader) -> None:
    listed = reader.json("/organizations")
    assert {o["id"] for o in listed} == set(ORGANIZATIONS)  # the directory is for all members


# --------------------------------------------------------------------------- meetings, training


def _shares_seen(reader: Reader, groups: tuple[str, ...]) -> list[str]:
    """The groups a record's reader is told of: all for the owner, else those it is in."""
    if reader.org == "kz-mvd":
        return list(groups)
    return [g for g in groups if reader.org in MEMBERS[reader.day][g]]


def check_meetings(reader: Reader) -> None:
    listed = {m["meeting"]["id"]: m for m in reader.json("/meetings")}
    assert set(listed) == reader.reads(MEETINGS), reader
    for key, found in listed.items():
        assert found["shared_with"] == _shares_seen(reader, MEETINGS[key][1]), (reader, key)


def check_meeting(reader: Reader) -> None:
    for key in MEETINGS:
        response = reader.get(f"/meetings/{key}")
        assert response.status_code == (200 if key in reader.reads(MEETINGS) else 404), reader
        if response.status_code == 200:
            detail = response.json()
            parts = {p["meeting"]["id"] for p in detail["parts"]}
            held_within = {k for k, (_, _, parent) in MEETINGS.items() if parent == key}
            assert parts == reader.reads(held_within), (reader, key)
            assert [a["text"] for a in detail["actions"]] == [f"follow up {key}"]


def check_actions(reader: Reader) -> None:
    items = reader.json("/action-items")
    assert {i["meeting"] for i in items} == reader.reads(MEETINGS), reader  # as their meetings


def check_training(reader: Reader) -> None:
    page = reader.json("/training")
    listed = {c["course"]["id"]: c for c in page["courses"]}
    assert set(listed) == reader.reads(COURSES), reader
    for key, found in listed.items():
        assert found["shared_with"] == _shares_seen(reader, COURSES[key][1]), (reader, key)


def check_course(reader: Reader) -> None:
    for key in [*COURSES, "no-such-course"]:
        expected = 200 if key in reader.reads(COURSES) else 404
        assert reader.get(f"/training/{key}").status_code == expected, (reader, key)


# --------------------------------------------------------------------------- TAXII


def _collections(reader: Reader) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = reader.json("/taxii2/api/collections/").get("collections", [])
    return listed


def _my_groups(reader: Reader) -> set[str]:
    return {g for g, members in MEMBERS[reader.day].items() if reader.org in members}


def check_taxii_collections(reader: Reader) -> None:
    ids = {str(c["id"]) for c in _collections(reader)}
    titles = {str(c["title"]) for c in _collections(reader)}
    # "shared with me" and one per group the organization is in that day, never another's
    assert SHARED_WITH_ME in ids and len(ids) == 1 + len(_my_groups(reader)), (reader, ids)
    assert titles == {"Shared with me"} | {f"Sharing group: {g}" for g in _my_groups(reader)}


_COLLECTIONS: dict[tuple[str, str], set[str]] = {}  # (org, day): its collection ids


def _collection_ids(reader: Reader, org: str, day: str) -> set[str]:
    if (org, day) not in _COLLECTIONS:
        reader.platform.read_day.day = DAYS[day]
        other = Reader(reader.client, reader.platform, org, "viewer", day)
        _COLLECTIONS[org, day] = {str(c["id"]) for c in _collections(other)}
        reader.platform.read_day.day = DAYS[reader.day]  # back to the reader's day
    return _COLLECTIONS[org, day]


def check_taxii_collection(reader: Reader) -> None:
    mine = {str(c["id"]) for c in _collections(reader)}
    for collection in mine:
        reader.json(f"/taxii2/api/collections/{collection}/")
    everyone = set().union(*(_collection_ids(reader, org, day) for org in ORGS for day in DAYS))
    for foreign in everyone - mine:  # a collection of others is as unknown as a made-up one
        path = f"/taxii2/api/collections/{foreign}/"
        assert reader.get(path).status_code == 404, (reader, foreign)
        assert reader.get(path + "objects/").status_code == 404, (reader, foreign)


def check_taxii_objects(reader: Reader) -> None:
    for collection in _collections(reader):
        path = f"/taxii2/api/collections/{collection['id']}/objects/"
        body = reader.get(path, limit=1000).text
        assert _titles_absent(body, reader.hidden(INCIDENTS)), (reader, collection["title"])
        if collection["id"] == SHARED_WITH_ME:
            assert not any(
                f'pipeline sabotage {s}"' not in body for s in reader.reads(INCIDENTS)
            ), reader


def check_trust(reader: Reader) -> None:
    """An organization's members read its trust settings, nobody else's (403, no body)."""
    own = reader.json(f"/organizations/{reader.org}/trust")
    assert {t["source"]: t["level"] for t in own} == TRUST.get(reader.org, {}), reader
    for other in set(ORGANIZATIONS) - {reader.org}:
        response = reader.get(f"/organizations/{other}/trust")
        if reader.role == "platform_admin":  # the platform's admins manage every organization
            assert response.status_code == 200, (reader, other)
            continue
        assert response.status_code == 403, (reader, other)
        assert '"source"' not in response.text and '"weight"' not in response.text


def check_public(path: str, **params: object) -> Check:
    """Reference data with no shared objects: every reader gets the same answer."""
    answers: dict[str, Any] = {}

    def check(reader: Reader) -> None:
        found = reader.json(path, **params)
        assert answers.setdefault("first", found) == found, reader

    return check


# --------------------------------------------------------------------------- webhooks

MANAGERS = {"org_admin", "platform_admin"}  # roles that manage an organization's webhooks


def check_webhooks(reader: Reader) -> None:
    """An organization's admin sees its own webhooks (never a secret), a platform admin
    every one; other roles are refused, and naming another organization too."""
    response = reader.get("/webhooks")
    if reader.role not in MANAGERS:
        assert response.status_code == 403, reader
        return
    listed = response.json()
    mine = reader.platform.webhooks.get(reader.org, ())
    every = [i for ids in reader.platform.webhooks.values() for i in ids]
    expected = every if reader.role == "platform_admin" else list(mine)
    assert sorted(w["webhook"]["id"] for w in listed) == sorted(expected), reader
    assert "secret" not in response.text and "cwh_" not in response.text
    for other in set(ORGANIZATIONS) - {reader.org}:
        asked = reader.get("/webhooks", organization=other)
        assert asked.status_code == (200 if reader.role == "platform_admin" else 403), reader


def check_webhook_deliveries(reader: Reader) -> None:
    """Its own webhooks' deliveries; another's webhook is as unknown as a made-up id."""
    for owner, ids in reader.platform.webhooks.items():
        for webhook in ids:
            response = reader.get(f"/webhooks/{webhook}/deliveries")
            manages = reader.role == "platform_admin" or (
                reader.role == "org_admin" and owner == reader.org
            )
            if manages:
                assert response.status_code == 200, reader
                assert {d["organization"] for d in response.json()} == {owner}
            else:
                assert response.status_code in (403, 404), (reader, owner, webhook)
    assert reader.get("/webhooks/999/deliveries").status_code in (403, 404)


def check_webhook_writes(reader: Reader) -> None:
    """Adding a webhook is an org admin's (refused here for a bad URL, so nothing is
    stored); removing or testing another's, or a made-up one, is as for an unknown id."""
    if reader.role in MANAGERS:  # a URL refused: nothing is stored
        added = reader.send("POST", "/webhooks", json={"url": "ftp://nowhere.example/hook"})
        assert added.status_code in (400, 422) and "http" in added.text, (reader, added.text)
    else:  # a good URL, and still refused
        added = reader.send("POST", "/webhooks", json={"url": "http://127.0.0.1:9/not-yours"})
        assert added.status_code == 403, (reader, added.text)
    for method, path in (("DELETE", "/webhooks/999"), ("POST", "/webhooks/999/test")):
        assert reader.send(method, path).status_code in (403, 404), (reader, path)
    if reader.role != "platform_admin":
        for owner, ids in reader.platform.webhooks.items():
            if owner != reader.org:  # never another organization's
                gone = reader.send("DELETE", f"/webhooks/{ids[0]}")
                assert gone.status_code in (403, 404), (reader, owner)


# --------------------------------------------------------------------------- alerts and cases

# Routing sends the pipeline alerts to the agencies of the incident's state and of the states
# the pipelines run through (the platform's operator operates none of them).
ALERTED = {"kz-mvd", "uz-mvd", "cn-mps"}


def _alerts(reader: Reader, org: str | None = None) -> list[dict[str, Any]]:
    headers = reader.platform.auth(org) if org else reader.auth
    response = reader.client.get("/alerts", headers=headers, params={"limit": 1000})
    assert response.status_code == 200, (reader, response.text)
    found: list[dict[str, Any]] = response.json()
    return found


def check_alerts(reader: Reader) -> None:
    seen = {i["uuid"] for a in _alerts(reader) for i in a["incidents"]}
    readable = {reader.platform.uuids[k] for k in reader.reads(INCIDENTS)}
    assert seen == (readable if reader.org in ALERTED else set()), reader


def check_alert(reader: Reader) -> None:
    mine = {a["uuid"] for a in _alerts(reader)}
    everyone = {a["uuid"] for org in ORGS for a in _alerts(reader, org)}
    assert mine or reader.org not in ALERTED
    for uuid in everyone:
        status = reader.get(f"/alerts/{uuid}").status_code
        assert status == (200 if uuid in mine else 404), (reader, uuid)


def check_rules(reader: Reader) -> None:
    found = reader.json("/alert-rules")
    assert {r["id"] for r in found} == {r.id for r in bundled_rules()}  # none written here


CASE_READERS = {"Joint patrol": {"kz-mvd", "uz-mvd"}, "Pipeline drill": set(ORGANIZATIONS)}


def check_cases(reader: Reader) -> None:
    titles = {c["title"] for c in reader.json("/cases")}
    assert titles == {t for t, who in CASE_READERS.items() if reader.org in who}, reader


def check_case(reader: Reader) -> None:
    every = {}
    for org in ("kz-mvd", "cn-mps"):  # between them, they read every case
        listed = reader.client.get("/cases", headers=reader.platform.auth(org)).json()
        every |= {c["title"]: c["uuid"] for c in listed}
    assert set(every) == set(CASE_READERS)
    for title, uuid in every.items():
        status = reader.get(f"/cases/{uuid}").status_code
        assert status == (200 if reader.org in CASE_READERS[title] else 404), (reader, title)


CHECKS: dict[str, Check] = {
    "/cases": check_cases,
    "/cases/{uuid}": check_case,
    "/alerts": check_alerts,
    "/alerts/{uuid}": check_alert,
    "/alert-rules": check_rules,
    "/webhooks": check_webhooks,
    "/webhooks/{id}/deliveries": check_webhook_deliveries,
    "/organizations/{organization}/trust": check_trust,
    "/taxii2/": check_public("/taxii2/"),
    "/taxii2/api/": check_public("/taxii2/api/"),
    "/taxii2/api/collections/": check_taxii_collections,
    "/taxii2/api/collections/{collection_id}/": check_taxii_collection,
    "/taxii2/api/collections/{collection_id}/objects/": check_taxii_objects,
    "/incidents": check_list,
    "/incidents/export": check_export,
    "/incidents/{uuid}": check_one,
    "/organizations": check_directory,
    "/groups": check_groups,
    "/meetings": check_meetings,
    "/meetings/{id}": check_meeting,
    "/action-items": check_actions,
    "/training": check_training,
    "/training/{id}": check_course,
    "/atlas/countries": check_public("/atlas/countries"),
    "/atlas/mechanisms": check_public("/atlas/mechanisms"),
    "/atlas/assets": check_public("/atlas/assets"),
    "/atlas/chokepoints": check_public("/atlas/chokepoints"),
    "/risk/exposure": check_exposure,
    "/risk/countries": check_country_risk,
}


# --------------------------------------------------------------------------- writes


def _may_use(reader: Reader, group: str) -> bool:
    """Whether its reports may go to ``group``: a platform admin's anywhere, others' to the
    groups its organization is in that day or, for an org admin, owns."""
    owner = GROUPS[group][2]
    admin = reader.role == "platform_admin" or (reader.role == "org_admin" and owner == reader.org)
    return admin or reader.org in MEMBERS[reader.day][group]


def check_report(reader: Reader) -> None:
    """Who may report; a report to a group it may not use stores nothing (one transaction)."""
    source = f"lt-{ORGS.index(reader.org)}-{ROLES.index(reader.role)}-{reader.day}"
    report = {"source": source, "source_id": "1", "title": "Valve station break-in",
              "start_date": "2031-01-01", "threat_class": "infrastructure_attack",
              "tlp": "red"}  # fmt: skip
    stored = f"/incidents/{incident('1', Tlp.RED, source=source).uuid}"
    unknown = reader.send("POST", "/incidents", json={**report, "share_with": ["nope"]})
    if reader.role not in REPORTERS:
        assert unknown.status_code == 403, reader
        assert reader.send("POST", "/incidents", json=report).status_code == 403, reader
        return
    assert unknown.status_code == 422 and "'nope'" in unknown.json()["detail"], reader
    for group in [g for g in GROUPS if not _may_use(reader, g)]:
        refused = reader.send("POST", "/incidents", json={**report, "share_with": [group]})
        assert refused.status_code == 403, (reader, group)
    assert reader.get(stored).status_code == 404, reader  # nothing half-done
    made = reader.send("POST", "/incidents", json=report)
    assert made.status_code == 201 and made.json()["reporter"] == reader.org, reader
    assert reader.json(stored)["uuid"] == made.json()["uuid"]


def _check_sharing(reader: Reader, path: str, records: dict[str, Any], group: str) -> None:
    """Share each record with ``group`` (one none of them is shared with) and stop again:
    its owner's sharers and platform admins may; a reader who is not its owner gets 403,
    one who may not read it 404; and the record ends as it was."""
    for key in records:
        done = reader.send("POST", f"{path}/{key}/shares", json={"groups": [group]})
        if reader.role not in SHARERS:
            expected = 403
        elif reader.role == "platform_admin" or reader.org == "kz-mvd":
            expected = 200
        else:
            expected = 403 if key in reader.reads(records) else 404
        assert done.status_code == expected, (reader, key, done.text)
        undone = reader.send("DELETE", f"{path}/{key}/shares/{group}")
        assert undone.status_code == expected, (reader, key, undone.text)
        if expected == 200:
            assert group in done.json()["shared_with"]
            assert undone.json()["shared_with"] == list(records[key][1])  # as it was


def check_meeting_shares(reader: Reader) -> None:
    _check_sharing(reader, "/meetings", MEETINGS, "pair")


def check_course_shares(reader: Reader) -> None:
    _check_sharing(reader, "/training", COURSES, "quiet")


def check_trust_writes(reader: Reader) -> None:
    """Only an organization's org_admin (or a platform admin) rates sources for it; the
    setting is taken back at once, so the readers' checks see the platform as built."""
    admin = reader.role in ("org_admin", "platform_admin")
    for org in (reader.org, next(o for o in ORGS if o != reader.org)):
        allowed = reader.role == "platform_admin" or (admin and org == reader.org)
        path = f"/organizations/{org}/trust/tr-police"
        put = reader.send("PUT", path, json={"level": "D"})
        assert put.status_code == (200 if allowed else 403), (reader, org, put.text)
        cleared = reader.send("DELETE", path)
        assert cleared.status_code == (204 if allowed else 403), (reader, org, cleared.text)


RESPONDERS = {"responder", "platform_admin"}  # roles that work alerts and cases


def _refusal(reader: Reader, response: Response, *, reads: bool, allowed: str) -> None:
    """A write that changes nothing: 403 for a user without the role (whatever the
    object), 404 for one who may not read the object, and for one who may the library's
    own refusal of the bad value it was sent (the platform stays as built), whose detail
    names ``allowed``."""
    if reader.role not in RESPONDERS:
        assert response.status_code == 403, (reader, response.text)
    elif not reads:
        assert response.status_code == 404, (reader, response.text)
    else:
        assert response.status_code in (400, 404, 422), (reader, response.text)
        assert allowed in response.json()["detail"], (reader, response.text)


def check_alert_writes(reader: Reader) -> None:
    """Acknowledge and escalate: a responder of a recipient organization only."""
    alert = _alerts(reader, "kz-mvd")[0]["uuid"]
    reads = reader.org in ALERTED
    for action in ("ack", "escalate"):
        response = reader.send("POST", f"/alerts/{alert}/{action}")
        if reader.role not in RESPONDERS:
            assert response.status_code == 403, (reader, response.text)
        elif not reads:
            assert response.status_code == 404, (reader, response.text)
        else:  # done, or refused as already done (acknowledged alerts do not escalate)
            assert response.status_code in (200, 400), (reader, action, response.text)


def check_rule_writes(reader: Reader) -> None:
    """Rules are written by an organization's admin (a rule naming no real asset here, so
    nothing is stored)."""
    rule = {"id": "lt-rule", "name": "a leak-test rule", "within_km": 5, "assets": ["nope"]}
    response = reader.send("PUT", "/alert-rules/lt-rule", json=rule)
    if reader.role in ("org_admin", "platform_admin"):
        assert response.status_code in (404, 422) and "nope" in response.text, reader
    else:
        assert response.status_code == 403, (reader, response.text)


def check_case_writes(reader: Reader) -> None:
    """Opening and working a case: responders of its owner or those taking part."""
    opened = reader.send("POST", "/cases", json={"title": "x", "participants": ["nope-org"]})
    _refusal(reader, opened, reads=True, allowed="nope-org")
    cases = reader.client.get("/cases", headers=reader.platform.auth("kz-mvd")).json()
    case = next(c["uuid"] for c in cases if c["title"] == "Joint patrol")
    reads = reader.org in CASE_READERS["Joint patrol"]
    attempts = [
        ("POST", f"/cases/{case}/alerts", {"alerts": ["no-such-alert"]}, "no-such-alert"),
        ("DELETE", f"/cases/{case}/alerts/no-such-alert", None, "no-such-alert"),
        ("POST", f"/cases/{case}/tasks", {"title": "t", "owner": "nope-org"}, "nope-org"),
        ("POST", f"/cases/{case}/tasks/999999/done", None, "999999"),
        ("POST", f"/cases/{case}/close", {"summary": " "}, "summary"),
    ]
    for method, path, body, allowed in attempts:
        response = reader.send(method, path, json=body) if body else reader.send(method, path)
        _refusal(reader, response, reads=reads, allowed=allowed)


WRITES: dict[tuple[str, str], Check] = {
    ("POST", "/alerts/{uuid}/ack"): check_alert_writes,
    ("POST", "/alerts/{uuid}/escalate"): check_alert_writes,
    ("PUT", "/alert-rules/{rule_id}"): check_rule_writes,
    ("POST", "/cases"): check_case_writes,
    ("POST", "/cases/{uuid}/alerts"): check_case_writes,
    ("DELETE", "/cases/{uuid}/alerts/{alert}"): check_case_writes,
    ("POST", "/cases/{uuid}/tasks"): check_case_writes,
    ("POST", "/cases/{uuid}/tasks/{task_id}/done"): check_case_writes,
    ("POST", "/cases/{uuid}/close"): check_case_writes,
    ("POST", "/webhooks"): check_webhook_writes,
    ("DELETE", "/webhooks/{id}"): check_webhook_writes,
    ("POST", "/webhooks/{id}/test"): check_webhook_writes,
    ("PUT", "/organizations/{organization}/trust/{source}"): check_trust_writes,
    ("DELETE", "/organizations/{organization}/trust/{source}"): check_trust_writes,
    ("POST", "/incidents"): check_report,
    ("POST", "/meetings/{id}/shares"): check_meeting_shares,
    ("DELETE", "/meetings/{id}/shares/{group}"): check_meeting_shares,
    ("POST", "/training/{id}/shares"): check_course_shares,
    ("DELETE", "/training/{id}/shares/{group}"): check_course_shares,
}
# FastAPI's own pages: the API's description, no data.
DOCUMENTATION = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _flat(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, BaseRoute]]:
    """Every route with its full path, inside included routers too (FastAPI includes them
    lazily, as ``_IncludedRouter`` wrappers that keep the ``original_router`` and the
    prefix it was included under)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is None:
            yield prefix + getattr(route, "path", ""), route
        else:
            yield from _flat(inner.routes, prefix + route.include_context.prefix)


def app_routes() -> set[tuple[str, str]]:
    """(method, path) of every route of the app but its documentation pages."""
    app = make_app("sqlite://")  # never started: only its routes are read
    found = set()
    for path, route in _flat(app.routes):
        if path in DOCUMENTATION:
            continue
        assert isinstance(route, APIRoute), path
        plain = re.sub(r"\{(\w+):\w+\}", r"{\1}", path)  # {source:path} is {source} to OpenAPI
        found |= {(method, plain) for method in route.methods - {"HEAD"}}
    documented = {
        (method.upper(), p) for p, ops in app.openapi()["paths"].items() for method in ops
    }
    assert found == documented  # the walk missed nothing the OpenAPI document has
    return found


def test_every_route_is_in_the_leak_table() -> None:
    covered = {("GET", path) for path in CHECKS} | set(WRITES)
    missing = app_routes() - covered
    assert not missing, f"routes with no leak check: {sorted(missing)}; add them to CHECKS/WRITES"
    assert not covered - app_routes(), "CHECKS or WRITES name routes the app does not have"


@pytest.fixture
def reader(
    request: pytest.FixtureRequest, client: TestClient, platform: Platform
) -> Iterator[Reader]:
    org, role, day = request.param
    platform.read_day.day = DAYS[day]
    yield Reader(client, platform, org, role, day)
    platform.read_day.day = DAYS["today"]


@pytest.mark.parametrize("reader", COVER, indirect=True, ids="/".join)
@pytest.mark.parametrize("path", sorted(CHECKS))
def test_each_route_shows_each_reader_only_what_it_may_read(reader: Reader, path: str) -> None:
    CHECKS[path](reader)


WRITE_CHECKS = {check.__name__: check for check in WRITES.values()}  # each once


@pytest.mark.parametrize("reader", COVER, indirect=True, ids="/".join)
@pytest.mark.parametrize("check", sorted(WRITE_CHECKS))
def test_each_write_route_refuses_whoever_may_not(reader: Reader, check: str) -> None:
    WRITE_CHECKS[check](reader)
