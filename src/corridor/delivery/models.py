"""What delivery deals in: webhooks, deliveries, attempts. Plain values, no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from corridor.errors import InputError

__all__ = [
    "ALL_EVENTS",
    "Answer",
    "Attempt",
    "Delivery",
    "DeliveryStatus",
    "NewWebhook",
    "Outcome",
    "Webhook",
    "check_event",
    "check_event_pattern",
    "check_url",
    "event_matches",
    "from_row",
]

ALL_EVENTS = "*"
_EVENT = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
_LONGEST_EVENT = 64
_LONGEST_URL = 2048


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker until its lease runs out
    DELIVERED = "delivered"  # a 2xx answer
    DEAD = "dead"  # out of attempts, or its webhook was removed


def check_event(event: str) -> str:
    """``event`` if it can name an event type (``alert.raised``: dotted lower-case words)."""
    if not _EVENT.fullmatch(event) or len(event) > _LONGEST_EVENT:
        raise InputError(
            f"event {event!r}: use dotted lower-case words such as alert.raised, "
            f"at most {_LONGEST_EVENT} characters"
        )
    return event


def check_event_pattern(pattern: str) -> str:
    """``pattern`` if a webhook can subscribe with it: ``*``, ``alert.*`` or an event name."""
    if pattern == ALL_EVENTS:
        return pattern
    name = pattern.removesuffix(".*")
    try:
        check_event(name)
    except InputError as exc:
        raise InputError(
            f"event filter {pattern!r}: use *, an event such as alert.raised, or alert.*"
        ) from exc
    return pattern


def event_matches(patterns: tuple[str, ...], event: str) -> bool:
    """Whether a webhook subscribed to ``patterns`` receives ``event``."""
    for pattern in patterns:
        if pattern in (ALL_EVENTS, event):
            return True
        if pattern.endswith(".*") and event.startswith(pattern[:-1]):
            return True
    return False


def check_url(url: str) -> str:
    """``url`` if deliveries can be POSTed to it: http or https with a host, no user name
    or password (the signature authenticates, not the URL), no fragment."""
    if not url or url != url.strip() or any(c.isspace() for c in url):
        raise InputError(f"webhook URL {url!r}: empty or contains spaces")
    if len(url) > _LONGEST_URL:
        raise InputError(f"webhook URL: longer than {_LONGEST_URL} characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        raise InputError(f"webhook URL {url!r}: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise InputError(
            f"webhook URL {url!r}: use http:// or https:// (not {parts.scheme or 'no scheme'})"
        )
    if not parts.hostname:
        raise InputError(f"webhook URL {url!r}: no host")
    if parts.username is not None or parts.password is not None:
        raise InputError(
            f"webhook URL {url!r}: no user name or password in the URL; receivers check the "
            "signature instead"
        )
    if parts.fragment:
        raise InputError(f"webhook URL {url!r}: a #fragment is never sent; leave it out")
    return url


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where an organization's events are POSTed. Its signing secret is never part of it:
    it is shown once, in :class:`NewWebhook`."""

    id: int
    organization: str
    url: str
    events: tuple[str, ...]
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewWebhook:
    """A webhook just made: ``secret`` signs its deliveries, shown this once."""

    webhook: Webhook
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event on its way to one webhook. ``uuid`` is sent as ``X-Corridor-Delivery``
    on every attempt, so a receiver drops one it has had already."""

    uuid: str
    organization: str
    webhook_id: int
    event: str
    status: DeliveryStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One POST of a delivery and what came of it (``http_status`` None: no answer)."""

    at: datetime
    http_status: int | None
    error: str | None
    duration_ms: int | None


@dataclass(frozen=True, slots=True)
class Answer:
    """What a receiver said to one POST: its HTTP status (None: no answer), why it failed,
    how long it took."""

    http_status: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt did to a delivery: its answer, and the delivery's state after it."""

    delivery: str
    webhook_id: int
    url: str
    event: str
    attempt: int
    http_status: int | None
    error: str | None
    duration_ms: int
    status: DeliveryStatus
    next_attempt_at: datetime | None


Record = TypeVar("Record")


def from_row(kind: type[Record], row: Mapping[str, Any], **given: Any) -> Record:
    """A ``kind`` dataclass from a store row whose columns bear its fields' names (``given``
    ones excepted): times come out aware (UTC; the store keeps them naive), the status as
    :class:`DeliveryStatus`."""
    values: dict[str, Any] = dict(given)
    for item in fields(kind):  # type: ignore[arg-type]
        if item.name in given:
            continue
        value = row[item.name]
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        values[item.name] = DeliveryStatus(value) if item.name == "status" else value
    return kind(**values)
