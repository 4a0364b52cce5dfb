"""Webhook use cases: who may add, list, remove and test; the secret shown once; bad URLs
and event filters refused; a test delivery sent at once and recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.cooperation.models import PermissionDeniedError, Principal, Role
from corridor.cooperation.services import audit_log
from corridor.delivery import (
    DeliveryStatus,
    add_webhook,
    delivery_attempts,
    list_deliveries,
    list_webhooks,
    remove_webhook,
    send_test,
    verify,
)
from corridor.delivery.worker import WorkerOptions
from corridor.errors import InputError, UnknownValueError
from corridor.events.access import Viewer
from corridor.store import open_store
from tests.delivery.conftest import ADMIN, QUICK, Hooked, add_organizations
from tests.delivery.receiver import Receiver


def member(organization: str, *roles: Role) -> Principal:
    return Principal(Viewer(organization, user=f"{organization}-user"), frozenset(roles))


KZ_ADMIN = member("kz-mvd", Role.ORG_ADMIN)
PIPE_ADMIN = member("pipechina", Role.ORG_ADMIN)


@pytest.fixture
def sqlite_store(tmp_path: Path, atlas: Atlas) -> Engine:
    made = open_store(f"sqlite:///{tmp_path / 'w.sqlite'}", create=True)
    add_organizations(made, atlas)
    return made


def test_the_secret_is_shown_once_and_never_listed(hooked: Hooked) -> None:
    secret = hooked.hook.secret
    assert secret.startswith("cwh_") and len(secret) == 4 + 64
    assert secret not in repr(hooked.hook)
    listed = list_webhooks(hooked.store, ADMIN)
    assert [w.webhook for w in listed] == [hooked.hook.webhook]
    assert secret not in repr(listed) and not hasattr(listed[0].webhook, "secret")
    assert listed[0].deliveries == {"pending": 0, "sending": 0, "delivered": 0, "dead": 0}


def test_an_organization_admin_manages_only_its_own_webhooks(sqlite_store: Engine) -> None:
    mine = add_webhook(sqlite_store, KZ_ADMIN, "kz-mvd", "https://kz.example/in")
    theirs = add_webhook(sqlite_store, PIPE_ADMIN, "pipechina", "https://p.example/in")
    with pytest.raises(PermissionDeniedError, match="may not add webhooks to 'pipechina'"):
        add_webhook(sqlite_store, KZ_ADMIN, "pipechina", "https://kz.example/steal")
    assert [w.webhook for w in list_webhooks(sqlite_store, KZ_ADMIN)] == [mine.webhook]
    with pytest.raises(PermissionDeniedError, match="only its own"):
        list_webhooks(sqlite_store, KZ_ADMIN, organization="pipechina")
    with pytest.raises(PermissionDeniedError, match="needs manage_organization"):
        list_webhooks(sqlite_store, member("kz-mvd", Role.REPORTER, Role.RESPONDER))
    for action in (remove_webhook, send_test, list_deliveries):
        with pytest.raises(UnknownValueError, match=f"webhook '{theirs.webhook.id}'"):
            action(sqlite_store, KZ_ADMIN, theirs.webhook.id)  # type: ignore[operator]
    assert len(list_webhooks(sqlite_store, ADMIN)) == 2  # a platform admin sees all


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("", "empty or contains spaces"),
        ("https://soc.example/a b", "contains spaces"),
        ("soc.example/hook", "use http:// or https://"),
        ("ftp://soc.example/hook", "not ftp"),
        ("javascript:alert(1)", "not javascript"),
        ("https:///hook", "no host"),
        ("https://soc.example:99999/hook", "Port out of range"),
        ("https://me:pw@soc.example/hook", "no user name or password"),
        ("https://soc.example/hook#part", "fragment"),
        ("https://soc.example/" + "a" * 2100, "longer than 2048"),
    ],
)
def test_a_bad_url_is_refused(sqlite_store: Engine, url: str, says: str) -> None:
    with pytest.raises(InputError, match=says):
        add_webhook(sqlite_store, ADMIN, "kz-mvd", url)
    assert list_webhooks(sqlite_store, ADMIN) == []


@pytest.mark.parametrize("events", [["Alert"], ["alert.**"], ["*.raised"], ["alert raised"]])
def test_a_bad_event_filter_is_refused(sqlite_store: Engine, events: list[str]) -> None:
    with pytest.raises(InputError, match="event filter"):
        add_webhook(sqlite_store, ADMIN, "kz-mvd", "https://kz.example/in", events=events)


def test_event_filters_are_kept_in_order_without_repeats(sqlite_store: Engine) -> None:
    made = add_webhook(sqlite_store, ADMIN, "kz-mvd", "https://kz.example/in",
                       events=["alert.raised", "case.*", "alert.raised"])  # fmt: skip
    assert made.webhook.events == ("alert.raised", "case.*")
    everything = add_webhook(sqlite_store, ADMIN, "kz-mvd", "https://kz.example/all",
                             events=["alert.raised", "*"])  # fmt: skip
    assert everything.webhook.events == ("*",)


def test_an_unknown_organization_is_refused(sqlite_store: Engine) -> None:
    with pytest.raises(UnknownValueError, match="organization 'kz-mdv' is unknown; did you mean"):
        add_webhook(sqlite_store, ADMIN, "kz-mdv", "https://kz.example/in")


def test_adding_and_removing_are_in_the_audit_log(sqlite_store: Engine) -> None:
    made = add_webhook(sqlite_store, KZ_ADMIN, "kz-mvd", "https://kz.example/in")
    remove_webhook(sqlite_store, KZ_ADMIN, made.webhook.id)
    entries = audit_log(sqlite_store, ADMIN, organization="kz-mvd")
    assert [(e.action.value, e.object_type, e.object_id) for e in entries] == [
        ("revoke", "webhook", str(made.webhook.id)),
        ("create", "webhook", str(made.webhook.id)),
    ]
    assert made.secret not in str(entries)
    assert list_webhooks(sqlite_store, ADMIN) == []
    assert [w.webhook.active for w in list_webhooks(sqlite_store, ADMIN, removed=True)] == [False]


def test_a_test_delivery_goes_out_at_once_signed_and_recorded(hooked: Hooked) -> None:
    outcome = send_test(hooked.store, ADMIN, hooked.hook.webhook.id, options=QUICK)
    assert outcome.status is DeliveryStatus.DELIVERED and outcome.event == "webhook.test"
    (got,) = hooked.receiver.received
    assert verify(hooked.hook.secret, got.headers["X-Corridor-Signature"], got.body)
    (sent,) = list_deliveries(hooked.store, ADMIN, hooked.hook.webhook.id)
    assert sent.uuid == outcome.delivery == got.delivery and sent.attempts == 1
    (attempt,) = delivery_attempts(hooked.store, ADMIN, sent.uuid)
    assert attempt.http_status == 200


def test_a_failed_test_delivery_says_why_and_is_not_retried(hooked: Hooked) -> None:
    hooked.receiver.down()
    outcome = send_test(hooked.store, ADMIN, hooked.hook.webhook.id, options=QUICK)
    assert outcome.status is DeliveryStatus.DEAD and outcome.http_status is None
    assert "ConnectError" in str(outcome.error)
    dead = list_deliveries(hooked.store, ADMIN, hooked.hook.webhook.id, status="dead")
    assert [d.uuid for d in dead] == [outcome.delivery]
    with pytest.raises(UnknownValueError, match="delivery status 'lost'"):
        list_deliveries(hooked.store, ADMIN, hooked.hook.webhook.id, status="lost")


def test_worker_options_that_would_send_twice_are_refused() -> None:
    with pytest.raises(InputError, match="at least the timeout"):
        WorkerOptions(timeout_s=10, lease_s=10)
    with pytest.raises(InputError, match="concurrency"):
        WorkerOptions(concurrency=0)


def test_listing_counts_deliveries_by_status(hooked: Hooked, receiver: Receiver) -> None:
    hooked.enqueue(3)
    send_test(hooked.store, ADMIN, hooked.hook.webhook.id, options=QUICK)
    (listed,) = list_webhooks(hooked.store, ADMIN, organization="pipechina")
    assert listed.deliveries == {"pending": 3, "sending": 0, "delivered": 1, "dead": 0}
