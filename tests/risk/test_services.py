"""Every risk use case through the service surface, as a library user calls it.

Nothing here imports ``corridor.commands``: what the CLI can do, a notebook or the HTTP
API does with the same calls. The store holds the bundled piracy record, imported once.
"""

from __future__ import annotations

import dataclasses
import gzip
import math
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from corridor.atlas.catalog import Atlas
from corridor.cooperation.sharing import Viewer
from corridor.datasets import BUNDLED_DATASETS, dataset_path
from corridor.errors import InputError, UnknownValueError
from corridor.events.importers import FORMATS, read_records
from corridor.events.model import Incident, Tlp
from corridor.risk.inputs import NoIncidentsError
from corridor.risk.profile import ProfileError, default_profile_path, load_profile
from corridor.risk.services import (
    AssetExplanation,
    CountryExplanation,
    asset_exposure,
    backtest_scores,
    corridor_risks,
    country_ranking,
    explain,
    forecast_backtest,
    indicator_table,
    profile_text,
    write_profile,
)
from corridor.store.database import make_engine, migrate
from corridor.store.incident_writes import upsert_incidents

READER = Viewer("org-a")
END_2011 = date(2011, 12, 31)
ADEN_LANE = "sea-lane-bab-el-mandeb-red-sea-suez"
COMPANY = Path(__file__).parent / "fixtures" / "company_assets.geojson"


@pytest.fixture(scope="module")
def piracy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite store holding the bundled piracy record (the NGA's ASAM reports)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('piracy') / 'store.sqlite'}")
    migrate(engine)
    name = "pirate_attacks.csv.gz"
    path = dataset_path(name)
    with gzip.open(path, "rb") as stream:
        records = read_records(FORMATS[BUNDLED_DATASETS[name]], stream, path.name)  # type: ignore[arg-type]
        incidents = [r for r in records if isinstance(r, Incident)]
    with engine.begin() as connection:
        upsert_incidents(connection, incidents)
    yield engine
    engine.dispose()


def _edited_profile(folder: Path, old: str, new: str) -> Path:
    path = write_profile(folder / "mine.yaml")
    path.write_text(path.read_text().replace(old, new))
    return path


# --------------------------------------------------------------------------- exposure


def test_exposure_ranks_the_gulf_of_aden_lane_first_for_piracy_in_2011(
    piracy: Engine, atlas: Atlas
) -> None:
    result = asset_exposure(piracy, READER, atlas, as_of=END_2011, classes=["piracy"])
    assert result.as_of == END_2011 and result.profile.label == "default v1"
    assert result.title == "Most exposed assets to piracy, as of 2011-12-31"
    ranking = result.ranking
    assert len(ranking) == len(atlas.assets) == 73
    assert [s.rank for s in ranking] == list(range(1, 74))
    assert ranking[0].asset.id == ADEN_LANE and ranking[0].asset.origin == "atlas"
    assert [s.exposure for s in ranking] == sorted((s.exposure for s in ranking), reverse=True)
    for score in ranking:  # an asset has a score exactly when some incident reached it
        assert (score.exposure > 0) == (score.incidents_in_reach > 0)
        assert score.exposure == result.exposure.score_of(score.asset.id)


def test_several_classes_count_as_one_choice(piracy: Engine, atlas: Atlas) -> None:
    """--class piracy --class terrorism: the incidents of either. The record holds 7,508
    attacks and 3 terrorist ones; exposure adds up over incidents, so over classes too."""

    def scores(classes: list[str] | None) -> dict[str, float]:
        found = asset_exposure(piracy, READER, atlas, as_of=END_2011, classes=classes)
        return {s.asset.id: s.exposure for s in found.ranking}

    both, every = scores(["piracy", "terrorism"]), scores(None)
    pirates, terror = scores(["piracy"]), scores(["terrorism"])
    assert both == every
    assert all(math.isclose(both[a], pirates[a] + terror[a], abs_tol=1e-9) for a in both)
    assert 0 < sum(terror.values()) < sum(pirates.values())
    assert set(scores(["cyber"]).values()) == {0.0}
    with pytest.raises(UnknownValueError, match="did you mean 'piracy'"):
        asset_exposure(piracy, READER, atlas, classes=["piracyy"])


def test_own_assets_are_scored_beside_the_atlas(piracy: Engine, atlas: Atlas) -> None:
    result = asset_exposure(piracy, READER, atlas, as_of=END_2011, assets_path=COMPANY)
    by_id = {s.asset.id: s for s in result.ranking}
    assert len(by_id) == 76
    assert by_id["acme-tanker-route"].rank <= 5 and by_id["acme-tanker-route"].exposure > 0
    assert by_id["acme-depot-urumqi"].exposure == 0
    assert by_id["acme-berth-aden"].asset.origin == COMPANY.name


def test_only_what_the_viewer_may_read_counts(store: Engine, atlas: Atlas) -> None:
    """An AMBER report of org-b at the Gwadar port moves org-b's score, not org-a's."""
    report = Incident(
        source="mfa-pk", source_id="PK-1", title="Attack at the port gate",
        start_date=date(2020, 12, 1), threat_class="terrorism", longitude=62.31,
        latitude=25.14, fatalities_best=12, reporter="org-b", tlp=Tlp.AMBER,
    )  # fmt: skip
    with store.begin() as connection:
        upsert_incidents(connection, [report])

    def gwadar(viewer: Viewer) -> float:
        result = asset_exposure(store, viewer, atlas, as_of=date(2020, 12, 31))
        return result.exposure.score_of("port-gwadar")

    assert gwadar(Viewer("org-b")) > 0
    assert gwadar(Viewer("org-a")) == 0


def test_without_a_store_nothing_scores_and_a_date_is_needed(atlas: Atlas) -> None:
    result = asset_exposure(None, READER, atlas, as_of=END_2011)
    assert {s.exposure for s in result.ranking} == {0.0}
    with pytest.raises(NoIncidentsError, match="import some first"):
        asset_exposure(None, READER, atlas)


def test_a_map_into_a_missing_folder_is_refused_before_scoring(
    atlas: Atlas, tmp_path: Path
) -> None:
    """No store and no date would fail the scoring; the map's folder is checked first."""
    with pytest.raises(InputError, match="no folder"):
        asset_exposure(None, READER, atlas, map_path=tmp_path / "no" / "such" / "m.png")
    with pytest.raises(InputError, match="no folder"):
        country_ranking(None, READER, atlas, map_path=tmp_path / "no" / "m.png")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- explain


def test_explaining_an_asset_adds_up_to_its_score(piracy: Engine, atlas: Atlas) -> None:
    found = explain(piracy, READER, atlas, ADEN_LANE, as_of=END_2011, top=None)
    assert isinstance(found, AssetExplanation)
    assert found.criticality_factor == 3.0 and found.corridor is None
    assert math.isclose(sum(c.points for c in found.contributions), found.exposure)
    assert all(c.distance_km <= 100 and c.start_date <= END_2011 for c in found.contributions)
    assert found.data_range is not None and found.data_range[1] == date(2011, 12, 29)
    top = explain(piracy, READER, atlas, ADEN_LANE, as_of=END_2011, top=3)
    assert isinstance(top, AssetExplanation)
    assert top.contributions == found.contributions[:3]


def test_explaining_a_corridor_gives_its_segments_by_country(piracy: Engine, atlas: Atlas) -> None:
    found = explain(piracy, READER, atlas, "corridor-china-indochina", as_of=END_2011)
    assert isinstance(found, AssetExplanation) and found.corridor is not None
    countries = {s.country for s in found.corridor.segments}
    assert countries >= {"CHN", "VNM", "LAO", "THA", "MYS", "SGP"}
    assert found.corridor.probability == 0.0  # piracy is all there is, and land leaves it out


def test_explaining_a_country_by_code_or_name(piracy: Engine, atlas: Atlas) -> None:
    by_name = explain(piracy, READER, atlas, "Somalia", as_of=END_2011)
    by_code = explain(piracy, READER, atlas, "som", as_of=END_2011)
    assert isinstance(by_name, CountryExplanation) and by_name == by_code
    score = by_name.score
    assert (score.country, by_name.name) == ("SOM", "Somalia")
    assert score.window == (date(2008, 12, 31), END_2011)
    assert set(score.indicators) == {"PV.EST", "GE.EST", "RL.EST", "CC.EST"}
    assert list(score.hazard_by_class) == ["piracy"]
    assert score.risk == pytest.approx(
        (score.hazard * (score.vulnerability or 0) * (score.coping or 0)) ** (1 / 3)
    )


def test_explaining_the_unknown_is_refused(piracy: Engine, atlas: Atlas) -> None:
    with pytest.raises(UnknownValueError, match="did you mean 'port-gwadar'") as caught:
        explain(piracy, READER, atlas, "port-gwadr")
    assert caught.value.exit_code == 2
    with pytest.raises(InputError, match="ATA: no incidents in the window"):
        explain(piracy, READER, atlas, "ATA", as_of=END_2011)


# --------------------------------------------------------------------------- countries


def test_country_risk_ranks_the_pirate_coasts(piracy: Engine, atlas: Atlas) -> None:
    result = country_ranking(
        piracy, READER, atlas, as_of=END_2011, classes=["piracy"], method="composite"
    )
    assert [c.country for c in result.countries[:3]] == ["YEM", "SOM", "NGA"]
    assert all(c.hazard > 0 for c in result.countries)  # the rest score 0: left out
    assert result.unscored > 100 and result.names["YEM"] == "Yemen"
    assert result.window == (date(2008, 12, 31), END_2011)


def test_a_missing_or_bad_indicator_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such indicator file"):
        indicator_table(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_bytes("country,indicator,year,value\n".encode("utf-16"))
    with pytest.raises(InputError, match=r"bad\.csv: not UTF-8"):
        indicator_table(bad)
    assert len(indicator_table(None).countries()) > 200


# --------------------------------------------------------------------------- corridors


def test_the_six_economic_corridors_leave_piracy_out(piracy: Engine, atlas: Atlas) -> None:
    result = corridor_risks(piracy, READER, atlas, as_of=END_2011)
    assert len(result.corridors) == 6 and result.left_out == ("piracy",)
    for corridor in result.corridors:
        whole = 1 - math.prod(1 - s.probability for s in corridor.segments)
        assert math.isclose(corridor.probability, whole, abs_tol=1e-12)
        assert corridor.probability == 0.0  # this store holds nothing but piracy


def test_a_route_leaves_piracy_out_on_land_as_the_corridors_do(
    piracy: Engine, atlas: Atlas, tmp_path: Path
) -> None:
    """The exclusion applies to a route's land segments and countries; sea lanes keep it."""
    route = [ADEN_LANE, "port-djibouti-doraleh", "SOM"]
    (found,) = corridor_risks(piracy, READER, atlas, route=route, as_of=END_2011).corridors
    lane, port, somalia = found.segments
    every_class = asset_exposure(piracy, READER, atlas, as_of=END_2011).exposure
    assert lane.exposure == every_class.score_of(ADEN_LANE) > 0
    assert port.exposure == 0 < every_class.score_of("port-djibouti-doraleh")
    assert somalia.country_risk == 0 and found.weakest == lane
    keeping = _edited_profile(tmp_path, "land_leaves_out: [piracy]", "land_leaves_out: []")
    (kept,) = corridor_risks(
        piracy, READER, atlas, route=route, as_of=END_2011, profile_path=keeping
    ).corridors
    assert kept.segments[1].exposure == every_class.score_of("port-djibouti-doraleh")
    assert (kept.segments[2].country_risk or 0) > 5 and kept.probability > found.probability


def test_a_route_of_unknown_parts_is_refused(piracy: Engine, atlas: Atlas) -> None:
    with pytest.raises(UnknownValueError, match="--route: asset or country 'nowhere'"):
        corridor_risks(piracy, READER, atlas, route=["port-gwadar", "nowhere"])
    with pytest.raises(InputError, match="at least one"):
        corridor_risks(piracy, READER, atlas, route=[])


# --------------------------------------------------------------------------- backtest


def test_backtest_on_the_piracy_record(piracy: Engine, atlas: Atlas) -> None:
    report = backtest_scores(piracy, READER, atlas, date(2009, 12, 31), classes=["piracy"])
    assert report.train_until == date(2009, 12, 31) and report.classes == ("piracy",)
    by_subject = {r.subject: r for r in report.results}
    assert list(by_subject) == ["assets", "countries", "countries (hazard)"]
    assets = by_subject["assets"]
    assert len(assets.items) == 73
    assert assets.precision == assets.precision_baseline == 1.0
    assert 0.6 < assets.spearman < 0.8
    assert sum(assets.next_year) > 0 and sum(assets.last_year) > 0


def test_countries_rank_by_last_years_count_by_default(piracy: Engine, atlas: Atlas) -> None:
    """The backtest's winner on this record; the composite rides along for each country."""
    result = country_ranking(piracy, READER, atlas, as_of=END_2011, classes=["piracy"])
    assert result.method == "last_year" and result.title.startswith("Countries by last year's")
    ranked = [c.country for c in result.countries]
    assert ranked[:2] == ["YEM", "IDN"] and result.forecasts["YEM"] == 92.0
    assert [result.forecasts[c] for c in ranked] == sorted(result.forecasts.values(), reverse=True)
    assert result.countries[0].risk is not None and result.countries[0].risk > 8
    model = country_ranking(
        piracy, READER, atlas, as_of=END_2011, classes=["piracy"], method="count_model"
    )
    assert set(model.forecasts) == set(result.forecasts) and model.forecasts["YEM"] > 50
    with pytest.raises(UnknownValueError, match="--method 'best'"):
        country_ranking(piracy, READER, atlas, method="best")


def test_forecast_backtest_says_nothing_beats_last_years_count_on_piracy(
    piracy: Engine, atlas: Atlas, tmp_path: Path
) -> None:
    report = forecast_backtest(
        piracy, READER, atlas, classes=["piracy"], plot_path=tmp_path / "calibration.png"
    )
    result = report.backtest
    assert report.classes == ("piracy",) and result.years == tuple(range(2000, 2021))
    assert [s.method for s in result.summary] == ["last_year", "ewma", "count_model", "composite"]
    assert result.chosen == "last_year" and "nothing beats last year's count" in result.verdict
    assert report.plot_path is not None and report.plot_path.stat().st_size > 20_000
    assert report.title.endswith("of piracy: rolling origin, 2000-2020")


def test_forecast_backtest_refuses_a_plot_into_a_missing_folder(
    atlas: Atlas, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="no folder"):
        forecast_backtest(None, READER, atlas, plot_path=tmp_path / "no" / "c.png")


# --------------------------------------------------------------------------- the profile


def test_the_profile_copy_is_the_bundled_one_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    assert write_profile(target) == target
    assert target.read_text() == profile_text() == default_profile_path().read_text()
    assert load_profile(target) == load_profile(default_profile_path())
    target.write_text("name: mine\n")
    with pytest.raises(InputError, match="--force"):
        write_profile(target)
    assert target.read_text() == "name: mine\n"
    write_profile(target, force=True)
    assert target.read_text() == profile_text()
    assert [p.name for p in tmp_path.iterdir()] == ["mine.yaml"]  # no temporary left


def test_an_edited_profile_changes_the_scores(piracy: Engine, atlas: Atlas, tmp_path: Path) -> None:
    narrow = _edited_profile(tmp_path, "piracy: 100 ", "piracy: 10 ")
    default = asset_exposure(piracy, READER, atlas, as_of=END_2011).exposure
    mine = asset_exposure(piracy, READER, atlas, as_of=END_2011, profile_path=narrow).exposure
    assert mine.score_of(ADEN_LANE) < default.score_of(ADEN_LANE)


def test_a_bad_profile_names_its_line_and_field(atlas: Atlas, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: mine\nversion: 1\nexposure:\n  radius_km: -5\n")
    with pytest.raises(ProfileError, match=r"bad.yaml:4: exposure.radius_km"):
        asset_exposure(None, READER, atlas, as_of=END_2011, profile_path=bad)


def test_the_services_load_no_command_module() -> None:
    """The surface stands on its own: no Typer, no corridor.commands beneath it."""
    probe = (
        "import sys, corridor.risk.services\n"
        "print(sorted(m for m in sys.modules if m.startswith(('corridor.commands', 'typer'))))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert found.stdout.strip() == "[]"


def test_results_are_frozen(piracy: Engine, atlas: Atlas) -> None:
    result = asset_exposure(piracy, READER, atlas, as_of=END_2011)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.classes = ("piracy",)  # type: ignore[misc]
