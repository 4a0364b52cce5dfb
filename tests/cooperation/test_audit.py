"""The audit log is append-only: entries go in, and nothing changes or removes them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.cooperation.models import PermissionDeniedError, Principal, Role
from corridor.cooperation.services import audit, audit_log
from corridor.events.access import Viewer
from corridor.events.model import Tlp
from corridor.events.query import IncidentQuery
from corridor.events.services import list_incidents
from tests.cooperation.conftest import ADMIN, incident, store_incidents

SRC = Path(__file__).resolve().parents[2] / "src" / "corridor"


def test_reading_incidents_writes_an_entry(platform: Engine, atlas: Atlas) -> None:
    store_incidents(platform, incident("a", Tlp.GREEN, "cn-mps"), incident("b", Tlp.RED, "cn-mps"))
    viewer = Viewer("kz-mvd", user="aigerim")
    list_incidents(platform, viewer, IncidentQuery(countries=("KAZ",)))
    entry = audit_log(platform, ADMIN, action="read")[0]
    assert (entry.organization, entry.user, entry.object_type, entry.count) == (
        "kz-mvd", "aigerim", "incidents", 1,
    )  # fmt: skip
    assert '"countries": ["KAZ"]' in entry.detail


def test_organization_admins_read_only_their_own_entries(platform: Engine) -> None:
    audit(platform, Viewer("kz-mvd"), "export", "incidents", count=3)
    audit(platform, Viewer("cn-mps"), "export", "incidents", count=5)
    kz_admin = Principal(Viewer("kz-mvd"), frozenset({Role.ORG_ADMIN}))
    assert [e.count for e in audit_log(platform, kz_admin, action="export")] == [3]
    with pytest.raises(PermissionDeniedError):
        audit_log(platform, kz_admin, organization="cn-mps")
    with pytest.raises(PermissionDeniedError):
        audit_log(platform, Principal(Viewer("kz-mvd"), frozenset({Role.ANALYST})))


def test_changes_are_logged_with_who_made_them(platform: Engine) -> None:
    created = {(e.object_type, e.object_id) for e in audit_log(platform, ADMIN, action="create")}
    assert ("organization", "sco-rats") in created and ("group", "quiet") in created


def test_no_function_updates_or_deletes_an_entry() -> None:
    """The only statements on audit_log anywhere in the library are an insert and a select."""
    touching = []
    for path in SRC.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "audit_log" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"update", "delete"}
                and any(isinstance(a, ast.Name) and a.id == "audit_log" for a in node.args)
            ):
                touching.append(str(path))
        lowered = source.lower()
        assert "update audit_log" not in lowered and "delete from audit_log" not in lowered, path
    assert touching == []
    import corridor.store.audit as repository

    assert set(repository.__all__) == {"AuditWriter", "append_entry", "audit_row", "entry_rows"}
    public = {name for name in vars(repository.AuditWriter) if not name.startswith("_")}
    assert public == {"append", "flush", "close"}  # the batching writer only appends
