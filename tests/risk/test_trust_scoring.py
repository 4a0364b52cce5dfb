"""Trust in sources end to end, on SQLite and PostgreSQL: a partner's bundle is imported
as ``stix:cert-ua``, kz-mvd's admin rates the partner, and kz-mvd's exposure, country
ranking and explanations weigh the partner's incidents by it, while uz-mvd, which rates
nothing, sees the same figures as before."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.cooperation.models import Principal, Role
from corridor.cooperation.services import create_organization
from corridor.cooperation.trust_services import clear_trust, set_trust
from corridor.events.access import Viewer
from corridor.events.importers.stix import write_stix
from corridor.events.model import Incident, Tlp
from corridor.events.services import import_file
from corridor.risk.services import (
    AssetExplanation,
    CountryExplanation,
    asset_exposure,
    country_ranking,
    explain,
)
from corridor.store.incident_writes import upsert_incidents

ADMIN = Principal.operator("platform")
KZ_ADMIN = Principal(Viewer("kz-mvd", user="aigerim"), frozenset({Role.ORG_ADMIN}))
KZ, UZ = Viewer("kz-mvd"), Viewer("uz-mvd")
AS_OF = date(2024, 1, 1)
GWADAR = (62.3, 25.1333)  # port-gwadar in the atlas
PORT = "port-gwadar"


def _report(source_id: str, reporter: str, country: str, day: date, **more: object) -> Incident:
    place: dict[str, object] = {"longitude": GWADAR[0] + 0.05, "latitude": GWADAR[1], **more}
    return Incident(
        source="report", source_id=source_id, title=f"attack {source_id}", start_date=day,
        threat_class="terrorism", country=country, fatalities_best=3, reporter=reporter,
        tlp=Tlp.GREEN, **place,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.fixture
def platform(store: Engine, atlas: Atlas, tmp_path: Path) -> Engine:
    """kz-mvd and uz-mvd; two reports of kz-mvd's own (PAK and AFG), and a partner's
    bundle of three PAK incidents imported by kz-mvd as coming from cert-ua."""
    for org, country in (("kz-mvd", "KAZ"), ("uz-mvd", "UZB")):
        create_organization(store, ADMIN, org, name=org, kind="law_enforcement",
                            country=country, atlas=atlas)  # fmt: skip
    with store.begin() as connection:
        upsert_incidents(connection, [
            _report("kz-1", "kz-mvd", "PAK", date(2023, 6, 1)),
            _report("kz-2", "kz-mvd", "AFG", date(2023, 7, 1), longitude=69.2, latitude=34.5),
        ])  # fmt: skip
    partner = [_report(f"p-{n}", "", "PAK", date(2023, 9, n + 1)) for n in range(3)]
    bundle = tmp_path / "partner-bundle.json"
    with bundle.open("w", encoding="utf-8") as handle:
        write_stix(partner, handle, producer="CERT-UA")
    report = import_file(store, bundle, organization="kz-mvd", partner="cert-ua")
    assert report.counts.inserted == 3
    return store


def _port(store: Engine, viewer: Viewer, atlas: Atlas) -> tuple[float, int]:
    ranking = asset_exposure(store, viewer, atlas, as_of=AS_OF).ranking
    (found,) = [s for s in ranking if s.asset.id == PORT]
    return found.exposure, found.incidents_in_reach


def _pakistan(store: Engine, viewer: Viewer, atlas: Atlas) -> tuple[float, float, float]:
    """PAK's terrorism rate and last year's (weighted) count forecast, and AFG's hazard
    (relative to the top country's rate: PAK's)."""
    composite = country_ranking(store, viewer, atlas, as_of=AS_OF, method="composite")
    scored = {c.country: c for c in composite.countries}
    forecast = country_ranking(store, viewer, atlas, as_of=AS_OF).forecasts["PAK"]
    return scored["PAK"].rate_by_class["terrorism"], forecast, scored["AFG"].hazard


def test_the_organizations_trust_weighs_its_figures_and_nobody_elses(
    platform: Engine, atlas: Atlas
) -> None:
    store = platform
    before_kz, before_uz = _port(store, KZ, atlas), _port(store, UZ, atlas)
    pak_before = _pakistan(store, KZ, atlas)
    assert before_kz == before_uz and before_kz[1] == 4  # kz-1 and the partner's three
    assert pak_before[1] == 4.0

    set_trust(store, KZ_ADMIN, "kz-mvd", "stix:cert-ua", "fairly-reliable", atlas=atlas)  # 0.5
    after_kz = _port(store, KZ, atlas)
    assert after_kz[0] < before_kz[0] and after_kz[1] == 4  # weighed, still in reach
    assert _port(store, UZ, atlas) == before_uz  # uz-mvd rates nothing: unchanged
    rate, forecast, afghanistan = _pakistan(store, KZ, atlas)
    assert forecast == 1 + 3 * 0.5
    assert rate == pytest.approx(pak_before[0] * 2.5 / 4)
    assert afghanistan > pak_before[2]  # PAK, the top country, counts less: AFG rises
    assert _pakistan(store, UZ, atlas) == pak_before

    set_trust(store, KZ_ADMIN, "kz-mvd", "stix:cert-ua", "E")  # unreliable: left out
    assert _port(store, KZ, atlas)[1] == 1
    assert _pakistan(store, KZ, atlas)[1] == 1.0

    clear_trust(store, KZ_ADMIN, "kz-mvd", "stix:cert-ua")
    assert _port(store, KZ, atlas) == before_kz


def test_the_explanation_says_the_weight_applied(platform: Engine, atlas: Atlas) -> None:
    store = platform
    plain = explain(store, KZ, atlas, PORT, as_of=AS_OF)
    set_trust(store, KZ_ADMIN, "kz-mvd", "stix:cert-ua", "B", atlas=atlas)  # 0.75
    rated = explain(store, KZ, atlas, PORT, as_of=AS_OF)
    assert isinstance(plain, AssetExplanation) and isinstance(rated, AssetExplanation)
    assert rated.trust == {"stix:cert-ua": 0.75} and plain.trust == {}
    weights = {p.title: (p.source, p.trust) for p in rated.contributions}
    assert weights["attack p-0"] == ("stix:cert-ua", 0.75)
    assert weights["attack kz-1"] == ("kz-mvd", 1.0)
    points = {p.title: p.points for p in plain.contributions}
    for part in rated.contributions:
        assert part.points == pytest.approx(points[part.title] * part.trust)
    country = explain(store, KZ, atlas, "Pakistan", as_of=AS_OF)
    assert isinstance(country, CountryExplanation)
    assert country.score.sources == {"kz-mvd": (1, 1.0), "stix:cert-ua": (3, 0.75)}
    assert country.trust == {"stix:cert-ua": 0.75}
