"""STIX 2.1: exact round trips of our incidents, and what we make of other producers' bundles."""

from __future__ import annotations

import io
import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import stix2
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.atlas import Atlas
from corridor.events.categories import category_map
from corridor.events.importers import detect_format
from corridor.events.importers.base import ParsedRecord, Rejected
from corridor.events.importers.stix import (
    EXTENSION_ID,
    TLP_MARKING_IDS,
    read_stix,
    write_stix,
)
from corridor.events.model import Incident, LocationPrecision, Target, Tlp
from tests.strategies import incident_lists

FIXTURES = Path(__file__).parent / "fixtures" / "stix"


def _write(incidents: list[Incident], **options: str) -> str:
    buffer = io.StringIO()
    assert write_stix(incidents, buffer, **options) == len(incidents)
    return buffer.getvalue()


def _read(text: str, **options: Tlp) -> list[ParsedRecord]:
    return list(read_stix(io.BytesIO(text.encode("utf-8")), file_name="b.json", **options))


def _incidents(records: list[ParsedRecord]) -> list[Incident]:
    assert not [r for r in records if isinstance(r, Rejected)]
    return [r for r in records if isinstance(r, Incident)]


@settings(deadline=None)
@given(incident_lists)
def test_stix_round_trip_is_exact(incidents: list[Incident]) -> None:
    assert Counter(_incidents(_read(_write(incidents)))) == Counter(incidents)


@settings(deadline=None, max_examples=30)
@given(incident_lists)
def test_written_bundles_are_valid_stix_without_custom_content(incidents: list[Incident]) -> None:
    bundle = stix2.parse(_write(incidents), allow_custom=False)
    kinds = Counter(obj.type for obj in bundle.objects)
    assert kinds["incident"] == len(incidents)
    assert kinds["extension-definition"] == 1


def _example() -> list[Incident]:
    base = Incident(
        source="mfa-kz",
        source_id="KZ-2024-0017",
        title="Explosive device found at a valve station",
        start_date=date(2024, 4, 2),
        threat_class="infrastructure_attack",
        longitude=51.92,
        latitude=47.11,
        country="KAZ",
        location_name="Atyrau",
        actors=("Steppe Wolves", "Unknown"),
        tlp=Tlp.AMBER,
        source_updated=datetime(2024, 4, 5, 4, 30, tzinfo=UTC),
    )
    red = Incident("mfa-kz", "KZ-2024-0018", "Follow-up", date(2024, 4, 9), "terrorism",
                   actors=("Steppe Wolves",), tlp=Tlp.RED)  # fmt: skip
    return [base, red]


def test_re_export_is_byte_identical() -> None:
    assert _write(_example()) == _write(_example())
    assert _write(_example()) != _write(_example()[:1])  # the bundle id names the content


def test_ids_derive_from_the_incident_uuid() -> None:
    incident = _example()[0]
    objects = json.loads(_write([incident]))["objects"]
    by_type = {obj["type"]: obj for obj in objects}
    assert by_type["incident"]["id"] == f"incident--{incident.uuid}"
    assert by_type["location"]["id"] == f"location--{uuid.uuid5(incident.uuid, 'location')}"
    assert by_type["location"]["country"] == "KZ"
    assert by_type["location"]["longitude"] == 51.92
    assert by_type["incident"]["created"] == "2024-04-05T04:30:00.000Z"
    assert by_type["incident"]["extensions"][EXTENSION_ID]["source_id"] == "KZ-2024-0017"


def test_markings_are_the_oasis_tlp_2_ids() -> None:
    # extension-definition-specifications/tlp-2.0 in oasis-open/cti-stix-common-objects
    assert TLP_MARKING_IDS == {
        Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
    objects = json.loads(_write(_example()))["objects"]
    markings = {obj["id"]: obj for obj in objects if obj["type"] == "marking-definition"}
    assert set(markings) == {TLP_MARKING_IDS[Tlp.AMBER], TLP_MARKING_IDS[Tlp.RED]}
    assert markings[TLP_MARKING_IDS[Tlp.RED]]["name"] == "TLP:RED"


def test_an_actor_named_in_red_and_amber_reports_gets_one_object_per_label() -> None:
    objects = json.loads(_write(_example()))["objects"]
    wolves = [o for o in objects if o["type"] == "threat-actor" and o["name"] == "Steppe Wolves"]
    assert sorted(o["object_marking_refs"][0] for o in wolves) == sorted(
        [TLP_MARKING_IDS[Tlp.AMBER], TLP_MARKING_IDS[Tlp.RED]]
    )


def _fixture(name: str) -> list[ParsedRecord]:
    with (FIXTURES / name).open("rb") as handle:
        return list(read_stix(handle, file_name=name))


FOREIGN = [
    Incident(
        source="stix",
        source_id="incident--a1f3c5e7-9b2d-4f6a-8c0e-1d3f5a7b9c2e",
        title="Sabotage of a pumping station control system",
        start_date=date(2024, 5, 14),
        threat_class="infrastructure_attack",
        longitude=51.9,
        latitude=47.1,
        location_precision=LocationPrecision.NEAR,  # 5 km
        country="KAZ",
        location_name="Atyrau pumping station",
        description=(
            "Operators lost control of two pumps for six hours; the flow was stopped manually."
        ),
        source_categories=("sabotage", "denial-of-service"),
        severity=2,
        actors=("Steppe Wolves",),
        reporter="stix:Example Regional CERT",
        tlp=Tlp.AMBER,  # TLP 2.0 id
        source_updated=datetime(2024, 5, 20, 10, 30, tzinfo=UTC),
    ),
    Incident(
        source="stix",
        source_id="incident--b2e4d6f8-0a1c-4e3b-9d5f-7a9c1e3b5d70",
        title="Boarding of a tanker east of Socotra",
        start_date=date(2023, 11, 26),  # first_seen
        end_date=date(2023, 11, 28),  # last_seen
        threat_class="piracy",
        longitude=54.9,
        latitude=12.6,
        location_precision=LocationPrecision.DISTRICT,  # 30 km
        location_name="Arabian Sea, east of Socotra",
        source_categories=("Hijacking", "piracy"),
        severity=4,  # severity "high" over the hijacking floor of 3
        actors=("Steppe Wolves",),
        target=Target.VESSEL,
        tlp=Tlp.GREEN,  # the TLP 1.0 id stix2 ships
        source_updated=datetime(2023, 11, 29, 7, 15, tzinfo=UTC),
    ),
    Incident(
        source="stix",
        source_id="incident--c3f5e7a9-1b2d-4f4c-8e6a-8b0d2f4c6e81",
        title="Phishing against a port authority",
        start_date=date(2024, 2, 1),
        threat_class="cyber",  # the mapping's default
        location_precision=LocationPrecision.NEAR,  # a city, no coordinates
        country="PAK",
        location_name="Gwadar",
        actors=("Harbour Phantoms",),
        tlp=Tlp.AMBER,  # unmarked: the default
        source_updated=datetime(2024, 2, 1, 16, 45, tzinfo=UTC),
    ),
]


def test_a_foreign_bundle_gives_what_stix_says() -> None:
    assert _fixture("foreign-bundle.json") == FOREIGN


@settings(deadline=None, max_examples=40)
@given(st.data())
def test_objects_may_come_in_any_order(data: st.DataObject) -> None:
    bundle = json.loads((FIXTURES / "foreign-bundle.json").read_text(encoding="utf-8"))
    bundle["objects"] = data.draw(st.permutations(bundle["objects"]))
    assert Counter(_incidents(_read(json.dumps(bundle)))) == Counter(FOREIGN)


def test_an_unmarked_foreign_incident_gets_the_callers_default() -> None:
    text = (FIXTURES / "foreign-bundle.json").read_text(encoding="utf-8")
    records = _incidents(_read(text, default_tlp=Tlp.CLEAR))
    assert [r.tlp for r in records] == [Tlp.AMBER, Tlp.GREEN, Tlp.CLEAR]


def _one_incident_bundle(markings: list[str], extra: list[dict[str, object]]) -> str:
    incident = {
        "type": "incident",
        "spec_version": "2.1",
        "id": "incident--29fbc3e5-7b8d-4fac-8ec0-4b6d8fac2e47",
        "created": "2024-06-01T00:00:00.000Z",
        "modified": "2024-06-01T00:00:00.000Z",
        "name": "Marked twice",
        "object_marking_refs": markings,
    }
    return json.dumps(
        {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [incident, *extra]}
    )


def test_the_most_restrictive_tlp_marking_wins() -> None:
    text = _one_incident_bundle([stix2.TLP_GREEN.id, TLP_MARKING_IDS[Tlp.AMBER_STRICT]], [])
    assert _incidents(_read(text))[0].tlp is Tlp.AMBER_STRICT


def test_a_tlp_marking_defined_in_the_bundle_is_understood() -> None:
    custom = "marking-definition--3a5c7e9b-1d2f-4a6c-8e0b-5c7e9a1b3d58"
    definition = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": custom,
        "created": "2024-01-01T00:00:00.000Z",
        "definition_type": "tlp",
        "definition": {"tlp": "red"},
    }
    text = _one_incident_bundle([custom], [definition])
    assert _incidents(_read(text, default_tlp=Tlp.CLEAR))[0].tlp is Tlp.RED


def test_tlp_1_white_reads_as_clear() -> None:
    text = _one_incident_bundle([stix2.TLP_WHITE.id], [])
    assert _incidents(_read(text))[0].tlp is Tlp.CLEAR


def test_malformed_objects_are_rejected_at_their_index_with_the_stix_property() -> None:
    records = _fixture("malformed-bundle.json")
    rejects = [(r.line, r.field) for r in records if isinstance(r, Rejected)]
    assert rejects == [
        (1, "name"),
        (2, "latitude"),
        (5, "created"),
        (6, "type"),
        (7, "threat_class"),
        (8, "target_ref"),
        (9, "end_date"),
    ]
    (kept,) = [r for r in records if isinstance(r, Incident)]
    assert kept.title == "Located at a malformed location"
    assert kept.longitude is None  # its location was rejected


class _Pipe(io.RawIOBase):
    """A stream that cannot seek, like stdin."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray) -> int:
        return self._data.readinto(buffer)


def test_a_stream_that_cannot_seek_is_read_too() -> None:
    data = (FIXTURES / "foreign-bundle.json").read_bytes()
    stream = io.BufferedReader(_Pipe(data))
    assert not stream.seekable()
    assert list(read_stix(stream, file_name="-")) == FOREIGN


def test_a_text_stream_is_read_too() -> None:
    with (FIXTURES / "foreign-bundle.json").open(encoding="utf-8") as handle:
        assert list(read_stix(handle, file_name="f")) == FOREIGN


def test_a_cut_bundle_keeps_the_incidents_before_the_cut() -> None:
    text = _write(_example())
    records = _read(text[: text.index('"name": "Follow-up"')])
    assert [type(r) for r in records] == [Incident, Rejected]
    assert "not valid JSON" in records[-1].reason


def test_a_document_that_is_not_a_bundle_is_rejected_whole() -> None:
    records = _read('{"type": "report", "objects": []}')
    assert [(r.line, r.field) for r in records if isinstance(r, Rejected)] == [(0, "type")]


def test_written_bundles_are_detected_as_stix() -> None:
    assert detect_format(_write(_example()).encode()[:4096]) == "stix"


def test_the_mapping_only_names_atlas_threat_classes(atlas: Atlas) -> None:
    mapping = category_map("stix")
    assert mapping.threat_classes() <= set(atlas.threats)
    assert mapping.default.threat_class == "cyber"


def test_our_derived_objects_need_no_index() -> None:
    from corridor.events.importers.stix import _Index  # the memory the first pass keeps

    index = _Index()
    for position, obj in enumerate(json.loads(_write(_example()))["objects"], 1):
        index.add(position, obj)
    assert not index.places
    assert not index.links
    assert not index.problems
