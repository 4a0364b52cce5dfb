"""The advisor through its library surface, on seed 002's own examples (no corridor.commands)."""

from __future__ import annotations

import json

import pytest

from corridor.atlas import Atlas
from corridor.coordination import Issue, Route, advise, mechanisms_covering, overlap
from corridor.errors import UnknownValueError


def _ids(coverages: object) -> list[str]:
    return [c.mechanism for c in coverages]  # type: ignore[attr-defined]


def test_afghanistan_is_led_by_the_great_powers(atlas: Atlas) -> None:
    """Seed 002: "traditional security issues between two or more great powers, such as
    [...] the issue of Afghanistan" - great-power coordination leads."""
    advice = advise(atlas, Issue(("armed_conflict",), ("AFG", "CHN", "USA", "PAK"), year=2016))
    assert advice.route is Route.GREAT_POWER
    assert advice.great_powers == ("CHN", "USA")
    assert advice.rules[0].id == "traditional_great_powers"
    assert "issue of Afghanistan" in advice.rules[0].quote
    # the loose quadrilateral mechanism covers them, but a consultative dialogue of the
    # powers is itself great-power coordination: it does not shift the route
    assert _ids(advice.covering) == ["QCG"]


def test_afghanistan_neighbours_share_only_broad_or_partial_mechanisms(atlas: Atlas) -> None:
    neighbours = ["AFG", "PAK", "IRN", "TKM", "UZB", "TJK", "CHN"]
    assert mechanisms_covering(atlas, neighbours, "armed_conflict", 2016) == []
    partial = mechanisms_covering(atlas, neighbours, "armed_conflict", 2016, complete=False)
    assert {"OSCE", "QCG", "CIS", "CSTO"} <= set(_ids(partial))
    assert all(c.covered for c in partial)


def test_piracy_off_somalia_goes_to_the_counter_piracy_arrangements(atlas: Atlas) -> None:
    advice = advise(atlas, Issue(("piracy",), place="gulf-of-aden-somali-piracy", year=2011))
    assert advice.parties == ("SOM", "YEM", "DJI")
    assert advice.route is Route.MECHANISM
    assert [r.id for r in advice.rules] == ["nt_institutions", "nt_similar"]
    assert "fight against piracy" in advice.rules[1].quote
    assert {"CGPCS", "DCOC"} <= set(_ids(advice.covering))
    assert any(c.kind == "dispute" or c.kind == "hot_spot" for c in advice.citations)


def test_kyrgyz_tajik_border_clash_is_for_the_parties_to_choose(atlas: Atlas) -> None:
    issue = Issue(("armed_conflict", "territorial_dispute"), ("KGZ", "TJK"), year=2014)
    advice = advise(atlas, issue)
    assert advice.great_powers == ()
    assert advice.route is Route.PARTIES_CHOICE
    assert advice.rules[0].id == "no_great_power"
    assert {"SCO", "CSTO"} <= set(_ids(advice.covering))
    assert advice.uncovered == ()


def test_terrorism_against_the_gas_pipeline_goes_to_the_sco(atlas: Atlas) -> None:
    advice = advise(atlas, Issue(("terrorism",), ("KAZ", "CHN"), year=2024))
    assert advice.route is Route.MECHANISM
    assert _ids(advice.covering)[:2] == ["SCO-RATS", "SCO"]
    assert "accepted_mechanism" in [r.id for r in advice.rules]
    assert advice.strengthen == ("CICA",)


def test_the_whole_pipeline_brings_turkmenistan_whom_the_sco_lacks(atlas: Atlas) -> None:
    advice = advise(atlas, Issue(("terrorism",), ("KAZ", "CHN"), asset="cagp-line-a", year=2024))
    assert set(advice.parties) == {"KAZ", "CHN", "TKM", "UZB"}
    assert "LYG-PIPELINE" in _ids(advice.covering)
    sco = {c.mechanism: c.missing for c in advice.nearest}
    assert sco["SCO"] == ("TKM",) and sco["SCO-RATS"] == ("TKM",)


def test_a_traditional_issue_with_one_great_power_and_no_accepted_mechanism_is_dual(
    atlas: Atlas,
) -> None:
    advice = advise(atlas, Issue(("territorial_dispute",), ("CHN", "VNM", "PHL"), year=2016))
    assert advice.route is Route.DUAL


def test_every_answer_cites_its_rules_and_records_and_is_json(atlas: Atlas) -> None:
    advice = advise(atlas, Issue(("terrorism",), ("KAZ", "CHN"), year=2024))
    cited = {(c.kind, c.id) for c in advice.citations}
    assert {("mechanism", c.mechanism) for c in advice.covering} <= cited
    assert ("threat", "terrorism") in cited
    assert all(r.quote and r.source for r in advice.rules)
    data = json.loads(json.dumps(advice.to_dict(), default=str))
    assert data["route"] == "mechanism"
    assert data["covering"][0]["parts"]["binding"] == 0.75


def test_scores_are_their_parts_weighted(atlas: Atlas) -> None:
    for c in mechanisms_covering(atlas, ["KAZ", "CHN"], "terrorism", 2024):
        p = c.parts
        total = 0.3 * p.binding + 0.25 * p.domain_fit + 0.15 * p.focus
        total += 0.15 * p.tenure + 0.15 * p.activity
        assert c.score == pytest.approx(p.covered_share * total, abs=1e-4)


def test_meetings_count_as_activity(atlas: Atlas) -> None:
    """The Lianyungang Forum met 2015-2018 with the SCO's anti-terror structure present."""
    ranked = {c.mechanism: c for c in mechanisms_covering(atlas, ["KAZ", "CHN"], "terrorism", 2018)}
    assert ranked["LYG-FORUM"].parts.activity == pytest.approx(4 / 5)
    assert ranked["SCO-RATS"].parts.activity == pytest.approx(4 / 5)
    assert ranked["SCO"].parts.activity == 0


@pytest.mark.parametrize(
    ("issue", "phrase"),
    [
        (Issue(("piracyy",), ("SOM",)), "did you mean 'piracy'"),
        (Issue(("piracy",), ("XXX",)), "country 'XXX' is unknown"),
        (Issue(("piracy",), asset="nope"), "asset 'nope'"),
        (Issue(("piracy",), place="nowhere"), "place 'nowhere'"),
        (Issue((), ("SOM",)), "threat class"),
        (Issue(("piracy",)), "give a country, asset or place"),
    ],
)
def test_unknown_values_are_refused(atlas: Atlas, issue: Issue, phrase: str) -> None:
    with pytest.raises(UnknownValueError, match=phrase.replace("(", r"\(")) as caught:
        advise(atlas, issue)
    assert caught.value.exit_code == 2


def test_overlap_of_terrorism_mechanisms(atlas: Atlas) -> None:
    report = overlap(atlas, "terrorism", 2024)
    index = report.mechanisms.index
    assert report.matrix[index("SCO")][index("SCO-RATS")] == 1.0
    assert all(report.matrix[i][i] == 1.0 for i in range(len(report.mechanisms)))
    assert report.busiest and all(c.domain == "terrorism" for c in report.busiest)
    # Turkmenistan, neutral, is in no binding mechanism with Afghanistan
    assert any({g.a, g.b} == {"AFG", "TKM"} for g in report.gaps)
    assert not any({g.a, g.b} == {"KAZ", "KGZ"} for g in report.gaps)
