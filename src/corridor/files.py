"""Files the product writes appear whole or not at all.

Outputs are written beside their target and renamed into place, so an
interrupted export, map or atlas copy never leaves half a file or folder, and
an existing file is replaced only when the caller says so.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from corridor.errors import InputError

__all__ = ["atomic_directory", "atomic_path", "atomic_write", "check_target"]


def check_target(path: Path, *, force: bool = False) -> None:
    """Refuse a target whose folder is missing, or that exists unless ``force``."""
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"{path}: no folder {folder}; create it first")
    if path.is_dir():
        raise InputError(f"{path} is a folder; name a file")
    if path.exists() and not force:
        raise InputError(f"{path} exists; pass --force to replace it")


def _permissions(mode: int) -> int:
    """``mode`` less the process's umask: what ``open`` would have given the file."""
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


@contextmanager
def atomic_path(path: Path, *, force: bool = False, suffix: str = "") -> Iterator[Path]:
    """A temporary file beside ``path`` to write by name (a plotting library, say); it
    replaces ``path``, with the usual permissions, only if the block ends cleanly."""
    check_target(path, force=force)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, _permissions(0o666))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_write(
    path: Path, *, force: bool = False, binary: bool = False, newline: str | None = ""
) -> Iterator[IO[str]]:
    """A file handle whose content replaces ``path`` only if the block ends cleanly."""
    with atomic_path(path, force=force) as temporary:
        if binary:
            with temporary.open("wb") as handle:
                yield handle  # type: ignore[misc]
        else:
            with temporary.open("w", encoding="utf-8", newline=newline) as handle:
                yield handle


@contextmanager
def atomic_directory(path: Path, *, force: bool = False) -> Iterator[Path]:
    """A fresh folder to fill; it becomes ``path`` only if the block ends cleanly."""
    if not path.parent.is_dir():
        raise InputError(f"{path}: no folder {path.parent}; create it first")
    if path.exists() and not (force and path.is_dir()):
        raise InputError(f"{path} exists; pass --force to replace it")
    temporary = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        yield temporary
        os.chmod(temporary, _permissions(0o777))
        if path.exists():
            shutil.rmtree(path)
        os.replace(temporary, path)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
