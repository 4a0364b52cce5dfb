"""A small platform on each database: agencies of five states, an operator, the SCO's
secretariat, and groups of every kind (mechanism, explicit, empty, confidential)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.cooperation.models import Principal
from corridor.cooperation.services import (
    add_group_members,
    create_group,
    create_organization,
)
from corridor.events.model import Incident, Tlp
from corridor.store.incident_writes import upsert_incidents

ADMIN = Principal.operator("platform")

ORGANIZATIONS = {
    # id: (kind, country, mechanism)
    "cn-mps": ("law_enforcement", "CHN", None),
    "kz-mvd": ("law_enforcement", "KAZ", None),
    "uz-mvd": ("law_enforcement", "UZB", None),
    "ir-police": ("law_enforcement", "IRN", None),
    "tr-police": ("law_enforcement", "TUR", None),  # in no group but its own
    "pipechina": ("operator", "CHN", None),
    "sco-rats": ("secretariat", None, "SCO"),
    "interpol": ("international", None, "INTERPOL"),
}
GROUPS = {
    # id: (mechanism, confidential, members added by hand)
    "sco": ("SCO", False, ()),
    "csto": ("CSTO", False, ()),
    "pipeline-pair": (None, False, ("kz-mvd", "uz-mvd")),
    "nobody": (None, False, ()),
    "quiet": (None, True, ("kz-mvd", "tr-police", "interpol")),
}


def build_platform(store: Engine, atlas: Atlas) -> None:
    for org, (kind, country, mechanism) in ORGANIZATIONS.items():
        create_organization(store, ADMIN, org, name=org.upper(), kind=kind, country=country,
                            mechanism=mechanism, atlas=atlas,
                            assets=("cagp-line-a",) if kind == "operator" else ())  # fmt: skip
    for group, (mechanism, confidential, members) in GROUPS.items():
        owner = "cn-mps" if group != "quiet" else "kz-mvd"
        create_group(store, ADMIN, group, name=group, mechanism=mechanism,
                     confidential=confidential, owner=owner, atlas=atlas)  # fmt: skip
        if members:
            add_group_members(store, ADMIN, group, members)


@pytest.fixture
def platform(store: Engine, atlas: Atlas) -> Engine:
    build_platform(store, atlas)
    return store


def incident(source_id: str, tlp: Tlp, owner: str, **changes: object) -> Incident:
    base = Incident(
        source="report",
        source_id=source_id,
        title=f"pipeline sabotage {source_id}",
        start_date=date(2022, 5, 1),
        threat_class="infrastructure_attack",
        longitude=68.0,
        latitude=43.0,
        country="KAZ",
        reporter=owner,
        tlp=tlp,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def store_incidents(store: Engine, *records: Incident) -> None:
    with store.begin() as connection:
        upsert_incidents(connection, list(records))
