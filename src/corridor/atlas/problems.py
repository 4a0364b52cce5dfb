"""Problems found in atlas files, each one line naming file, line, entry and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corridor.errors import InputError

__all__ = ["AtlasError", "AtlasProblem", "MissingAtlasDirError"]


@dataclass(frozen=True)
class AtlasProblem:
    """One thing wrong with one atlas entry."""

    file: str
    line: int | None
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where]
        if self.entry:
            parts.append(f"entry {self.entry!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join([*parts, self.message])


class AtlasError(InputError):
    """The atlas was refused; ``problems`` lists every reason, the message names the first."""

    def __init__(self, problems: list[AtlasProblem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}; `corridor atlas check` lists every problem")


class MissingAtlasDirError(InputError):
    """The atlas folder the user named is not there: a usage mistake, never a silent fallback
    to the bundled atlas."""

    exit_code = 2

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        what = "is a file, not a folder" if directory.is_file() else "does not exist"
        super().__init__(
            f"atlas folder {directory} {what} (make one with `corridor atlas copy {directory}`)"
        )
