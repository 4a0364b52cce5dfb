"""Invariants of coverage over the real atlas, for any states, class and year."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.atlas import Atlas, load_atlas
from corridor.coordination import mechanisms_covering

ATLAS: Atlas = load_atlas()
# states that are members of something, so draws hit real memberships
MEMBERS = sorted(
    {m.country for mech in ATLAS.mechanisms.values() for m in mech.members if m.country}
)
states = st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=5, unique=True)
classes = st.sampled_from(sorted(ATLAS.threats))
years = st.integers(1985, 2026)


@settings(max_examples=60, deadline=None)
@given(states, st.sampled_from(MEMBERS), classes, years)
def test_adding_a_state_never_makes_a_mechanism_cover_more_parties(
    parties: list[str], extra: str, threat: str, year: int
) -> None:
    before = mechanisms_covering(ATLAS, parties, threat, year)
    after = mechanisms_covering(ATLAS, [*parties, extra], threat, year)
    assert {c.mechanism for c in after} <= {c.mechanism for c in before}
    # and of the original parties, each mechanism covers exactly the same ones
    wide = {
        c.mechanism: set(c.covered)
        for c in mechanisms_covering(ATLAS, [*parties, extra], threat, year, complete=False)
    }
    narrow = {
        c.mechanism: set(c.covered)
        for c in mechanisms_covering(ATLAS, parties, threat, year, complete=False)
    }
    for mechanism, covered in narrow.items():
        assert wide[mechanism] & set(parties) == covered


@settings(max_examples=60, deadline=None)
@given(states, classes, years)
def test_a_mechanism_never_covers_a_state_before_it_joined_or_after_it_left(
    parties: list[str], threat: str, year: int
) -> None:
    for coverage in mechanisms_covering(ATLAS, parties, threat, year, complete=False):
        mechanism = ATLAS.mechanisms[coverage.mechanism]
        assert mechanism.founded <= year and (mechanism.ended is None or year < mechanism.ended)
        for state in coverage.covered:
            records = [m for m in mechanism.members if m.country == state]
            if not records:  # a member through the parent body
                parent = ATLAS.mechanisms[mechanism.parent or ""]
                records = [m for m in parent.members if m.country == state]
            assert any(
                (m.joined is None or m.joined <= year) and (m.left is None or year < m.left)
                for m in records
            ), (coverage.mechanism, state, year)
        assert 0 <= coverage.score <= 1
