"""API tokens and who a request is: issue (shown once), verify, revoke, list, authenticate.

How tokens are made and hashed, and why an HMAC: :mod:`corridor.cooperation.tokens`.
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from corridor.cooperation.audit import audit_in
from corridor.cooperation.directory import known_organization, user_by_id
from corridor.cooperation.groups import viewer_for
from corridor.cooperation.models import (
    AuditAction,
    AuthenticationError,
    IssuedToken,
    Permission,
    PermissionDeniedError,
    Principal,
    Role,
    Token,
    TokenState,
)
from corridor.cooperation.records import utc
from corridor.cooperation.tokens import digest_matches, new_token, token_digest, token_id
from corridor.errors import InputError, UnknownValueError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from corridor.atlas.catalog import Atlas

__all__ = [
    "DEFAULT_TOKEN_DAYS",
    "LONGEST_TOKEN_DAYS",
    "PrincipalCache",
    "authenticate",
    "issue_token",
    "list_tokens",
    "revoke_token",
    "verify_token",
]

DEFAULT_TOKEN_DAYS = 90
LONGEST_TOKEN_DAYS = 366  # a token that never expires is a token nobody remembers to revoke
_REFUSED = "invalid, revoked or expired token"


def _token(row: Mapping[str, Any]) -> Token:
    return Token(
        id=row["id"],
        user=row["user_id"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
    )


def _may_manage_user(actor: Principal, user: str, organization: str) -> bool:
    return actor.may_manage(organization) or (actor.user is not None and actor.user == user)


def issue_token(
    store: Engine,
    actor: Principal,
    user: str,
    *,
    secret: bytes,
    expires_in_days: int = DEFAULT_TOKEN_DAYS,
    now: datetime | None = None,
) -> IssuedToken:
    """A new token for ``user``: the plain token is in the result, this once; the store
    keeps only its HMAC under ``secret``. The user themself, their organization's admin
    or a platform admin may issue one."""
    from corridor.store.parties import insert_token

    if not 1 <= expires_in_days <= LONGEST_TOKEN_DAYS:
        raise InputError(
            f"expires in {expires_in_days} days: choose 1 to {LONGEST_TOKEN_DAYS} days"
        )
    at = utc(now)
    with store.begin() as connection:
        owner = user_by_id(connection, user)
        if not _may_manage_user(actor, user, owner.organization):
            raise PermissionDeniedError(f"{actor.viewer.who} may not issue tokens for {user!r}")
        if owner.disabled:
            raise InputError(f"user {user!r} is disabled")
        identifier, plain = new_token()
        row = {
            "id": identifier,
            "user_id": user,
            "digest": token_digest(plain, secret),
            "created_at": at,
            "expires_at": at + timedelta(days=expires_in_days),
            "revoked_at": None,
            "last_used_at": None,
        }
        insert_token(connection, row)
        audit_in(
            connection,
            actor.viewer,
            AuditAction.CREATE,
            "token",
            identifier,
            detail={"user": user},
            now=at,
        )
    return IssuedToken(plain, _token(row))


def verify_token(
    store: Engine, token: str, *, secret: bytes, now: datetime | None = None
) -> tuple[Token, str, frozenset[Role]]:
    """The stored token ``token`` is, its user's organization and roles, if it is ours, not
    revoked, not expired and its user not disabled; else :class:`AuthenticationError`,
    one message for every reason. Notes when it was last used."""
    from corridor.store.parties import token_row, touch_token

    at = utc(now)
    identifier = token_id(token)
    with store.begin() as connection:
        row = token_row(connection, identifier) if identifier is not None else None
        # Hash even when there is no row, so a miss takes as long as a wrong secret.
        stored = row["digest"] if row is not None else "0" * 64
        matches = digest_matches(stored, token, secret)
        if row is None or not matches or row["disabled"]:
            raise AuthenticationError(_REFUSED)
        found = _token(row)
        if found.state(at) is not TokenState.ACTIVE:
            raise AuthenticationError(_REFUSED)
        touch_token(connection, found.id, at)
    roles = frozenset(Role(r) for r in json.loads(row["roles"]))
    return found, str(row["organization"]), roles


def authenticate(
    store: Engine,
    token: str,
    *,
    secret: bytes,
    now: datetime | None = None,
    on: date | None = None,
    atlas: Atlas | Callable[[], Atlas] | None = None,
) -> Principal:
    """Who presents ``token``: their roles, and what they read as on ``on`` (the date of
    ``now`` by default). :class:`AuthenticationError` if the token does not open."""
    return _authenticated(store, token, secret=secret, now=now, on=on, atlas=atlas)[0]


def _authenticated(
    store: Engine,
    token: str,
    *,
    secret: bytes,
    now: datetime | None,
    on: date | None,
    atlas: Atlas | Callable[[], Atlas] | None,
) -> tuple[Principal, Token]:
    at = utc(now)
    found, organization, roles = verify_token(store, token, secret=secret, now=at)
    viewer = viewer_for(store, organization, on=on or at.date(), user=found.user, atlas=atlas)
    return Principal(viewer, roles), found


@dataclass(frozen=True, slots=True)
class _Remembered:
    principal: Principal
    token: str  # the public id, for forgetting on revocation
    expires_at: datetime
    day: date
    until: float  # on the cache's clock


# Every live cache, so a revocation in this process reaches them at once.
_caches: weakref.WeakSet[PrincipalCache] = weakref.WeakSet()


class PrincipalCache:
    """:func:`authenticate` with a short memory, for a server that sees the same tokens
    many times a second: a token's principal is kept ``ttl_s`` seconds (keyed by the
    token's HMAC, never the token), within its expiry and the day it was worked out on.

    What that costs: a token revoked in this process (:func:`revoke_token`) is refused
    at once; revoked by another process (``corridor admin token revoke`` while the server
    runs, or another worker), or its user's organization moved between groups, it takes
    effect within ``ttl_s``; ``last_used_at`` is noted once per ``ttl_s``, not per request.
    Failed authentications are never remembered.
    """

    def __init__(
        self,
        ttl_s: float = 5.0,
        *,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_s, self.max_entries, self.clock = ttl_s, max_entries, clock
        self._entries: dict[str, _Remembered] = {}
        self._lock = threading.Lock()
        _caches.add(self)

    def remembered(
        self, token: str, *, secret: bytes, now: datetime | None = None, on: date | None = None
    ) -> Principal | None:
        """The principal of ``token`` (groups reckoned on ``on``, default today) if it is
        remembered and still good; no I/O."""
        if self.ttl_s <= 0:
            return None
        at = utc(now)
        day = on or at.date()
        key = token_digest(token, secret)
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found.until <= self.clock() or found.expires_at <= at or found.day != day:
                del self._entries[key]
                return None
            return found.principal

    def authenticate(
        self,
        store: Engine,
        token: str,
        *,
        secret: bytes,
        now: datetime | None = None,
        on: date | None = None,
        atlas: Atlas | Callable[[], Atlas] | None = None,
    ) -> Principal:
        """:func:`authenticate` (groups reckoned on ``on``), answered from memory when it
        can be."""
        at = utc(now)
        day = on or at.date()
        known = self.remembered(token, secret=secret, now=at, on=day)
        if known is not None:
            return known
        principal, found = _authenticated(store, token, secret=secret, now=at, on=day, atlas=atlas)
        if self.ttl_s > 0:
            entry = _Remembered(principal, found.id, found.expires_at, day,
                                self.clock() + self.ttl_s)  # fmt: skip
            with self._lock:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[token_digest(token, secret)] = entry
        return principal

    def forget(self, token: str | None = None) -> None:
        """Forget the token with public id ``token`` (None: every token)."""
        with self._lock:
            if token is None:
                self._entries.clear()
                return
            for key in [k for k, e in self._entries.items() if e.token == token]:
                del self._entries[key]


def revoke_token(
    store: Engine, actor: Principal, token: str, *, now: datetime | None = None
) -> Token:
    """Revoke the token with public id ``token`` (the ``cst_...`` token itself works too):
    it opens nothing from then on. Refused if it was revoked already."""
    from corridor.store.parties import revoke_token as mark_revoked
    from corridor.store.parties import token_row

    identifier = token_id(token) or token
    at = utc(now)
    with store.begin() as connection:
        row = token_row(connection, identifier)
        if row is None or not _may_manage_user(actor, row["user_id"], row["organization"]):
            raise UnknownValueError("token", identifier, hint="`corridor admin token list`")
        if not mark_revoked(connection, identifier, at):
            raise InputError(f"token {identifier} was revoked already")
        audit_in(
            connection,
            actor.viewer,
            AuditAction.REVOKE,
            "token",
            identifier,
            detail={"user": row["user_id"]},
            now=at,
        )
    for cache in list(_caches):
        cache.forget(identifier)
    return _token({**row, "revoked_at": at})


def list_tokens(
    store: Engine,
    actor: Principal,
    *,
    user: str | None = None,
    organization: str | None = None,
) -> list[Token]:
    """Tokens newest first (never their secrets): a user's own, an organization's for its
    admin, all for a platform admin."""
    from corridor.store.parties import token_rows

    with store.connect() as connection:
        if user is not None:
            owner = user_by_id(connection, user)
            if not _may_manage_user(actor, user, owner.organization):
                raise PermissionDeniedError(f"{actor.viewer.who} may not list {user!r}'s tokens")
        elif organization is not None:
            known_organization(connection, organization)
            if not actor.may_manage(organization):
                raise PermissionDeniedError(
                    f"{actor.viewer.who} may not list {organization!r}'s tokens"
                )
        elif not actor.can(Permission.MANAGE_PLATFORM):
            if actor.user is None:
                raise PermissionDeniedError(f"{actor.viewer.who} may not list tokens")
            user = actor.user
        rows = token_rows(connection, user=user, organization=organization)
    return [_token(row) for row in rows]
