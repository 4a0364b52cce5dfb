"""``/webhooks`` over HTTP: an organization's admin adds one (the secret in that answer only),
lists, tests it against a real receiver, reads its deliveries and removes it; nobody else
touches it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from corridor.delivery import verify
from tests.api.conftest import Platform
from tests.delivery.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver().up()
    yield found
    found.down()


def test_an_admin_adds_tests_reads_and_removes_a_webhook(
    client: TestClient, platform: Platform, receiver: Receiver
) -> None:
    admin = platform.admin_auth("pipechina")
    made = client.post("/webhooks", headers=admin, json={"url": receiver.url,
                                                          "events": ["alert.*"]})  # fmt: skip
    assert made.status_code == 201, made.text
    secret, webhook = made.json()["secret"], made.json()["webhook"]
    assert secret.startswith("cwh_") and webhook["organization"] == "pipechina"
    assert webhook["events"] == ["alert.*"] and webhook["active"] is True
    listed = client.get("/webhooks", headers=admin)
    assert webhook["id"] in [w["webhook"]["id"] for w in listed.json()]
    assert secret not in listed.text

    tested = client.post(f"/webhooks/{webhook['id']}/test", headers=admin)
    assert tested.status_code == 200 and tested.json()["status"] == "delivered"
    (got,) = receiver.received
    assert got.headers["X-Corridor-Event"] == "webhook.test"
    assert verify(secret, got.headers["X-Corridor-Signature"], got.body)
    sent = client.get(f"/webhooks/{webhook['id']}/deliveries", headers=admin).json()
    assert [d["uuid"] for d in sent] == [tested.json()["delivery"]]
    assert sent[0]["status"] == "delivered" and secret not in str(sent)

    other = platform.admin_auth("kz-mvd")
    assert client.delete(f"/webhooks/{webhook['id']}", headers=other).status_code == 404
    assert client.post(f"/webhooks/{webhook['id']}/test", headers=other).status_code == 404
    removed = client.delete(f"/webhooks/{webhook['id']}", headers=admin)
    assert removed.status_code == 200 and removed.json()["active"] is False
    assert client.delete(f"/webhooks/{webhook['id']}", headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("who", "body", "status", "says"),
    [
        ("user", {"url": "https://soc.example/h"}, 403, "may not add webhooks"),
        ("admin", {"url": "https://soc.example/h", "organization": "kz-mvd"}, 403, "may not"),
        ("admin", {"url": "ftp://soc.example/h"}, 400, "use http:// or https://"),
        ("admin", {"url": "https://user:pw@soc.example/h"}, 400, "no user name or password"),
        ("admin", {"url": "https://soc.example/h", "events": ["Alert"]}, 400, "event filter"),
        ("admin", {"url": "https://soc.example/h", "secret": "mine"}, 422, "secret"),
    ],
    ids=["not an admin", "another organization", "ftp", "credentials", "bad event", "own secret"],
)
def test_bad_webhooks_are_refused(
    client: TestClient, platform: Platform, who: str, body: dict[str, object], status: int,
    says: str,
) -> None:  # fmt: skip
    headers = platform.admin_auth("pipechina") if who == "admin" else platform.auth("pipechina")
    response = client.post("/webhooks", headers=headers, json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert says in response.json()["detail"]
