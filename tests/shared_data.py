"""The project's shared data folder, checked out beside the repository as ``../shared/data``.

A test that reads it fails when it is missing, never skips: a skipped check is a check
nobody notices is gone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

__all__ = ["SHARED_DATA", "shared_data"]

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_data(relative: str) -> Path:
    """The path of ``relative`` under the shared data folder; fails the test if it is absent."""
    path = SHARED_DATA / relative
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: check the project's shared data out beside the repository "
            f"(as ../shared/data) to run this test",
            pytrace=False,
        )
    return path
