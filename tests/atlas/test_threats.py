"""The threat taxonomy is the seeds' tree, with stable ids."""

from __future__ import annotations

from corridor.atlas import Atlas


def test_two_roots_traditional_and_non_traditional(atlas: Atlas) -> None:
    roots = {t.id for t in atlas.threats.values() if t.parent is None}
    assert roots == {"traditional", "non_traditional"}


def test_traditional_challenges_are_the_four_the_seed_names(atlas: Atlas) -> None:
    children = {t.id for t in atlas.threats.values() if t.parent == "traditional"}
    assert children == {
        "great_power_competition", "territorial_dispute", "political_turmoil", "armed_conflict",
    }  # fmt: skip


def test_three_forces_and_organized_crime_branches(atlas: Atlas) -> None:
    assert atlas.threat_descendants("three_forces") == {
        "three_forces", "terrorism", "separatism", "religious_extremism",
    }  # fmt: skip
    assert atlas.threat_descendants("organized_crime") == {
        "organized_crime", "drug_trafficking", "human_smuggling", "economic_crime",
    }  # fmt: skip
    assert atlas.threat_ancestors("terrorism") == ["terrorism", "three_forces", "non_traditional"]


def test_every_class_has_a_source(atlas: Atlas) -> None:
    assert all(t.source for t in atlas.threats.values())
    for leaf in ("piracy", "infrastructure_attack", "cyber", "natural_disaster", "public_health"):
        assert atlas.threats[leaf].parent == "non_traditional"
