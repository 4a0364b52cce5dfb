"""Mechanisms carry the seeds' facts: members, history, meetings."""

from __future__ import annotations

import pytest

from corridor.atlas import Atlas, Binding
from corridor.atlas.queries import find_mechanisms
from corridor.errors import UnknownValueError

REQUIRED = [
    "SCO", "SCO-RATS", "CSTO", "CIS", "GUAM", "SAARC", "ASEAN", "ARF", "ADMM-PLUS", "CSCAP",
    "EAS", "GCC", "CICA", "NATO", "EU", "OSCE", "INTERPOL", "EUROPOL", "LMLECC", "LYG-FORUM",
    "LYG-PIPELINE", "SIX-PARTY", "QCG", "RECAAP", "CGPCS", "EUNAVFOR-ATALANTA",
]  # fmt: skip


def test_at_least_thirty_mechanisms_with_the_named_ones(atlas: Atlas) -> None:
    assert len(atlas.mechanisms) >= 30
    ids = {key.upper() for key in atlas.mechanisms}
    assert not set(REQUIRED) - ids


def test_every_mechanism_has_a_source_domains_and_years(atlas: Atlas) -> None:
    for mechanism in atlas.mechanisms.values():
        assert mechanism.source, mechanism.id
        assert mechanism.domains, mechanism.id
        assert 1900 <= mechanism.founded <= 2026, mechanism.id


def test_gcc_is_the_six_gulf_states(atlas: Atlas) -> None:
    assert atlas.mechanisms["GCC"].member_countries() == {"ARE", "OMN", "BHR", "QAT", "KWT", "SAU"}


def test_guam_history_uzbekistan_joined_1998_and_left_2005(atlas: Atlas) -> None:
    guam = atlas.mechanisms["GUAM"]
    assert guam.founded == 1997
    assert {"GEO", "UKR", "AZE", "MDA"} <= guam.member_countries(1997)
    assert "UZB" not in guam.member_countries(1997)
    assert "UZB" in guam.member_countries(1998)
    assert "UZB" in guam.member_countries(2004)
    assert "UZB" not in guam.member_countries(2005)
    uzbekistan = [m for m in guam.members if m.country == "UZB"]
    assert [(m.joined, m.left) for m in uzbekistan] == [(1998, 2005)]


def test_lianyungang_forum_participation_counts(atlas: Atlas) -> None:
    forum = atlas.mechanisms["LYG-FORUM"]
    meetings = sorted(forum.meetings, key=lambda m: m.year)
    assert [m.year for m in meetings] == [2015, 2016, 2017, 2018]
    assert [m.country_count for m in meetings] == [12, 31, 33, 30]
    assert [m.organization_count for m in meetings] == [2, 3, 3, 4]
    first = meetings[0]
    assert set(first.countries) == {
        "CHN", "RUS", "ITA", "NLD", "KOR", "POL", "BLR", "KAZ", "KGZ", "TJK", "UZB", "TKM",
    }  # fmt: skip
    assert set(first.organizations) == {"SCO-RATS", "INTERPOL"}
    assert set(meetings[3].organizations) == {"SCO-RATS", "INTERPOL", "EUROPOL", "LMLECC"}


def test_pipeline_security_platform_is_the_eight_countries_of_2017(atlas: Atlas) -> None:
    platform = atlas.mechanisms["LYG-PIPELINE"]
    assert platform.parent == "LYG-FORUM"
    assert platform.founded == 2017
    assert platform.member_countries() == {
        "CHN", "RUS", "KAZ", "UZB", "KGZ", "TJK", "TKM", "MMR",
    }  # fmt: skip


def test_sco_enlargement(atlas: Atlas) -> None:
    sco = atlas.mechanisms["SCO"]
    founders = {"CHN", "RUS", "KAZ", "KGZ", "TJK", "UZB"}
    assert sco.member_countries(2001) == founders
    assert sco.member_countries(2017) == founders | {"IND", "PAK"}
    assert "IRN" in sco.member_countries(2023)


def test_alliances_bind_by_collective_defense(atlas: Atlas) -> None:
    assert atlas.mechanisms["NATO"].binding is Binding.COLLECTIVE_DEFENSE
    assert atlas.mechanisms["CSTO"].binding is Binding.COLLECTIVE_DEFENSE
    assert atlas.mechanisms["ARF"].binding.rank < atlas.mechanisms["SCO"].binding.rank


@pytest.mark.parametrize("expected", ["SCO", "SCO-RATS", "CSTO", "CIS"])
def test_kazakhstan_counter_terrorism_mechanisms(atlas: Atlas, expected: str) -> None:
    found = {m.id for m in find_mechanisms(atlas, countries=["KAZ"], domain="terrorism")}
    assert expected in found
    assert "NATO" not in found and "GCC" not in found


def test_domain_filter_takes_broader_and_narrower_classes(atlas: Atlas) -> None:
    piracy = {m.id for m in find_mechanisms(atlas, domain="piracy")}
    assert {"RECAAP", "CGPCS", "EUNAVFOR-ATALANTA"} <= piracy
    with pytest.raises(UnknownValueError, match="no_such_class"):
        find_mechanisms(atlas, domain="no_such_class")


def test_bodies_serving_a_mechanism_count_its_member_states(atlas: Atlas) -> None:
    cis_atc = atlas.mechanisms["CIS-ATC"]
    assert cis_atc.member_countries() == frozenset()
    assert atlas.member_states(cis_atc) == atlas.member_states(atlas.mechanisms["CIS"])
    assert "CIS-ATC" in {m.id for m in atlas.mechanisms_of("KAZ")}


def test_broadest_domains_drop_what_a_broader_class_implies(atlas: Atlas) -> None:
    assert atlas.broadest_domains(("three_forces", "terrorism", "piracy")) == [
        "three_forces",
        "piracy",
    ]


def test_a_state_can_leave_and_rejoin(atlas: Atlas) -> None:
    csto = atlas.mechanisms["CSTO"]
    assert [("UZB" in csto.member_countries(y)) for y in (1995, 2000, 2008, 2013)] == [
        True,
        False,
        True,
        False,
    ]


def test_organizations_taking_part_bring_no_member_states(atlas: Atlas) -> None:
    forum = atlas.mechanisms["LYG-FORUM"]
    assert atlas.member_states(forum) == forum.member_countries()
    assert len(atlas.member_states(forum)) == 12


def test_an_ended_mechanism_has_no_members_today(atlas: Atlas) -> None:
    talks = atlas.mechanisms["SIX-PARTY"]
    assert talks.ended == 2009
    assert atlas.member_states(talks) == frozenset()
    assert {"CHN", "USA", "RUS", "JPN", "KOR", "PRK"} == atlas.member_states(talks, 2005)
    assert "SIX-PARTY" not in {m.id for m in atlas.mechanisms_of("RUS")}
    assert "SIX-PARTY" in {m.id for m in atlas.mechanisms_of("RUS", 2005)}
