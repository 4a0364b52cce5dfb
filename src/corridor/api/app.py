"""The application factory: one store, opened at startup, behind thin routers.

Every route parses its request, calls one library function with the caller's
principal or viewer, and renders the result; errors become problem documents.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corridor.api.deps import FailedAuthLimiter, ServerState
from corridor.api.problems import install_problem_handlers, problem_response

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["MAX_BODY_BYTES", "BodySizeLimit", "app_from_settings", "create_app"]

MAX_BODY_BYTES = 1024 * 1024


class _TooLargeError(Exception):
    pass


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413, by the declared length or, for a
    chunked body, as the bytes arrive (so nobody streams gigabytes into a handler)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = f"the request body is over {self.max_bytes} bytes"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await problem_response(413, detail)(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLargeError
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLargeError:
            if started:
                raise
            await problem_response(413, detail)(scope, receive, send)


def create_app(
    database_url: str,
    *,
    token_secret: bytes | None = None,
    atlas_dir: Path | None = None,
    limiter: FailedAuthLimiter | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    today: Callable[[], date] = date.today,
    delivery_worker: bool = False,
    principal_ttl_s: float = 5.0,
) -> FastAPI:
    """The API on the store at ``database_url`` (made if absent). ``token_secret`` is the
    key tokens are hashed under; by default the same one the command line uses. ``today``
    gives the day sharing-group membership is reckoned on (the calendar's, by default).
    With ``delivery_worker``, a thread sends webhook deliveries while the app runs (woken
    at once by the app's own commits). ``principal_ttl_s``: how long a token's principal
    is remembered (0: never), so how long a revocation by another process takes to reach
    this server."""
    from corridor.api.routes import (
        alerts,
        atlas,
        cases,
        directory,
        incidents,
        meetings,
        risk,
        trust,
        webhooks,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from anyio import CapacityLimiter

        from corridor.api.deps import cores
        from corridor.atlas import load_atlas
        from corridor.cooperation.identity import PrincipalCache
        from corridor.store import open_store
        from corridor.store.audit import AuditWriter

        secret = token_secret if token_secret is not None else _configured_secret()
        store = open_store(database_url, create=True)
        audit = AuditWriter(store)
        app.state.corridor = ServerState(
            store=store,
            token_secret=secret,
            atlas_loader=lambda: load_atlas(atlas_dir),
            limiter=limiter or FailedAuthLimiter(),
            today=today,
            principals=PrincipalCache(principal_ttl_s),
            audit=audit,
            quick_reads=CapacityLimiter(cores()),
        )
        try:
            with _delivering(store, delivery_worker):
                yield
        finally:
            audit.close()  # every read served is in the log before the store closes
            store.dispose()

    app = FastAPI(
        title="Secure Corridor",
        summary="Security incidents, sharing groups, consultations and risk along the corridors.",
        version=_version(),
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    for module in (incidents, directory, trust, meetings, atlas, risk, webhooks, alerts, cases):
        app.include_router(module.router)
    _include_taxii(app)
    return app


def _delivering(store: Engine, enabled: bool) -> AbstractContextManager[object]:
    """The delivery worker's thread while the app runs, if ``enabled``."""
    if not enabled:
        return nullcontext()
    from corridor.alerts.escalation import escalation_job
    from corridor.delivery.worker import background_worker

    return background_worker(store, periodic=escalation_job(store))


def _include_taxii(app: FastAPI) -> None:
    """TAXII 2.1 at /taxii2/, on this app's bearer tokens and store."""
    from corridor.api.deps import principal, store
    from corridor.api.routes.taxii import taxii_router

    app.include_router(taxii_router(principal, store), prefix="/taxii2")


def _configured_secret() -> bytes:
    """The token key the command line uses ($CORRIDOR_TOKEN_SECRET, else the data folder's)."""
    from corridor.cooperation.tokens import server_secret
    from corridor.locations import default_database_path
    from corridor.settings import settings

    return server_secret(settings().token_secret, default_database_path().parent / "token-secret")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("secure-corridor")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


def app_from_settings() -> FastAPI:
    """The app on the store the settings name (``CORRIDOR_DATABASE_URL`` ...): what each
    worker process builds when ``corridor serve --workers`` is above 1."""
    from corridor.settings import settings

    configured = settings()
    url, _ = configured.store_url()
    return create_app(
        url, atlas_dir=configured.atlas_dir, delivery_worker=configured.delivery_worker
    )
