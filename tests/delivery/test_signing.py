"""Signatures: what sign() makes, verify() accepts, and every way verify() refuses."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.delivery.signing import SignatureError, sign, verify

SECRET = "cwh_" + "ab" * 32
BODY = b'{"id":"d-1","event":"alert.raised","data":{}}'
T = 1_796_000_000


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, T, BODY) == f"t={T},v1={expected}"


def test_a_signed_body_verifies_within_the_tolerance() -> None:
    header = sign(SECRET, T, BODY)
    assert verify(SECRET, header, BODY, now=T)
    assert verify(SECRET, header, BODY, now=T + 299)
    assert verify(SECRET.encode(), header, BODY, now=T - 299)  # a clock a little behind


@pytest.mark.parametrize(
    ("secret", "header", "body", "now", "says"),
    [
        (SECRET, sign(SECRET, T, BODY), BODY + b" ", T, "no v1 signature matches"),
        ("cwh_other", sign(SECRET, T, BODY), BODY, T, "no v1 signature matches"),
        (SECRET, sign(SECRET, T, BODY), BODY, T + 301, "outside the tolerance"),
        (SECRET, sign(SECRET, T, BODY), BODY, T - 301, "outside the tolerance"),
        (SECRET, None, BODY, T, "no X-Corridor-Signature header"),
        (SECRET, "", BODY, T, "no X-Corridor-Signature header"),
        (SECRET, "v1=abc", BODY, T, "no t=<timestamp>"),
        (SECRET, f"t={T}", BODY, T, "no v1=<signature>"),
        (SECRET, "t=yesterday,v1=abc", BODY, T, "is not a unix timestamp"),
        (SECRET, sign(SECRET, T, BODY).replace(f"t={T}", f"t={T + 1}"), BODY, T, "matches"),
        (SECRET, f"t={T},v1=" + "é" * 64, BODY, T, "no v1 signature matches"),
    ],
    ids=[
        "body changed",
        "other secret",
        "too old",
        "too far ahead",
        "no header",
        "empty header",
        "no timestamp",
        "no signature",
        "timestamp not a number",
        "timestamp changed",
        "not hex",
    ],
)
def test_verify_refuses_with_a_reason(
    secret: str, header: str | None, body: bytes, now: int, says: str
) -> None:
    with pytest.raises(SignatureError, match=says):
        verify(secret, header, body, now=now)


def test_one_matching_signature_among_several_is_enough() -> None:
    """A sender rotating its secret may send a v1 under each; unknown schemes are skipped."""
    good = sign(SECRET, T, BODY).split(",")[1]
    header = f"t={T},v0=legacy,v1={'0' * 64},{good},v2=future"
    assert verify(SECRET, header, BODY, now=T)


def test_the_tolerance_is_the_callers() -> None:
    header = sign(SECRET, T, BODY)
    assert verify(SECRET, header, BODY, now=T + 3600, tolerance_s=3600)
    with pytest.raises(SignatureError):
        verify(SECRET, header, BODY, now=T + 10, tolerance_s=5)


@given(
    secret=st.text(min_size=1, max_size=80),
    body=st.binary(max_size=2000),
    timestamp=st.integers(min_value=0, max_value=10**11),
    flip=st.integers(min_value=0),
)
def test_any_body_verifies_and_any_changed_byte_does_not(
    secret: str, body: bytes, timestamp: int, flip: int
) -> None:
    header = sign(secret, timestamp, body)
    assert verify(secret, header, body, now=timestamp)
    if body:
        changed = bytearray(body)
        changed[flip % len(body)] ^= 0x01
        with pytest.raises(SignatureError):
            verify(secret, header, bytes(changed), now=timestamp)
