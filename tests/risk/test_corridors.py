"""Corridor risk: each segment's chance as the module's formula says, and the corridor's as
the chance that at least one segment fails, checked against a count over every outcome."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import LineString, box

from corridor.risk.corridors import Segment, corridor_risk, pieces_by_country
from corridor.risk.profile import CorridorProfile

PROFILE = CorridorProfile(probability_scale=50.0, country_probability_at_10=0.5)


def test_a_segment_combines_its_exposure_and_its_countrys_risk() -> None:
    scale = PROFILE.probability_scale
    risk = corridor_risk(
        "c",
        [Segment("lane", None, scale * math.log(2)), Segment("KEN", "KEN", 0.0)],
        {"KEN": 4.0},
        PROFILE,
    )
    lane, kenya = risk.segments
    assert lane.probability == pytest.approx(0.5)  # 1 - exp(-ln 2)
    assert lane.country_risk is None
    assert kenya.probability == pytest.approx(0.2) and kenya.country_risk == 4.0  # 0.5 x 4 / 10
    assert risk.probability == pytest.approx(1 - 0.5 * 0.8)
    assert risk.weakest == lane


def test_a_country_with_no_score_adds_nothing() -> None:
    risk = corridor_risk("c", [Segment("XKX", "XKX", 0.0)], {"XKX": None}, PROFILE)
    assert risk.probability == 0.0 and risk.segments[0].country_risk is None
    assert risk.weakest is None  # nothing has any chance: no weakest segment
    assert corridor_risk("empty", [], {}, PROFILE).probability == 0.0


def _all_outcomes(chances: list[float]) -> float:
    """The chance that some segment fails, summed over every fail/hold outcome."""
    total = 0.0
    for outcome in itertools.product((True, False), repeat=len(chances)):
        if any(outcome):
            total += math.prod(
                p if failed else 1 - p for p, failed in zip(chances, outcome, strict=True)
            )
    return total


segments = st.lists(
    st.tuples(
        st.floats(0, 500, allow_nan=False),
        st.sampled_from(["AAA", "BBB", "CCC", None]),
    ),
    max_size=7,
)
risks = st.fixed_dictionaries(
    {"AAA": st.floats(0, 10) | st.none(), "BBB": st.floats(0, 10), "CCC": st.just(10.0)}
)
profiles = st.builds(
    CorridorProfile,
    probability_scale=st.floats(0.1, 1000),
    country_probability_at_10=st.floats(0, 1),
)


@given(rows=segments, country_risks=risks, profile=profiles)
def test_the_corridors_chance_is_at_least_its_weakest_segments_and_at_most_one(
    rows: list[tuple[float, str | None]],
    country_risks: dict[str, float | None],
    profile: CorridorProfile,
) -> None:
    found = corridor_risk(
        "c", [Segment(f"s{k}", c, e) for k, (e, c) in enumerate(rows)], country_risks, profile
    )
    chances = [s.probability for s in found.segments]
    assert all(0.0 <= p <= 1.0 for p in chances)
    assert max(chances, default=0.0) - 1e-12 <= found.probability <= 1.0
    assert found.probability == pytest.approx(_all_outcomes(chances), abs=1e-9)
    weakest = found.weakest
    if weakest is None:
        assert all(p == 0 for p in chances)
    else:
        assert weakest.probability == max(chances)


@given(rows=segments, more=st.floats(0.01, 100), country_risks=risks)
def test_more_exposure_never_lowers_a_chance(
    rows: list[tuple[float, str | None]], more: float, country_risks: dict[str, float | None]
) -> None:
    before = corridor_risk(
        "c", [Segment(f"s{k}", c, e) for k, (e, c) in enumerate(rows)], country_risks, PROFILE
    )
    after = corridor_risk(
        "c",
        [Segment(f"s{k}", c, e + more) for k, (e, c) in enumerate(rows)],
        country_risks,
        PROFILE,
    )
    assert after.probability >= before.probability
    for old, new in zip(before.segments, after.segments, strict=True):
        assert new.probability >= old.probability


SQUARES = {"AAA": box(0, 0, 10, 10), "BBB": box(10, 0, 20, 10)}


def test_a_line_is_cut_at_each_countrys_border_in_the_order_given() -> None:
    line = LineString([(-5, 5), (25, 5)])  # 5 at sea, 10 in AAA, 10 in BBB, 5 at sea
    pieces = pieces_by_country(line, ["BBB", "AAA", "ZZZ"], SQUARES)  # ZZZ: no shape, no piece
    assert [(code, piece.length) for code, piece in pieces] == [
        ("BBB", 10.0), ("AAA", 10.0), (None, 10.0),
    ]  # fmt: skip
    assert sum(piece.length for _, piece in pieces) == line.length


def test_a_line_inside_one_country_is_one_piece() -> None:
    line = LineString([(1, 1), (9, 9)])
    pieces = pieces_by_country(line, ["AAA", "BBB"], SQUARES)
    assert [(code, piece.equals(line)) for code, piece in pieces] == [("AAA", True)]
    assert pieces_by_country(line, [], SQUARES) == [(None, line)]  # no country: all of it


def test_a_line_along_a_border_adds_no_empty_piece() -> None:
    line = LineString([(10, 2), (10, 8)])  # on the shared edge: length 6 in both squares
    pieces = pieces_by_country(line, ["AAA", "BBB"], SQUARES)
    assert [code for code, _ in pieces] == ["AAA", "BBB"]
    assert all(piece.length == 6.0 for _, piece in pieces)
