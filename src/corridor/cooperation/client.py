"""Report, list and export incidents on a Secure Corridor server, as on a store.

:class:`CorridorServer` runs the incident use cases of :mod:`corridor.events.services`
and :mod:`corridor.cooperation.reports` on a server (``corridor serve``) over HTTP, as
the user whose API token it holds, and returns the same values: an :class:`Incident`,
an :class:`IncidentPage`, a count. A caller renders what a store and a server return
with the same code::

    with CorridorServer("http://127.0.0.1:8000", token) as server:
        page = server.list_incidents(IncidentQuery(countries=("KAZ",), limit=20))

Every failure is a one-line :class:`~corridor.errors.CorridorError` naming the server:
a refused token or a missing role (:class:`ServerError`), a request the server finds
wrong (:class:`ServerInputError`, the server's own ``detail``), a server that cannot be
reached or does not answer in time (:class:`ServerError`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any
from urllib.parse import urlsplit

import httpx

from corridor import __version__
from corridor.choices import member
from corridor.errors import CorridorError, InputError
from corridor.events.importers.generic import FIELDS, incident_from_record
from corridor.events.model import Incident
from corridor.events.query import IncidentQuery
from corridor.events.services import ExportFormat, IncidentPage

__all__ = [
    "COUNT_HEADER",
    "MAX_PAGE",
    "CorridorServer",
    "ServerError",
    "ServerInputError",
    "ServerPage",
    "server_url",
]

MAX_PAGE = 1000  # the largest page the server gives (GET /incidents?limit=)
COUNT_HEADER = "Incident-Count"  # how many incidents an export holds (GET /incidents/export)
_SENT = frozenset(FIELDS) - {"reporter", "source_updated"}  # the report body's fields


class ServerError(CorridorError):
    """The server cannot do it: unreachable, too slow, refusing the token or the role,
    failing, or not a Secure Corridor server at all."""


class ServerInputError(InputError):
    """The server found the request wrong (HTTP 400, 413 or 422); the message relays its
    ``detail``. An unknown name or value (422) exits 2, as it does against a store."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status
        self.exit_code = 2 if status == 422 else 1


@dataclass(frozen=True)
class ServerPage:
    """One page of ``GET /incidents``: the incidents, how many match in all, and the
    cursor of the next page (None on the last)."""

    incidents: tuple[Incident, ...]
    total: int
    next_cursor: str | None


def server_url(text: str) -> str:
    """``text`` as a server's base URL (``http`` or ``https``, a host, an optional path),
    without a trailing slash; :class:`InputError` for anything else."""
    address = text.strip()
    try:
        parts = urlsplit(address)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    example = "such as http://127.0.0.1:8000 or https://corridor.example.org"
    if not port_ok or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{text!r} is not a server address {example}")
    if parts.query or parts.fragment or parts.username is not None:
        raise InputError(f"{text!r}: give the server's address alone, {example}")
    return address.rstrip("/")


def _filters(query: IncidentQuery) -> list[tuple[str, str]]:
    """The query's filters as the API's query parameters (the command line's names)."""
    params: list[tuple[str, str]] = []
    if query.since is not None:
        params.append(("since", query.since.isoformat()))
    if query.until is not None:
        params.append(("until", query.until.isoformat()))
    if query.bbox is not None:
        params.append(("bbox", ",".join(repr(float(v)) for v in query.bbox)))
    params += [("country", code) for code in query.countries]
    params += [("class", name) for name in query.threat_classes]
    params += [("source", name) for name in query.sources]
    if query.min_fatalities is not None:
        params.append(("min_fatalities", str(query.min_fatalities)))
    return params


def _reason(error: Exception) -> str:
    """What went wrong on the wire, without Python's ``[Errno 111]`` prefix."""
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", str(error)).strip()
    return text.lower() if text else type(error).__name__


def _detail(response: httpx.Response) -> str:
    """The ``detail`` of a problem document, else the status's reason, on one line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    detail = body.get("detail") if isinstance(body, dict) else None
    text = detail if isinstance(detail, str) and detail.strip() else response.reason_phrase
    text = " ".join(str(text).split())
    return text if len(text) <= 500 else text[:497] + "..."


class CorridorServer:
    """A Secure Corridor server, reached at ``url`` with the API token ``token``.

    What the server answers is what the token's user may see and do: its organization
    reports, its sharing applies. ``token_source`` says where the token came from in
    the message of a refusal (the command line says "the token in $CORRIDOR_TOKEN").
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout_s: float = 30.0,
        token_source: str = "the API token",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = server_url(url)
        self.timeout_s = timeout_s
        self.token_source = token_source
        token = token.strip()
        if not token or not all(c.isprintable() and not c.isspace() for c in token):
            # refused here, never sent: a bad header would be echoed back in an error
            raise InputError(f"{token_source} is not a token (it is empty or holds spaces)")
        self._http = httpx.Client(
            base_url=self.url + "/",
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": f"secure-corridor/{__version__}",
            },
            timeout=timeout_s,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CorridorServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # ----------------------------------------------------------------------- use cases

    def report_incident(
        self, record: Mapping[str, object], *, share_with: Iterable[str] = ()
    ) -> Incident:
        """Report ``record`` (the generic format's fields as JSON values, as
        ``record_from_incident`` gives them) as the token's organization, shared with the
        groups ``share_with``; the incident as stored. The server sets ``reporter``, and
        takes no ``source_updated``: both are left out of what is sent."""
        body: dict[str, object] = {k: v for k, v in record.items() if k in _SENT}
        body["share_with"] = list(share_with)
        return self._incident(self._json("POST", "incidents", json=body))

    def incident_pages(
        self, query: IncidentQuery, *, page_size: int = MAX_PAGE
    ) -> Iterator[ServerPage]:
        """The pages of what ``query``'s filters match, in its order (``newest_first``),
        ``page_size`` incidents each, one request at a time as they are consumed."""
        params = [
            *_filters(query),
            ("limit", str(max(1, min(MAX_PAGE, page_size)))),
            ("sort", "newest" if query.newest_first else "oldest"),
        ]
        after: list[tuple[str, str]] = []
        while True:
            page = self._page(self._json("GET", "incidents", params=params + after))
            yield page
            if page.next_cursor is None or not page.incidents:
                return
            after = [("cursor", page.next_cursor)]

    def list_incidents(self, query: IncidentQuery) -> IncidentPage:
        """The page ``query`` asks for (``limit``, ``offset``, ``newest_first``) and the
        total, as :func:`corridor.events.services.list_incidents` gives it. The server
        pages by cursor, so the ``offset`` incidents before the page are read and passed
        over on the way."""
        end = None if query.limit is None else query.offset + query.limit
        found: list[Incident] = []
        total = 0
        for page in self.incident_pages(query, page_size=end or MAX_PAGE):
            total = page.total
            found.extend(page.incidents)
            if end is not None and len(found) >= end:
                break
        return IncidentPage(tuple(found[query.offset : end]), total, query.offset)

    def export_incidents(
        self, query: IncidentQuery, fmt: ExportFormat | str, handle: IO[str]
    ) -> int | None:
        """Write what ``query``'s filters match to ``handle`` as the server streams it, in
        ``fmt`` (csv, geojson or stix) and ``query``'s order; how many incidents, as the
        server counts them (None if it does not say)."""
        chosen = member(ExportFormat, fmt, "export format")
        order = "newest" if query.newest_first else "oldest"
        params = [*_filters(query), ("format", chosen.value), ("sort", order)]
        with self._exchange("GET", "incidents/export", params=params) as response:
            media = response.headers.get("content-type", "")
            if media.partition(";")[0].strip() != chosen.media_type.partition(";")[0]:
                raise self._not_ours(f"sent {media or 'no media type'} for {chosen.value}")
            for text in response.iter_text():
                handle.write(text)
            count = response.headers.get(COUNT_HEADER, "")
        return int(count) if count.isdigit() else None

    # ----------------------------------------------------------------------- HTTP

    @contextmanager
    def _exchange(self, method: str, path: str, **request: Any) -> Iterator[httpx.Response]:
        """The response to one request, its body still streaming; any failure, on the
        wire or as a status, raised as one of this module's errors."""
        try:
            with self._http.stream(method, path, **request) as response:
                if not response.is_success:
                    response.read()
                    raise self._refusal(response, path)
                yield response
        except httpx.TimeoutException as exc:
            raise ServerError(
                f"the server at {self.url} did not answer within {self.timeout_s:g} s"
            ) from exc
        except httpx.ConnectError as exc:
            raise ServerError(f"cannot reach the server at {self.url} ({_reason(exc)})") from exc
        except httpx.RequestError as exc:
            raise ServerError(f"lost the server at {self.url} ({_reason(exc)})") from exc

    def _json(self, method: str, path: str, **request: Any) -> Any:
        with self._exchange(method, path, **request) as response:
            response.read()
            try:
                return response.json()
            except ValueError as exc:
                raise self._not_ours("sent something other than JSON") from exc

    def _refusal(self, response: httpx.Response, path: str) -> CorridorError:
        """The error a non-success answer means, naming the server and its detail."""
        status, detail = response.status_code, _detail(response)
        if response.is_redirect:
            location = response.headers.get("location", "elsewhere")
            return ServerError(f"{self.url} redirects to {location}: use that address")
        if status == 401:
            return ServerError(f"{self.url} refused {self.token_source}: {detail}")
        if status == 403:
            return ServerError(
                f"{self.url} refused: {detail}; the token's user lacks the role, which an "
                "admin of its organization can grant"
            )
        if status == 404:
            return self._not_ours(f"has no /{path} ({detail})")
        if status in (400, 413, 422):
            return ServerInputError(f"{self.url} refused the request: {detail}", status)
        if status in (429, 503):
            return ServerError(f"{self.url}: {detail}")
        return ServerError(f"{self.url} failed ({status} {response.reason_phrase}): {detail}")

    def _not_ours(self, what: str) -> ServerError:
        return ServerError(
            f"{self.url} {what}: is it the address of a Secure Corridor server, of this version?"
        )

    def _incident(self, item: object) -> Incident:
        """The incident of one ``IncidentOut`` (the fields this client knows)."""
        try:
            if not isinstance(item, dict):
                raise InputError("it is not an object")
            return incident_from_record({k: v for k, v in item.items() if k in FIELDS})
        except InputError as exc:
            raise self._not_ours(f"sent an incident this client cannot read ({exc})") from exc

    def _page(self, body: object) -> ServerPage:
        """The page of one ``IncidentPageOut``."""
        items = body.get("incidents") if isinstance(body, dict) else None
        total = body.get("total") if isinstance(body, dict) else None
        cursor = body.get("next_cursor") if isinstance(body, dict) else None
        if not (isinstance(items, list) and isinstance(total, int)):
            raise self._not_ours("sent a page this client cannot read")
        return ServerPage(
            tuple(self._incident(item) for item in items),
            total,
            cursor if isinstance(cursor, str) and cursor else None,
        )
