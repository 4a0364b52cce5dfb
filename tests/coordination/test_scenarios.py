"""The scenario formulas on small hand-made worlds whose answers are known."""

from __future__ import annotations

import math

import pytest

from corridor.atlas import Atlas
from corridor.coordination import FORMULAS, scenario_indicators
from corridor.coordination.rules import load_rules
from corridor.coordination.scenarios import (
    Body,
    World,
    chaos,
    conflict_change,
    dominance,
    integration,
    pair_coverage,
    polarization,
    reference_blocs,
    world_in,
)

WEST = frozenset({"USA", "JPN", "KOR", "AUS"})
EAST = frozenset({"CHN", "RUS", "KAZ", "KGZ"})
REGION = WEST | EAST


def _world(*bodies: tuple[str, int, frozenset[str]], region: frozenset[str] = REGION) -> World:
    return World(2020, region, tuple(Body(i, r, m) for i, r, m in bodies))


TWO_BLOCS = _world(("west", 4, WEST), ("east", 4, EAST))
ONE_FOR_ALL = _world(("all", 3, REGION))


def test_two_closed_blocs_are_maximally_polarized() -> None:
    blocs = reference_blocs(TWO_BLOCS, load_rules().blocs.groups)
    split = polarization(TWO_BLOCS, blocs)
    assert split.polarization == pytest.approx(1.0)
    assert split.modularity == pytest.approx(0.5)
    assert {frozenset(g) for g in split.groups} == {WEST, EAST}
    assert split.alignment == pytest.approx(1.0)


def test_unequal_closed_blocs_are_still_maximally_polarized() -> None:
    world = _world(
        ("a", 2, frozenset({"A1", "A2", "A3", "A4", "A5"})),
        ("b", 2, frozenset({"B1", "B2"})),
        region=frozenset({"A1", "A2", "A3", "A4", "A5", "B1", "B2"}),
    )
    assert polarization(world).polarization == pytest.approx(1.0)


def test_one_mechanism_binding_all_is_maximal_integration_and_no_polarization() -> None:
    assert integration(ONE_FOR_ALL) == 1.0
    assert polarization(ONE_FOR_ALL).polarization == 0.0
    assert integration(TWO_BLOCS) == pytest.approx(12 / 28)  # 2 x C(4,2) of C(8,2) pairs


def test_consultative_mechanisms_do_not_integrate() -> None:
    assert integration(_world(("forum", 1, REGION))) == 0.0
    assert pair_coverage(_world(("forum", 1, REGION))) == 1.0


def test_dominance_is_the_concentration_of_great_power_seats() -> None:
    powers = ["CHN", "IND", "JPN", "RUS", "USA"]
    one = _world(("us", 4, frozenset({"USA", "AUS"})))
    assert dominance(one, powers) == (1.0, ("USA",))
    spread = _world(*((p, 2, frozenset({p, "KAZ"})) for p in powers))
    assert dominance(spread, powers)[0] == pytest.approx(0.2)
    g2 = _world(("a", 3, frozenset({"USA", "AUS"})), ("b", 3, frozenset({"CHN", "KAZ"})))
    assert dominance(g2, powers) == (pytest.approx(0.5), ("CHN", "USA"))
    three = _world(("a", 3, frozenset({"USA", "JPN"})), ("b", 3, frozenset({"CHN", "KAZ"})))
    assert dominance(three, powers)[0] == pytest.approx(1 / 3)
    assert dominance(_world(), powers) == (0.0, ())


def test_chaos_needs_events_rising_while_coverage_falls() -> None:
    assert chaos(conflict_change(10, 0), 0.0, 2.0) == 1.0
    assert chaos(conflict_change(10, 0), 2.0, 2.0) == 0.0  # coverage held
    assert chaos(conflict_change(0, 10), 0.0, 2.0) == 0.0  # events fell
    assert chaos(conflict_change(30, 10), 1.0, 2.0) == pytest.approx(math.sqrt(0.5 * 0.5))
    assert chaos(None, 1.0, 2.0) is None
    assert conflict_change(0, 0) == 0.0


def test_the_atlas_worlds(atlas: Atlas) -> None:
    area = {"CHN", "RUS", "KAZ", "KGZ", "TJK"}
    assert any(b.id == "SHANGHAI-FIVE" for b in world_in(atlas, 1998, area).bodies)
    later = world_in(atlas, 2005, area)
    assert not any(b.id == "SHANGHAI-FIVE" for b in later.bodies)
    # the SCO and its anti-terror structure have the same members: counted once
    assert len([b for b in later.bodies if b.members == frozenset(area) and b.rank == 3]) == 1


def test_scenario_series_over_the_atlas(atlas: Atlas) -> None:
    counts = {2010: 5, 2011: 9, 2012: 20, 2013: 30}
    report = scenario_indicators(atlas, range(2012, 2014), counts)
    assert [r.year for r in report.years] == [2012, 2013]
    assert report.formulas == FORMULAS
    for row in report.years:
        for value in (row.integration, row.dominance, row.polarization):
            assert 0 <= value <= 1
        assert row.conflict_events == counts[row.year]
    assert report.years[0].conflict_change is None  # 2009 is before the first count
    assert report.years[1].conflict_change == pytest.approx((30 - 5) / (30 + 5))
