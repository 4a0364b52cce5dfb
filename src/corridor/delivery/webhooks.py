"""Webhooks: an organization's admin adds, lists, removes and tests where its events go.

The signing secret is made here, returned once by :func:`add_webhook` and never again
(listings leave it out). Removing a webhook stops its pending deliveries (they die with
"the webhook was removed") and keeps its history.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from corridor.cooperation.audit import audit_in
from corridor.cooperation.directory import known_organization
from corridor.cooperation.models import AuditAction, Permission, PermissionDeniedError, Principal
from corridor.cooperation.records import utc
from corridor.delivery import models
from corridor.delivery.models import ALL_EVENTS, DeliveryStatus, NewWebhook, Webhook, from_row
from corridor.errors import InputError, UnknownValueError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from corridor.delivery.worker import WorkerOptions

__all__ = [
    "SECRET_PREFIX",
    "TEST_EVENT",
    "WebhookListing",
    "add_webhook",
    "delivery_attempts",
    "list_deliveries",
    "list_webhooks",
    "remove_webhook",
    "send_test",
]

SECRET_PREFIX = "cwh_"  # so secret scanners and people can tell what a leaked string is
TEST_EVENT = "webhook.test"
_MOST_EVENT_FILTERS = 50


@dataclass(frozen=True, slots=True)
class WebhookListing:
    """A webhook and how many of its deliveries are in each status."""

    webhook: Webhook
    deliveries: dict[str, int]


def _webhook(row: Mapping[str, Any]) -> Webhook:
    return from_row(Webhook, row, events=tuple(json.loads(row["events"])))


def _events(events: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(models.check_event_pattern(e.strip()) for e in events))
    if not chosen:
        return (ALL_EVENTS,)
    if len(chosen) > _MOST_EVENT_FILTERS:
        raise InputError(f"{len(chosen)} event filters: at most {_MOST_EVENT_FILTERS}")
    return (ALL_EVENTS,) if ALL_EVENTS in chosen else chosen


def add_webhook(
    store: Engine,
    actor: Principal,
    organization: str,
    url: str,
    *,
    events: Iterable[str] = (ALL_EVENTS,),
    now: datetime | None = None,
) -> NewWebhook:
    """Send ``organization``'s events matching ``events`` (``*``, ``alert.*``, an event name)
    to ``url``. The organization's admin or a platform admin may. The result holds the
    signing secret, this once."""
    from corridor.store.deliveries import insert_webhook

    models.check_url(url)
    chosen = _events(events)
    if not actor.may_manage(organization):
        raise PermissionDeniedError(f"{actor.viewer.who} may not add webhooks to {organization!r}")
    at = utc(now)
    secret = SECRET_PREFIX + secrets.token_hex(32)
    with store.begin() as connection:
        known_organization(connection, organization)
        row: dict[str, Any] = {
            "organization": organization,
            "url": url,
            "secret": secret,
            "events": json.dumps(list(chosen)),
            "active": True,
            "created_at": at,
        }
        row["id"] = insert_webhook(connection, row)
        audit_in(
            connection,
            actor.viewer,
            AuditAction.CREATE,
            "webhook",
            str(row["id"]),
            detail={"organization": organization, "url": url, "events": list(chosen)},
            now=at,
        )
    return NewWebhook(_webhook(row), secret)


def list_webhooks(
    store: Engine, actor: Principal, *, organization: str | None = None, removed: bool = False
) -> list[WebhookListing]:
    """Webhooks by id with their delivery counts (never their secrets): an organization's
    admin sees their organization's, a platform admin all (or one organization's).
    ``removed`` adds the removed ones."""
    from corridor.store.deliveries import status_counts, webhook_rows

    scope = organization
    if not actor.can(Permission.MANAGE_PLATFORM):
        actor.require(Permission.MANAGE_ORGANIZATION, "list webhooks")
        scope = actor.organization
        if organization not in (None, scope):
            raise PermissionDeniedError(f"{actor.viewer.who} may list only its own webhooks")
    with store.connect() as connection:
        if scope is not None:
            known_organization(connection, scope)
        rows = webhook_rows(connection, organization=scope, active=None if removed else True)
        counts = status_counts(connection, [row["id"] for row in rows])
    empty = {status.value: 0 for status in DeliveryStatus}
    return [WebhookListing(_webhook(row), {**empty, **counts.get(row["id"], {})}) for row in rows]


def _managed(connection: Connection, actor: Principal, webhook_id: int) -> Webhook:
    """The active webhook ``webhook_id`` if ``actor`` manages its organization; else unknown
    (another organization's webhook is as unknown as a made-up id)."""
    from corridor.store.deliveries import webhook_rows

    found = webhook_rows(connection, webhook_id=webhook_id, active=True)
    if not found or not actor.may_manage(found[0]["organization"]):
        raise UnknownValueError("webhook", str(webhook_id), hint="`corridor webhooks list`")
    return _webhook(found[0])


def remove_webhook(
    store: Engine, actor: Principal, webhook_id: int, *, now: datetime | None = None
) -> Webhook:
    """Stop sending to the webhook: it is kept, inactive, with its deliveries; those still
    pending die unsent."""
    from corridor.store.deliveries import deactivate_webhook, settle_pending

    at = utc(now)
    with store.begin() as connection:
        webhook = _managed(connection, actor, webhook_id)
        deactivate_webhook(connection, webhook_id, at)
        stopped = settle_pending(
            connection,
            webhook_id,
            status=DeliveryStatus.DEAD.value,
            error="the webhook was removed",
        )
        audit_in(
            connection,
            actor.viewer,
            AuditAction.REVOKE,
            "webhook",
            str(webhook_id),
            count=stopped,
            detail={"url": webhook.url},
            now=at,
        )
    return Webhook(
        webhook.id, webhook.organization, webhook.url, webhook.events, False, webhook.created_at
    )


def send_test(store: Engine, actor: Principal, webhook_id: int, *,
              options: WorkerOptions | None = None, now: datetime | None = None,
              ) -> models.Outcome:  # fmt: skip
    """POST a signed ``webhook.test`` delivery to the webhook now, and say what its receiver
    answered. The delivery and its attempt are recorded like any other; it is not retried."""
    from corridor.delivery.outbox import enqueue_claimed
    from corridor.delivery.worker import Worker, WorkerOptions

    with store.connect() as connection:
        webhook = _managed(connection, actor, webhook_id)
    chosen = options or WorkerOptions()
    payload = {"message": "a test delivery from Secure Corridor", "webhook": webhook_id,
               "requested_by": actor.user or actor.organization}  # fmt: skip
    with Worker(store, options=chosen) as worker:
        claimed = enqueue_claimed(store, organization=webhook.organization, webhook_id=webhook_id,
                                  event=TEST_EVENT, payload=payload, worker=worker.name,
                                  lease_s=chosen.lease_s, now=utc(now))  # fmt: skip
        return worker.attempt(claimed, retry=False)


def list_deliveries(store: Engine, actor: Principal, webhook_id: int, *,
                    status: DeliveryStatus | str | None = None, limit: int = 100,
                    ) -> list[models.Delivery]:  # fmt: skip
    """The webhook's deliveries (removed webhooks' too), newest last; of one status if given."""
    from corridor.store.deliveries import delivery_rows, webhook_rows

    chosen = None
    if status is not None:
        try:
            chosen = DeliveryStatus(status).value
        except ValueError as exc:
            raise UnknownValueError("delivery status", str(status), list(DeliveryStatus)) from exc
    if limit < 1:
        raise InputError(f"limit {limit}: must be at least 1")
    with store.connect() as connection:
        found = webhook_rows(connection, webhook_id=webhook_id)
        if not found or not actor.may_manage(found[0]["organization"]):
            raise UnknownValueError("webhook", str(webhook_id), hint="`corridor webhooks list`")
        rows = delivery_rows(connection, webhook_id=webhook_id, status=chosen, newest=limit)
    return [from_row(models.Delivery, row) for row in rows]


def delivery_attempts(store: Engine, actor: Principal, delivery: str) -> list[models.Attempt]:
    """Every attempt of the delivery with UUID ``delivery``, oldest first."""
    from corridor.store.deliveries import attempt_rows, delivery_rows

    with store.connect() as connection:
        found = delivery_rows(connection, uuids=[delivery])
        if not found or not actor.may_manage(found[0]["organization"]):
            raise UnknownValueError("delivery", delivery)
        return [from_row(models.Attempt, row) for row in attempt_rows(connection, found[0]["id"])]
