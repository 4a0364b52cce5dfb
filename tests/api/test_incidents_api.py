"""The incident endpoints over HTTP: authentication, reporting, sharing, paging, errors."""

from __future__ import annotations

import base64
import csv
import io

from fastapi.testclient import TestClient

from corridor.api.deps import FailedAuthLimiter
from corridor.cooperation.services import revoke_token
from tests.api.conftest import (
    ADMIN,
    EXPECTED,
    ORGANIZATIONS,
    SECRET,
    Platform,
    expired_token,
    make_app,
)


def assert_problem(response: object, status: int, phrase: str = "") -> dict[str, object]:
    """``response`` is an RFC 9457 problem with ``status`` whose detail says ``phrase``."""
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["status"] == status and body["detail"]
    assert phrase.lower() in str(body["detail"]).lower()
    return body


def visible(client: TestClient, platform: Platform, org: str, **params: object) -> set[str]:
    response = client.get(
        "/incidents", headers=platform.auth(org), params={"limit": 1000, **params}
    )
    assert response.status_code == 200, response.text
    return {i["source_id"] for i in response.json()["incidents"]}


# --------------------------------------------------------------------------- authentication


def test_no_token_bad_token_revoked_and_expired_are_401(
    client: TestClient, platform: Platform
) -> None:
    assert_problem(client.get("/incidents"), 401, "bearer")
    assert_problem(client.get("/incidents", headers={"Authorization": "Basic abc"}), 401)
    bad = {"Authorization": "Bearer cst_nothing_of_ours"}
    assert_problem(client.get("/incidents", headers=bad), 401)
    from corridor.cooperation.services import create_user, issue_token

    create_user(platform.store, ADMIN, "revoked-user", organization="uz-mvd", roles=["viewer"])
    token = issue_token(
        platform.store, ADMIN, "revoked-user", secret=b"api-test-secret-" + b"x" * 32
    )
    ok = {"Authorization": f"Bearer {token.secret}"}
    assert client.get("/incidents", headers=ok).status_code == 200
    revoke_token(platform.store, ADMIN, token.secret)
    assert_problem(client.get("/incidents", headers=ok), 401)
    old = {"Authorization": f"Bearer {expired_token(platform.store, 'revoked-user')}"}
    assert_problem(client.get("/incidents", headers=old), 401)


def test_repeated_failures_from_one_address_are_refused_for_a_while(platform: Platform) -> None:
    now = [0.0]
    limiter = FailedAuthLimiter(max_failures=3, window_s=60, clock=lambda: now[0])
    with TestClient(make_app(platform.url, limiter=limiter)) as client:
        bad = {"Authorization": "Bearer cst_wrong"}
        for _ in range(3):
            assert_problem(client.get("/organizations", headers=bad), 401)
        refused = client.get("/organizations", headers=platform.auth("kz-mvd"))
        assert_problem(refused, 429, "too many failed")
        assert int(refused.headers["retry-after"]) == 60
        now[0] = 61.0  # the window has passed
        assert client.get("/organizations", headers=platform.auth("kz-mvd")).status_code == 200


# --------------------------------------------------------------------------- reporting


REPORT = {
    "source": "kz-mvd-reports",
    "source_id": "R-1",
    "title": "Valve station break-in",
    "start_date": "2023-03-04",
    "threat_class": "infrastructure_attack",
    "longitude": 68.1,
    "latitude": 43.1,
    "country": "KAZ",
    "tlp": "amber",
}


def test_a_reporter_reports_and_the_stamp_is_its_organization(
    client: TestClient, platform: Platform
) -> None:
    response = client.post(
        "/incidents", headers=platform.auth("kz-mvd"), json={**REPORT, "share_with": ["pair"]}
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["reporter"] == "kz-mvd"
    path = f"/incidents/{made['uuid']}"
    assert client.get(path, headers=platform.auth("uz-mvd")).json()["reporter"] == "kz-mvd"
    assert_problem(client.get(path, headers=platform.auth("tr-police")), 404)


def test_the_body_cannot_choose_the_reporter_or_take_over_a_report(
    client: TestClient, platform: Platform
) -> None:
    forged = client.post("/incidents", headers=platform.auth("kz-mvd"),
                         json={**REPORT, "reporter": "uz-mvd"})  # fmt: skip
    assert_problem(forged, 422, "reporter")
    # cn-mps (an analyst) may not report at all
    assert_problem(client.post("/incidents", headers=platform.auth("cn-mps"), json=REPORT), 403)


def test_report_errors_are_problems(client: TestClient, platform: Platform) -> None:
    auth = platform.auth("kz-mvd")
    assert_problem(client.post("/incidents", headers=auth, json={"title": "x"}), 422, "source")
    wrong_class = {**REPORT, "source_id": "R-2", "threat_class": "unicorns"}
    assert_problem(client.post("/incidents", headers=auth, json=wrong_class), 400, "threat")
    malformed = client.post(
        "/incidents", headers={**auth, "content-type": "application/json"}, content=b"{not json"
    )
    assert_problem(malformed, 422)
    big = client.post("/incidents", headers=auth, json={**REPORT, "description": "x" * 2_000_000})
    assert_problem(big, 413, "bytes")


# --------------------------------------------------------------------------- sharing


def test_list_get_and_export_show_each_organization_exactly_what_it_may_read(
    client: TestClient, platform: Platform
) -> None:
    for org in ORGANIZATIONS:
        expected = {s for s, readers in EXPECTED.items() if org in readers}
        assert visible(client, platform, org, since="2022", until="2022") == expected, org
        for source_id, uuid in platform.uuids.items():
            response = client.get(f"/incidents/{uuid}", headers=platform.auth(org))
            assert response.status_code == (200 if source_id in expected else 404), (org, source_id)
        params = {"format": "csv", "since": "2022", "until": "2022"}
        exported = client.get("/incidents/export", headers=platform.auth(org), params=params)
        rows = csv.DictReader(io.StringIO(exported.text))
        assert {r["source_id"] for r in rows} == expected, org


def test_export_formats(client: TestClient, platform: Platform) -> None:
    auth = platform.auth("uz-mvd")
    geo = client.get("/incidents/export", headers=auth, params={"format": "geojson"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert geo.json()["type"] == "FeatureCollection"
    stix = client.get("/incidents/export", headers=auth, params={"format": "stix"})
    assert stix.json()["type"] == "bundle"
    assert_problem(client.get("/incidents/export", headers=auth, params={"format": "xls"}), 422)


# --------------------------------------------------------------------------- filters, paging


def test_filters_have_the_command_lines_names_and_grammar(
    client: TestClient, platform: Platform
) -> None:
    assert visible(
        client,
        platform,
        "tr-police",
        since="2022-05",
        until="2022",
        country="Kazakhstan",
        **{"class": "infrastructure_attack"},
        bbox="60,38,70,45",
    ) == {
        "k-clear",
        "k-green",
        "k-strict-quiet",
        "k-green-pair",
    }
    assert visible(client, platform, "tr-police", country="KAZ", since="2030") == set()
    auth = platform.auth("tr-police")
    assert_problem(client.get("/incidents", headers=auth, params={"since": "May"}), 400, "date")
    assert_problem(client.get("/incidents", headers=auth, params={"bbox": "1,2"}), 400, "bbox")
    assert_problem(client.get("/incidents", headers=auth, params={"country": "Atlantis"}), 422)
    assert_problem(
        client.get("/incidents", headers=auth, params={"class": "piracyy"}), 422, "piracy"
    )
    assert_problem(client.get("/incidents", headers=auth, params={"limit": 0}), 422, "limit")
    assert_problem(client.get("/incidents", headers=auth, params={"cursor": "!!"}), 400, "cursor")


def test_cursors_page_through_everything_once_with_the_same_total(
    client: TestClient, platform: Platform
) -> None:
    auth = platform.auth("kz-mvd")
    for sort in ("newest", "oldest"):
        seen: list[str] = []
        totals = set()
        params: dict[str, object] = {"limit": 2, "sort": sort, "since": "2022", "until": "2022"}
        while True:
            page = client.get("/incidents", headers=auth, params=params).json()
            totals.add(page["total"])
            seen += [i["source_id"] for i in page["incidents"]]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert sorted(seen) == sorted(EXPECTED) and len(seen) == len(set(seen))
        assert totals == {len(EXPECTED)}


def test_a_cursor_stays_put_when_incidents_arrive_before_it(
    client: TestClient, platform: Platform
) -> None:
    auth = platform.auth("uz-mvd")
    params = {"limit": 2, "sort": "oldest", "since": "2021", "until": "2022"}
    first = client.get("/incidents", headers=auth, params=params).json()
    second = client.get(
        "/incidents", headers=auth, params={**params, "cursor": first["next_cursor"]}
    )
    early = {**REPORT, "source_id": "R-early", "start_date": "2021-01-01", "tlp": "green"}
    assert client.post("/incidents", headers=platform.auth("kz-mvd"), json=early).status_code == 201
    again = client.get(
        "/incidents", headers=auth, params={**params, "cursor": first["next_cursor"]}
    )
    assert again.json()["incidents"] == second.json()["incidents"]
    assert again.json()["total"] == second.json()["total"] + 1
    key = base64.urlsafe_b64decode(first["next_cursor"]).decode()
    assert key.startswith("2022-05-01|")


# --------------------------------------------------------------------------- other problems


def test_problem_shapes_for_403_404_and_unknown_routes(
    client: TestClient, platform: Platform
) -> None:
    assert_problem(client.get("/incidents/not-a-uuid", headers=platform.auth("kz-mvd")), 404)
    assert_problem(client.get("/no-such-thing", headers=platform.auth("kz-mvd")), 404)
    assert_problem(client.get("/meetings/nope", headers=platform.auth("kz-mvd")), 404, "meeting")
    assert_problem(
        client.post("/incidents", headers=platform.auth("uz-mvd"), json=REPORT), 403, "report"
    )


def test_the_openapi_document_and_docs_are_served(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert "/incidents" in document["paths"] and "/risk/countries" in document["paths"]
    assert "bearer" in str(document["components"]["securitySchemes"]).lower()
    assert client.get("/docs").status_code == 200


def test_every_read_is_in_the_audit_log_once_the_server_stops(platform: Platform) -> None:
    """Reads are logged by a batching writer: all of them are committed by the shutdown."""
    from sqlalchemy import func, select

    from corridor.cooperation.services import create_user, issue_token
    from corridor.store.tables import audit_log

    create_user(platform.store, ADMIN, "audited-user", organization="uz-mvd", roles=["viewer"])
    token = issue_token(platform.store, ADMIN, "audited-user", secret=SECRET).secret
    auth = {"Authorization": f"Bearer {token}"}
    app = make_app(platform.url)
    with TestClient(app) as client:
        for page in range(30):
            response = client.get("/incidents", params={"limit": 1 + page % 3}, headers=auth)
            assert response.status_code == 200
        assert client.get(f"/incidents/{platform.uuids['k-clear']}", headers=auth).is_success
    with platform.store.connect() as connection:
        logged = connection.execute(
            select(func.count()).where(audit_log.c.user_id == "audited-user")
        ).scalar()
    assert logged == 31
