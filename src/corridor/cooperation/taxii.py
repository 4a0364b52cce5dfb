"""TAXII 2.1 collections of incidents: what a MISP or OpenCTI instance pulls from us.

A reader sees one collection per sharing group its organization belongs to (the
incidents shared with that group that it may read) and one "shared with me"
collection of everything it may read. Other groups' collections do not exist for
it: looking one up fails exactly as an unknown id does.

A collection's objects are the STIX 2.1 objects :func:`write_stix` writes: first
the shared ones (identities, our extension definition, the TLP 2.0 marking
definitions), dated when the collection got its first incident, then each
incident's own, by the time the store added it (``updated_at``, or when it was
shared with the collection's group if later). Pages are cut at an exact object
count with an opaque cursor naming the first object not yet served, so a client
that asks for ``limit`` objects gets exactly that many while ``more`` is true.

The objects can be filtered as TAXII 2.1 section 3.6 says (:class:`ObjectMatch`):
``added_after``, and ``match[id]``, ``match[type]``, ``match[version]`` and
``match[spec_version]``, each a comma-separated list of values any of which may
match, all fields given having to match. The store keeps one version of each object
(the current one: an incident's objects are rewritten when it changes), so
``match[version]`` ``last``, ``first`` and ``all`` give that version, and a
timestamp gives the objects whose ``modified`` (else ``created``) is that moment.
Every object is STIX 2.1, so ``match[spec_version]=2.1`` keeps all and any other
value none. Any other ``match[...]`` field is refused (400): a filter this server
would silently skip could hand a client more than it asked for.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from corridor.cooperation.audit import audit
from corridor.cooperation.models import Permission, Principal
from corridor.cooperation.records import utc
from corridor.errors import CorridorError, InputError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from corridor.events.access import Viewer

__all__ = [
    "DEFAULT_PAGE_OBJECTS",
    "MATCH_FIELDS",
    "MAX_PAGE_OBJECTS",
    "SHARED_WITH_ME",
    "STIX_MEDIA_TYPE",
    "TAXII_MEDIA_TYPE",
    "ObjectMatch",
    "ObjectsPage",
    "TaxiiCollection",
    "UnknownCollectionError",
    "collection_for",
    "collections_for",
    "objects_page",
    "taxii_timestamp",
]

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
DEFAULT_PAGE_OBJECTS = 100
MAX_PAGE_OBJECTS = 1000
# Collection ids are UUIDs (TAXII 2.1 identifiers), derived so they never change.
_NAMESPACE = uuid.UUID("5c6f0a52-3d4e-4a8e-9b61-2f0b7c1d9e44")
SHARED_WITH_ME = str(uuid.uuid5(_NAMESPACE, "shared-with-me"))


class UnknownCollectionError(CorridorError):
    """No such collection for this reader (HTTP 404): missing and not-yours look alike."""


@dataclass(frozen=True, slots=True)
class TaxiiCollection:
    """A collection as its reader sees it; ``group`` None is "shared with me"."""

    id: str
    title: str
    description: str
    group: str | None

    def resource(self) -> dict[str, Any]:
        """The TAXII 2.1 collection resource: read-only, STIX 2.1."""
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "can_read": True,
            "can_write": False,
            "media_types": [STIX_MEDIA_TYPE],
        }


def _group_collection_id(group: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"group{chr(31)}{group}"))


def collections_for(store: Engine, principal: Principal) -> list[TaxiiCollection]:
    """The collections ``principal`` reads: "shared with me", then one per sharing group
    its organization belongs to on the day it authenticated (``viewer.groups``)."""
    from corridor.store.parties import group_rows

    principal.require(Permission.READ, "read TAXII collections")
    found = [
        TaxiiCollection(
            SHARED_WITH_ME,
            "Shared with me",
            "Every incident your organization may read, whoever shared it.",
            None,
        )
    ]
    groups = principal.viewer.groups
    if groups:
        with store.connect() as connection:
            rows = [row for row in group_rows(connection) if row["id"] in groups]
        for row in rows:
            found.append(
                TaxiiCollection(
                    _group_collection_id(row["id"]),
                    f"Sharing group: {row['name']}",
                    f"Incidents shared with the sharing group {row['id']!r} that you may read.",
                    row["id"],
                )
            )
    return found


def collection_for(store: Engine, principal: Principal, collection_id: str) -> TaxiiCollection:
    """The collection ``collection_id`` if ``principal`` reads it, else
    :class:`UnknownCollectionError` (never saying whether it exists for others)."""
    for collection in collections_for(store, principal):
        if collection.id == collection_id:
            return collection
    raise UnknownCollectionError(f"no collection {collection_id!r} here")


def taxii_timestamp(moment: datetime) -> str:
    """A TAXII timestamp: UTC, microseconds, ``Z``."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class _Position:
    """Where an object sits in a collection: in the shared preamble (``key`` None, dated
    with the collection's first incident) or in the objects of incident ``key``;
    ``index`` counts the objects of that block that pass the type filter."""

    date_added: datetime
    key: int | None
    index: int

    def cursor(self) -> str:
        text = json.dumps([self.date_added.isoformat(), self.key, self.index])
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, cursor: str) -> _Position:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            stamp, key, index = json.loads(base64.urlsafe_b64decode(padded))
            moment = datetime.fromisoformat(stamp)
            if not (key is None or isinstance(key, int)) or not isinstance(index, int):
                raise TypeError(key)
            if index < 0 or moment.tzinfo is not None:
                raise ValueError(cursor)
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
            raise InputError(f"next {cursor!r}: not a cursor this server gave") from exc
        return cls(moment, key, index)


@dataclass(frozen=True)
class ObjectsPage:
    """One page of a collection: its objects, whether more follow (and the cursor to
    them), when the first and last object were added, and how many incidents it holds."""

    objects: list[dict[str, Any]]
    more: bool
    next: str | None
    date_added_first: datetime | None
    date_added_last: datetime | None
    incidents: int

    def envelope(self) -> dict[str, Any]:
        """The TAXII 2.1 envelope resource."""
        found: dict[str, Any] = {"more": self.more}
        if self.next is not None:
            found["next"] = self.next
        if self.objects:
            found["objects"] = self.objects
        return found


MATCH_FIELDS = ("id", "spec_version", "type", "version")
_VERSION_WORDS = frozenset({"first", "last", "all"})
_SPEC_VERSION = "2.1"  # what every object here is


def _stix_time(text: str, what: str) -> datetime:
    """A STIX/TAXII timestamp as naive UTC; :class:`InputError` naming ``what`` if not one."""
    try:
        return utc(datetime.fromisoformat(text))
    except ValueError:
        raise InputError(
            f"{what} {text!r}: give a timestamp like 2024-05-01T00:00:00.000Z"
        ) from None


@dataclass(frozen=True)
class ObjectMatch:
    """The ``match[...]`` filters of a TAXII 2.1 objects request (section 3.6). An empty
    field matches everything; within a field any value may match; all fields must."""

    ids: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    spec_versions: frozenset[str] = frozenset()
    version_words: frozenset[str] = frozenset({"last"})  # TAXII's default
    version_times: frozenset[datetime] = field(default_factory=frozenset)

    @classmethod
    def from_query(cls, pairs: Iterable[tuple[str, str]]) -> ObjectMatch:
        """The filters in a request's query ``pairs`` (other parameters are left alone):
        ``match[FIELD]=a,b``, a field given twice adding values. :class:`InputError` for
        a field this server does not filter on or a bad version."""
        values: dict[str, set[str]] = {}
        for key, value in pairs:
            if not key.startswith("match["):
                continue
            name = key[len("match[") : -1] if key.endswith("]") else key
            if name not in MATCH_FIELDS:
                fields = ", ".join(f"match[{f}]" for f in MATCH_FIELDS)
                raise InputError(f"{key}: this server filters on {fields} only")
            values.setdefault(name, set()).update(v.strip() for v in value.split(",") if v.strip())
        versions = values.get("version") or {"last"}
        words = frozenset(v for v in versions if v in _VERSION_WORDS)
        times = frozenset(
            _stix_time(v, "match[version]") for v in versions if v not in _VERSION_WORDS
        )
        return cls(
            ids=frozenset(values.get("id", ())),
            types=frozenset(values.get("type", ())),
            spec_versions=frozenset(values.get("spec_version", ())),
            version_words=words,
            version_times=times,
        )

    def admits(self, obj: dict[str, Any], date_added: datetime) -> bool:
        """Whether ``obj``, added at ``date_added``, passes every filter."""
        if self.ids and obj["id"] not in self.ids:
            return False
        if self.types and obj["type"] not in self.types:
            return False
        if self.spec_versions and obj.get("spec_version", _SPEC_VERSION) not in self.spec_versions:
            return False
        if self.version_words:  # each object has one version: first, last and all alike
            return True
        stamp = obj.get("modified") or obj.get("created")
        version = _stix_time(stamp, "version") if stamp else date_added
        return version in self.version_times


def _stream(
    connection: Connection,
    viewer: Viewer,
    group: str | None,
    added_after: datetime | None,
    start: _Position | None,
    match: ObjectMatch,
    batch: int,
) -> Iterator[tuple[_Position, dict[str, Any]]]:
    """The collection's objects that ``match`` admits from ``start`` on, each with its
    position."""
    from corridor.events.importers.stix import incident_stix_objects, shared_stix_objects
    from corridor.store.incident_feed import incidents_added

    def wanted(objects: list[dict[str, Any]], added: datetime) -> list[dict[str, Any]]:
        return [obj for obj in objects if match.admits(obj, added)]

    if start is None or start.key is None:
        first = incidents_added(connection, viewer, group=group, limit=1)
        if first and (added_after is None or first[0].date_added > added_after):
            skip = start.index if start is not None else 0
            for index, obj in enumerate(wanted(shared_stix_objects(), first[0].date_added)):
                if index >= skip:
                    yield _Position(first[0].date_added, None, index), obj
        resume: tuple[datetime, int] | None = None
    else:
        resume = (start.date_added, start.key)
    while True:
        rows = incidents_added(
            connection, viewer, group=group, added_after=added_after, start=resume, limit=batch
        )
        for row in rows:
            skip = start.index if start is not None and start.key == row.key else 0
            objects = wanted(incident_stix_objects(row.incident), row.date_added)
            for index, obj in enumerate(objects):
                if index >= skip:
                    yield _Position(row.date_added, row.key, index), obj
        if len(rows) < batch:
            return
        resume = (rows[-1].date_added, rows[-1].key + 1)


def objects_page(
    store: Engine,
    principal: Principal,
    collection_id: str,
    *,
    added_after: datetime | None = None,
    limit: int = DEFAULT_PAGE_OBJECTS,
    next: str | None = None,
    match: ObjectMatch | None = None,
) -> ObjectsPage:
    """A page of at most ``limit`` objects of the collection ``collection_id`` that
    ``principal`` may read: added strictly after ``added_after``, admitted by ``match``
    (default: all), from the cursor ``next`` of the previous page on. The read is
    audited. :class:`UnknownCollectionError` for a collection it does not read;
    :class:`InputError` for a bad ``limit`` or cursor."""
    if not 1 <= limit <= MAX_PAGE_OBJECTS:
        raise InputError(f"limit {limit}: give 1 to {MAX_PAGE_OBJECTS} objects")
    collection = collection_for(store, principal, collection_id)
    start = _Position.parse(next) if next is not None else None
    after = utc(added_after) if added_after is not None else None
    filters = match or ObjectMatch()
    served: list[tuple[_Position, dict[str, Any]]] = []
    following: _Position | None = None
    with store.connect() as connection:
        stream = _stream(
            connection, principal.viewer, collection.group, after, start, filters, limit + 1
        )
        for position, obj in stream:
            if len(served) == limit:
                following = position
                break
            served.append((position, obj))
    added = [position.date_added for position, _ in served]
    incidents = len({position.key for position, _ in served if position.key is not None})
    audit(store, principal.viewer, "read", "taxii-collection", collection.id, count=incidents,
          detail={"group": collection.group, "objects": len(served)})  # fmt: skip
    return ObjectsPage(
        objects=[obj for _, obj in served],
        more=following is not None,
        next=following.cursor() if following is not None else None,
        date_added_first=added[0] if added else None,
        date_added_last=added[-1] if added else None,
        incidents=incidents,
    )
