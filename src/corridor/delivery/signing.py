"""Signing webhook deliveries, and verifying them on the receiving side.

Every POST carries ``X-Corridor-Signature: t=<unix seconds>,v1=<hex>`` where the hex is
HMAC-SHA256, under the webhook's secret, of ``f"{t}."`` followed by the raw body bytes (the
scheme Stripe uses). Signing the timestamp with the body lets a receiver refuse a replayed
request once it is older than its tolerance; ``X-Corridor-Delivery`` (the delivery's UUID,
the same on every retry) lets it drop a delivery it has had already.

A receiver needs only this module (or the dozen lines of docs/webhooks.md):

    from corridor.delivery.signing import SIGNATURE_HEADER, verify
    verify(secret, request.headers[SIGNATURE_HEADER], raw_body)   # SignatureError if not
"""

from __future__ import annotations

import hashlib
import hmac
import time

from corridor.errors import CorridorError

__all__ = [
    "DEFAULT_TOLERANCE_S",
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "SignatureError",
    "sign",
    "verify",
]

SIGNATURE_HEADER = "X-Corridor-Signature"
DELIVERY_HEADER = "X-Corridor-Delivery"
EVENT_HEADER = "X-Corridor-Event"
DEFAULT_TOLERANCE_S = 300  # five minutes either way, as Stripe's libraries default to
_SCHEME = "v1"


class SignatureError(CorridorError):
    """A delivery's signature is missing, malformed, too old, or does not match the body."""


def _key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def _digest(secret: str | bytes, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode("ascii") + body
    return hmac.new(_key(secret), message, hashlib.sha256).hexdigest()


def sign(secret: str | bytes, timestamp: int, body: bytes) -> str:
    """The ``X-Corridor-Signature`` value for ``body`` sent at ``timestamp`` (unix seconds)."""
    return f"t={int(timestamp)},{_SCHEME}={_digest(secret, int(timestamp), body)}"


def _parse(header: str) -> tuple[int, list[str]]:
    """The timestamp and the v1 signatures of a header; unknown schemes are skipped, so a
    later scheme can be sent beside v1 without breaking receivers."""
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            if not value.isdigit() or len(value) > 12:
                raise SignatureError(f"{SIGNATURE_HEADER}: t={value!r} is not a unix timestamp")
            timestamp = int(value)
        elif key == _SCHEME:
            signatures.append(value)
    if timestamp is None:
        raise SignatureError(f"{SIGNATURE_HEADER} has no t=<timestamp>: {header[:80]!r}")
    if not signatures:
        raise SignatureError(f"{SIGNATURE_HEADER} has no {_SCHEME}=<signature>: {header[:80]!r}")
    return timestamp, signatures


def verify(
    secret: str | bytes,
    header: str | None,
    body: bytes,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """True if ``header`` signs ``body`` (the raw bytes, before any JSON parsing) under
    ``secret`` within ``tolerance_s`` seconds of ``now`` (unix seconds, the clock by
    default); else :class:`SignatureError` saying why. Several ``v1`` values are allowed
    (one matching is enough); the comparison takes the same time however much matches."""
    if not header:
        raise SignatureError(f"no {SIGNATURE_HEADER} header: the request is not signed")
    timestamp, signatures = _parse(header)
    moment = time.time() if now is None else now
    if abs(moment - timestamp) > tolerance_s:
        raise SignatureError(
            f"{SIGNATURE_HEADER}: the timestamp {timestamp} is {moment - timestamp:+.0f} s from "
            f"now, outside the tolerance of {tolerance_s:g} s (a replay, or a clock off)"
        )
    expected = _digest(secret, timestamp, body).encode("ascii")
    matched = False
    for candidate in signatures:  # every candidate compared, in constant time each
        matched |= hmac.compare_digest(expected, candidate.encode("utf-8", "replace"))
    if not matched:
        raise SignatureError(
            f"{SIGNATURE_HEADER}: no {_SCHEME} signature matches the body under this secret"
        )
    return True
