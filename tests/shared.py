"""The project's shared folder, checked out beside the repository as ``../shared``.

It holds the seeds (``seeds/``) and the public data (``data/``) the tests check the
product against. A test that reads it fails when it is missing, never skips: a skipped
check is a check nobody notices is gone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

__all__ = ["SHARED", "shared_file"]

SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_file(relative: str) -> Path:
    """The path of ``relative`` under ``../shared``; fails the test if it is absent."""
    path = SHARED / relative
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: check the project's shared folder out beside the repository "
            f"(as ../shared) to run this test",
            pytrace=False,
        )
    return path
