"""What every route gets injected: the store, the atlas, and who is asking.

The store is opened once when the app starts (:class:`ServerState`); the principal is
read from ``Authorization: Bearer <token>`` on every request (remembered a few seconds:
:class:`~corridor.cooperation.identity.PrincipalCache`), and repeated failures from one
client address are refused for a while (:class:`FailedAuthLimiter`).

The dependencies that do no I/O are ``async``: FastAPI runs a plain ``def`` dependency
in its thread pool, a hop that costs more than most of them do.

Short reads that keep the CPU busy (a page of incidents) run in the thread pool a few at
a time (:func:`quick_read`): SQLite does not run faster for being asked by forty threads
at once on two cores; it runs slower (the threads take turns, each evicting the
others' pages from the CPU's caches). Measured on the list benchmark: 2.84 ms of server
CPU a request with one thread per core against 3.36 ms with anyio's forty.

Who is in a sharing group is reckoned on the server's day (``ServerState.today``), never
on a day the caller names: a state that left a mechanism must not read as it once did.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Annotated, ParamSpec, TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from corridor.api.problems import ProblemError
from corridor.atlas.catalog import Atlas
from corridor.cooperation.identity import PrincipalCache
from corridor.cooperation.models import AuthenticationError, Principal
from corridor.store.audit import AuditWriter
from corridor.store.versions import TotalsCache

__all__ = [
    "AtlasDep",
    "FailedAuthLimiter",
    "PrincipalDep",
    "ServerState",
    "StoreDep",
    "principal",
    "quick_read",
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
    """What the app holds for its lifetime: the store, the token key, the atlas, the
    clock that says which day group membership is reckoned on, the principals of recent
    tokens, and the writer of the audit entries of reads."""

    store: Engine
    token_secret: bytes
    atlas_loader: Callable[[], Atlas]
    limiter: FailedAuthLimiter = field(default_factory=FailedAuthLimiter)
    today: Callable[[], date] = date.today
    principals: PrincipalCache = field(default_factory=PrincipalCache)
    audit: AuditWriter | None = None
    # The threads short CPU-bound reads take turns on (one per core this process may
    # use); None: anyio's default pool. Made in the app's lifespan, inside its loop.
    quick_reads: CapacityLimiter | None = None
    # The incident totals counted lately, kept while the incidents' data version holds.
    totals: TotalsCache = field(default_factory=TotalsCache)
    _atlas: Atlas | None = None
    _atlas_uses: int = 0

    def atlas(self) -> Atlas:
        """The atlas, loaded on first use (it takes a second; most requests never need it).

        Once it is loaded, and again after its first uses (by then the modules the routes
        import on demand are in), what the server keeps for life is frozen out of the
        garbage collector's reach: otherwise every full collection walks those 250,000
        objects again, a pause of every thread of a busy server each few seconds (60-100 ms
        of CPU here; 20 ms after)."""
        if self._atlas is None:
            self._atlas = self.atlas_loader()
            _settle_heap()
        self._atlas_uses += 1
        if self._atlas_uses == _SETTLED_AFTER_USES:
            _settle_heap()
        return self._atlas


_SETTLED_AFTER_USES = 100


def _settle_heap() -> None:
    """Collect the garbage, then freeze what survives (``gc.freeze``): full collections
    no longer walk it. Only what lives as long as the server should be alive now."""
    import gc

    gc.collect()
    gc.freeze()


def cores() -> int:
    """The cores this process may run on (``taskset`` and containers narrow them)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_P = ParamSpec("_P")
_T = TypeVar("_T")


async def quick_read(
    state: ServerState, work: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs
) -> _T:
    """``work(*args, **kwargs)`` in the thread pool, at most one per core at a time."""
    return await to_thread.run_sync(partial(work, *args, **kwargs), limiter=state.quick_reads)


async def server_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.corridor
    return state


_bearer = HTTPBearer(auto_error=False, description="An API token: `corridor admin token issue`")


async def principal(
    request: Request,
    state: Annotated[ServerState, Depends(server_state)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Who presents the bearer token; 401 without one or with one that does not open,
    429 for an address that failed too often lately. A token seen in the last seconds is
    answered from memory; otherwise the store is asked, in the thread pool."""
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
    token, secret = credentials.credentials, state.token_secret
    known = state.principals.remembered(token, secret=secret, on=state.today())
    if known is not None:
        return known
    try:
        return await run_in_threadpool(
            state.principals.authenticate,
            state.store,
            token,
            secret=secret,
            on=state.today(),
            atlas=state.atlas,
        )
    except AuthenticationError:
        state.limiter.failed(client)
        raise


async def store(state: Annotated[ServerState, Depends(server_state)]) -> Engine:
    """The app's store, opened once at startup."""
    return state.store


def _atlas(state: Annotated[ServerState, Depends(server_state)]) -> Atlas:
    return state.atlas()  # the first call loads it (a second): in the thread pool


PrincipalDep = Annotated[Principal, Depends(principal)]
StoreDep = Annotated[Engine, Depends(store)]
AtlasDep = Annotated[Atlas, Depends(_atlas)]
