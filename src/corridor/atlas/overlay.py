"""A user's atlas folder: copy the bundled files to edit them, check what was edited.

Files in the folder replace the bundled files of the same name (see
:func:`corridor.atlas.loader.atlas_file_paths`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from corridor.atlas.loader import atlas_file_paths, check_atlas
from corridor.atlas.problems import AtlasProblem
from corridor.errors import InputError
from corridor.files import atomic_directory

__all__ = ["CheckReport", "check", "copy_atlas"]


@dataclass(frozen=True)
class CheckReport:
    """The problems of the atlas in ``directory`` over the bundled one (None: the bundled
    atlas alone); valid when there are none."""

    directory: Path | None
    problems: tuple[AtlasProblem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def checked(self) -> str:
        """What was checked, as a person reads it."""
        return f"{self.directory} over the bundled atlas" if self.directory else "the bundled atlas"


def check(directory: Path | None = None, *, geography: bool = True) -> CheckReport:
    """Every problem of the atlas in ``directory`` (over the bundled one), one per line.

    ``geography`` also checks that assets lie in the countries they claim (a second or
    two). A ``directory`` that is not a folder raises :class:`MissingAtlasDirError`.
    """
    return CheckReport(directory, tuple(check_atlas(directory, geography=geography)))


def copy_atlas(destination: Path, *, force: bool = False) -> list[Path]:
    """Copy the bundled atlas files into a new folder ``destination``; the files written.

    The copy is made in a temporary folder beside ``destination`` and renamed into place,
    so an interruption leaves nothing behind. An existing folder is replaced only with
    ``force`` (or when empty), and never when it holds other files than atlas files: replacing
    it would lose them.
    """
    bundled = sorted(atlas_file_paths().values())
    if destination.is_dir():
        present = {p.name for p in destination.iterdir()}
        foreign = sorted(present - {p.name for p in bundled})
        if foreign:
            raise InputError(
                f"{destination} holds files that are not atlas files ({', '.join(foreign[:3])}"
                f"{', ...' if len(foreign) > 3 else ''}); name a new folder"
            )
        force = force or not present
    elif destination.exists():
        raise InputError(f"{destination} is a file; name a folder to copy the atlas into")
    with atomic_directory(destination, force=force) as folder:
        for path in bundled:
            shutil.copyfile(path, folder / path.name)
    return [destination / path.name for path in bundled]
