"""A server keeps the atlas and its modules for life: once they are in, they are frozen
out of the garbage collector's reach, so full collections (pauses of every thread) do not
walk them again and again."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from corridor.api.deps import ServerState
from corridor.atlas import Atlas
from corridor.store import open_store


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test session collects as usual


def test_the_atlas_and_what_the_first_requests_import_are_frozen(
    tmp_path: Path, atlas: Atlas, unfrozen: None
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'heap.sqlite'}", create=True)
    state = ServerState(store=store, token_secret=b"k" * 32, atlas_loader=lambda: atlas)
    assert gc.get_freeze_count() == 0
    assert state.atlas() is atlas
    loaded = gc.get_freeze_count()
    assert loaded > 10_000  # the atlas, the modules, all the server holds by then
    later = [[n] for n in range(1000)]  # stands for what later requests import
    gc.collect()
    for _ in range(98):
        state.atlas()
    assert gc.get_freeze_count() == loaded  # not on every use
    state.atlas()  # the 100th
    assert gc.get_freeze_count() >= loaded + len(later)
    assert not gc.get_objects(2)  # a full collection has nothing old left to walk
    store.dispose()
