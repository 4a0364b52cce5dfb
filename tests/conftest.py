"""Shared fixtures: the bundled atlas, loaded once per test session."""

from __future__ import annotations

import pytest

from corridor.atlas import Atlas, load_atlas


@pytest.fixture(scope="session")
def atlas() -> Atlas:
    return load_atlas()
