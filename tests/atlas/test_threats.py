"""The threat taxonomy is the seeds' tree, with stable ids."""

from __future__ import annotations

import re

from corridor.atlas import Atlas
from tests.shared import shared_file

SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")


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


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def test_every_class_cites_a_seed_that_says_what_it_quotes(atlas: Atlas) -> None:
    """A source names at least one seed file; each phrase it quotes is in a seed it names."""
    for threat in atlas.threats.values():
        seeds = SEED_FILE.findall(threat.source)
        assert seeds, f"{threat.id}: the source names no seed file: {threat.source!r}"
        texts = [_words(shared_file(f"seeds/{seed}").read_text(encoding="utf-8")) for seed in seeds]
        for quoted in re.findall(r'"([^"]+)"', threat.source):
            assert any(_words(quoted) in text for text in texts), (
                f"{threat.id}: {quoted!r} is in none of {', '.join(seeds)}"
            )


def test_the_leaves_the_seeds_add_hang_under_non_traditional(atlas: Atlas) -> None:
    for leaf in ("piracy", "infrastructure_attack", "cyber", "natural_disaster", "public_health"):
        assert atlas.threats[leaf].parent == "non_traditional"
