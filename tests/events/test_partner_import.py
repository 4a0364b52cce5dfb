"""Importing a partner's STIX bundle records the partner as the incidents' source
(``stix:PARTNER``), and no bundle can make an incident look reported by an organization
on this platform. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from corridor.errors import InputError
from corridor.events.importers.base import ParsedRecord
from corridor.events.importers.stix import write_stix
from corridor.events.model import Incident, Tlp
from corridor.events.services import from_partner, import_file
from corridor.store.tables import import_runs, incidents

FIXTURES = Path(__file__).parent / "fixtures"
FOREIGN = FIXTURES / "stix" / "foreign-bundle.json"  # 3 incidents, 1 by "Example Regional CERT"


def _reporters(store: Engine) -> dict[str, str]:
    """source_id -> reporter of every stored incident, whoever may read it."""
    with store.connect() as connection:
        rows = connection.execute(select(incidents.c.source_id, incidents.c.reporter))
        return {str(source_id): str(reporter) for source_id, reporter in rows}


def _own_bundle(tmp_path: Path, *reporters: str) -> Path:
    """A bundle in our own format (as another Secure Corridor instance exports), one
    GREEN incident per reporter."""
    base = Incident(source="report", source_id="", title="", start_date=date(2024, 3, 1),
                    threat_class="terrorism", tlp=Tlp.GREEN)  # fmt: skip
    records = [
        dataclasses.replace(base, source_id=f"r-{n}", title=f"report {n}", reporter=reporter)
        for n, reporter in enumerate(reporters)
    ]
    path = tmp_path / "own-bundle.json"
    with path.open("w", encoding="utf-8") as handle:
        write_stix(records, handle, producer="Partner instance")
    return path


def test_the_partner_named_on_import_is_the_source_of_every_incident(store: Engine) -> None:
    report = import_file(store, FOREIGN, organization="kz-mvd", partner="cert-ua")
    assert (report.format, report.counts.inserted) == ("stix", 3)
    assert set(_reporters(store).values()) == {"stix:cert-ua"}


def test_without_a_partner_the_bundle_names_its_producer_namespaced(store: Engine) -> None:
    import_file(store, FOREIGN, organization="kz-mvd")
    assert sorted(_reporters(store).values()) == [
        "",  # two incidents with no created_by_ref: nobody to name
        "",
        "stix:Example Regional CERT",
    ]


def test_naming_the_partner_later_records_it(store: Engine) -> None:
    import_file(store, FOREIGN, organization="kz-mvd")
    again = import_file(store, FOREIGN, organization="kz-mvd", partner="cert-ua")
    assert again.counts.updated == 3
    assert set(_reporters(store).values()) == {"stix:cert-ua"}


def test_a_bundle_cannot_speak_for_another_organization(store: Engine, tmp_path: Path) -> None:
    bundle = _own_bundle(tmp_path, "kz-mvd", "uz-mvd", "public:ucdp", "stix:cert-ua", "")
    import_file(store, bundle, organization="kz-mvd")
    assert _reporters(store) == {
        "r-0": "kz-mvd",  # kz-mvd's own export, back home
        "r-1": "stix:uz-mvd",  # never uz-mvd on this platform
        "r-2": "public:ucdp",
        "r-3": "stix:cert-ua",
        "r-4": "",
    }


def test_a_partner_that_is_not_a_name_is_refused_before_anything_is_read(
    store: Engine,
) -> None:
    for partner in ("cert ua", "", "-cert", "x" * 65, "cert/ua"):
        with pytest.raises(InputError, match="partner \\(--from\\)"):
            import_file(store, FOREIGN, organization="kz-mvd", partner=partner)
    with pytest.raises(InputError, match="--from names the partner a STIX bundle came from"):
        import_file(store, FIXTURES / "generic" / "reports.csv", organization="kz-mvd",
                    partner="cert-ua")  # fmt: skip
    with store.connect() as connection:
        assert connection.execute(select(import_runs.c.id)).all() == []
    assert _reporters(store) == {}


ORGANIZATION_IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,20}", fullmatch=True)


@given(
    reporters=st.lists(st.text(max_size=30) | ORGANIZATION_IDS, max_size=8),
    importer=ORGANIZATION_IDS,
    partner=st.none() | ORGANIZATION_IDS,
)
def test_no_reporter_out_of_a_bundle_is_another_organization(
    reporters: list[str], importer: str, partner: str | None
) -> None:
    """Whatever the bundle says, a reporter that comes out is the importer's own id, empty,
    or namespaced with a colon: and organization ids never have one."""
    base = Incident(source="stix", source_id="", title="t", start_date=date(2024, 1, 1),
                    threat_class="cyber")  # fmt: skip
    records: list[ParsedRecord] = [
        dataclasses.replace(base, source_id=str(n), reporter=reporter)
        for n, reporter in enumerate(reporters)
    ]
    out: Iterator[ParsedRecord] = from_partner(iter(records), importer, partner)
    for record in out:
        assert isinstance(record, Incident)
        if partner is not None:
            assert record.reporter == f"stix:{partner}"
        else:
            assert record.reporter in ("", importer) or ":" in record.reporter


def test_an_own_format_bundle_read_from_stdin_is_namespaced_too(
    store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = _own_bundle(tmp_path, "uz-mvd")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(bundle.read_bytes())))
    import_file(store, "-", organization="kz-mvd", partner="uz-instance")
    assert _reporters(store) == {"r-0": "stix:uz-instance"}
