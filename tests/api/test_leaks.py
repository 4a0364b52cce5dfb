"""The leak test: every GET route of the app, for every organization of the platform,
returns exactly what that organization may read (TLP labels, explicit, empty and
confidential groups; the SCO mechanism group), and a route added without a row in
``CHECKS`` fails :func:`test_every_get_route_is_in_the_leak_table`."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from corridor.cooperation.taxii import SHARED_WITH_ME
from tests.api.conftest import EXPECTED, ORGANIZATIONS, Platform, make_app

Check = Callable[[TestClient, Platform, str], None]


def readable_by(org: str) -> set[str]:
    return {source_id for source_id, readers in EXPECTED.items() if org in readers}


def _get(client: TestClient, platform: Platform, org: str, path: str, **params: object) -> object:
    response = client.get(path, headers=platform.auth(org), params=params)
    assert response.status_code == 200, (path, org, response.text)
    return response.json() if "json" in response.headers["content-type"] else response.text


DAYS = {"since": "2022", "until": "2022"}


def check_list(client: TestClient, platform: Platform, org: str) -> None:
    page = _get(client, platform, org, "/incidents", limit=1000, **DAYS)
    assert isinstance(page, dict)
    assert {i["source_id"] for i in page["incidents"]} == readable_by(org)
    assert page["total"] == len(readable_by(org))


def check_export(client: TestClient, platform: Platform, org: str) -> None:
    for fmt in ("csv", "geojson", "stix"):
        body = client.get("/incidents/export", headers=platform.auth(org),
                          params={"format": fmt, **DAYS}).text  # fmt: skip
        hidden = set(EXPECTED) - readable_by(org)
        assert not any(f'pipeline sabotage {s}"' in body for s in hidden), (fmt, org)
    text = _get(client, platform, org, "/incidents/export", format="csv", **DAYS)
    assert {r["source_id"] for r in csv.DictReader(io.StringIO(str(text)))} == readable_by(org)


def check_one(client: TestClient, platform: Platform, org: str) -> None:
    for source_id, uuid in platform.uuids.items():
        status = client.get(f"/incidents/{uuid}", headers=platform.auth(org)).status_code
        assert status == (200 if source_id in readable_by(org) else 404), (org, source_id)


GROUPS_SEEN = {
    # org: {group: members listed, None where the group is confidential}
    "kz-mvd": {"pair": {"kz-mvd", "uz-mvd"}, "quiet": None, "sco": None},
    "uz-mvd": {"pair": {"kz-mvd", "uz-mvd"}, "sco": None},
    "tr-police": {"quiet": None},
    "cn-mps": {"sco": None},
    "pipechina": {"sco": None},
}


def check_groups(client: TestClient, platform: Platform, org: str) -> None:
    listed = _get(client, platform, org, "/groups")
    assert isinstance(listed, list)
    seen = {g["group"]["id"]: g["members"] for g in listed}
    assert set(seen) == set(GROUPS_SEEN[org]), org  # never "nobody", never another's
    for group, members in GROUPS_SEEN[org].items():
        if group == "quiet":
            assert seen[group] is None  # confidential: members hidden from members
        elif members is not None:
            assert set(seen[group]) == members


def check_directory(client: TestClient, platform: Platform, org: str) -> None:
    listed = _get(client, platform, org, "/organizations")
    assert isinstance(listed, list)
    assert {o["id"] for o in listed} == set(ORGANIZATIONS)  # the directory is for all members


def _meeting_readers(org: str) -> bool:
    return org == "kz-mvd"  # the AMBER meeting is kz-mvd's and shared with nobody


def check_meetings(client: TestClient, platform: Platform, org: str) -> None:
    listed = _get(client, platform, org, "/meetings")
    assert isinstance(listed, list)
    assert ("kz-amber-meeting" in {m["meeting"]["id"] for m in listed}) == _meeting_readers(org)


def check_meeting(client: TestClient, platform: Platform, org: str) -> None:
    status = client.get("/meetings/kz-amber-meeting", headers=platform.auth(org)).status_code
    assert status == (200 if _meeting_readers(org) else 404)


def check_actions(client: TestClient, platform: Platform, org: str) -> None:
    items = _get(client, platform, org, "/action-items")
    assert isinstance(items, list)
    assert all(i["meeting"] != "kz-amber-meeting" or _meeting_readers(org) for i in items)


def check_training(client: TestClient, platform: Platform, org: str) -> None:
    page = _get(client, platform, org, "/training")
    assert isinstance(page, dict)
    assert page["courses"] == [] and page["tallies"] == []  # none recorded here


def check_course(client: TestClient, platform: Platform, org: str) -> None:
    assert client.get("/training/nope", headers=platform.auth(org)).status_code == 404


def check_webhooks(client: TestClient, platform: Platform, org: str) -> None:
    """An organization's admin sees its own webhooks and no secret; its other users none."""
    response = client.get("/webhooks", headers=platform.admin_auth(org))
    assert response.status_code == 200, response.text
    listed = response.json()
    assert [w["webhook"]["id"] for w in listed] == list(platform.webhooks.get(org, ()))
    assert {w["webhook"]["organization"] for w in listed} <= {org}
    assert "secret" not in response.text and "cwh_" not in response.text
    assert client.get("/webhooks", headers=platform.auth(org)).status_code == 403
    for other in set(ORGANIZATIONS) - {org}:  # naming another organization is refused
        asked = client.get("/webhooks", headers=platform.admin_auth(org),
                           params={"organization": other})  # fmt: skip
        assert asked.status_code == 403, (org, other)


def check_webhook_deliveries(client: TestClient, platform: Platform, org: str) -> None:
    """Its own webhooks' deliveries; another's webhook is as unknown as a made-up id."""
    for owner, ids in platform.webhooks.items():
        for webhook in ids:
            path = f"/webhooks/{webhook}/deliveries"
            response = client.get(path, headers=platform.admin_auth(org))
            if owner == org:
                assert response.status_code == 200
                assert {d["organization"] for d in response.json()} == {org}
            else:
                assert response.status_code == 404, (org, owner, webhook)
    assert (
        client.get("/webhooks/999/deliveries", headers=platform.admin_auth(org)).status_code == 404
    )


def check_public(path: str, **params: object) -> Check:
    """Reference data with no shared objects: every organization gets the same answer."""

    def check(client: TestClient, platform: Platform, org: str) -> None:
        assert _get(client, platform, org, path, **params) == _get(
            client, platform, "kz-mvd", path, **params
        )

    return check


def check_exposure(client: TestClient, platform: Platform, org: str) -> None:
    found = _get(client, platform, org, "/risk/exposure", as_of="2022")
    assert isinstance(found, dict)
    assert max(a["incidents_in_reach"] for a in found["assets"]) == len(readable_by(org))


def check_country_risk(client: TestClient, platform: Platform, org: str) -> None:
    found = _get(client, platform, org, "/risk/countries", as_of="2022")
    assert isinstance(found, dict)
    assert sum(c["incidents"] for c in found["countries"]) == len(readable_by(org))


def _collections(client: TestClient, platform: Platform, org: str) -> list[dict[str, object]]:
    found = _get(client, platform, org, "/taxii2/api/collections/")
    assert isinstance(found, dict)
    listed = found.get("collections", [])
    assert isinstance(listed, list)
    return listed


def check_taxii_collections(client: TestClient, platform: Platform, org: str) -> None:
    ids = {str(c["id"]) for c in _collections(client, platform, org)}
    # "shared with me" and one per group the organization is in, never another's
    assert SHARED_WITH_ME in ids and len(ids) == 1 + len(GROUPS_SEEN[org]), (org, ids)


def check_taxii_collection(client: TestClient, platform: Platform, org: str) -> None:
    for collection in _collections(client, platform, org):
        _get(client, platform, org, f"/taxii2/api/collections/{collection['id']}/")
    others = {str(c["id"]) for o in ORGANIZATIONS for c in _collections(client, platform, o)}
    mine = {str(c["id"]) for c in _collections(client, platform, org)}
    for foreign in others - mine:  # a collection of others is as unknown as a made-up one
        path = f"/taxii2/api/collections/{foreign}/"
        assert client.get(path, headers=platform.auth(org)).status_code == 404, (org, foreign)


def check_taxii_objects(client: TestClient, platform: Platform, org: str) -> None:
    hidden = set(EXPECTED) - readable_by(org)
    for collection in _collections(client, platform, org):
        path = f"/taxii2/api/collections/{collection['id']}/objects/"
        body = client.get(path, headers=platform.auth(org), params={"limit": 1000}).text
        assert not any(f'pipeline sabotage {s}"' in body for s in hidden), (org, collection)
        if collection["id"] == SHARED_WITH_ME:
            assert all(f'pipeline sabotage {s}"' in body for s in readable_by(org)), org


CHECKS: dict[str, Check] = {
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
    "/webhooks": check_webhooks,
    "/webhooks/{id}/deliveries": check_webhook_deliveries,
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


def get_routes() -> set[str]:
    app = make_app("sqlite://")  # never started: only its routes are read
    paths = set()
    for path, route in _flat(app.routes):
        methods = getattr(route, "methods", None) or set()
        if "GET" in methods and path not in DOCUMENTATION:
            assert isinstance(route, APIRoute), path
            paths.add(path)
    documented = {p for p, ops in app.openapi()["paths"].items() if "get" in ops}
    assert paths == documented  # the walk missed nothing the OpenAPI document has
    return paths


def test_every_get_route_is_in_the_leak_table() -> None:
    missing = get_routes() - set(CHECKS)
    assert not missing, f"GET routes with no leak check: {sorted(missing)}; add them to CHECKS"
    assert not set(CHECKS) - get_routes(), "CHECKS names routes the app does not have"


@pytest.mark.parametrize("org", sorted(ORGANIZATIONS))
@pytest.mark.parametrize("path", sorted(CHECKS))
def test_each_route_shows_each_organization_only_what_it_may_read(
    client: TestClient, platform: Platform, path: str, org: str
) -> None:
    CHECKS[path](client, platform, org)
