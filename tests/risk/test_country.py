"""Country risk: the INFORM-style composite on hand-made cases, random data, and real events."""

from __future__ import annotations

import gzip
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.atlas import Atlas
from corridor.datasets import dataset_path
from corridor.events.importers.piracy import read_piracy
from corridor.events.importers.ucdp import read_ucdp
from corridor.events.model import Incident
from corridor.risk.country import (
    CountryRisk,
    country_risk,
    governance_score,
)
from corridor.risk.exposure import IncidentArrays
from corridor.risk.indicators import IndicatorTable, bundled_indicators, load_indicators
from corridor.risk.profile import RiskProfile, default_profile

AS_OF = date(2019, 12, 31)
Row = tuple[str | None, str, date, float]


def columns(rows: list[Row]) -> IncidentArrays:
    return IncidentArrays.of_columns(
        country=np.array([r[0] for r in rows], dtype=object),
        threat_class=np.array([r[1] for r in rows], dtype=object),
        start_date=np.array([r[2] for r in rows], dtype="datetime64[D]"),
        fatalities=np.array([r[3] for r in rows], dtype=np.float64),
    )


def with_country(profile: RiskProfile, **changes: object) -> RiskProfile:
    return profile.model_copy(update={"country": profile.country.model_copy(update=changes)})


def by_country(result: list[CountryRisk]) -> dict[str, CountryRisk]:
    return {r.country: r for r in result}


@pytest.fixture(scope="module")
def governance(tmp_path_factory: pytest.TempPathFactory) -> IndicatorTable:
    """AAA governs well, BBB badly, CCC has only some indicators (all in the long layout)."""
    path = tmp_path_factory.mktemp("country") / "governance.csv"
    lines = ["country,indicator,year,value"]
    for code in ("PV.EST", "GE.EST", "RL.EST", "CC.EST"):
        lines += [f"AFG,{code},2018,2.5", f"AFG,{code},2019,1.5", f"BEL,{code},2018,-2.0"]
    lines += ["CHN,PV.EST,2018,0.0", "CHN,GE.EST,2018,-5.0"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_indicators(path)


# -- hand-made cases --------------------------------------------------------------------


def test_components_follow_the_inform_formulas(governance: IndicatorTable, atlas: Atlas) -> None:
    profile = with_country(default_profile(), window_years=1)
    rows: list[Row] = [
        ("AFG", "armed_conflict", date(2019, 6, 1), 3.0),  # severity log2(4) = 2
        ("BEL", "armed_conflict", date(2019, 6, 1), math.nan),  # unknown toll: floor 0.5
        ("BEL", "piracy", date(2019, 6, 1), 0.0),  # non-lethal: floor 0.5
    ]
    result = country_risk(columns(rows), governance, profile, AS_OF, atlas.threat_ancestors)
    afg, bel = by_country(result)["AFG"], by_country(result)["BEL"]
    assert afg.rate_by_class == {"armed_conflict": 2.0}
    assert afg.hazard_by_class == {"armed_conflict": 10.0}
    assert afg.hazard == 10.0
    assert afg.vulnerability == pytest.approx(10 * (2.5 - 1.5) / 5)  # 2019 value, not 2018
    assert afg.indicators["PV.EST"] == (2019, 1.5)
    assert afg.risk == pytest.approx((10 * 2 * 2) ** (1 / 3))
    conflict = 10 * math.log(1.5) / math.log(3)
    assert bel.hazard_by_class == {"armed_conflict": pytest.approx(conflict), "piracy": 10.0}
    assert bel.hazard == 10.0  # piracy weight 1 at the top of its class: certain
    assert bel.vulnerability == pytest.approx(9.0)
    assert bel.coping == pytest.approx(9.0)
    assert bel.window == (date(2018, 12, 31), AS_OF)
    assert bel.profile == "default v1"


def test_class_weights_temper_and_combine(governance: IndicatorTable, atlas: Atlas) -> None:
    weights = {"great_power_competition": 0.2, "three_forces": 3.0}
    exposure = default_profile().exposure.model_copy(update={"class_weights": weights})
    profile = default_profile().model_copy(update={"exposure": exposure})
    rows: list[Row] = [
        ("AFG", "great_power_competition", date(2019, 6, 1), 0.0),
        ("AFG", "cyber", date(2019, 6, 1), 0.0),  # not listed: default weight 0.5
        ("BEL", "terrorism", date(2019, 6, 1), 0.0),  # ancestor three_forces: 3 clipped to 1
    ]
    result = by_country(
        country_risk(columns(rows), governance, profile, AS_OF, atlas.threat_ancestors)
    )
    assert result["AFG"].class_weights == {"cyber": 0.5, "great_power_competition": 0.2}
    assert result["AFG"].hazard == pytest.approx(10 * (1 - (1 - 0.5) * (1 - 0.2)))
    assert result["BEL"].class_weights == {"terrorism": 1.0}
    assert result["BEL"].hazard == 10.0


def test_only_incidents_in_the_window_count(governance: IndicatorTable, atlas: Atlas) -> None:
    profile = with_country(default_profile(), window_years=2)
    rows: list[Row] = [
        ("AFG", "armed_conflict", date(2017, 12, 31), 0.0),  # the open end: out
        ("AFG", "armed_conflict", date(2018, 1, 1), 0.0),
        ("AFG", "armed_conflict", AS_OF, 0.0),  # the closed end: in
        ("AFG", "armed_conflict", date(2020, 1, 1), 0.0),  # after as_of: out
    ]
    afg = by_country(
        country_risk(columns(rows), governance, profile, AS_OF, atlas.threat_ancestors)
    )["AFG"]
    assert afg.incidents == 2
    assert afg.rate_by_class == {"armed_conflict": 2 * 0.5 / 2}


def test_window_from_a_leap_day(governance: IndicatorTable, atlas: Atlas) -> None:
    profile = with_country(default_profile(), window_years=1)
    result = country_risk(columns([]), governance, profile, date(2020, 2, 29), lambda c: [c])
    assert result[0].window == (date(2019, 2, 28), date(2020, 2, 29))


def test_countries_without_indicators_come_last_unscored(
    governance: IndicatorTable, atlas: Atlas
) -> None:
    rows: list[Row] = [
        ("DEU", "armed_conflict", date(2019, 6, 1), 100.0),
        ("AFG", "piracy", date(2019, 6, 1), 0.0),
        (None, "armed_conflict", date(2019, 6, 1), 1000.0),  # no country: left out
        ("", "armed_conflict", date(2019, 6, 1), 1000.0),
    ]
    incidents = columns(rows)
    result = country_risk(incidents, governance, default_profile(), AS_OF, atlas.threat_ancestors)
    assert [r.country for r in result] == ["AFG", "BEL", "CHN", "DEU"]  # ties by code
    deu = result[-1]
    assert (deu.risk, deu.vulnerability, deu.coping, deu.indicators) == (None, None, None, {})
    assert deu.hazard == 10.0  # stated, though no risk can be given
    # CHN has PV and GE only: the coping mean is over what it has; no incidents: risk 0.
    chn = result[2]
    assert chn.indicators == {"PV.EST": (2018, 0.0), "GE.EST": (2018, -5.0)}
    assert (chn.vulnerability, chn.coping, chn.hazard, chn.risk) == (5.0, 10.0, 0.0, 0.0)
    assert chn.incidents == 0
    assert (chn.hazard_by_class, chn.rate_by_class) == ({}, {})


def test_of_class_keeps_the_class_and_those_below(atlas: Atlas) -> None:
    rows: list[Row] = [
        ("AFG", "terrorism", AS_OF, 0.0),
        ("AFG", "three_forces", AS_OF, 0.0),
        ("AFG", "piracy", AS_OF, 0.0),
        ("AFG", "not_in_atlas", AS_OF, 0.0),
    ]
    kept = columns(rows).of_class("three_forces", atlas.threat_ancestors)
    assert kept.threat_class.tolist() == ["terrorism", "three_forces"]
    assert len(columns(rows).of_class("traditional", atlas.threat_ancestors)) == 0
    assert len(columns([]).of_class("piracy", atlas.threat_ancestors)) == 0


def test_governance_score_runs_from_best_to_worst() -> None:
    assert governance_score(2.5, (-2.5, 2.5)) == 0.0
    assert governance_score(0.0, (-2.5, 2.5)) == 5.0
    assert governance_score(-3.3, (-2.5, 2.5)) == 10.0  # clipped


def test_columns_must_have_equal_lengths() -> None:
    with pytest.raises(ValueError, match="equal lengths"):
        IncidentArrays.of_columns(
            country=np.array(["AFG"]),
            threat_class=np.array([]),
            start_date=np.array([], "datetime64[D]"),
            fatalities=np.array([]),
        )


# -- properties on random data ----------------------------------------------------------


@pytest.fixture(scope="module")
def ancestors(atlas: Atlas) -> Callable[[str], list[str]]:
    """The taxonomy lookup, as a plain function (hypothesis shows its arguments)."""

    def lookup(threat_class: str) -> list[str]:
        return atlas.threat_ancestors(threat_class)

    return lookup


PLACES = ["SYR", "SOM", "NOR", "IDN", "MYT"]  # MYT: in ISO, not in the WGI
CLASSES = ["armed_conflict", "piracy", "terrorism", "cyber", "public_health"]
START = date(2015, 1, 1)
rows_strategy = st.lists(
    st.tuples(
        st.sampled_from([*PLACES, None, ""]),
        st.sampled_from(CLASSES),
        st.integers(0, (date(2020, 6, 30) - START).days).map(lambda d: START + timedelta(d)),
        st.one_of(st.just(math.nan), st.integers(0, 5000).map(float)),
    ),
    max_size=60,
)


def reference_hazard(
    rows: list[Row], profile: RiskProfile, as_of: date, ancestors: Callable[[str], list[str]]
) -> dict[str, float]:
    """Country hazard computed row by row, for checking the vectorized kernel."""
    years = profile.country.window_years
    start = as_of.replace(year=as_of.year - years)
    rates: dict[tuple[str, str], float] = defaultdict(float)
    for country, threat, day, toll in rows:
        if country and start < day <= as_of:
            floor = profile.exposure.non_lethal_floor
            severity = floor if math.isnan(toll) else max(floor, math.log2(1 + toll))
            rates[country, threat] += severity / years
    top: dict[str, float] = defaultdict(float)
    for (_, threat), rate in rates.items():
        top[threat] = max(top[threat], rate)
    survive: dict[str, float] = defaultdict(lambda: 1.0)
    for (country, threat), rate in rates.items():
        weight = min(1.0, profile.exposure.weight_of(threat, ancestors))
        survive[country] *= 1 - weight * math.log1p(rate) / math.log1p(top[threat])
    return {country: 10 * (1 - s) for country, s in survive.items()}


@settings(max_examples=150, deadline=None)
@given(rows=rows_strategy)
def test_scores_stay_on_the_scale_and_match_the_reference(
    rows: list[Row], ancestors: Callable[[str], list[str]]
) -> None:
    profile = default_profile()
    result = country_risk(columns(rows), bundled_indicators(), profile, AS_OF, ancestors)
    expected = reference_hazard(rows, profile, AS_OF, ancestors)
    found = by_country(result)
    assert set(found) == bundled_indicators().countries() | set(expected)
    for item in result:
        assert 0.0 <= item.hazard <= 10.0
        assert item.hazard == pytest.approx(expected.get(item.country, 0.0), abs=1e-9)
        assert all(0.0 <= h <= 10.0 for h in item.hazard_by_class.values())
        assert item.risk is None or 0.0 <= item.risk <= 10.0
        assert (item.risk is None) == (item.country == "MYT")
    scored = [r.risk for r in result if r.risk is not None]
    assert scored == sorted(scored, reverse=True)
    for threat in {t for r in result for t in r.hazard_by_class}:
        top = max(r.rate_by_class.get(threat, 0.0) for r in result)
        leaders = [r for r in result if r.rate_by_class.get(threat) == top]
        assert all(r.hazard_by_class[threat] == 10.0 for r in leaders)


@settings(max_examples=150, deadline=None)
@given(rows=rows_strategy, extra=rows_strategy.filter(bool).map(lambda r: r[0]))
def test_adding_an_incident_never_lowers_the_countrys_hazard(
    rows: list[Row], extra: Row, ancestors: Callable[[str], list[str]]
) -> None:
    table, profile = bundled_indicators(), default_profile()
    before = by_country(country_risk(columns(rows), table, profile, AS_OF, ancestors))
    after = by_country(country_risk(columns([*rows, extra]), table, profile, AS_OF, ancestors))
    country = extra[0]
    if country in after:
        was = before.get(country)
        assert after[country].hazard >= (was.hazard if was else 0.0)
        for threat, hazard in (was.hazard_by_class if was else {}).items():
            assert after[country].hazard_by_class[threat] >= hazard
    else:  # out of the window, or no country: nothing changes
        assert after == before


# -- the bundled real event data --------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_incidents() -> Iterator[IncidentArrays]:
    """The UCDP Syria events and the "Crime at Sea" pirate attacks, through the importers."""
    records: list[Incident] = []
    sources = (("ged_syria_2016_2019.csv.gz", read_ucdp), ("pirate_attacks.csv.gz", read_piracy))
    for name, read in sources:
        with gzip.open(dataset_path(name), "rt", encoding="utf-8", newline="") as stream:
            records += [r for r in read(stream, file_name=name) if isinstance(r, Incident)]
    assert len(records) == 16_566 + 7_511
    yield IncidentArrays.from_incidents(records)


def class_risk(
    incidents: IncidentArrays, threat: str, as_of: date, atlas: Atlas, window_years: int = 3
) -> list[CountryRisk]:
    profile = with_country(default_profile(), window_years=window_years)
    chosen = incidents.of_class(threat, atlas.threat_ancestors)
    return country_risk(chosen, bundled_indicators(), profile, as_of, atlas.threat_ancestors)


def test_syria_tops_country_risk_for_armed_conflict(
    bundled_incidents: IncidentArrays, atlas: Atlas
) -> None:
    result = class_risk(bundled_incidents, "armed_conflict", date(2019, 12, 31), atlas)
    syria = result[0]
    assert syria.country == "SYR"
    assert syria.incidents == 10_396  # UCDP events 2017-01-01 .. 2019-11-30
    assert syria.hazard == 10.0
    assert syria.vulnerability == 10.0  # PV.EST 2018 = -2.74, below the range
    assert syria.indicators["PV.EST"] == (2018, -2.739623)
    assert syria.coping == pytest.approx(8.563899, abs=1e-6)  # GE, RL, CC of 2018
    assert syria.risk == pytest.approx(9.496360, abs=1e-6)  # (10 * 10 * 8.5639) ** (1/3)
    assert result[1].risk == 0.0  # nobody else has armed conflict in these files


def test_somalia_piracy_risk_is_high_in_2011_and_its_hazard_falls_by_2014(
    bundled_incidents: IncidentArrays, atlas: Atlas
) -> None:
    top = [r.country for r in class_risk(bundled_incidents, "piracy", date(2011, 12, 31), atlas)]
    assert "SOM" in top[:3]
    assert top[:3] == ["YEM", "SOM", "NGA"]  # attacks are filed under the nearest coast

    def somalia(as_of: date) -> CountryRisk:
        result = class_risk(bundled_incidents, "piracy", as_of, atlas, window_years=1)
        return by_country(result)["SOM"]

    peak, later = somalia(date(2011, 12, 31)), somalia(date(2014, 12, 31))
    assert (peak.incidents, later.incidents) == (11, 1)
    assert peak.hazard == pytest.approx(4.861637, abs=1e-6)
    assert later.hazard == pytest.approx(1.021248, abs=1e-6)
    assert later.hazard < peak.hazard


def test_the_horn_leads_piracy_risk_in_2009_to_2011_and_falls_by_2013(
    bundled_incidents: IncidentArrays, atlas: Atlas
) -> None:
    """One-year windows: Yemen (the Gulf of Aden's coast) and Somalia lead, then fall."""

    def ranking(year: int) -> list[CountryRisk]:
        return class_risk(bundled_incidents, "piracy", date(year, 12, 31), atlas, window_years=1)

    for year in (2009, 2010, 2011):
        assert [r.country for r in ranking(year)[:2]] == ["YEM", "SOM"]
    peak, after = by_country(ranking(2011)), by_country(ranking(2013))
    assert after["SOM"].hazard < peak["SOM"].hazard
    assert after["YEM"].hazard < 0.75 * peak["YEM"].hazard
    assert ranking(2013)[0].country == "NGA"  # the Gulf of Guinea took the lead
