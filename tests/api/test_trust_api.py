"""Trust in sources over HTTP: an organization's admin sets and clears levels, its members
read them, others are refused, bad levels and sources get problems with a suggestion, and
the organization's risk figures (and only its) follow the setting."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from corridor.cooperation.services import create_user, issue_token
from tests.api.conftest import ADMIN, SECRET, TRUST, Platform
from tests.api.test_incidents_api import assert_problem

KZ = "/organizations/kz-mvd/trust"
UZ = "/organizations/uz-mvd/trust"


@pytest.fixture(scope="module")
def admins(platform: Platform) -> dict[str, dict[str, str]]:
    """An org_admin's Authorization header for kz-mvd and for uz-mvd."""
    headers = {}
    for org in ("kz-mvd", "uz-mvd"):
        create_user(platform.store, ADMIN, f"{org}-admin", organization=org, roles=["org_admin"])
        token = issue_token(platform.store, ADMIN, f"{org}-admin", secret=SECRET).secret
        headers[org] = {"Authorization": f"Bearer {token}"}
    return headers


def _exposure(client: TestClient, headers: dict[str, str]) -> dict[str, float]:
    response = client.get("/risk/exposure", headers=headers, params={"as_of": "2022"})
    assert response.status_code == 200, response.text
    return {a["id"]: a["exposure"] for a in response.json()["assets"] if a["exposure"] > 0}


def test_an_admin_sets_reads_and_clears_a_level(
    client: TestClient, platform: Platform, admins: dict[str, dict[str, str]]
) -> None:
    put = client.put(f"{KZ}/cn-mps", headers=admins["kz-mvd"], json={"level": "usually-reliable"})
    assert put.status_code == 200, put.text
    assert {k: put.json()[k] for k in ("source", "level", "meaning", "weight", "set_by")} == {
        "source": "cn-mps", "level": "B", "meaning": "usually reliable", "weight": 0.75,
        "set_by": "kz-mvd-admin@kz-mvd",
    }  # fmt: skip
    listed = client.get(KZ, headers=platform.auth("kz-mvd"))  # a reporter of kz-mvd reads it
    assert {t["source"]: t["level"] for t in listed.json()} == {**TRUST["kz-mvd"], "cn-mps": "B"}
    assert client.delete(f"{KZ}/cn-mps", headers=admins["kz-mvd"]).status_code == 204
    assert_problem(client.delete(f"{KZ}/cn-mps", headers=admins["kz-mvd"]), 404, "cn-mps")
    listed = client.get(KZ, headers=admins["kz-mvd"])
    assert {t["source"]: t["level"] for t in listed.json()} == TRUST["kz-mvd"]


def test_only_that_organizations_admin_may_change_it(
    client: TestClient, platform: Platform, admins: dict[str, dict[str, str]]
) -> None:
    body = {"level": "E"}
    assert_problem(client.put(f"{KZ}/cn-mps", headers=platform.auth("kz-mvd"), json=body), 403,
                   "may not set kz-mvd's trust")  # fmt: skip
    assert_problem(client.put(f"{KZ}/cn-mps", headers=admins["uz-mvd"], json=body), 403)
    assert_problem(client.delete(f"{KZ}/uz-mvd", headers=admins["uz-mvd"]), 403)
    assert_problem(client.get(KZ, headers=admins["uz-mvd"]), 403, "may not read kz-mvd's trust")
    listed = client.get(KZ, headers=admins["kz-mvd"])
    assert {t["source"]: t["level"] for t in listed.json()} == TRUST["kz-mvd"]  # untouched


def test_bad_levels_sources_and_bodies_get_problems(
    client: TestClient, admins: dict[str, dict[str, str]]
) -> None:
    kz = admins["kz-mvd"]
    assert_problem(client.put(f"{KZ}/cn-mps", headers=kz, json={"level": "usualy-reliable"}),
                   422, "did you mean 'usually-reliable'")  # fmt: skip
    assert_problem(client.put(f"{KZ}/cn-mpss", headers=kz, json={"level": "B"}), 422,
                   "source 'cn-mpss' is unknown; did you mean 'cn-mps'")  # fmt: skip
    assert_problem(client.put(f"{KZ}/stix:nobody", headers=kz, json={"level": "B"}), 422,
                   "source 'stix:nobody' is unknown")  # fmt: skip
    assert_problem(client.put(f"{KZ}/cn-mps", headers=kz, json={"level": "B", "x": 1}), 422)
    assert_problem(client.put(f"{KZ}/cn-mps", headers=kz, json={}), 422, "level")
    assert_problem(client.get("/organizations/nobody/trust", headers=kz), 403)


def test_the_organizations_risk_figures_follow_its_setting_and_only_its(
    client: TestClient, platform: Platform, admins: dict[str, dict[str, str]]
) -> None:
    """Every incident here is kz-mvd's: uz-mvd rating kz-mvd unreliable empties uz-mvd's
    exposure; kz-mvd's and tr-police's stay as they were."""
    uz, kz, tr = admins["uz-mvd"], admins["kz-mvd"], platform.auth("tr-police")
    before = {org: _exposure(client, h) for org, h in (("uz", uz), ("kz", kz), ("tr", tr))}
    assert before["uz"]
    put = client.put(f"{UZ}/kz-mvd", headers=uz, json={"level": "unreliable"})
    assert put.status_code == 200, put.text
    assert _exposure(client, uz) == {}
    assert _exposure(client, kz) == before["kz"] and _exposure(client, tr) == before["tr"]
    restored = client.put(f"{UZ}/kz-mvd", headers=uz, json={"level": TRUST["uz-mvd"]["kz-mvd"]})
    assert restored.status_code == 200 and _exposure(client, uz) == before["uz"]
