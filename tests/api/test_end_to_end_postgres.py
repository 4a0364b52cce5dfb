"""End to end on the real local PostgreSQL: two agencies and an operator; Kazakhstan's
agency reports an AMBER incident to the SCO group over HTTP; Uzbekistan's agency (an SCO
member state) reads it, a Turkish pipeline operator does not; the audit log says so."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import text

from corridor.atlas import Atlas
from corridor.cooperation.services import (
    audit_log,
    create_group,
    create_organization,
    create_user,
    issue_token,
)
from corridor.store import open_store
from corridor.store.database import make_engine
from tests.api.conftest import ADMIN, SECRET, make_app


def test_amber_to_the_sco_group_on_postgresql(postgres_server: str, atlas: Atlas) -> None:
    scratch = make_engine(postgres_server)
    with scratch.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    scratch.dispose()
    store = open_store(postgres_server, create=True)
    for org, kind, country in (
        ("kz-mvd", "law_enforcement", "KAZ"),
        ("uz-mvd", "law_enforcement", "UZB"),
        ("botas", "operator", "TUR"),
    ):
        create_organization(store, ADMIN, org, name=org, kind=kind, country=country, atlas=atlas)
    create_group(store, ADMIN, "sco", name="SCO", mechanism="SCO", owner="kz-mvd", atlas=atlas)
    tokens = {}
    for org, role in (("kz-mvd", "reporter"), ("uz-mvd", "viewer"), ("botas", "viewer")):
        create_user(store, ADMIN, f"{org}-user", organization=org, roles=[role])
        tokens[org] = issue_token(store, ADMIN, f"{org}-user", secret=SECRET).secret

    def auth(org: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[org]}"}

    report = {
        "source": "kz-mvd-reports", "source_id": "2024-017", "title": "Compressor station drone",
        "start_date": "2024-06-03", "threat_class": "infrastructure_attack", "country": "KAZ",
        "longitude": 66.74, "latitude": 39.51, "tlp": "amber", "share_with": ["sco"],
    }  # fmt: skip
    app = make_app(postgres_server)
    with TestClient(app) as client:
        app.state.corridor._atlas = atlas
        made = client.post("/incidents", headers=auth("kz-mvd"), json=report)
        assert made.status_code == 201, made.text
        uuid = made.json()["uuid"]
        for org, sees in (("kz-mvd", True), ("uz-mvd", True), ("botas", False)):
            one = client.get(f"/incidents/{uuid}", headers=auth(org))
            assert one.status_code == (200 if sees else 404), org
            listed = client.get("/incidents", headers=auth(org)).json()
            assert (listed["total"], bool(listed["incidents"])) == (
                (1, True) if sees else (0, False)
            )

    entries = audit_log(store, ADMIN, since=date.today())
    said = [(e.organization, e.user, e.action.value, e.object_type, e.object_id) for e in entries]
    assert ("kz-mvd", "kz-mvd-user", "create", "incident", uuid) in said
    assert ("kz-mvd", "kz-mvd-user", "share", "incident", uuid) in said
    shared = next(e for e in entries if e.action.value == "share")
    assert '"sco"' in shared.detail
    reads = {(e.organization, e.count) for e in entries if e.action.value == "read"}
    assert ("uz-mvd", 1) in reads and ("botas", 0) in reads  # botas read, and got nothing
    store.dispose()
