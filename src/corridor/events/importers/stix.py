"""STIX 2.1 bundles: incidents shared with CTI platforms, and our own exchange format.

Our incidents travel as ``incident`` SDOs whose fields that STIX has no home for sit
in one property-extension (:data:`EXTENSION_ID`, defined in every bundle we write by
an ``extension-definition`` object): its properties have the names and JSON values
of the generic format (see docs/incident-format.md), so an exported incident reads
back exactly. Incidents from other producers lack it; we derive what STIX gives
(dates, title, labels, linked location and actors, TLP) and classify them with
``mappings/stix.yaml``.

Both directions stream: the writer emits one object at a time; the reader makes a
first pass that keeps only a small index (locations, actors, relationships, TLP
markings) and a second that yields incidents, so a relationship may come before or
after the objects it joins. A non-seekable stream (stdin) is buffered once.
Per-incident objects are plain JSON (building stix2 objects costs ~0.3 ms each);
the bundle's shared objects are built with stix2, and the tests parse every
written bundle with stix2.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any, BinaryIO, TextIO

import pycountry
import stix2
from stix2.utils import parse_into_datetime

from corridor.events.categories import CategoryRule, category_map
from corridor.events.importers.base import FieldError, ParsedRecord, Rejected, country_code
from corridor.events.importers.generic import (
    incident_from_record,
    iso_country,
    json_items,
    record_from_incident,
)
from corridor.events.importers.json_syntax import JsonSyntaxError
from corridor.events.model import Incident, LocationPrecision, Tlp

__all__ = [
    "EXTENSION_ID",
    "INCIDENT_CORE_EXTENSION_ID",
    "STIX_NAMESPACE",
    "TLP2_EXTENSION_ID",
    "TLP_MARKING_IDS",
    "incident_stix_objects",
    "read_stix",
    "shared_stix_objects",
    "write_stix",
]

# Our property-extension; fixed forever (a new major version gets a new id).
EXTENSION_ID = "extension-definition--76775d50-32f0-4e49-a66b-3eb0bd685878"
_EXTENSION_CREATED = "2026-11-23T00:00:00.000Z"
_EXTENSION_VERSION = "1.0.0"
# Namespace of the ids we derive that are not tied to one incident (identities, actors).
STIX_NAMESPACE = uuid.UUID("cbbf623e-7b8e-4da8-b00e-d28c6663efa6")
_PROJECT = "Secure Corridor"

# TLP 2.0 marking definitions published by OASIS for STIX 2.1 (cti-stix-common-objects,
# extension-definition-specifications/tlp-2.0), and the extension that defines them.
TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
_TLP2_CREATED = "2022-10-01T00:00:00.000Z"
TLP_MARKING_IDS: dict[Tlp, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
# Every marking id we understand: TLP 2.0, and the TLP 1.0 ones stix2 ships.
_KNOWN_MARKINGS: dict[str, Tlp] = {
    **{marking: tlp for tlp, marking in TLP_MARKING_IDS.items()},
    stix2.TLP_WHITE.id: Tlp.CLEAR,
    stix2.TLP_GREEN.id: Tlp.GREEN,
    stix2.TLP_AMBER.id: Tlp.AMBER,
    stix2.TLP_RED.id: Tlp.RED,
}
_RESTRICTION = {tlp: rank for rank, tlp in enumerate(Tlp)}  # least restrictive first
# The OASIS incident core extension, whose incident_types we read as categories.
INCIDENT_CORE_EXTENSION_ID = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"

# Location.precision (metres) for each of our precisions, and back.
_PRECISION_M: dict[LocationPrecision, float] = {
    LocationPrecision.EXACT: 1_000.0,
    LocationPrecision.NEAR: 25_000.0,
    LocationPrecision.DISTRICT: 100_000.0,
    LocationPrecision.PROVINCE: 500_000.0,
    LocationPrecision.COUNTRY: 2_000_000.0,
}
# OpenCTI's incident severity vocabulary -> our 1..5.
_SEVERITY = {"low": 2, "medium": 3, "high": 4, "critical": 5}
_HEAD = {"spec_version": "2.1"}
# Fields that STIX carries natively on the incident, not in our extension.
_NATIVE = {
    "title": "name",
    "description": "description",
    "source_categories": "labels",
    "tlp": "object_marking_refs",
}


# --- writing ------------------------------------------------------------------------------


def _identity_id(name: str) -> str:
    return f"identity--{uuid.uuid5(STIX_NAMESPACE, 'identity' + chr(31) + name)}"


def _timestamp(moment: datetime) -> str:
    """A STIX timestamp (UTC, millisecond); a naive time is taken as UTC."""
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:  # an offset at the very ends of the calendar
            moment = moment.replace(tzinfo=None)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment:%H:%M:%S}.{moment.microsecond // 1000:03d}Z"
    )


@cache
def _shared_objects(producer: str) -> tuple[str, ...]:
    """The identities and the extension definition every bundle of ``producer`` opens with."""
    project_id = _identity_id(_PROJECT)
    objects = [
        stix2.v21.Identity(
            id=project_id,
            created=_EXTENSION_CREATED,
            modified=_EXTENSION_CREATED,
            name=_PROJECT,
            identity_class="system",
            description="Secure Corridor: security cooperation along infrastructure corridors.",
        ),
        stix2.v21.ExtensionDefinition(
            id=EXTENSION_ID,
            created_by_ref=project_id,
            created=_EXTENSION_CREATED,
            modified=_EXTENSION_CREATED,
            name="Secure Corridor incident",
            description=("The fields of a Secure Corridor incident that STIX has no property for."),
            schema=(
                "Secure Corridor incident format 1.0 (docs/incident-format.md): each property "
                "is the field of the same name in its JSON encoding; title, description, "
                "source_categories and tlp are carried by name, description, labels and "
                "object_marking_refs."
            ),
            version=_EXTENSION_VERSION,
            extension_types=["property-extension"],
        ),
    ]
    if producer != _PROJECT:
        objects.append(
            stix2.v21.Identity(
                id=_identity_id(producer),
                created=_EXTENSION_CREATED,
                modified=_EXTENSION_CREATED,
                name=producer,
                identity_class="organization",
            )
        )
    return tuple(obj.serialize() for obj in objects)


@cache
def _tlp_marking(tlp: Tlp) -> str:
    marking = stix2.v21.MarkingDefinition(
        id=TLP_MARKING_IDS[tlp],
        created=_TLP2_CREATED,
        name=f"TLP:{tlp.value.upper()}",
        extensions={
            TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": tlp.value}
        },
    )
    return str(marking.serialize())


def _threat_actor_id(name: str, tlp: Tlp) -> str:
    """One actor object per name and TLP label, so a RED-only name never shows as CLEAR."""
    key = f"threat-actor{chr(31)}{tlp}{chr(31)}{name}"
    return f"threat-actor--{uuid.uuid5(STIX_NAMESPACE, key)}"


def _threat_actor(name: str, tlp: Tlp, producer_id: str) -> str:
    actor = stix2.v21.ThreatActor(
        id=_threat_actor_id(name, tlp),
        created_by_ref=producer_id,
        created=_EXTENSION_CREATED,
        modified=_EXTENSION_CREATED,
        name=name,
        object_marking_refs=[TLP_MARKING_IDS[tlp]],
    )
    return str(actor.serialize())


def _alpha_2(alpha_3: str) -> str | None:
    if alpha_3 == "XKX":
        return "XK"  # Kosovo's user-assigned code, as generic.iso_country reads it
    entry = pycountry.countries.get(alpha_3=alpha_3)
    return None if entry is None else str(entry.alpha_2)


def _incident_objects(
    incident: Incident, producer_id: str, actors_written: set[tuple[str, Tlp]]
) -> Iterator[dict[str, Any] | str]:
    """The incident, its location and actors, and the relationships between them."""
    moment = incident.source_updated or datetime.combine(incident.start_date, time(), UTC)
    stamp = _timestamp(moment)
    own = incident.uuid
    incident_id = f"incident--{own}"
    common = {
        "created_by_ref": producer_id,
        "created": stamp,
        "modified": stamp,
    }
    marking = [TLP_MARKING_IDS[incident.tlp]]
    record = record_from_incident(incident)
    for name in _NATIVE:
        record.pop(name, None)
    stix_incident: dict[str, Any] = {"type": "incident", **_HEAD, "id": incident_id, **common}
    stix_incident["name"] = incident.title
    if incident.description:
        stix_incident["description"] = incident.description
    if incident.source_categories:
        stix_incident["labels"] = list(incident.source_categories)
    stix_incident["object_marking_refs"] = marking
    stix_incident["extensions"] = {EXTENSION_ID: {"extension_type": "property-extension", **record}}
    yield stix_incident

    has_point = incident.longitude is not None and incident.latitude is not None
    alpha_2 = _alpha_2(incident.country) if incident.country else None
    if has_point or alpha_2:
        location_id = f"location--{uuid.uuid5(own, 'location')}"
        location: dict[str, Any] = {"type": "location", **_HEAD, "id": location_id, **common}
        if incident.location_name:
            location["name"] = incident.location_name
        if has_point:
            location["latitude"] = incident.latitude
            location["longitude"] = incident.longitude
            location["precision"] = _PRECISION_M[incident.location_precision]
        if alpha_2:
            location["country"] = alpha_2
        location["object_marking_refs"] = marking
        location["extensions"] = _derived_from(incident_id)
        yield location
        yield _relationship(own, "located-at", incident_id, location_id, common, marking)

    for actor in dict.fromkeys(incident.actors):
        actor_id = _threat_actor_id(actor, incident.tlp)
        if (actor, incident.tlp) not in actors_written:
            actors_written.add((actor, incident.tlp))
            yield _threat_actor(actor, incident.tlp, producer_id)
        kind = f"attributed-to{chr(31)}{actor}"
        yield _relationship(own, kind, incident_id, actor_id, common, marking)


def _relationship(
    own: uuid.UUID,
    kind: str,
    source_ref: str,
    target_ref: str,
    common: dict[str, Any],
    marking: list[str],
) -> dict[str, Any]:
    return {
        "type": "relationship",
        **_HEAD,
        "id": f"relationship--{uuid.uuid5(own, kind)}",
        **common,
        "relationship_type": kind.split(chr(31), maxsplit=1)[0],
        "source_ref": source_ref,
        "target_ref": target_ref,
        "object_marking_refs": marking,
        "extensions": _derived_from(source_ref),
    }


def _derived_from(incident_id: str) -> dict[str, Any]:
    """Our extension on a location or relationship made from an incident's own fields.

    It tells consumers where the object came from, and lets our reader skip it: the
    incident carries the same facts, so a big bundle of ours needs no index.
    """
    return {EXTENSION_ID: {"extension_type": "property-extension", "incident_ref": incident_id}}


def write_stix(incidents: Iterable[Incident], stream: TextIO, *, producer: str = _PROJECT) -> int:
    """Write a STIX 2.1 bundle of ``incidents``, streamed; return how many incidents.

    Ids derive from each incident's UUID and timestamps from its dates, so the same
    incidents always give the same bundle. ``producer`` names the identity the
    objects are ``created_by_ref``.
    """
    producer_id = _identity_id(producer)
    digest = hashlib.blake2b(digest_size=16)
    written = 0

    def emit(item: dict[str, Any] | str) -> None:
        nonlocal written
        text = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
        stream.write(",\n" if written else "\n")
        stream.write(text)
        digest.update(text.encode("utf-8"))
        written += 1

    stream.write('{"type": "bundle", "objects": [')
    for shared in _shared_objects(producer):
        emit(shared)
    markings_written: set[Tlp] = set()
    actors_written: set[tuple[str, Tlp]] = set()
    count = 0
    for incident in incidents:
        if incident.tlp not in markings_written:
            markings_written.add(incident.tlp)
            emit(_tlp_marking(incident.tlp))
        for item in _incident_objects(incident, producer_id, actors_written):
            emit(item)
        count += 1
    # The id comes last: it is a digest of everything written, so it names this content.
    stream.write(f'\n], "id": "bundle--{uuid.uuid5(STIX_NAMESPACE, digest.hexdigest())}"}}\n')
    return count


def shared_stix_objects(producer: str = _PROJECT) -> list[dict[str, Any]]:
    """The objects every incident of ``producer`` refers to, as JSON values: the
    identities, our extension definition and the five TLP 2.0 marking definitions.
    A TAXII collection serves them once, ahead of the incidents."""
    texts = [*_shared_objects(producer), *(_tlp_marking(tlp) for tlp in Tlp)]
    return [json.loads(text) for text in texts]


def incident_stix_objects(incident: Incident, producer: str = _PROJECT) -> list[dict[str, Any]]:
    """One incident's objects (the incident, its location and actors, the relationships),
    exactly as :func:`write_stix` writes them, as JSON values. Each incident carries its
    own actor objects: a page of a TAXII collection cannot know what earlier pages sent."""
    objects = _incident_objects(incident, _identity_id(producer), set())
    return [item if isinstance(item, dict) else json.loads(item) for item in objects]


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Place:
    longitude: float | None
    latitude: float | None
    country: str | None
    name: str
    precision: LocationPrecision


@dataclass(slots=True)
class _Index:
    """What the incidents refer to: small, kept in memory between the two passes."""

    places: dict[str, _Place] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # actors and identities
    links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    markings: dict[str, Tlp] = field(default_factory=lambda: dict(_KNOWN_MARKINGS))
    problems: dict[int, FieldError] = field(default_factory=dict)

    def add(self, position: int, obj: object) -> None:
        try:
            if not isinstance(obj, dict):
                raise FieldError("type", obj, "is not a STIX object")
            kind = obj.get("type")
            if not isinstance(kind, str) or not kind:
                raise FieldError("type", kind, "is missing")
            if kind in ("location", "relationship") and _is_derived(obj):
                return
            if kind == "location":
                self.places[_id_of(obj, "location")] = _place(obj)
            elif kind in ("threat-actor", "intrusion-set", "identity"):
                self.names[_id_of(obj, kind)] = _string(obj, "name", required=True)
            elif kind == "relationship":
                self._relationship(obj)
            elif kind == "marking-definition":
                self._marking(obj)
        except FieldError as exc:
            self.problems[position] = exc

    def _relationship(self, obj: dict[str, Any]) -> None:
        kind = obj.get("relationship_type")
        if kind not in ("located-at", "attributed-to"):
            return
        source_ref = _string(obj, "source_ref", required=True)
        target_ref = _string(obj, "target_ref", required=True)
        if source_ref.startswith("incident--"):
            self.links.setdefault(source_ref, []).append((kind, target_ref))

    def _marking(self, obj: dict[str, Any]) -> None:
        marking_id = _id_of(obj, "marking-definition")
        if marking_id in _KNOWN_MARKINGS:
            return  # the published definitions are not ours to redefine
        extension = (obj.get("extensions") or {}).get(TLP2_EXTENSION_ID)
        if isinstance(extension, dict) and isinstance(extension.get("tlp_2_0"), str):
            label = extension["tlp_2_0"]
        elif obj.get("definition_type") == "tlp" and isinstance(obj.get("definition"), dict):
            label = obj["definition"].get("tlp")
        else:
            return
        label = "clear" if label == "white" else label
        try:
            self.markings[marking_id] = Tlp(label)
        except ValueError as exc:
            raise FieldError("definition", label, "is not a TLP label") from exc


def _is_derived(obj: dict[str, Any]) -> bool:
    extensions = obj.get("extensions")
    return isinstance(extensions, dict) and EXTENSION_ID in extensions


def _id_of(obj: dict[str, Any], kind: str) -> str:
    value = obj.get("id")
    prefix = f"{kind}--"
    if not isinstance(value, str) or not value.startswith(prefix):
        raise FieldError("id", value, f"is not a {kind} id")
    try:
        uuid.UUID(value[len(prefix) :])
    except ValueError as exc:
        raise FieldError("id", value, "does not end in a UUID") from exc
    return value


def _string(obj: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = obj.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldError(name, value, "is not a string")
    if required and not value.strip():
        raise FieldError(name, value, "is missing")
    return value.strip()


def _strings(obj: dict[str, Any], name: str) -> list[str]:
    value = obj.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FieldError(name, value, "is not a list of strings")
    return [item.strip() for item in value if item.strip()]


def _number(obj: dict[str, Any], name: str, low: float, high: float) -> float | None:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError(name, value, "is not a number")
    if not low <= value <= high:
        raise FieldError(name, value, f"is outside {low:g}..{high:g}")
    return float(value)


def _time(obj: dict[str, Any], name: str) -> datetime | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(name, value, "is not a timestamp")
    try:
        parsed = parse_into_datetime(value)
    except ValueError as exc:
        raise FieldError(name, value, "is not a STIX timestamp") from exc
    # stix2 returns its own datetime subclass; ours is a plain one.
    return datetime.fromisoformat(parsed.isoformat())


def _place(obj: dict[str, Any]) -> _Place:
    latitude = _number(obj, "latitude", -90.0, 90.0)
    longitude = _number(obj, "longitude", -180.0, 180.0)
    if (latitude is None) != (longitude is None):
        missing = "latitude" if latitude is None else "longitude"
        raise FieldError(missing, "", "is missing; latitude and longitude go together")
    precision_m = _number(obj, "precision", 0.0, float("inf"))
    country_text = _string(obj, "country")
    country = None
    if country_text:
        if len(country_text) in (2, 3) and country_text.isalpha():
            country = iso_country(country_text, "country")
        else:
            country = country_code(country_text, "country")  # a name, as some producers write
    city = _string(obj, "city")
    area = _string(obj, "administrative_area")
    region = _string(obj, "region")
    name = _string(obj, "name") or city or area or region
    if longitude is not None:
        precision = LocationPrecision.EXACT
        if precision_m is not None:
            precision = next(
                (level for level, metres in _PRECISION_M.items() if precision_m <= metres),
                LocationPrecision.COUNTRY,
            )
    elif city:
        precision = LocationPrecision.NEAR
    elif area:
        precision = LocationPrecision.PROVINCE
    elif country or region:
        precision = LocationPrecision.COUNTRY
    else:
        precision = LocationPrecision.EXACT
    return _Place(longitude, latitude, country, name, precision)


def _tlp_of(obj: dict[str, Any], index: _Index, default: Tlp) -> Tlp:
    """The most restrictive TLP among the incident's markings; ``default`` if none is TLP."""
    refs = _strings(obj, "object_marking_refs")
    found = [index.markings[ref] for ref in refs if ref in index.markings]
    return max(found, key=_RESTRICTION.__getitem__) if found else default


def _own_incident(obj: dict[str, Any], extension: object, tlp: Tlp) -> Incident:
    """An incident we exported: the extension and the native properties, exactly."""
    if not isinstance(extension, dict):
        raise FieldError("extensions", extension, f"{EXTENSION_ID} is not an object")
    values = {key: value for key, value in extension.items() if key != "extension_type"}
    for name, native in _NATIVE.items():
        if name in values:
            raise FieldError(name, values[name], f"belongs in the STIX property {native!r}")
    values["title"] = obj.get("name")
    values["description"] = obj.get("description")
    values["source_categories"] = obj.get("labels")
    values["tlp"] = tlp.value
    try:
        return incident_from_record(values)
    except FieldError as exc:
        raise FieldError(_NATIVE.get(exc.field, exc.field), exc.value, exc.reason) from None


def _keyword(value: str) -> str:
    return "-".join(value.lower().replace("_", " ").split())


def _classify(keywords: Sequence[str]) -> CategoryRule:
    """The rule of the first keyword the STIX mapping knows, else its default."""
    mapping = category_map("stix")
    for keyword in keywords:
        rule = mapping.rules.get(_keyword(keyword))
        if rule is not None:
            return rule
    return mapping.default


def _foreign_incident(obj: dict[str, Any], index: _Index, tlp: Tlp) -> Incident:
    """An incident from another producer: what STIX says, classified by mappings/stix.yaml."""
    stix_id = _id_of(obj, "incident")
    title = _string(obj, "name", required=True)
    created = _time(obj, "created")
    if created is None:
        raise FieldError("created", None, "is missing")
    modified = _time(obj, "modified")
    first_seen = _time(obj, "first_seen")
    last_seen = _time(obj, "last_seen")
    start = (first_seen or created).date()
    end: date | None = last_seen.date() if last_seen else None
    if end is not None and end <= start:
        end = None

    extensions = obj.get("extensions") or {}
    if not isinstance(extensions, dict):
        raise FieldError("extensions", extensions, "is not an object")
    core = extensions.get(INCIDENT_CORE_EXTENSION_ID) or {}
    keywords = _strings(obj, "labels")
    keywords += _strings(core, "incident_types") if isinstance(core, dict) else []
    keywords += [_string(obj, "incident_type")] if obj.get("incident_type") else []
    categories = tuple(dict.fromkeys(keywords))
    rule = _classify(categories)
    severity = max(rule.severity_floor, _SEVERITY.get(str(obj.get("severity", "")).lower(), 1))

    place: _Place | None = None
    actors: list[str] = []
    for kind, target in index.links.get(stix_id, ()):
        if kind == "located-at" and place is None and target in index.places:
            place = index.places[target]
        elif kind == "attributed-to" and target in index.names:
            actors.append(index.names[target])
    # Namespaced, so a producer's name can never equal an organization on this platform
    # and open an AMBER or RED record to it (see cooperation.sharing).
    producer = index.names.get(_string(obj, "created_by_ref"), "")
    return Incident(
        source="stix",
        source_id=stix_id,
        title=title,
        start_date=start,
        end_date=end,
        longitude=place.longitude if place else None,
        latitude=place.latitude if place else None,
        location_precision=place.precision if place else LocationPrecision.COUNTRY,
        country=place.country if place else None,
        location_name=place.name if place else "",
        description=_string(obj, "description"),
        threat_class=rule.threat_class,
        source_categories=categories,
        severity=min(severity, 5),
        actors=tuple(dict.fromkeys(actors)),
        target=rule.target,
        tags=rule.tags,
        reporter=f"stix:{producer}" if producer else "",
        tlp=tlp,
        source_updated=modified or created,
    )


def _incident(obj: dict[str, Any], index: _Index, default_tlp: Tlp) -> Incident:
    tlp = _tlp_of(obj, index, default_tlp)
    extensions = obj.get("extensions")
    if isinstance(extensions, dict) and EXTENSION_ID in extensions:
        _id_of(obj, "incident")
        return _own_incident(obj, extensions[EXTENSION_ID], tlp)
    return _foreign_incident(obj, index, tlp)


def _rewindable(stream: BinaryIO | TextIO) -> tuple[BinaryIO | TextIO, int]:
    """The stream and where it starts, buffered in memory first if it cannot seek (stdin)."""
    if stream.seekable():
        return stream, stream.tell()
    data = stream.read()
    return io.BytesIO(data.encode("utf-8") if isinstance(data, str) else data), 0


def _objects(stream: BinaryIO | TextIO) -> Iterator[object]:
    return json_items(stream, member="objects", document_type="bundle")


def read_stix(
    stream: BinaryIO | TextIO, *, file_name: str, default_tlp: Tlp = Tlp.AMBER
) -> Iterator[ParsedRecord]:
    """Incidents from a STIX 2.1 bundle, one :class:`Incident` or :class:`Rejected` each.

    A reject's ``line`` is the object's 1-based index in ``objects`` (0: the bundle) and
    its ``field`` the STIX property. A malformed location, actor, relationship or
    marking is rejected at its own index and the incidents go on without it. An
    incident with no TLP marking gets ``default_tlp``: AMBER unless the caller knows
    better, so an import never widens who may see a report.
    """
    source, start = _rewindable(stream)
    index = _Index()
    try:
        for position, obj in enumerate(_objects(source), 1):
            index.add(position, obj)
    except (FieldError, JsonSyntaxError):
        pass  # reported by the second pass, at the same place
    source.seek(start)
    position = 0
    try:
        for position, obj in enumerate(_objects(source), 1):
            if isinstance(obj, dict) and obj.get("type") == "incident":
                try:
                    yield _incident(obj, index, default_tlp)
                except FieldError as exc:
                    yield Rejected(file_name, position, exc.field, exc.value, exc.reason)
            elif position in index.problems:
                problem = index.problems[position]
                yield Rejected(file_name, position, problem.field, problem.value, problem.reason)
    except FieldError as exc:
        yield Rejected(file_name, 0, exc.field, exc.value, f"the bundle {exc.reason}")
    except JsonSyntaxError as exc:  # the line of the error, not the object's number
        yield Rejected(file_name, exc.line, "", "", f"is not valid JSON ({exc.reason})")
