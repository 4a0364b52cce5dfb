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
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass
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
    "MAX_PAGE_OBJECTS",
    "SHARED_WITH_ME",
    "STIX_MEDIA_TYPE",
    "TAXII_MEDIA_TYPE",
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


def _stream(
    connection: Connection,
    viewer: Viewer,
    group: str | None,
    added_after: datetime | None,
    start: _Position | None,
    types: Collection[str],
    batch: int,
) -> Iterator[tuple[_Position, dict[str, Any]]]:
    """The collection's objects from ``start`` on, each with its position."""
    from corridor.events.importers.stix import incident_stix_objects, shared_stix_objects
    from corridor.store.incident_feed import incidents_added

    def wanted(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [obj for obj in objects if not types or obj["type"] in types]

    if start is None or start.key is None:
        first = incidents_added(connection, viewer, group=group, limit=1)
        if first and (added_after is None or first[0].date_added > added_after):
            skip = start.index if start is not None else 0
            for index, obj in enumerate(wanted(shared_stix_objects())):
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
            for index, obj in enumerate(wanted(incident_stix_objects(row.incident))):
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
    types: Collection[str] = (),
) -> ObjectsPage:
    """A page of at most ``limit`` objects of the collection ``collection_id`` that
    ``principal`` may read: added strictly after ``added_after``, of the STIX ``types``
    (empty: all), from the cursor ``next`` of the previous page on. The read is
    audited. :class:`UnknownCollectionError` for a collection it does not read;
    :class:`InputError` for a bad ``limit`` or cursor."""
    if not 1 <= limit <= MAX_PAGE_OBJECTS:
        raise InputError(f"limit {limit}: give 1 to {MAX_PAGE_OBJECTS} objects")
    collection = collection_for(store, principal, collection_id)
    start = _Position.parse(next) if next is not None else None
    after = utc(added_after) if added_after is not None else None
    served: list[tuple[_Position, dict[str, Any]]] = []
    following: _Position | None = None
    with store.connect() as connection:
        stream = _stream(
            connection, principal.viewer, collection.group, after, start, set(types), limit + 1
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
