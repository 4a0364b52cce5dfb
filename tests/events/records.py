"""Small helpers the importer tests share: pick incidents and rejects out of a parse."""

from __future__ import annotations

from corridor.events.importers.base import ParsedRecord, Rejected
from corridor.events.model import Incident


def by_id(records: list[ParsedRecord]) -> dict[str, Incident]:
    """The incidents of a parse by source id."""
    return {r.source_id: r for r in records if isinstance(r, Incident)}


def rejects(records: list[ParsedRecord]) -> list[Rejected]:
    """The rejects of a parse, in order."""
    return [r for r in records if isinstance(r, Rejected)]
