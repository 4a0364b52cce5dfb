"""What every route gets injected: the store, the atlas, and who is asking.

The store is opened once when the app starts (:class:`ServerState`); the principal is
read from ``Authorization: Bearer <token>`` on every request, and repeated failures
from one client address are refused for a while (:class:`FailedAuthLimiter`). Who is
in a sharing group is reckoned on the server's day (``ServerState.today``), never on
a day the caller names: a state that left a mechanism must not read as it once did.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from corridor.api.problems import ProblemError
from corridor.atlas.catalog import Atlas
from corridor.cooperation.models import AuthenticationError, Principal

__all__ = [
    "AtlasDep",
    "FailedAuthLimiter",
    "PrincipalDep",
    "ServerState",
    "StoreDep",
    "principal",
    "server_state",
    "store",
]


class FailedAuthLimiter:
    """Refuses a client address for ``window_s`` seconds once it has failed to
    authenticate ``max_failures`` times within that window: a token is 256 random bits,
    so this is not what keeps guessers out, but it keeps them from loading the store."""

    def __init__(
        self,
        max_failures: int = 10,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures, self.window_s, self.clock = max_failures, window_s, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        return failures

    def retry_after_s(self, client: str) -> int:
        """Seconds until ``client`` may try again; 0 when it may now."""
        with self._lock:
            now = self.clock()
            failures = self._recent(client, now)
            if len(failures) < self.max_failures:
                if not failures:
                    self._failures.pop(client, None)
                return 0
            return max(1, int(failures[0] + self.window_s - now + 0.999))

    def failed(self, client: str) -> None:
        """Note one failed authentication from ``client``."""
        with self._lock:
            now = self.clock()
            self._recent(client, now).append(now)


@dataclass
class ServerState:
    """What the app holds for its lifetime: the store, the token key, the atlas, and the
    clock that says which day group membership is reckoned on."""

    store: Engine
    token_secret: bytes
    atlas_loader: Callable[[], Atlas]
    limiter: FailedAuthLimiter = field(default_factory=FailedAuthLimiter)
    today: Callable[[], date] = date.today
    _atlas: Atlas | None = None

    def atlas(self) -> Atlas:
        """The atlas, loaded on first use (it takes a second; most requests never need it)."""
        if self._atlas is None:
            self._atlas = self.atlas_loader()
        return self._atlas


def server_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.corridor
    return state


_bearer = HTTPBearer(auto_error=False, description="An API token: `corridor admin token issue`")


def principal(
    request: Request,
    state: Annotated[ServerState, Depends(server_state)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Who presents the bearer token; 401 without one or with one that does not open,
    429 for an address that failed too often lately."""
    from corridor.cooperation.services import authenticate

    client = request.client.host if request.client else "unknown"
    wait_s = state.limiter.retry_after_s(client)
    if wait_s:
        raise ProblemError(
            429,
            f"too many failed authentications from {client}; try again in {wait_s} s",
            {"Retry-After": str(wait_s)},
        )
    if credentials is None or credentials.scheme.lower() != "bearer":
        state.limiter.failed(client)
        raise ProblemError(
            401, "send an API token: Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"}
        )
    try:
        return authenticate(
            state.store,
            credentials.credentials,
            secret=state.token_secret,
            on=state.today(),
            atlas=state.atlas,
        )
    except AuthenticationError:
        state.limiter.failed(client)
        raise


def store(state: Annotated[ServerState, Depends(server_state)]) -> Engine:
    """The app's store, opened once at startup."""
    return state.store


def _atlas(state: Annotated[ServerState, Depends(server_state)]) -> Atlas:
    return state.atlas()


PrincipalDep = Annotated[Principal, Depends(principal)]
StoreDep = Annotated[Engine, Depends(store)]
AtlasDep = Annotated[Atlas, Depends(_atlas)]
