"""An atlas record with the place it was read from, so any check can name its line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corridor.atlas.problems import AtlasProblem
from corridor.atlas.sourcefile import NodePath, SourceFile

__all__ = ["Entry", "problem_at"]


@dataclass(frozen=True)
class Entry:
    """A validated record and where it came from, so later checks can name its line."""

    record: Any
    source: SourceFile
    path: NodePath
    geojson: bool = False

    @property
    def name(self) -> str:
        return str(getattr(self.record, "id", "?"))

    def problem(self, field: str | None, message: str, where: NodePath = ()) -> AtlasProblem:
        """A problem with this entry, at the line of ``where`` (a path inside the entry)."""
        return problem_at(self.source, self._path_to(where), self.name, field, message)

    def _path_to(self, where: NodePath) -> NodePath:
        if self.geojson and where and where[0] != "geometry":
            return (*self.path, "properties", *where)
        return (*self.path, *where)


def problem_at(
    source: SourceFile, path: NodePath, entry: str | None, field: str | None, message: str
) -> AtlasProblem:
    """A problem located at ``path`` in ``source``."""
    return AtlasProblem(source.path.name, source.line_of(path), entry, field, message)
