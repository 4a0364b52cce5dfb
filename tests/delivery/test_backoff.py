"""The retry schedule: full jitter within an exponential ceiling that never passes the cap."""

from __future__ import annotations

from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.delivery.backoff import RetryPolicy
from corridor.errors import InputError

policies = st.builds(
    lambda base, factor, attempts: RetryPolicy(
        base_s=base, cap_s=base * factor, max_attempts=attempts
    ),
    st.floats(min_value=0.001, max_value=600),
    st.floats(min_value=1, max_value=10_000),
    st.integers(min_value=1, max_value=100),
)


@given(policy=policies, attempt=st.integers(min_value=1, max_value=10_000), seed=st.integers())
def test_every_delay_lies_between_zero_and_the_ceiling(
    policy: RetryPolicy, attempt: int, seed: int
) -> None:
    ceiling = policy.ceiling_s(attempt)
    assert 0 < ceiling <= policy.cap_s
    assert 0 <= policy.delay_s(attempt, Random(seed)) <= ceiling


@given(policy=policies, attempt=st.integers(min_value=1, max_value=10_000))
def test_the_ceiling_doubles_until_the_cap_and_never_falls(
    policy: RetryPolicy, attempt: int
) -> None:
    now, then = policy.ceiling_s(attempt), policy.ceiling_s(attempt + 1)
    assert then >= now
    assert then == pytest.approx(min(policy.cap_s, 2 * now))
    assert policy.ceiling_s(1) == pytest.approx(policy.base_s)


@given(policy=policies)
def test_it_gives_up_after_the_last_attempt_only(policy: RetryPolicy) -> None:
    assert not policy.gives_up_after(policy.max_attempts - 1)
    assert policy.gives_up_after(policy.max_attempts)


def test_the_jitter_spreads_over_the_whole_range() -> None:
    """Full jitter, not "ceiling plus a little": delays after attempt 5 cover 0..32 s."""
    policy = RetryPolicy(base_s=2, cap_s=3600)
    delays = [policy.delay_s(5, Random(n)) for n in range(2000)]
    assert min(delays) < 1 and max(delays) > 31
    assert 14 < sum(delays) / len(delays) < 18  # the mean of uniform(0, 32)


def test_the_defaults_try_fifteen_times_within_about_four_hours() -> None:
    policy = RetryPolicy()
    longest = sum(policy.ceiling_s(n) for n in range(1, policy.max_attempts))
    assert policy.max_attempts == 15 and 4 * 3600 < longest < 4.2 * 3600


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"base_s": 0}, "above 0"),
        ({"base_s": 10, "cap_s": 5}, "at least the base"),
        ({"max_attempts": 0}, "at least 1"),
    ],
)
def test_a_policy_that_cannot_work_is_refused(options: dict[str, float], says: str) -> None:
    with pytest.raises(InputError, match=says):
        RetryPolicy(**options)  # type: ignore[arg-type]
