"""The incident use cases, for the command line, the HTTP API and Python alike.

Each takes the store (a SQLAlchemy ``Engine``) and, where it reads, the acting
:class:`~corridor.events.access.Viewer`, and returns typed values, never text:

    from corridor.events.services import import_file, list_incidents
    report = import_file(engine, "reports.csv", organization="kz-mvd")
    page = list_incidents(engine, Viewer("kz-mvd"), IncidentQuery(limit=20))

The rules of the product live here: the importing organization signs its own
reports (and a file never takes over another organization's incident), a partner's
STIX bundle is recorded as that partner's (``stix:PARTNER``) and can never speak for an
organization on this platform, every CSV format on disk takes the columnar reader,
rejects go to one file per run beside the store, unknown classes and sources are
errors, reads are shared by TLP.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO, cast

from corridor.choices import member
from corridor.errors import InputError, UnknownValueError
from corridor.events.access import Viewer
from corridor.events.importers.base import ParsedRecord
from corridor.events.input_files import InputFile, opened_input, read_damage
from corridor.events.model import Incident
from corridor.events.query import IncidentQuery

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from corridor.alerts.raising import Notify
    from corridor.atlas.catalog import Atlas
    from corridor.events.importers.csv_columns import ColumnarCsv
    from corridor.store.audit import AuditWriter
    from corridor.store.import_job import ImportReport
    from corridor.store.incidents import IncidentJson
    from corridor.store.versions import TotalsCache

__all__ = [
    "COLUMNAR_FORMATS",
    "OWN_REPORT_FORMATS",
    "ExportFormat",
    "ImportProgress",
    "IncidentJsonPage",
    "IncidentPage",
    "IncidentStats",
    "checked_query",
    "export_incidents",
    "from_partner",
    "get_incident",
    "import_bundled_datasets",
    "import_file",
    "incident_stats",
    "list_incidents",
    "list_incidents_json",
    "rejects_folder",
]

# An agency's own reports: whatever the file says, they are reported by the importing
# organization, so no file can put words in another organization's mouth.
OWN_REPORT_FORMATS = frozenset({"csv", "json", "geojson"})
# Formats the columnar reader reads from a file on disk (records identical to the row
# reader's, ten times faster): every CSV format.
COLUMNAR_FORMATS = frozenset({"ucdp", "acled", "piracy", "asam", "csv"})
# About how many bytes one record takes, to guess a file's records from its size.
_RECORD_BYTES = {"ucdp": 400, "acled": 600, "piracy": 250, "asam": 500, "csv": 300}
# What a partner's name may be (``--from``): it becomes the source ``stix:PARTNER``.
_PARTNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


# --------------------------------------------------------------------------- import


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Where an import is: records done, and bytes read of the file when it has a size."""

    records: int
    bytes_read: int | None
    bytes_total: int | None


def from_partner(
    records: Iterator[ParsedRecord], organization: str, partner: str | None = None
) -> Iterator[ParsedRecord]:
    """STIX records with a reporter no bundle can forge: ``stix:PARTNER`` for every one
    when the importer names the ``partner`` the bundle came from. Without one, a foreign
    incident keeps ``stix:`` and its ``created_by_ref`` identity's name (the reader's),
    and one of our own format keeps its reporter only if that is ``organization`` (its
    own export, re-imported) or already namespaced (``stix:``, ``public:``: no
    organization id has a colon); any other gets ``stix:`` in front. So no bundle makes
    an incident look reported by another organization on this platform."""
    fixed = f"stix:{partner}" if partner else None
    for record in records:
        if isinstance(record, Incident):
            reporter = fixed or _namespaced(record.reporter, organization)
            if reporter != record.reporter:
                yield dataclasses.replace(record, reporter=reporter)
                continue
        yield record


def _namespaced(reporter: str, organization: str) -> str:
    if not reporter or reporter == organization or ":" in reporter:
        return reporter
    return f"stix:{reporter}"


def _checked_partner(partner: str | None) -> str | None:
    if partner is not None and not _PARTNER.fullmatch(partner):
        raise InputError(
            f"partner (--from) {partner!r}: use letters, digits, '.', '_', '@' and '-' "
            "(starting with a letter or digit), at most 64 characters"
        )
    return partner


def rejects_folder(store: Engine) -> Path:
    """Where reject files go by default: ``rejects/`` beside an SQLite store, else in the
    folder of the default store (a server database has no folder of its own)."""
    from corridor.locations import default_database_path

    database = store.url.database if store.dialect.name == "sqlite" else None
    if database and database != ":memory:":
        return Path(database).absolute().parent / "rejects"
    return default_database_path().parent / "rejects"


def import_file(
    store: Engine,
    source: InputFile | str | Path,
    *,
    organization: str,
    fmt: str | None = None,
    partner: str | None = None,
    instance: str = "local",
    strict: bool = False,
    rejects: Path | None = None,
    batch_size: int = 20_000,
    progress: Callable[[ImportProgress], None] | None = None,
    alerts: bool = True,
    atlas: Atlas | None = None,
    notify: Notify | None = None,
) -> ImportReport:
    """Import one file (a path, ``-`` for stdin, or an :class:`InputFile` already open),
    then raise the alerts what it wrote calls for (``alerts``; rules and routing from
    ``atlas``, the bundled one by default; messages queued to ``notify``).

    Re-importing changes nothing; an interrupted run of the same file resumes. Rejected
    records go to ``run-<id>-<file>.rejects.csv`` in ``rejects`` (a folder that must
    exist), by default :func:`rejects_folder`. ``partner`` names who a STIX bundle came
    from: its incidents are then reported by ``stix:PARTNER`` (:func:`from_partner`),
    the source an organization rates with ``set_trust``. Raises :class:`InputError` for
    a file that cannot be read, a ``partner`` that is no name or not for a STIX bundle,
    and ``StrictImportError`` in ``strict`` mode.
    """
    if rejects is not None and not rejects.is_dir():
        raise InputError(f"--rejects {rejects}: no such folder; create it first")
    partner = _checked_partner(partner)
    if not isinstance(source, InputFile):
        with opened_input(source, fmt) as opened:
            report = _import(
                store, opened, organization, partner, instance, strict, rejects, batch_size,
                progress,
            )  # fmt: skip
    else:
        report = _import(
            store, source, organization, partner, instance, strict, rejects, batch_size, progress
        )
    if not alerts:
        return report
    return dataclasses.replace(report, alerts=_raise_import_alerts(store, report, atlas, notify))


def _signed(
    records: Iterator[ParsedRecord], fmt: str, organization: str, partner: str | None
) -> Iterator[ParsedRecord]:
    """STIX records with the reporters the product's rules give them (own reports are
    signed by the import itself: ``ImportJob.reporter``)."""
    if fmt == "stix":
        return from_partner(records, organization, partner)
    return records


def _columnar_reader(fmt: str) -> ColumnarCsv:
    """The columnar reader's view of a CSV format."""
    from corridor.events.importers.acled_columns import AcledColumns
    from corridor.events.importers.asam_columns import AsamColumns
    from corridor.events.importers.generic_columns import ReportColumns
    from corridor.events.importers.piracy_columns import PiracyColumns
    from corridor.events.importers.ucdp_columns import UcdpColumns

    readers: dict[str, Callable[[], ColumnarCsv]] = {
        "ucdp": UcdpColumns,
        "acled": AcledColumns,
        "piracy": PiracyColumns,
        "asam": AsamColumns,
        "csv": ReportColumns,
    }
    return readers[fmt]()


def _raise_import_alerts(
    store: Engine, report: ImportReport, atlas: Atlas | None, notify: Notify | None
) -> str:
    """The alerts of what the run wrote (the alerts capability decides): its summary."""
    from corridor.alerts.raising import alerts_after_import

    if report.run_id is None:
        return ""
    return alerts_after_import(store, report.run_id, atlas=atlas, notify=notify)


def _import(
    store: Engine,
    source: InputFile,
    organization: str,
    partner: str | None,
    instance: str,
    strict: bool,
    rejects: Path | None,
    batch_size: int,
    progress: Callable[[ImportProgress], None] | None,
) -> ImportReport:
    from corridor.events.importers import FORMATS, read_records
    from corridor.store.import_columns import import_chunks
    from corridor.store.import_job import ImportJob
    from corridor.store.indexes import bulk_load_worth_it

    if partner is not None and source.fmt != "stix":
        raise InputError(
            f"{source.path}: --from names the partner a STIX bundle came from; "
            f"this is a {source.fmt} file"
        )
    columnar_bytes = [0]

    def advance(records: int) -> None:
        if progress is not None:
            done = source.bytes_read() if not columnar else columnar_bytes[0]
            progress(ImportProgress(records, done, source.size_bytes))

    job = ImportJob(
        file_name=source.path,
        fmt=source.fmt,
        digest=source.digest,
        strict=strict,
        batch_size=batch_size,
        origin=instance,
        progress=advance,
        rejects_folder=rejects or rejects_folder(store),
        reporter=organization if source.fmt in OWN_REPORT_FORMATS else None,
    )
    local = source.local_path
    columnar = source.fmt in COLUMNAR_FORMATS and local is not None and source.encoding == "utf-8"
    try:
        if columnar:
            from corridor.events.importers.csv_columns import read_csv_columns

            assert local is not None
            packed = 7 if local.suffix == ".gz" else 1  # about what gzip makes of such text
            expected = (source.size_bytes or 0) * packed // _RECORD_BYTES[source.fmt]

            def read_to(position: int) -> None:
                columnar_bytes[0] = position

            chunks = read_csv_columns(
                local, _columnar_reader(source.fmt), file_name=source.name, bytes_read=read_to
            )
            with closing(chunks):
                return import_chunks(store, chunks, job, bulk=bulk_load_worth_it(store, expected))
        reader = read_records(FORMATS[source.fmt], source.stream, source.path)
        records = _signed(reader, source.fmt, organization, partner)
        with closing(reader):  # end the reader while its file is open
            from corridor.store.import_job import import_records

            return import_records(store, records, job)
    except read_damage as exc:  # a .gz on stdin, cut short: no digest pass could see it
        raise InputError(f"{source.path}: the gzip stream is truncated or damaged ({exc})") from exc


def import_bundled_datasets(
    store: Engine, *, organization: str, instance: str = "local"
) -> list[tuple[str, ImportReport]]:
    """Import the real datasets shipped with the package: (file name, report) each."""
    from corridor.datasets import BUNDLED_DATASETS, dataset_path

    return [
        (
            name,
            import_file(
                store, dataset_path(name), fmt=fmt, organization=organization, instance=instance
            ),
        )
        for name, fmt in BUNDLED_DATASETS.items()
    ]


# --------------------------------------------------------------------------- reads


def _bundled_atlas(atlas: Atlas | None) -> Atlas:
    if atlas is not None:
        return atlas
    from corridor.atlas import load_atlas

    return load_atlas()


def checked_query(
    store: Engine, viewer: Viewer, query: IncidentQuery, atlas: Atlas | None = None
) -> IncidentQuery:
    """``query`` with its threat classes widened to the classes below them, after checking
    that every class and source is known (:class:`UnknownValueError` otherwise)."""
    if query.threat_classes:
        taxonomy = _bundled_atlas(atlas)
        found: set[str] = set()
        for name in query.threat_classes:
            if name not in taxonomy.threats:
                raise UnknownValueError(
                    "threat class", name, sorted(taxonomy.threats), hint="`corridor atlas threats`"
                )
            found |= taxonomy.threat_descendants(name)
        query = dataclasses.replace(query, threat_classes=tuple(sorted(found)))
    if query.sources:
        from corridor.events.importers import FORMATS
        from corridor.store.incidents import sources_visible

        with store.connect() as connection:
            known = sorted(set(sources_visible(connection, viewer)) | _importer_sources(FORMATS))
        for name in query.sources:
            if name not in known:
                raise UnknownValueError("source", name, known)
    return query


def _importer_sources(formats: dict[str, Any]) -> set[str]:
    """The sources the public-data importers write (a format name, mostly)."""
    return {name.removesuffix("-json") for name in formats} - OWN_REPORT_FORMATS


def _audited(
    store: Engine,
    viewer: Viewer,
    action: str,
    count: int,
    query: IncidentQuery,
    audit: AuditWriter | None = None,
    **more: Any,
) -> None:
    """Log that ``viewer`` read or exported ``count`` incidents matching ``query``: every
    entry point reads through here, so every one leaves the same trail. With ``audit``
    (a server's batching writer) the entry is committed with others a moment later;
    without, in a transaction of its own now."""
    from corridor.store.audit import append_entry, audit_row

    filters = {
        f.name: v
        for f in dataclasses.fields(query)
        if (v := getattr(query, f.name)) not in (None, (), 0, False)
    }
    row = audit_row(
        at=datetime.now(UTC).replace(tzinfo=None),
        organization=viewer.organization,
        user=viewer.user,
        action=action,
        object_type="incidents",
        count=count,
        detail=json.dumps({**filters, **more}, sort_keys=True, default=str),
    )
    if audit is not None:
        audit.append(row)
        return
    with store.begin() as connection:
        append_entry(connection, row)


@dataclass(frozen=True)
class IncidentPage:
    """One page of what a viewer may read: the incidents, and how many match in all."""

    incidents: tuple[Incident, ...]
    total: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        """The ``offset`` of the next page, or None on the last one."""
        following = self.offset + len(self.incidents)
        return following if following < self.total and self.incidents else None


def list_incidents(
    store: Engine,
    viewer: Viewer,
    query: IncidentQuery,
    *,
    atlas: Atlas | None = None,
    audit: AuditWriter | None = None,
) -> IncidentPage:
    """The page of incidents ``query`` asks for (``limit``, ``offset``, ``newest_first``)
    that ``viewer`` may read, and the total that match. ``audit``: see :func:`_audited`."""
    from corridor.store.incidents import incidents_matching, total_of_page

    query = checked_query(store, viewer, query, atlas)
    with store.connect() as connection:
        found = tuple(incidents_matching(connection, query, viewer))
        total = total_of_page(connection, query, viewer, len(found))
    _audited(store, viewer, "read", len(found), query, audit, total=total)
    return IncidentPage(found, total, query.offset)


@dataclass(frozen=True)
class IncidentJsonPage:
    """A page as :func:`list_incidents` reads it, each incident a JSON object rendered by
    the store (what the HTTP API sends as it is), and how many match in all."""

    incidents: tuple[IncidentJson, ...]
    total: int


def list_incidents_json(
    store: Engine,
    viewer: Viewer,
    query: IncidentQuery,
    *,
    atlas: Atlas | None = None,
    audit: AuditWriter | None = None,
    totals: TotalsCache | None = None,
) -> IncidentJsonPage:
    """:func:`list_incidents` with the incidents as JSON objects (the fields and values of
    ``incident_to_dict``, and ``uuid``): the same rule, filters, order, total and audit.
    ``totals``: where a server keeps the totals it counted (see ``store.versions``)."""
    from corridor.store.incidents import incidents_matching_json, total_of_page

    query = checked_query(store, viewer, query, atlas)
    with store.connect() as connection:
        found = tuple(incidents_matching_json(connection, query, viewer))
        total = total_of_page(connection, query, viewer, len(found), totals)
    _audited(store, viewer, "read", len(found), query, audit, total=total)
    return IncidentJsonPage(found, total)


def get_incident(
    store: Engine, viewer: Viewer, uuid: str, *, audit: AuditWriter | None = None
) -> Incident:
    """The incident with ``uuid``, if ``viewer`` may read it; :class:`UnknownValueError`
    whether it is missing or hidden, so nobody learns what they may not see."""
    from corridor.store.incidents import incident_by_uuid

    with store.connect() as connection:
        found = incident_by_uuid(connection, uuid, viewer)
    if found is None:
        raise UnknownValueError("incident", uuid)
    _audited(store, viewer, "read", 1, IncidentQuery(), audit, uuid=uuid)
    return found


class ExportFormat(StrEnum):
    """What ``export_incidents`` writes."""

    csv = "csv"  # the generic format: re-importable
    geojson = "geojson"
    stix = "stix"  # a STIX 2.1 bundle

    @property
    def media_type(self) -> str:
        """Its media type, as the HTTP API labels an export."""
        return _EXPORT_MEDIA_TYPES[self.value]


_EXPORT_MEDIA_TYPES = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "stix": "application/stix+json;version=2.1",
}


def export_incidents(
    store: Engine,
    viewer: Viewer,
    query: IncidentQuery,
    fmt: ExportFormat | str,
    handle: IO[str],
    *,
    atlas: Atlas | None = None,
) -> int:
    """Write what ``viewer`` may read that matches ``query`` to ``handle``; how many."""
    from corridor.events.importers.generic import write_csv_reports, write_geojson_reports
    from corridor.events.importers.stix import write_stix
    from corridor.store.incidents import incidents_matching

    writers = {"csv": write_csv_reports, "geojson": write_geojson_reports, "stix": write_stix}
    write = writers[member(ExportFormat, fmt, "export format").value]
    query = checked_query(store, viewer, query, atlas)
    with store.connect() as connection:
        count = write(incidents_matching(connection, query, viewer), cast(TextIO, handle))
    _audited(store, viewer, "export", count, query, format=str(fmt))
    return count


@dataclass(frozen=True)
class IncidentStats:
    """Counts of what a viewer may read: per class, country, year, and year x class."""

    total: int
    by_class: dict[str, int]
    by_country: dict[str | None, int]
    by_year: dict[str, int]
    by_year_class: dict[str, dict[str, int]]

    def top_countries(self, count: int) -> list[tuple[str | None, int]]:
        """The ``count`` countries with the most incidents, most first."""
        return sorted(self.by_country.items(), key=lambda kv: -kv[1])[:count]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape scripts read (``corridor incidents stats --json``)."""
        return {
            "threat_class": self.by_class,
            "country": self.by_country,
            "year": self.by_year,
            "year_class": self.by_year_class,
            "total": self.total,
        }


def incident_stats(
    store: Engine, viewer: Viewer, query: IncidentQuery, *, atlas: Atlas | None = None
) -> IncidentStats:
    """Counts per threat class, country and year of what ``viewer`` may read."""
    from corridor.store.incidents import stats

    query = checked_query(store, viewer, query, atlas)
    with store.connect() as connection:
        counts = stats(connection, query, viewer)
    _audited(store, viewer, "read", counts["total"], query, what="stats")
    return IncidentStats(
        total=counts["total"],
        by_class=counts["threat_class"],
        by_country=counts["country"],
        by_year=counts["year"],
        by_year_class=counts["year_class"],
    )
