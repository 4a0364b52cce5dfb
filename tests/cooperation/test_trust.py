"""Trust in sources on SQLite and PostgreSQL: who may set, read and clear an organization's
levels, what counts as a source, and the audit trail each change leaves."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.cooperation.models import PermissionDeniedError, Principal, Role
from corridor.cooperation.services import audit_log
from corridor.cooperation.trust import DEFAULT_WEIGHT, TrustLevel, trust_level
from corridor.cooperation.trust_services import clear_trust, list_trust, set_trust, trust_weights
from corridor.errors import UnknownValueError
from corridor.events.access import Viewer
from corridor.events.model import Tlp
from tests.cooperation.conftest import ADMIN, incident, store_incidents

KZ_ADMIN = Principal(Viewer("kz-mvd", user="aigerim"), frozenset({Role.ORG_ADMIN}))
KZ_ANALYST = Principal(Viewer("kz-mvd", user="daniyar"), frozenset({Role.ANALYST}))
UZ_ADMIN = Principal(Viewer("uz-mvd", user="rustam"), frozenset({Role.ORG_ADMIN}))


@pytest.fixture
def partner_incidents(platform: Engine) -> Engine:
    """A GREEN report from a partner (every organization reads it) and an AMBER one of
    another partner that only its owner could read (nobody here)."""
    store_incidents(
        platform,
        incident("p-1", Tlp.GREEN, "stix:cert-ua"),
        incident("p-2", Tlp.AMBER, "stix:hidden-partner"),
    )
    return platform


def test_the_scale_is_admiralty_with_misps_numbers() -> None:
    weights = {level.value: level.weight for level in TrustLevel}
    assert weights == {"A": 1.0, "B": 0.75, "C": 0.5, "D": 0.25, "E": 0.0, "F": 0.5}
    assert DEFAULT_WEIGHT == 1.0
    assert trust_level("b") is trust_level("usually reliable") is TrustLevel.USUALLY_RELIABLE
    assert trust_level("Not_Usually_Reliable") is TrustLevel.NOT_USUALLY_RELIABLE
    with pytest.raises(UnknownValueError, match="did you mean 'usually-reliable'"):
        trust_level("usualy-reliable")
    with pytest.raises(UnknownValueError, match="choose from A, B, C, D, E, F"):
        trust_level("G")


def test_an_admin_sets_changes_and_clears_a_level(partner_incidents: Engine) -> None:
    store = partner_incidents
    first = set_trust(store, KZ_ADMIN, "kz-mvd", "stix:cert-ua", "B")
    assert (first.level, first.weight, first.set_by) == (
        TrustLevel.USUALLY_RELIABLE, 0.75, "aigerim@kz-mvd",
    )  # fmt: skip
    changed = set_trust(store, KZ_ADMIN, "kz-mvd", "stix:cert-ua", "unreliable")
    assert changed.origin.version == 2 and changed.origin.uuid == first.origin.uuid
    set_trust(store, ADMIN, "kz-mvd", "uz-mvd", "A")  # a platform admin may too
    assert [(t.source, t.level.value) for t in list_trust(store, KZ_ANALYST, "kz-mvd")] == [
        ("stix:cert-ua", "E"),
        ("uz-mvd", "A"),
    ]
    with store.connect() as connection:
        assert trust_weights(connection, "kz-mvd") == {"stix:cert-ua": 0.0, "uz-mvd": 1.0}
        assert trust_weights(connection, "uz-mvd") == {}  # one organization's, not all
        assert trust_weights(connection, None) == {}
    cleared = clear_trust(store, KZ_ADMIN, "kz-mvd", "stix:cert-ua")
    assert cleared.level is TrustLevel.UNRELIABLE
    assert [t.source for t in list_trust(store, KZ_ADMIN, "kz-mvd")] == ["uz-mvd"]


def test_each_change_is_audited(partner_incidents: Engine) -> None:
    set_trust(partner_incidents, KZ_ADMIN, "kz-mvd", "stix:cert-ua", "C")
    set_trust(partner_incidents, KZ_ADMIN, "kz-mvd", "stix:cert-ua", "D")
    clear_trust(partner_incidents, KZ_ADMIN, "kz-mvd", "stix:cert-ua")
    entries = [e for e in audit_log(partner_incidents, ADMIN) if e.object_type == "trust"]
    assert [(e.action.value, e.user, e.object_id) for e in entries] == [
        ("update", "aigerim", "kz-mvd/stix:cert-ua"),
        ("update", "aigerim", "kz-mvd/stix:cert-ua"),
        ("create", "aigerim", "kz-mvd/stix:cert-ua"),
    ]  # newest first
    assert [json.loads(e.detail)["level"] for e in entries] == [None, "D", "C"]
    assert json.loads(entries[0].detail)["was"] == "D"


def test_only_the_organizations_admin_or_a_platform_admin_may_change_it(
    partner_incidents: Engine,
) -> None:
    store = partner_incidents
    with pytest.raises(PermissionDeniedError, match="may not set kz-mvd's trust"):
        set_trust(store, KZ_ANALYST, "kz-mvd", "stix:cert-ua", "B")
    with pytest.raises(PermissionDeniedError, match="rustam@uz-mvd may not set kz-mvd's"):
        set_trust(store, UZ_ADMIN, "kz-mvd", "stix:cert-ua", "E")
    set_trust(store, KZ_ADMIN, "kz-mvd", "stix:cert-ua", "B")
    with pytest.raises(PermissionDeniedError):
        clear_trust(store, UZ_ADMIN, "kz-mvd", "stix:cert-ua")
    assert [t.level.value for t in list_trust(store, ADMIN, "kz-mvd")] == ["B"]


def test_another_organization_may_not_read_the_settings(partner_incidents: Engine) -> None:
    set_trust(partner_incidents, KZ_ADMIN, "kz-mvd", "stix:cert-ua", "B")
    with pytest.raises(PermissionDeniedError, match="may not read kz-mvd's trust"):
        list_trust(partner_incidents, UZ_ADMIN, "kz-mvd")
    with pytest.raises(PermissionDeniedError):  # not even with a role that reads
        list_trust(partner_incidents, Principal(Viewer(None)), "kz-mvd")
    assert len(list_trust(partner_incidents, ADMIN, "kz-mvd")) == 1


def test_a_source_must_be_one_the_organization_has_something_from(
    partner_incidents: Engine,
) -> None:
    store = partner_incidents
    with pytest.raises(UnknownValueError, match="source 'stix:cert-au' is unknown; did you mean "
                       "'stix:cert-ua'"):  # fmt: skip
        set_trust(store, KZ_ADMIN, "kz-mvd", "stix:cert-au", "B")
    # AMBER and owned by nobody here: kz-mvd reads none of it, so cannot rate it
    with pytest.raises(UnknownValueError, match="source 'stix:hidden-partner' is unknown"):
        set_trust(store, KZ_ADMIN, "kz-mvd", "stix:hidden-partner", "B")
    set_trust(store, KZ_ADMIN, "kz-mvd", "cn-mps", "B")  # an organization, with or without news
    with pytest.raises(UnknownValueError, match="organization 'kz-mvdd' is unknown"):
        set_trust(store, ADMIN, "kz-mvdd", "cn-mps", "B")
    with pytest.raises(UnknownValueError, match="trust level 'AA' is unknown"):
        set_trust(store, KZ_ADMIN, "kz-mvd", "cn-mps", "AA")
    with pytest.raises(UnknownValueError, match="for source 'cn-mpss' is unknown; did you mean"):
        clear_trust(store, KZ_ADMIN, "kz-mvd", "cn-mpss")


def test_an_amber_report_shared_with_the_organization_makes_its_reporter_a_source(
    partner_incidents: Engine, atlas: Atlas
) -> None:
    from datetime import date

    from corridor.cooperation.services import share_incident

    store = partner_incidents
    hidden = incident("p-2", Tlp.AMBER, "stix:hidden-partner")
    share_incident(store, ADMIN, str(hidden.uuid), ["pipeline-pair"], on=date.today(),
                   atlas=atlas)  # fmt: skip
    set_trust(store, KZ_ADMIN, "kz-mvd", "stix:hidden-partner", "F", atlas=atlas)
    assert [t.level.value for t in list_trust(store, KZ_ADMIN, "kz-mvd")] == ["F"]
    with pytest.raises(UnknownValueError):  # cn-mps is not in the pair: it reads none of it
        set_trust(store, ADMIN, "cn-mps", "stix:hidden-partner", "F", atlas=atlas)
