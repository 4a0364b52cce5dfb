"""API tokens: made random, shown once, stored as a keyed hash, compared in constant time.

A token is ``cst_<id>_<secret>``: ``id`` (12 hex digits) is public and finds the
stored row; the whole token is stored only as HMAC-SHA256 under a server secret.
Why an HMAC and not argon2: the tokens are 256-bit random strings, not passwords,
so nobody can guess one and a slow hash buys nothing but CPU on every request;
keying the hash with a secret kept outside the database makes a stolen table
useless without that secret. The stored and computed digests are compared with
:func:`hmac.compare_digest`, so the time taken says nothing about how much matched.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from corridor.errors import CorridorError

__all__ = [
    "SECRET_BYTES",
    "TOKEN_PREFIX",
    "digest_matches",
    "new_token",
    "server_secret",
    "token_digest",
    "token_id",
]

TOKEN_PREFIX = "cst_"
SECRET_BYTES = 32  # 256 bits, for the token's secret part and for the server secret
_ID_LENGTH = 12


def new_token() -> tuple[str, str]:
    """A fresh (id, token): the id is public, the token is shown once to its owner."""
    identifier = secrets.token_hex(_ID_LENGTH // 2)
    return identifier, f"{TOKEN_PREFIX}{identifier}_{secrets.token_urlsafe(SECRET_BYTES)}"


def token_id(token: str) -> str | None:
    """The public id inside ``token``, or None when it is not shaped like one of ours."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    identifier = token[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + _ID_LENGTH]
    rest = token[len(TOKEN_PREFIX) + _ID_LENGTH :]
    if len(identifier) != _ID_LENGTH or not rest.startswith("_") or len(rest) < 2:
        return None
    if any(c not in "0123456789abcdef" for c in identifier):
        return None
    return identifier


def token_digest(token: str, secret: bytes) -> str:
    """HMAC-SHA256 of ``token`` under the server ``secret``, hex: what the store keeps."""
    return hmac.new(secret, token.encode("utf-8"), hashlib.sha256).hexdigest()


def digest_matches(stored: str, token: str, secret: bytes) -> bool:
    """Whether ``token`` hashes to ``stored``, compared in constant time."""
    return hmac.compare_digest(stored.encode("ascii"), token_digest(token, secret).encode("ascii"))


def server_secret(configured: str | None, path: Path, *, create: bool = False) -> bytes:
    """The key tokens are hashed under: ``configured`` (``CORRIDOR_TOKEN_SECRET``) if set,
    else the file at ``path`` (made, readable by its owner only, when ``create``).

    Never kept in the database: that is the point of keying the hash.
    """
    if configured:
        if len(configured) < 32:
            raise CorridorError(
                "CORRIDOR_TOKEN_SECRET is too short: use at least 32 characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        return configured.encode("utf-8")
    if path.is_file():
        return path.read_bytes().strip()
    if not create:
        raise CorridorError(
            f"no token secret at {path}: issue a token first (`corridor admin token issue`) "
            "or set CORRIDOR_TOKEN_SECRET"
        )
    if not path.parent.is_dir():
        raise CorridorError(f"no folder {path.parent} for the token secret: create it first")
    value = secrets.token_hex(SECRET_BYTES).encode("ascii")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(value + b"\n")
    return value
