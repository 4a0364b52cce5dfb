"""The sharing matrix: every TLP label x owner / group member / non-member / anonymous,
over groups of every kind, through every read path (list, get, export, stats, the
columns risk scoring reads). And the decision and its SQL mirror always agree."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from corridor.atlas import Atlas
from corridor.cooperation.models import PermissionDeniedError, Principal, Role
from corridor.cooperation.services import (
    add_group_members,
    create_group,
    create_organization,
    group_members,
    list_groups,
    share_incident,
    viewer_for,
)
from corridor.errors import UnknownValueError
from corridor.events.access import Viewer, may_read
from corridor.events.model import Tlp
from corridor.events.query import IncidentQuery
from corridor.events.services import export_incidents, get_incident, incident_stats, list_incidents
from corridor.store import tables
from corridor.store.incident_columns import incident_arrays
from tests.cooperation.conftest import ADMIN, ORGANIZATIONS, incident, store_incidents

OWNER = "cn-mps"
ON = date(2024, 6, 1)
# Who is in each group on ON, written out by hand from the atlas (SCO 2024: CHN, KAZ, UZB,
# IRN since 2023, ...; its secretariat), not computed by the code under test.
MEMBERS = {
    "sco": {"cn-mps", "kz-mvd", "uz-mvd", "ir-police", "pipechina", "sco-rats"},
    "pipeline-pair": {"kz-mvd", "uz-mvd"},
    "nobody": set(),
    "quiet": {"kz-mvd", "tr-police", "interpol"},
}
READERS = [*ORGANIZATIONS, None]


def _expected(reader: str | None, label: Tlp, group: str | None) -> bool:
    if label is Tlp.CLEAR:
        return True
    if reader is None:
        return False
    if label is Tlp.GREEN or reader == OWNER:
        return True
    return group is not None and reader in MEMBERS[group]


def _seen(store: Engine, viewer: Viewer) -> set[str]:
    """What ``viewer`` reads, by every read path; they must agree."""
    listed = {i.source_id for i in list_incidents(store, viewer, IncidentQuery()).incidents}
    out = io.StringIO()
    export_incidents(store, viewer, IncidentQuery(), "geojson", out)
    exported = {f["properties"]["source_id"] for f in json.loads(out.getvalue())["features"]}
    counted = incident_stats(store, viewer, IncidentQuery()).total
    with store.connect() as connection:
        columns = set(incident_arrays(connection, IncidentQuery(), viewer).title)
    assert exported == listed
    assert counted == len(listed)
    assert columns == {f"pipeline sabotage {s}" for s in listed}
    return listed


@pytest.fixture
def matrix(platform: Engine, atlas: Atlas) -> Engine:
    """One incident per label x group it is shared with (or none), owned by cn-mps."""
    records = []
    for label in Tlp:
        for group in [None, *MEMBERS]:
            records.append(incident(f"{label.value}/{group}", label, OWNER))
    store_incidents(platform, *records)
    for record in records:
        group = record.source_id.split("/")[1]
        if group != "None":
            share_incident(platform, ADMIN, str(record.uuid), [group], on=ON, atlas=atlas)
    return platform


def test_every_label_reaches_exactly_its_audience(matrix: Engine, atlas: Atlas) -> None:
    for reader in READERS:
        viewer = viewer_for(matrix, reader, on=ON, atlas=atlas)
        expected = {
            f"{label.value}/{group}"
            for label in Tlp
            for group in [None, *MEMBERS]
            if _expected(reader, label, group)
        }
        assert _seen(matrix, viewer) == expected, reader


def test_a_group_with_no_members_reaches_nobody_beyond_its_owner(
    matrix: Engine, atlas: Atlas
) -> None:
    """MISP once let an object shared with an empty group reach everyone."""
    for label in (Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED):
        readers = {
            reader
            for reader in READERS
            if f"{label.value}/nobody"
            in _seen(matrix, viewer_for(matrix, reader, on=ON, atlas=atlas))
        }
        assert readers == {OWNER}


def test_get_of_what_one_may_not_read_looks_like_a_missing_incident(
    matrix: Engine, atlas: Atlas
) -> None:
    red = incident("red/pipeline-pair", Tlp.RED, OWNER)
    kz = viewer_for(matrix, "kz-mvd", on=ON, atlas=atlas)
    assert get_incident(matrix, kz, str(red.uuid)).source_id == red.source_id
    outsider = viewer_for(matrix, "tr-police", on=ON, atlas=atlas)
    with pytest.raises(UnknownValueError) as hidden:
        get_incident(matrix, outsider, str(red.uuid))
    with pytest.raises(UnknownValueError) as missing:
        get_incident(matrix, outsider, "00000000-0000-0000-0000-000000000000")
    assert str(hidden.value).replace(str(red.uuid), "X") == str(missing.value).replace(
        "00000000-0000-0000-0000-000000000000", "X"
    )


def test_confidential_group_members_receive_but_cannot_list_one_another(
    matrix: Engine, atlas: Atlas
) -> None:
    tr = Principal(viewer_for(matrix, "tr-police", on=ON, atlas=atlas), frozenset({Role.VIEWER}))
    assert "amber/quiet" in _seen(matrix, tr.viewer)
    with pytest.raises(PermissionDeniedError, match="confidential"):
        group_members(matrix, tr, "quiet", on=ON, atlas=atlas)
    listing = {g.group.id: g.members for g in list_groups(matrix, tr, on=ON, atlas=atlas)}
    assert listing == {"quiet": None}  # it sees the group, not who else is in it
    owner_admin = Principal(viewer_for(matrix, "kz-mvd", on=ON, atlas=atlas),
                            frozenset({Role.ORG_ADMIN}))  # fmt: skip
    assert group_members(matrix, owner_admin, "quiet", on=ON, atlas=atlas) == MEMBERS["quiet"]
    kz = Principal(owner_admin.viewer, frozenset({Role.VIEWER}))
    assert group_members(matrix, kz, "sco", on=ON, atlas=atlas) == MEMBERS["sco"]


@pytest.mark.parametrize(
    ("reader", "group", "day", "reads"),
    [
        ("ir-police", "sco", date(2022, 12, 31), False),  # Iran joined the SCO in 2023
        ("ir-police", "sco", date(2023, 1, 1), True),
        ("ir-police", "sco", date(2025, 1, 1), True),
        ("uz-mvd", "csto", date(2011, 6, 1), True),  # Uzbekistan rejoined the CSTO in 2006
        ("uz-mvd", "csto", date(2012, 6, 1), False),  # and suspended its membership in 2012
        ("kz-mvd", "csto", date(2012, 6, 1), True),
        ("sco-rats", "sco", date(2010, 1, 1), True),  # the secretariat, whatever the year
        ("tr-police", "sco", date(2024, 1, 1), False),
    ],
)
def test_mechanism_groups_follow_the_atlas_year_by_year(
    platform: Engine, atlas: Atlas, reader: str, group: str, day: date, reads: bool
) -> None:
    record = incident(f"amber-{group}", Tlp.AMBER, OWNER)
    store_incidents(platform, record)
    share_incident(platform, ADMIN, str(record.uuid), [group], on=day, atlas=atlas)
    viewer = viewer_for(platform, reader, on=day, atlas=atlas)
    assert (record.source_id in _seen(platform, viewer)) is reads


def test_only_the_owner_shares_and_only_with_its_groups(platform: Engine, atlas: Atlas) -> None:
    record = incident("mine", Tlp.AMBER, "kz-mvd")
    store_incidents(platform, record)
    kz = Principal(viewer_for(platform, "kz-mvd", on=ON, atlas=atlas), frozenset({Role.REPORTER}))
    cn = Principal(viewer_for(platform, "cn-mps", on=ON, atlas=atlas), frozenset({Role.REPORTER}))
    with pytest.raises(UnknownValueError):
        share_incident(platform, cn, str(record.uuid), ["sco"], on=ON, atlas=atlas)
    with pytest.raises(PermissionDeniedError, match="csto"):
        share_incident(platform, kz, str(record.uuid), ["csto"], on=date(1990, 1, 1), atlas=atlas)
    viewer = Principal(kz.viewer, frozenset({Role.VIEWER}))
    with pytest.raises(PermissionDeniedError):
        share_incident(platform, viewer, str(record.uuid), ["sco"], on=ON, atlas=atlas)
    assert share_incident(platform, kz, str(record.uuid), ["sco"], on=ON, atlas=atlas) == 1
    assert share_incident(platform, kz, str(record.uuid), ["sco"], on=ON, atlas=atlas) == 0


# --------------------------------------------------------------------------- the two agree

COUNTRIES = [None, "CHN", "KAZ", "UZB", "IRN", "RUS", "TUR", "ARM"]
MECHANISMS = ["SCO", "CSTO", "GUAM", "CIS"]


def _members_by_hand(atlas: Atlas, mechanism: str, year: int) -> set[str]:
    """A mechanism's member states in ``year``, read off its membership list directly."""
    found = atlas.mechanisms[mechanism]
    if not (found.founded <= year and (found.ended is None or year < found.ended)):
        return set()
    return {
        m.country
        for m in found.members
        if m.country
        and (m.joined is None or m.joined <= year)
        and (m.left is None or year < m.left)
    }


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, object]:
    orgs = {
        f"org{n}": (draw(st.sampled_from(COUNTRIES)), draw(st.sampled_from([None, *MECHANISMS])))
        for n in range(draw(st.integers(1, 5)))
    }
    groups = {
        f"g{n}": (
            draw(st.sampled_from([None, *MECHANISMS])),
            draw(st.booleans()),
            draw(st.lists(st.sampled_from(sorted(orgs)), unique=True, max_size=3)),
        )
        for n in range(draw(st.integers(0, 4)))
    }
    records = [
        (draw(st.sampled_from(list(Tlp))), draw(st.sampled_from(sorted(orgs))),
         draw(st.lists(st.sampled_from(sorted(groups) or ["-"]), unique=True, max_size=2)))
        for _ in range(draw(st.integers(0, 8)))
    ]  # fmt: skip
    day = draw(st.dates(date(1990, 1, 1), date(2026, 12, 31)))
    return {"orgs": orgs, "groups": groups, "records": records, "day": day}


def _clear(store: Engine) -> None:
    with store.begin() as connection:
        for table in (tables.incident_shares, tables.group_members, tables.sharing_groups,
                      tables.organization_assets, tables.organizations, tables.incidents,
                      tables.audit_log):  # fmt: skip
            connection.execute(delete(table))


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_the_decision_and_its_sql_filter_always_agree(
    store: Engine, atlas: Atlas, world: dict[str, object]
) -> None:
    _clear(store)
    orgs: dict[str, tuple[str | None, str | None]] = world["orgs"]  # type: ignore[assignment]
    groups: dict[str, tuple[str | None, bool, list[str]]] = world["groups"]  # type: ignore[assignment]
    records: list[tuple[Tlp, str, list[str]]] = world["records"]  # type: ignore[assignment]
    day: date = world["day"]  # type: ignore[assignment]
    for org, (country, mechanism) in orgs.items():
        kind = "secretariat" if mechanism else "law_enforcement"
        create_organization(store, ADMIN, org, name=org, kind=kind, country=country,
                            mechanism=mechanism, atlas=atlas)  # fmt: skip
    for group, (mechanism, confidential, members) in groups.items():
        create_group(store, ADMIN, group, name=group, mechanism=mechanism,
                     confidential=confidential, owner=sorted(orgs)[0], atlas=atlas)  # fmt: skip
        if mechanism is None and members:
            add_group_members(store, ADMIN, group, members)
    stored = [incident(f"r{n}", label, owner) for n, (label, owner, _) in enumerate(records)]
    store_incidents(store, *stored)
    shared = {}
    for record, (_, _, with_groups) in zip(stored, records, strict=True):
        shared[record.source_id] = [g for g in with_groups if g in groups]
        if shared[record.source_id]:
            share_incident(store, ADMIN, str(record.uuid), shared[record.source_id], on=day,
                           atlas=atlas)  # fmt: skip

    def in_group(org: str, group: str) -> bool:
        mechanism, _, members = groups[group]
        if mechanism is None:
            return org in members
        country, serves = orgs[org]
        secretariat = serves == mechanism
        return secretariat or country in _members_by_hand(atlas, mechanism, day.year)

    for reader in [*orgs, None]:
        viewer = viewer_for(store, reader, on=day, atlas=atlas)
        if reader is not None:
            assert viewer.groups == {g for g in groups if in_group(reader, g)}
        decided = {
            r.source_id for r in stored if may_read(viewer, r.tlp, r.reporter, shared[r.source_id])
        }
        with store.connect() as connection:
            from corridor.store.incidents import incidents_matching

            filtered = {
                i.source_id for i in incidents_matching(connection, IncidentQuery(), viewer)
            }
        assert filtered == decided
