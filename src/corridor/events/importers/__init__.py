"""Importers, one module per source format, and how to pick one for a file.

Every importer is a generator over a stream that yields an Incident or a
Rejected per source record, so files of any size stream through.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from corridor.events.importers.base import ParsedRecord, Rejected

__all__ = ["FORMATS", "Format", "Rejected", "detect_format", "read_records"]


@dataclass(frozen=True)
class Format:
    """A source format: its name on the command line and the function that reads it."""

    name: str
    description: str
    module: str
    function: str
    binary: bool = False  # JSON formats stream bytes through ijson

    def reader(self) -> Callable[..., Iterator[ParsedRecord]]:
        module = importlib.import_module(f"corridor.events.importers.{self.module}")
        reader: Callable[..., Iterator[ParsedRecord]] = getattr(module, self.function)
        return reader


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("ucdp", "UCDP Georeferenced Event Dataset (GED) CSV", "ucdp", "read_ucdp"),
        Format("acled", "ACLED export CSV", "acled", "read_acled"),
        Format("piracy", "Crime at Sea pirate-attacks CSV (IMB-derived)", "piracy", "read_piracy"),
        Format("asam", "NGA ASAM CSV export (DMS positions)", "asam", "read_asam_csv"),
        Format("asam-json", "NGA ASAM JSON API records", "asam", "read_asam_json", True),
        Format("stix", "STIX 2.1 bundle (JSON)", "stix", "read_stix", True),
        Format("csv", "Secure Corridor report CSV", "generic", "read_csv_reports"),
        Format("json", "Secure Corridor report JSON", "generic", "read_json_reports", True),
        Format(
            "geojson", "Secure Corridor report GeoJSON", "generic", "read_geojson_reports", True
        ),
    )
}

# Columns that only one format's header has, checked in this order.
_CSV_SIGNATURES = (
    ("ucdp", {"type_of_violence", "where_prec"}),
    ("acled", {"event_id_cnty", "event_type"}),
    ("piracy", {"attack_type", "nearest_country"}),
    ("asam", {"hostility", "position"}),
    ("csv", {"source_id", "threat_class"}),
)


def detect_format(head: bytes) -> str | None:
    """The format of a file from its first bytes, or None when it cannot tell."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff").lstrip()
    if text.startswith(("{", "[")):
        if '"bundle"' in text[:4000] or '"spec_version"' in text[:4000]:
            return "stix"
        if '"FeatureCollection"' in text[:4000]:
            return "geojson"
        if '"hostility"' in text or '"navArea"' in text:
            return "asam-json"
        return "json"
    header = {name.strip().strip('"').lower() for name in text.splitlines()[0].split(",")}
    for name, columns in _CSV_SIGNATURES:
        if columns <= header:
            return name
    return None


def read_records(
    fmt: Format, binary: IO[bytes], file_name: str
) -> Generator[ParsedRecord, None, None]:
    """Records of an open binary file in format ``fmt`` (text formats decoded as UTF-8)."""
    reader = fmt.reader()
    if fmt.binary:
        yield from reader(binary, file_name=Path(file_name).name)
        return
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="")
    try:
        yield from reader(text, file_name=Path(file_name).name)
    finally:
        if not binary.closed:
            text.detach()  # the caller owns the file: do not close it with the wrapper
