"""When to try a failed delivery again: exponential backoff with full jitter.

After the n-th failed attempt the next one waits a random time between 0 and
``min(cap_s, base_s * 2 ** (n - 1))`` ("full jitter", from the AWS Architecture Blog's
*Exponential Backoff And Jitter*): receivers that went down together are not hit by every
queued delivery at the same instant when they come back. After ``max_attempts`` attempts
a delivery is dead: kept, with every attempt, but no longer sent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from corridor.errors import InputError

__all__ = ["RetryPolicy"]

_LONGEST_EXPONENT = 62  # 2**62 s is past any cap; keeps the float finite for any attempt


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long a delivery is retried. The defaults try 15 times over about
    4 hours at most (1 h apart at the end), half that on average."""

    base_s: float = 2.0
    cap_s: float = 3600.0
    max_attempts: int = 15

    def __post_init__(self) -> None:
        if not self.base_s > 0:
            raise InputError(f"retry base {self.base_s} s: must be above 0")
        if not self.cap_s >= self.base_s:
            raise InputError(f"retry cap {self.cap_s} s: must be at least the base {self.base_s} s")
        if self.max_attempts < 1:
            raise InputError(f"max attempts {self.max_attempts}: must be at least 1")

    def ceiling_s(self, attempt: int) -> float:
        """The longest wait after failed attempt number ``attempt`` (1 for the first)."""
        exponent = min(max(attempt - 1, 0), _LONGEST_EXPONENT)
        return min(self.cap_s, self.base_s * 2.0**exponent)

    def delay_s(self, attempt: int, rng: random.Random | None = None) -> float:
        """The wait before the next attempt after failed attempt ``attempt``: uniform in
        [0, ceiling]."""
        return (rng or random).uniform(0.0, self.ceiling_s(attempt))

    def gives_up_after(self, attempt: int) -> bool:
        """Whether failed attempt ``attempt`` was the last one allowed."""
        return attempt >= self.max_attempts
