"""TAXII 2.1 over HTTP: discovery, one API root, its collections and their objects.

Mounted by the app at ``/taxii2/``. Every answer is ``application/taxii+json;
version=2.1``; errors are TAXII error messages. The collections and pages come from
:mod:`corridor.cooperation.taxii`, which applies the sharing rule; this module only
parses the query and renders.

:func:`taxii_router` takes the app's dependencies (the authenticated ``Principal``
and the store ``Engine``); :data:`router` uses ones that read the app's state
(``store``, ``token_secret`` and optionally ``atlas``), for an app that has no others.
"""

# No ``from __future__ import annotations``: FastAPI reads the handlers' annotations,
# which name dependencies local to taxii_router.
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from corridor.api.problems import PROBLEM_RESPONSES
from corridor.cooperation.models import PermissionDeniedError, Principal
from corridor.cooperation.taxii import (
    DEFAULT_PAGE_OBJECTS,
    MAX_PAGE_OBJECTS,
    TAXII_MEDIA_TYPE,
    ObjectMatch,
    UnknownCollectionError,
    collection_for,
    collections_for,
    objects_page,
    taxii_timestamp,
)
from corridor.errors import InputError

__all__ = ["taxii_router"]

# What a TAXII client can get besides 200: the API's own problems for the bearer token
# (401, 413, 422, 429), TAXII error messages for what TAXII itself refuses.
_TAXII_ERRORS = {400: "Bad request", 404: "Unknown collection", 406: "Not acceptable"}
_TAXII_RESPONSES: dict[int | str, dict[str, Any]] = {
    **{s: r for s, r in PROBLEM_RESPONSES.items() if s not in _TAXII_ERRORS},
    **{
        status: {"description": title, "content": {TAXII_MEDIA_TYPE: {}}}
        for status, title in _TAXII_ERRORS.items()
    },
}

_ACCEPTED = ("application/taxii+json", "application/json", "application/*", "*/*")


class TaxiiResponse(JSONResponse):
    media_type = TAXII_MEDIA_TYPE


def _error(status: int, title: str, description: str) -> TaxiiResponse:
    """A TAXII 2.1 error message."""
    body = {"title": title, "description": description, "http_status": str(status)}
    return TaxiiResponse(body, status_code=status)


def _unacceptable(request: Request) -> TaxiiResponse | None:
    """406 unless the client accepts TAXII 2.1 JSON (or anything)."""
    accept = request.headers.get("accept", "")
    if "version=2.0" not in accept and (not accept or any(k in accept for k in _ACCEPTED)):
        return None
    return _error(406, "Not Acceptable", f"this server answers in {TAXII_MEDIA_TYPE}")


def _failure(exc: Exception) -> TaxiiResponse:
    if isinstance(exc, UnknownCollectionError):
        return _error(404, "Collection not found", str(exc))
    if isinstance(exc, PermissionDeniedError):
        return _error(403, "Forbidden", str(exc))
    return _error(400, "Bad request", str(exc))


def _added_after(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"added_after {text!r}: give a timestamp like 2024-05-01T00:00:00Z"
        ) from None


def _match(name: str, values: str) -> Any:
    """A ``match[name]`` query parameter, declared for the OpenAPI document; the handler
    reads the filters from the query itself (so it can refuse fields it does not know)."""
    return Query(alias=f"match[{name}]", description=f"comma-separated {values}")


_MatchId = Annotated[str | None, _match("id", "STIX ids")]
_MatchType = Annotated[str | None, _match("type", "STIX types")]
_MatchVersion = Annotated[str | None, _match("version", "last (default), first, all, timestamps")]
_MatchSpec = Annotated[str | None, _match("spec_version", "STIX versions (all here are 2.1)")]


def taxii_router(principal: Callable[..., Any], store: Callable[..., Any]) -> APIRouter:
    """The TAXII routes, reading the caller from the ``principal`` dependency (which
    refuses a missing or bad token with 401) and the store from ``store``."""
    router = APIRouter(
        tags=["taxii"], default_response_class=TaxiiResponse, responses=_TAXII_RESPONSES
    )
    Caller = Annotated[Principal, Depends(principal)]  # noqa: N806
    Store = Annotated[Engine, Depends(store)]  # noqa: N806

    @router.get("/", name="taxii_discovery")
    def discovery(request: Request, caller: Caller) -> TaxiiResponse:
        """TAXII server discovery: one API root."""
        root = str(request.url_for("taxii_api_root"))
        body = {
            "title": "Secure Corridor TAXII server",
            "description": "Incidents as STIX 2.1, as their sharing rules allow you to read.",
            "default": root,
            "api_roots": [root],
        }
        return _unacceptable(request) or TaxiiResponse(body)

    @router.get("/api/", name="taxii_api_root")
    def api_root(request: Request, caller: Caller) -> TaxiiResponse:
        """The API root's information."""
        body = {
            "title": "Secure Corridor incidents",
            "description": "One collection per sharing group you belong to, and all you may read.",
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": 0,  # nothing is written here
        }
        return _unacceptable(request) or TaxiiResponse(body)

    @router.get("/api/collections/", name="taxii_collections")
    def collections(request: Request, caller: Caller, engine: Store) -> TaxiiResponse:
        """The caller's collections."""
        try:
            found = collections_for(engine, caller)
        except PermissionDeniedError as exc:
            return _failure(exc)
        body = {"collections": [c.resource() for c in found]}
        return _unacceptable(request) or TaxiiResponse(body)

    @router.get("/api/collections/{collection_id}/", name="taxii_collection")
    def collection(
        request: Request, collection_id: str, caller: Caller, engine: Store
    ) -> TaxiiResponse:
        """One collection, if the caller reads it; 404 whether missing or someone else's."""
        try:
            found = collection_for(engine, caller, collection_id)
        except (UnknownCollectionError, PermissionDeniedError) as exc:
            return _failure(exc)
        return _unacceptable(request) or TaxiiResponse(found.resource())

    @router.get("/api/collections/{collection_id}/objects/", name="taxii_objects")
    def objects(
        request: Request,
        collection_id: str,
        caller: Caller,
        engine: Store,
        added_after: str | None = None,
        limit: int = DEFAULT_PAGE_OBJECTS,
        next: str | None = None,  # TAXII's own parameter name
        match_id: _MatchId = None,
        match_type: _MatchType = None,
        match_version: _MatchVersion = None,
        match_spec_version: _MatchSpec = None,
    ) -> TaxiiResponse:
        """A page of the collection's objects, with ``X-TAXII-Date-Added-First/Last``; a
        ``limit`` above the server's largest page gets that page (TAXII allows fewer).
        The ``match[...]`` filters are TAXII 2.1's (section 3.6); any other is a 400."""
        refused = _unacceptable(request)
        if refused is not None:
            return refused
        try:
            match = ObjectMatch.from_query(request.query_params.multi_items())
            page = objects_page(
                engine, caller, collection_id, added_after=_added_after(added_after),
                limit=min(limit, MAX_PAGE_OBJECTS), next=next, match=match,
            )  # fmt: skip
        except (UnknownCollectionError, PermissionDeniedError, InputError) as exc:
            return _failure(exc)
        headers = {}
        if page.date_added_first is not None and page.date_added_last is not None:
            headers["X-TAXII-Date-Added-First"] = taxii_timestamp(page.date_added_first)
            headers["X-TAXII-Date-Added-Last"] = taxii_timestamp(page.date_added_last)
        return TaxiiResponse(page.envelope(), headers=headers)

    return router
