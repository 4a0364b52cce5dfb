"""Errors as HTTP problems (RFC 9457): every 4xx says what went wrong in ``detail``.

The library raises :class:`~corridor.errors.CorridorError` subclasses; this module maps
each to a status once, so no route handles errors itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from corridor.cooperation.meetings import NotAllowedError
from corridor.cooperation.models import AuthenticationError, PermissionDeniedError
from corridor.errors import CorridorError, InputError, StoreError, UnknownValueError

__all__ = [
    "PROBLEM_RESPONSES",
    "Problem",
    "ProblemError",
    "install_problem_handlers",
    "not_found",
    "problem_response",
]

MEDIA_TYPE = "application/problem+json"
_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    422: "Unprocessable request",
    429: "Too many failed authentications",
    500: "Internal server error",
    503: "Store unavailable",
}


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str


# Declared on every route, so the OpenAPI document names the problems a client can get.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": Problem,
        "description": _TITLES[status],
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status in (400, 401, 403, 404, 413, 422, 429)
}


class ProblemError(Exception):
    """Answer with a problem of this status (raised by the API itself: 401, 404, 413, 429)."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers


def problem_response(
    status: int, detail: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The problem+json response for ``status`` with ``detail``."""
    body = Problem(title=_TITLES.get(status, "Error"), status=status, detail=detail)
    return JSONResponse(
        body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=headers
    )


def status_of(error: CorridorError) -> int:
    """The HTTP status a library error means."""
    if isinstance(error, AuthenticationError):
        return 401
    if isinstance(error, PermissionDeniedError | NotAllowedError):
        return 403
    if isinstance(error, UnknownValueError):
        return 422
    if isinstance(error, InputError):
        return 400
    if isinstance(error, StoreError):
        return 503
    return 400


@contextmanager
def not_found(unknown: type[UnknownValueError] = UnknownValueError) -> Iterator[None]:
    """Turn "unknown id" (``unknown``) from a get-by-id call into 404: missing and hidden
    alike."""
    try:
        yield
    except unknown as exc:
        raise ProblemError(404, str(exc)) from exc


def _validation_detail(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request is invalid"


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error with a problem document."""

    async def corridor_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CorridorError)
        status = status_of(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return problem_response(status, str(exc), headers)

    async def problem_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        return problem_response(exc.status, exc.detail, exc.headers)

    async def validation_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(422, _validation_detail(exc))

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem_response(exc.status_code, str(exc.detail), exc.headers)

    app.add_exception_handler(CorridorError, corridor_error)
    app.add_exception_handler(ProblemError, problem_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
