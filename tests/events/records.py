"""Small helpers the importer tests share: pick incidents and rejects out of a parse, and a
file that never ends."""

from __future__ import annotations

import io
import itertools

from corridor.events.importers.base import ParsedRecord, Rejected
from corridor.events.model import Incident


def by_id(records: list[ParsedRecord]) -> dict[str, Incident]:
    """The incidents of a parse by source id."""
    return {r.source_id: r for r in records if isinstance(r, Incident)}


def rejects(records: list[ParsedRecord]) -> list[Rejected]:
    """The rejects of a parse, in order."""
    return [r for r in records if isinstance(r, Rejected)]


class EndlessFile(io.TextIOBase):
    """A file of ``header`` then ``row`` again and again: only a reader that streams row by
    row returns from it."""

    def __init__(self, header: str, row: str) -> None:
        self.lines = itertools.chain([header], itertools.repeat(row))

    def readable(self) -> bool:
        return True

    def __next__(self) -> str:
        return next(self.lines)
