"""The incident repository's reads: filtered, paged, counted; every one applies the
sharing rule for the viewer. Writes (the staged upsert) are in ``incident_writes``."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    Connection,
    Select,
    String,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal,
    or_,
    select,
    type_coerce,
)

from corridor.events.access import GROUP_LABELS, Viewer
from corridor.events.model import (
    DatePrecision,
    Incident,
    LocationPrecision,
    Target,
    Tlp,
)
from corridor.events.query import IncidentQuery
from corridor.store.driver import driver_rows
from corridor.store.tables import incident_shares, incidents
from corridor.store.versions import TotalsCache

__all__ = [
    "IncidentJson",
    "IncidentQuery",
    "count_matching",
    "filtered",
    "incident_by_uuid",
    "incident_from_row",
    "incidents_matching",
    "incidents_matching_json",
    "sources_visible",
    "stats",
    "total_of_page",
    "visible_to",
]

# --------------------------------------------------------------------------- reads


def visible_to(viewer: Viewer) -> Any:
    """SQL: the incident may be read by ``viewer``; mirrors
    :func:`corridor.events.access.may_read` clause for clause (a property test holds
    the two together): the labels everyone of its kind reads, what it owns, and the
    group labels shared with a group it belongs to on the read date."""
    return _visible(viewer.organization, viewer.groups)


@lru_cache(maxsize=1024)
def _visible(organization: str | None, groups: frozenset[str]) -> Any:
    """:func:`visible_to`, built once per organization and groups: a server asks for the
    same few many times a second, and SQL expressions are immutable."""
    c = incidents.c
    everywhere = sorted(label.value for label in Viewer(organization).visible_everywhere)
    # Lists of single parameters, not one "expanding" list: those are re-rendered into the
    # SQL on every execution, which cost a server more than the rest of the statement.
    clause: Any = c.tlp.in_([literal(v) for v in everywhere])
    if organization:
        clause = or_(clause, c.reporter == organization)
        if groups:
            shared = (
                select(incident_shares.c.incident_uuid)
                .where(
                    incident_shares.c.incident_uuid == c.uuid,
                    incident_shares.c.group_id.in_([literal(g) for g in sorted(groups)]),
                )
                .exists()
            )
            group_labels = sorted(label.value for label in GROUP_LABELS)
            clause = or_(clause, and_(c.tlp.in_([literal(v) for v in group_labels]), shared))
    return clause


def filtered(statement: Select[Any], query: IncidentQuery, viewer: Viewer) -> Select[Any]:
    """``statement`` narrowed to the query's filters and to what ``viewer`` may read."""
    values = _filter_values(query)
    return statement.where(and_(visible_to(viewer), *_conditions(values, values.__getitem__)))


def _filter_values(query: IncidentQuery) -> dict[str, Any]:
    """The query's filter values by parameter name; which names are there is its shape."""
    values: dict[str, Any] = {}
    if query.since is not None:
        values["since"] = query.since
    if query.until is not None:
        values["until"] = query.until
    if query.bbox is not None:
        values.update(zip(("west", "south", "east", "north"), query.bbox, strict=True))
    for name, items in (("country", query.countries), ("class", query.threat_classes),
                        ("source", query.sources)):  # fmt: skip
        values.update((f"{name}_{i}", item) for i, item in enumerate(items))
    if query.min_fatalities is not None:
        values["min_fatalities"] = query.min_fatalities
    return values


def _conditions(values: dict[str, Any], bind: Callable[[str], Any]) -> list[Any]:
    """SQL conditions for the filters in ``values``; ``bind(name)`` gives each operand (the
    value itself, or a bound parameter of a statement kept for reuse)."""
    c = incidents.c
    conditions: list[Any] = []
    if "since" in values:
        conditions.append(c.start_date >= bind("since"))
    if "until" in values:
        conditions.append(c.start_date <= bind("until"))
    if "west" in values:
        conditions += [c.latitude >= bind("south"), c.latitude <= bind("north")]
        if values["west"] <= values["east"]:
            conditions += [c.longitude >= bind("west"), c.longitude <= bind("east")]
        else:  # the box crosses the antimeridian
            conditions.append(or_(c.longitude >= bind("west"), c.longitude <= bind("east")))
    for column, name in ((c.country, "country"), (c.threat_class, "class"), (c.source, "source")):
        names = [key for key in values if key.startswith(f"{name}_")]
        if names:
            conditions.append(column.in_([bind(key) for key in names]))
    if "min_fatalities" in values:
        conditions.append(c.fatalities_best >= bind("min_fatalities"))
    return conditions


def _reusable(
    columns: tuple[Any, ...], query: IncidentQuery, viewer: Viewer, *, paged: bool
) -> tuple[Select[Any], dict[str, Any]]:
    """A statement for ``query`` kept for every query of its shape (which filters, how
    many countries, the order, the page size), and this query's parameters: building and
    keying a statement costs a server more than SQLite takes to run it."""
    values = _filter_values(query)
    wraps = "west" in values and values["west"] > values["east"]
    shape: tuple[Any, ...] = (tuple(values), wraps)
    if paged:
        if query.after is not None:
            values["after_day"], values["after_uuid"] = query.after
        shape += (query.after is not None, query.newest_first, query.limit, query.offset)
    statement = _statement(columns, viewer.organization, viewer.groups, shape, values, paged)
    return statement, values


def _statement(
    columns: tuple[Any, ...],
    organization: str | None,
    groups: frozenset[str],
    shape: tuple[Any, ...],
    values: dict[str, Any],
    paged: bool,
) -> Select[Any]:
    """The statement of this shape, built on first use (``values`` only for their names
    and the box's side of the antimeridian, which the shape holds)."""
    key = (columns, organization, groups, shape, paged)
    found = _templates.get(key)
    if found is not None:
        return found
    c = incidents.c
    chosen = (c.id,) if paged else columns
    statement = select(*chosen).where(
        and_(_visible(organization, groups), *_conditions(values, bindparam))
    )
    if paged:
        _names, _wraps, after, newest_first, limit, offset = shape
        statement = _ordered(statement, newest_first, limit, offset)
        if after:
            statement = statement.where(
                _after(bindparam("after_day"), bindparam("after_uuid"), newest_first=newest_first)
            )
        # The page's ids from the index alone, then only those rows from the table: the
        # rows the filter or the order pass over are never read (20 % less work here).
        statement = _ordered(select(*columns).where(c.id.in_(statement)), newest_first, None, 0)
    if len(_templates) >= 512:  # shapes are few; this bounds a server that meets many
        _templates.clear()
    _templates[key] = statement
    return statement


_templates: dict[tuple[Any, ...], Select[Any]] = {}


def _incident(row: Any) -> Incident:
    m = row._mapping
    return Incident(
        source=m["source"],
        source_id=m["source_id"],
        title=m["title"],
        description=m["description"],
        start_date=m["start_date"],
        end_date=m["end_date"],
        date_precision=DatePrecision(m["date_precision"]),
        longitude=m["longitude"],
        latitude=m["latitude"],
        location_precision=LocationPrecision(m["location_precision"]),
        country=m["country"],
        location_name=m["location_name"],
        threat_class=m["threat_class"],
        source_categories=tuple(json.loads(m["source_categories"])),
        severity=m["severity"],
        fatalities_best=m["fatalities_best"],
        fatalities_low=m["fatalities_low"],
        fatalities_high=m["fatalities_high"],
        actors=tuple(json.loads(m["actors"])),
        target=Target(m["target"]) if m["target"] else None,
        tags=tuple(json.loads(m["tags"])),
        reporter=m["reporter"],
        tlp=Tlp(m["tlp"]),
        source_updated=m["source_updated"].replace(tzinfo=UTC) if m["source_updated"] else None,
    )


def incident_from_row(row: Any) -> Incident:
    """The incident of a row that selects every column of ``incidents`` (and maybe more):
    for other repositories that read incidents in an order of their own."""
    return _incident(row)


def incidents_matching(
    connection: Connection, query: IncidentQuery, viewer: Viewer
) -> Iterator[Incident]:
    """Incidents that pass the filters and that ``viewer`` may read, oldest first."""
    statement = _ordered(
        filtered(select(incidents), query, viewer), query.newest_first, query.limit, query.offset
    )
    if query.after is not None:
        statement = statement.where(_after(*query.after, newest_first=query.newest_first))
    for row in connection.execute(statement):
        yield _incident(row)


class IncidentJson(NamedTuple):
    """One incident as a JSON object (the fields of ``incident_to_dict`` and its uuid), and
    its listing key (for a cursor)."""

    body: str
    start_date: date
    uuid: str


# Fields the database renders as JSON itself; the floats and the time are added in Python,
# so they read exactly as Python writes them (SQLite prints a REAL with 15 digits only).
_JSON_TEXT = (
    "uuid", "source", "source_id", "title", "start_date", "end_date", "date_precision",
    "location_precision", "country", "location_name", "description", "threat_class",
    "severity", "fatalities_best", "fatalities_low", "fatalities_high", "target",
    "reporter", "tlp",
)  # fmt: skip
_JSON_LISTS = ("source_categories", "actors", "tags")  # stored as JSON text


@lru_cache(maxsize=4)
def _json_object(dialect: str) -> Any:
    """SQL: the row as a JSON object of the ``_JSON_TEXT`` and ``_JSON_LISTS`` fields
    (built once per dialect)."""
    c = incidents.c
    pairs: list[Any] = []
    for name in _JSON_TEXT:
        pairs += [literal(name), c[name]]
    if dialect == "postgresql":
        for name in _JSON_LISTS:
            pairs += [literal(name), cast(c[name], JSON)]
        return cast(func.json_build_object(*pairs), Text)
    for name in _JSON_LISTS:
        pairs += [literal(name), func.json(c[name])]
    return func.json_object(*pairs)


def _json_float(value: float | None) -> str:
    return "null" if value is None else repr(value)


def _json_time(value: datetime | str | None) -> str:
    """As pydantic writes an aware UTC time: ``2024-01-02T03:04:05Z`` (stored naive UTC;
    SQLite's driver gives the stored text)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f'"{value.replace(tzinfo=None).isoformat()}Z"'


def incidents_matching_json(
    connection: Connection, query: IncidentQuery, viewer: Viewer
) -> list[IncidentJson]:
    """What :func:`incidents_matching` reads, in its order, as JSON objects rendered by the
    database: a page of a hundred without a hundred objects in Python (the HTTP API's list)."""
    statement, values = _reusable(_json_columns(connection.dialect.name), query, viewer, paged=True)
    return [
        IncidentJson(
            f'{body[:-1]},"longitude":{_json_float(lon)},"latitude":{_json_float(lat)},'
            f'"source_updated":{_json_time(updated)}}}',
            day if isinstance(day, date) else date.fromisoformat(day),
            uuid,
        )
        for body, lon, lat, updated, day, uuid in driver_rows(connection, statement, values)
    ]


@lru_cache(maxsize=4)
def _json_columns(dialect: str) -> tuple[Any, ...]:
    c = incidents.c
    # the day as the driver gives it (text on SQLite: date.fromisoformat beats the type's
    # regular expression a hundred times a page)
    day = type_coerce(c.start_date, String)
    return (_json_object(dialect), c.longitude, c.latitude, c.source_updated, day, c.uuid)


def _ordered(
    statement: Select[Any], newest_first: bool, limit: int | None, offset: int
) -> Select[Any]:
    """``statement`` in the listing order, limited and offset."""
    c = incidents.c
    order = (c.start_date.desc(), c.id.desc()) if newest_first else (c.start_date, c.id)
    statement = statement.order_by(*order)
    if limit is not None:
        statement = statement.limit(limit)
    return statement.offset(offset) if offset else statement


def _after(day: Any, uuid: Any, *, newest_first: bool) -> Any:
    """SQL: the incident comes after the one of (``day``, ``uuid``) in the listing order
    (start_date, then the row id of that uuid; a key whose incident is gone falls back
    to the date alone)."""
    c = incidents.c
    row_id = select(c.id).where(c.uuid == uuid).scalar_subquery()
    if newest_first:
        return or_(c.start_date < day, and_(c.start_date == day, c.id < row_id))
    return or_(c.start_date > day, and_(c.start_date == day, c.id > row_id))


def incident_by_uuid(connection: Connection, uuid: str, viewer: Viewer) -> Incident | None:
    """The incident with ``uuid`` if ``viewer`` may read it; None whether it is missing or
    hidden, so a reader learns nothing of what it may not see."""
    statement = filtered(select(incidents), IncidentQuery(), viewer).where(incidents.c.uuid == uuid)
    row = connection.execute(statement.limit(1)).first()
    return _incident(row) if row is not None else None


def stats(connection: Connection, query: IncidentQuery, viewer: Viewer) -> dict[str, Any]:
    """Counts per threat class, country, year and year x class of what ``viewer`` may read."""
    c = incidents.c
    year = (
        func.extract("year", c.start_date)
        if connection.dialect.name == "postgresql"
        else (func.strftime("%Y", c.start_date))
    )
    result: dict[str, Any] = {}
    for name, key in (("threat_class", c.threat_class), ("country", c.country), ("year", year)):
        statement = filtered(select(key, func.count()), query, viewer).group_by(key).order_by(key)
        result[name] = {
            (str(int(k)) if name == "year" and k is not None else k): n
            for k, n in connection.execute(statement)
        }
    per_year_class = (
        filtered(select(year, c.threat_class, func.count()), query, viewer)
        .group_by(year, c.threat_class)
        .order_by(year)
    )
    by_year: dict[str, dict[str, int]] = {}
    for y, threat, n in connection.execute(per_year_class):
        by_year.setdefault(str(int(y)), {})[threat] = n
    result["year_class"] = by_year
    total = filtered(select(func.count()), query, viewer)
    result["total"] = connection.execute(total).scalar_one()
    return result


def count_matching(connection: Connection, query: IncidentQuery, viewer: Viewer) -> int:
    """How many incidents pass the filters and ``viewer`` may read (paging aside)."""
    total, values = _reusable(_COUNT, query, viewer, paged=False)
    ((found,),) = driver_rows(connection, total, values)
    return int(found)


_COUNT = (func.count(),)


def total_of_page(
    connection: Connection,
    query: IncidentQuery,
    viewer: Viewer,
    found: int,
    totals: TotalsCache | None = None,
) -> int:
    """How many incidents match in all, for a page of ``found`` of them: the page itself
    when it is a first page with room to spare; else kept in ``totals`` (per sharing
    groups and filters, while the incidents' version holds) or counted."""
    first = query.after is None and query.offset == 0
    if first and query.limit is not None and found < query.limit:
        return found
    if totals is None:
        return count_matching(connection, query, viewer)
    filters = dataclasses.replace(query, limit=None, offset=0, newest_first=False, after=None)
    key = (viewer.organization, viewer.groups, filters)
    return totals.total(connection, key, lambda c: count_matching(c, filters, viewer))


def sources_visible(connection: Connection, viewer: Viewer) -> list[str]:
    """The sources of the incidents ``viewer`` may read, sorted."""
    statement = filtered(select(incidents.c.source).distinct(), IncidentQuery(), viewer)
    return sorted(str(s) for (s,) in connection.execute(statement))
