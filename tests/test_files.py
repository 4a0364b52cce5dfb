"""Outputs appear whole or not at all, with the permissions a plain write would give."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from corridor.errors import InputError
from corridor.files import atomic_directory, atomic_path, atomic_write


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_written_file_has_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with atomic_write(target) as handle:
        handle.write("a,b\n")
    assert target.read_text() == "a,b\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_file_written_by_name_replaces_only_with_force(tmp_path: Path) -> None:
    target = tmp_path / "map.png"
    target.write_bytes(b"old")
    with pytest.raises(InputError, match="--force"), atomic_path(target):
        pass
    with atomic_path(target, force=True, suffix=".png") as temporary:
        assert temporary.suffix == ".png" and temporary.parent == tmp_path
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()


def test_an_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    with pytest.raises(KeyboardInterrupt), atomic_write(target) as handle:
        handle.write("{")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_copied_folder_has_the_usual_permissions_or_is_not_there(tmp_path: Path) -> None:
    target = tmp_path / "atlas"
    with atomic_directory(target) as folder:
        (folder / "a.yaml").write_text("x: 1\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o777 & ~_umask()
    again = tmp_path / "half"
    with pytest.raises(RuntimeError), atomic_directory(again) as folder:
        (folder / "a.yaml").write_text("x")
        raise RuntimeError("disk full")
    assert not again.exists() and [p.name for p in tmp_path.iterdir()] == ["atlas"]
