"""``/incidents``: report one, read one, list a page, export; sharing applied on every read.

The filters have the command line's names and grammar: ``since``/``until`` take YYYY,
YYYY-MM or YYYY-MM-DD (a year as ``until`` means its last day), ``country`` ISO codes or
names, ``class`` threat class ids, ``source`` source names, ``bbox`` WEST,SOUTH,EAST,NORTH.
"""

from __future__ import annotations

import io
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from corridor.api.deps import (
    AtlasDep,
    PrincipalDep,
    ServerState,
    StoreDep,
    quick_read,
    server_state,
)
from corridor.api.problems import PROBLEM_RESPONSES, not_found
from corridor.api.schemas import (
    IncidentOut,
    IncidentPageOut,
    IncidentReport,
    cursor_after,
    decode_cursor,
    page_json,
)
from corridor.events.query import IncidentQuery
from corridor.events.services import ExportFormat

__all__ = ["router"]

router = APIRouter(prefix="/incidents", tags=["incidents"], responses=PROBLEM_RESPONSES)


class Sort(StrEnum):
    newest = "newest"
    oldest = "oldest"


async def incident_filters(
    since: Annotated[str | None, Query(description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    country: Annotated[list[str] | None, Query(description="ISO code or name; repeatable")] = None,
    threat_class: Annotated[
        list[str] | None, Query(alias="class", description="threat class id; repeatable")
    ] = None,
    source: Annotated[list[str] | None, Query(description="source name; repeatable")] = None,
    bbox: Annotated[str | None, Query(description="WEST,SOUTH,EAST,NORTH in degrees")] = None,
    min_fatalities: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
) -> IncidentQuery:
    """The filters as an :class:`IncidentQuery` (bad values: 400/422 from the library);
    ``async`` only to run without a thread-pool hop: it parses, nothing more."""
    from corridor.atlas.countries import resolve_country
    from corridor.dates import parse_day
    from corridor.events.query import parse_bbox

    return IncidentQuery(
        since=parse_day(since) if since is not None else None,
        until=parse_day(until, end=True) if until is not None else None,
        bbox=parse_bbox(bbox) if bbox is not None else None,
        countries=tuple(resolve_country(c) for c in country or ()),
        threat_classes=tuple(threat_class or ()),
        sources=tuple(source or ()),
        min_fatalities=min_fatalities,
    )


Filters = Annotated[IncidentQuery, Depends(incident_filters)]


@router.post("", status_code=status.HTTP_201_CREATED)
def report(
    body: IncidentReport,
    caller: PrincipalDep,
    state: Annotated[ServerState, Depends(server_state)],
) -> IncidentOut:
    """Report one incident as the caller's organization (role reporter or org_admin)."""
    from corridor.cooperation.reports import report_incident

    record = body.model_dump(mode="json", exclude={"share_with"})
    incident = report_incident(
        state.store, caller, record, share_with=body.share_with, on=state.today(),
        atlas=state.atlas,
    )  # fmt: skip
    return IncidentOut.of(incident)


@router.get("", response_model=IncidentPageOut)
async def list_(
    caller: PrincipalDep,
    store: StoreDep,
    filters: Filters,
    state: Annotated[ServerState, Depends(server_state)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    sort: Sort = Sort.newest,
) -> Response:
    """A page of the incidents the caller may read; follow ``next_cursor`` for the next."""
    import dataclasses

    from corridor.events.services import IncidentJsonPage, list_incidents_json

    query = dataclasses.replace(
        filters,
        limit=limit,
        newest_first=sort is Sort.newest,
        after=decode_cursor(cursor) if cursor is not None else None,
    )

    def read() -> IncidentJsonPage:  # in a thread: the atlas's first load takes a second
        atlas = state.atlas() if query.threat_classes else None
        return list_incidents_json(
            store, caller.viewer, query, atlas=atlas, audit=state.audit, totals=state.totals
        )

    page = await quick_read(state, read)
    found = page.incidents
    more = found and len(found) == limit
    after = cursor_after(found[-1].start_date, found[-1].uuid) if more else None
    # The store renders each incident as JSON (IncidentOut's fields): sent as they are,
    # not parsed into models and written again.
    body = page_json([i.body for i in found], page.total, after)
    return Response(body, media_type="application/json")


# How many incidents an export holds (the body alone does not say for every format).
COUNT_HEADER = "Incident-Count"


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {
            "content": {f.media_type: {} for f in ExportFormat},
            "headers": {
                COUNT_HEADER: {
                    "description": "How many incidents the export holds.",
                    "schema": {"type": "integer", "minimum": 0},
                }
            },
        }
    },
)
def export(
    caller: PrincipalDep,
    store: StoreDep,
    filters: Filters,
    atlas: AtlasDep,
    format: ExportFormat = ExportFormat.csv,
    sort: Sort = Sort.oldest,
) -> Response:
    """Every incident the caller may read that matches, as CSV (re-importable), GeoJSON
    or a STIX 2.1 bundle; the ``Incident-Count`` header says how many."""
    import dataclasses

    from corridor.events.services import export_incidents

    query = dataclasses.replace(filters, newest_first=sort is Sort.newest)
    buffer = io.StringIO()
    count = export_incidents(store, caller.viewer, query, format.value, buffer, atlas=atlas)
    return Response(
        buffer.getvalue(), media_type=format.media_type, headers={COUNT_HEADER: str(count)}
    )


@router.get("/{uuid}")
def get(
    uuid: Annotated[str, Path(max_length=64)],
    caller: PrincipalDep,
    state: Annotated[ServerState, Depends(server_state)],
) -> IncidentOut:
    """The incident with ``uuid``: 404 whether it is missing or the caller may not read it."""
    from corridor.events.services import get_incident

    with not_found():
        return IncidentOut.of(get_incident(state.store, caller.viewer, uuid, audit=state.audit))
