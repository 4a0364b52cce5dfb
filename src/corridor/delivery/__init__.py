"""Delivery: events to organizations as signed webhook POSTs, through an outbox.

Generic and typed: it knows organizations, webhooks and event names, nothing of what an
event means. A writer calls :func:`enqueue` inside its own transaction (the event and its
deliveries commit together); a :class:`~corridor.delivery.worker.Worker` (``corridor
worker``, or the one inside ``corridor serve``) sends them, retrying with backoff and
recording every attempt; a receiver checks each POST with :func:`verify`. See
docs/webhooks.md.

Importing this package loads no HTTP client: :mod:`corridor.delivery.worker` does.
"""

from __future__ import annotations

from corridor.delivery.backoff import RetryPolicy
from corridor.delivery.models import (
    Attempt,
    Delivery,
    DeliveryStatus,
    NewWebhook,
    Outcome,
    Webhook,
)
from corridor.delivery.outbox import enqueue
from corridor.delivery.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    SignatureError,
    sign,
    verify,
)
from corridor.delivery.webhooks import (
    WebhookListing,
    add_webhook,
    delivery_attempts,
    list_deliveries,
    list_webhooks,
    remove_webhook,
    send_test,
)

__all__ = [
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "Attempt",
    "Delivery",
    "DeliveryStatus",
    "NewWebhook",
    "Outcome",
    "RetryPolicy",
    "SignatureError",
    "Webhook",
    "WebhookListing",
    "add_webhook",
    "delivery_attempts",
    "enqueue",
    "list_deliveries",
    "list_webhooks",
    "remove_webhook",
    "send_test",
    "sign",
    "verify",
]
