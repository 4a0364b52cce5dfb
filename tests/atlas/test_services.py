"""Every atlas use case through the library surface a Python user imports, no CLI involved."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.atlas import Atlas, MissingAtlasDirError, services
from corridor.atlas.models import AssetKind
from corridor.errors import InputError, UnknownValueError

# --------------------------------------------------------------------------- overview


def test_overview_counts_every_kind_and_lists_the_zones_and_routes(atlas: Atlas) -> None:
    seen = services.overview(atlas)
    assert seen.atlas_version == atlas.version
    assert seen.counts["assets"] == len(atlas.assets) == sum(seen.assets_by_kind.values())
    assert sum(seen.mechanisms_by_kind.values()) == len(atlas.mechanisms)
    core = next(z for z in seen.belt_zones if z.id == "core")
    assert core.countries == ("CHN", "KAZ", "KGZ", "RUS", "TJK", "TKM", "UZB") and core.count == 7
    assert [r.id for r in seen.road_routes] == list(atlas.road_routes)
    counts = list(seen.assets_by_kind.values())
    assert counts == sorted(counts, reverse=True), "most frequent kind first"


# --------------------------------------------------------------------------- countries


def test_countries_of_a_zone_and_of_a_route(atlas: Atlas) -> None:
    core = services.countries(atlas, zone="core")
    assert {c.code for c in core.countries} == {"CHN", "RUS", "KAZ", "KGZ", "TJK", "TKM", "UZB"}
    assert core.hidden == 0
    gulf = services.countries(atlas, route="South-Asia-Persian-Gulf")  # spelled loosely
    assert {"PAK", "IRN", "KWT"} <= {c.code for c in gulf.countries}
    assert all("south_asia_persian_gulf" in c.road_routes for c in gulf.countries)


def test_membership_follows_the_year_asked(atlas: Atlas) -> None:
    in_2000 = {c.code for c in services.countries(atlas, member_of="guam", year=2000).countries}
    in_2010 = {c.code for c in services.countries(atlas, member_of="GUAM", year=2010).countries}
    assert "UZB" in in_2000 and "UZB" not in in_2010
    assert in_2010 < in_2000


def test_countries_in_no_zone_or_route_are_counted_when_left_out(atlas: Atlas) -> None:
    shown = services.countries(atlas)
    everywhere = services.countries(atlas, everywhere=True)
    assert len(everywhere.countries) == len(atlas.countries) == len(shown.countries) + shown.hidden
    assert shown.hidden > 0 and everywhere.hidden == 0
    assert all(c.belt_zone or c.road_routes for c in shown.countries)


def test_a_country_lists_the_mechanisms_it_is_a_member_state_of(atlas: Atlas) -> None:
    kazakhstan = next(
        c for c in services.countries(atlas, zone="core").countries if c.code == "KAZ"
    )
    assert {"SCO", "CSTO", "CIS"} <= set(kazakhstan.mechanisms)
    assert "NATO" not in kazakhstan.mechanisms


@pytest.mark.parametrize(
    ("filters", "says"),
    [
        ({"zone": "nonsense"}, "choose from core, extension, radiation"),
        ({"zone": "cor"}, "did you mean 'core'"),
        ({"route": "silk_road"}, "road route 'silk_road' is unknown"),
        ({"member_of": "NATOO"}, "did you mean 'NATO'"),
    ],
)
def test_an_unknown_country_filter_is_refused(
    atlas: Atlas, filters: dict[str, str], says: str
) -> None:
    with pytest.raises(UnknownValueError, match=says) as refused:
        services.countries(atlas, **filters)  # type: ignore[arg-type]
    assert refused.value.exit_code == 2


# --------------------------------------------------------------------------- mechanisms


def test_mechanisms_take_countries_by_code_or_name(atlas: Atlas) -> None:
    by_code = services.mechanisms(atlas, countries=["KAZ"], domain="terrorism")
    by_name = services.mechanisms(atlas, countries=["Kazakhstan"], domain="terrorism")
    by_alpha2 = services.mechanisms(atlas, countries=["kz"], domain="terrorism")
    assert by_code == by_name == by_alpha2
    assert {"SCO", "SCO-RATS", "CSTO", "CIS-ATC"} <= {m.id for m in by_code}
    assert "NATO" not in {m.id for m in by_code}


def test_mechanisms_of_several_countries_are_those_of_any(atlas: Atlas) -> None:
    kazakhstan = {m.id for m in services.mechanisms(atlas, countries=["KAZ"])}
    oman = {m.id for m in services.mechanisms(atlas, countries=["OMN"])}
    both = {m.id for m in services.mechanisms(atlas, countries=["KAZ", "Oman"])}
    assert both == kazakhstan | oman


def test_mechanisms_of_a_year_count_the_members_of_that_year(atlas: Atlas) -> None:
    then = {m.id: m for m in services.mechanisms(atlas, countries=["UZB"], year=2003)}
    now = {m.id: m for m in services.mechanisms(atlas, countries=["UZB"])}
    assert "GUAM" in then and "GUAM" not in now  # Uzbekistan left GUAM in 2005
    assert then["GUAM"].members == len(atlas.member_states(atlas.mechanisms["GUAM"], 2003))
    assert all(m.founded <= 2003 and (m.ended is None or m.ended > 2003) for m in then.values())


def test_mechanism_kind_matches_a_part_of_the_name(atlas: Atlas) -> None:
    found = services.mechanisms(atlas, kind="piracy")
    assert found and {m.kind for m in found} == {"counter_piracy"}


@pytest.mark.parametrize(
    ("filters", "says"),
    [
        ({"kind": "nonsense"}, "mechanism kind 'nonsense' is unknown"),
        ({"domain": "aliens"}, "threat class 'aliens' is unknown"),
        ({"countries": ["XXX"]}, "country 'XXX' is unknown"),
        ({"countries": ["Kazakstan"]}, "did you mean 'Kazakhstan'"),
    ],
)
def test_an_unknown_mechanism_filter_is_refused(
    atlas: Atlas, filters: dict[str, object], says: str
) -> None:
    with pytest.raises(UnknownValueError, match=says):
        services.mechanisms(atlas, **filters)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- places


def test_assets_of_kind_pipeline_in_a_country_with_lengths(atlas: Atlas) -> None:
    found = services.assets(atlas, kind="pipeline", countries=["Kazakhstan"])
    assert found and {a.kind for a in found} <= {"oil_pipeline", "gas_pipeline"}
    assert all("KAZ" in a.countries and a.length_km > 100 for a in found)
    ports = services.assets(atlas, kind="port")
    assert ports and all(a.length_km == 0 for a in ports)
    assert {a.kind for a in ports} == {"port", "dry_port"}


def test_assets_by_criticality_and_status(atlas: Atlas) -> None:
    building = services.assets(atlas, status="construction")
    assert building and all(a.status == "construction" for a in building)
    core = services.assets(atlas, criticality="CORE")
    assert core and all(a.criticality == "core" for a in core)


@pytest.mark.parametrize(
    ("filters", "says"),
    [
        ({"kind": "nonsense"}, "asset kind 'nonsense' is unknown"),
        ({"criticality": "vital"}, "choose from core, important, ordinary"),
        ({"status": "operatng"}, "did you mean 'operating'"),
        ({"countries": ["Atlantis"]}, "country 'Atlantis' is unknown"),
    ],
)
def test_an_unknown_asset_filter_is_refused(
    atlas: Atlas, filters: dict[str, object], says: str
) -> None:
    with pytest.raises(UnknownValueError, match=says):
        services.assets(atlas, **filters)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdefghilnoprstuwy_- ", max_size=16))
def test_an_asset_kind_either_matches_or_is_refused(atlas: Atlas, kind: str) -> None:
    try:
        found = services.assets(atlas, kind=kind)
    except UnknownValueError:
        wanted = kind.strip().lower().replace("-", "_").replace(" ", "_")
        assert not any(k == wanted or wanted in k.split("_") for k in AssetKind)
        return
    assert found, f"{kind!r} names a kind the atlas holds, so some asset has it"


def test_chokepoints_in_atlas_order(atlas: Atlas) -> None:
    found = services.chokepoints(atlas)
    assert [c.id for c in found] == list(atlas.chokepoints)
    assert "malacca" in {c.id for c in found}


def test_disputes_of_a_country_of_a_kind_and_category(atlas: Atlas) -> None:
    kyrgyz = services.disputes(atlas, countries=["Kyrgyzstan"])
    assert kyrgyz and all("KGZ" in d.parties for d in kyrgyz)
    hot = services.disputes(atlas, kind="maritime", category="hot-spot")
    assert hot and all(d.kind.value == "maritime" and d.category == "hot_spot" for d in hot)
    with pytest.raises(UnknownValueError, match="dispute kind 'air' is unknown"):
        services.disputes(atlas, kind="air")
    with pytest.raises(UnknownValueError, match="choose from dispute, hot_spot"):
        services.disputes(atlas, category="war")


def test_threats_come_parent_first(atlas: Atlas) -> None:
    ordered = services.threats(atlas)
    assert {t.id for t in ordered} == set(atlas.threats)
    position = {t.id: i for i, t in enumerate(ordered)}
    assert all(t.parent is None or position[t.parent] < position[t.id] for t in ordered)


# --------------------------------------------------------------------------- one record


def test_describe_a_country_an_asset_and_a_zone(atlas: Atlas) -> None:
    (kazakhstan,) = services.describe(atlas, "kaz")
    assert kazakhstan.kind == "country"
    assert "SCO" in kazakhstan.data["mechanisms"] and kazakhstan.data["assets"]
    (tapi,) = services.describe(atlas, "tapi-pipeline")  # a MultiLineString
    assert tapi.data["length_km"] > 1000 and tapi.data["vertices"] > 2
    assert "geometry" not in tapi.data
    (core,) = services.describe(atlas, "core")
    assert "KAZ" in core.data["resolved_countries"]
    json.dumps([kazakhstan.data, tapi.data, core.data])  # plain data, ready for any renderer


def test_describe_an_unknown_id_suggests_the_nearest(atlas: Atlas) -> None:
    with pytest.raises(UnknownValueError, match="did you mean 'malacca'"):
        services.describe(atlas, "malaca")


# --------------------------------------------------------------------------- files


def test_check_the_bundled_atlas_and_a_missing_folder(tmp_path: Path) -> None:
    report = services.check(geography=False)
    assert report.valid and report.checked == "the bundled atlas"
    with pytest.raises(MissingAtlasDirError, match="nope") as refused:
        services.check(tmp_path / "nope")
    assert refused.value.exit_code == 2


def test_check_an_edited_copy_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    services.copy_atlas(folder)
    path = folder / "threats.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n  - id: orphan\n", encoding="utf-8")
    report = services.check(folder, geography=False)
    assert not report.valid
    assert all(p.file == "threats.yaml" for p in report.problems)


def test_export_geojson_and_csv_text(atlas: Atlas) -> None:
    collection = json.loads(services.export_places(atlas, layers=["chokepoints"]))
    assert len(collection["features"]) == len(atlas.chokepoints)
    rows = list(csv.DictReader(io.StringIO(services.export_places(atlas, format="csv"))))
    assert {r["layer"] for r in rows} == set(services.EXPORTABLE)
    with pytest.raises(UnknownValueError, match="choose from geojson, csv"):
        services.export_places(atlas, format="kml")
    with pytest.raises(UnknownValueError, match="did you mean 'assets'"):
        services.export_places(atlas, layers=["asset"])


def test_write_places_refuses_an_existing_file_or_a_missing_folder(
    atlas: Atlas, tmp_path: Path
) -> None:
    target = tmp_path / "places.geojson"
    services.write_places(atlas, target, layers=["disputes"])
    first = target.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="--force"):
        services.write_places(atlas, target, format="csv")
    assert target.read_text(encoding="utf-8") == first
    services.write_places(atlas, target, format="csv", force=True)
    assert target.read_text(encoding="utf-8").startswith("layer,")
    with pytest.raises(InputError, match="no folder"):
        services.write_places(atlas, tmp_path / "no" / "such.csv", format="csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["places.geojson"]


def test_copy_makes_a_new_folder_and_replaces_one_only_with_force(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    written = services.copy_atlas(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written)
    assert "assets.geojson" in {p.name for p in written}
    (folder / "regions.yaml").write_text("my edit\n")
    with pytest.raises(InputError, match="--force"):
        services.copy_atlas(folder)
    assert (folder / "regions.yaml").read_text() == "my edit\n"
    services.copy_atlas(folder, force=True)
    assert (folder / "regions.yaml").read_text() != "my edit\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    services.copy_atlas(empty)  # an empty folder holds nothing to lose
    assert len(list(empty.iterdir())) == len(written)


def test_copy_never_replaces_a_folder_holding_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    with pytest.raises(InputError, match=r"notes\.txt"):
        services.copy_atlas(tmp_path, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_an_interrupted_copy_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[str] = []
    real_copy = shutil.copyfile

    def copy_then_stop(source: Path, target: Path) -> object:
        if len(copied) == 2:
            raise KeyboardInterrupt
        copied.append(Path(target).name)
        return real_copy(source, target)

    monkeypatch.setattr(shutil, "copyfile", copy_then_stop)
    with pytest.raises(KeyboardInterrupt):
        services.copy_atlas(tmp_path / "mine")
    assert len(copied) == 2
    assert list(tmp_path.iterdir()) == [], "neither the folder nor a temporary one is left"
