"""``corridor incidents``: import, list, export and count security events."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import Engine

from corridor.commands.context import current
from corridor.commands.output import JsonOption, err, fail, print_json, print_table
from corridor.cooperation.sharing import Viewer
from corridor.events.importers import FORMATS, detect_format, read_records
from corridor.events.importers.base import ParsedRecord
from corridor.events.importers.ucdp_columns import read_ucdp_columns
from corridor.events.model import Incident
from corridor.store.import_columns import import_chunks
from corridor.store.import_job import (
    ImportJob,
    ImportReport,
    RejectFile,
    StrictImportError,
    import_records,
)
from corridor.store.incidents import IncidentQuery, incidents_matching, stats
from corridor.store.indexes import bulk_load_worth_it

app = typer.Typer(
    help="Security incidents: import public event data (UCDP, ACLED, piracy, NGA ASAM, STIX) "
    "and agency reports, then list, export and count them. Every read shows only what your "
    "organization may see ($CORRIDOR_ORGANIZATION, TLP 2.0).",
    no_args_is_help=True,
)


def _engine(*, create: bool = False) -> Engine:
    return current().store(create=create)


def _viewer() -> Viewer:
    return current().viewer()


# --------------------------------------------------------------------------- import


@contextmanager
def _open_input(path: str) -> Iterator[io.BufferedReader]:
    """The file as buffered bytes (gunzipped if .gz); '-' is stdin."""
    if path == "-":
        yield sys.stdin.buffer  # type: ignore[misc]
        return
    file = Path(path)
    if not file.is_file():
        raise fail(f"{path}: no such file")
    raw = file.open("rb")
    try:
        yield io.BufferedReader(gzip.GzipFile(fileobj=raw)) if file.suffix == ".gz" else raw
    finally:
        raw.close()


def _digest(path: str) -> str | None:
    if path == "-":
        return None
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _choose_format(requested: str | None, stream: io.BufferedReader, path: str) -> str:
    head = stream.peek(8192)[:8192]
    detected = detect_format(head) if head else None
    if requested is None:
        if detected is None:
            raise fail(f"{path}: cannot tell the format; name it with --format")
        return detected
    if requested == "asam" and detected == "asam-json":
        return "asam-json"
    if requested not in FORMATS:
        raise fail(f"unknown format {requested!r}; choose from {', '.join(FORMATS)}")
    return requested


# An agency's own reports: whatever the file says, they are reported by the importing
# organization, so no file can put words in another organization's mouth.
OWN_REPORT_FORMATS = frozenset({"csv", "json", "geojson"})


def reported_by(records: Iterator[ParsedRecord], organization: str) -> Iterator[ParsedRecord]:
    """The records with ``reporter`` set to ``organization``."""
    for record in records:
        if isinstance(record, Incident) and record.reporter != organization:
            yield dataclasses.replace(record, reporter=organization)
        else:
            yield record


def _report_rows(report: ImportReport) -> list[dict[str, Any]]:
    return [
        {"what": "records read", "count": report.records - report.resumed_from},
        {"what": "inserted", "count": report.counts.inserted},
        {"what": "updated (newer version)", "count": report.counts.updated},
        {"what": "unchanged", "count": report.counts.unchanged},
        {"what": "rejected", "count": report.rejected},
    ]


def _report_json(report: ImportReport) -> dict[str, Any]:
    return {
        "file": report.file,
        "format": report.format,
        "records": report.records,
        "resumed_from": report.resumed_from,
        "inserted": report.counts.inserted,
        "updated": report.counts.updated,
        "unchanged": report.counts.unchanged,
        "rejected": report.rejected,
        "seconds": round(report.seconds, 3),
        "records_per_second": round(report.records_per_second),
        "rejects_file": str(report.rejects_file) if report.rejects_file else None,
    }


def run_import(
    path: str,
    fmt: str | None,
    *,
    strict: bool = False,
    rejects: Path | None = None,
    batch_size: int = 20_000,
    quiet: bool = False,
) -> ImportReport:
    """Import one file with a progress bar on stderr; the CLI's and the demo's path."""
    engine = _engine(create=True)
    digest = _digest(path)
    with _open_input(path) as stream:
        name = _choose_format(fmt, stream, path)
        size = None if path == "-" or path.endswith(".gz") else Path(path).stat().st_size
        reject_path = rejects or Path(f"{Path(path).name if path != '-' else 'stdin'}.rejects.csv")
        reject_file = RejectFile(reject_path, append=True) if reject_path else None
        reader = read_records(FORMATS[name], stream, path)
        records = (
            reported_by(reader, current().organization) if name in OWN_REPORT_FORMATS else reader
        )
        columns = [
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[records]:,} records"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        ]
        with Progress(*columns, console=err, disable=quiet, transient=True) as bar:
            task = bar.add_task(f"{Path(path).name} ({name})", total=size, records=0)

            def advance(done: int) -> None:
                position = stream.tell() if size is not None and not stream.closed else None
                bar.update(task, completed=position, records=done)

            job = ImportJob(
                file_name=path,
                fmt=name,
                digest=digest,
                rejects=reject_file,
                strict=strict,
                batch_size=batch_size,
                origin=current().instance,
                progress=advance,
            )
            if name in COLUMNAR_FORMATS and path != "-":
                return _import_columns(engine, Path(path), name, job)
            with closing(reader):  # end the reader while its file is open
                return import_records(engine, records, job)


# Formats with a columnar reader (records identical to the row reader's, ten times faster).
COLUMNAR_FORMATS = frozenset({"ucdp"})


def _import_columns(engine: Engine, path: Path, fmt: str, job: ImportJob) -> ImportReport:
    """The columnar path: Arrow blocks in, Arrow batches out; large loads rebuild indexes."""
    expected = path.stat().st_size // (60 if path.suffix == ".gz" else 400)  # bytes per GED row
    with closing(read_ucdp_columns(path, file_name=path.name)) as chunks:
        return import_chunks(engine, chunks, job, bulk=bulk_load_worth_it(engine, expected))


@app.command("import")
def import_(
    path: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="The file to import; - for stdin; .gz files are read as they are."
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="ucdp, acled, piracy, asam, asam-json, stix, csv, "
            "json or geojson (default: detected from the file's header).",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="Stop at the first bad record instead of skipping it.")
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            help="Where to write rejected records (default: FILE.rejects.csv in the "
            "current directory)."
        ),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Records per transaction (the unit of atomicity).")
    ] = 20_000,
    as_json: JsonOption = False,
) -> None:
    """Import incidents. Re-importing a file changes nothing; an interrupted import resumes.

    Example: corridor incidents import ged231.csv
    Example: corridor incidents import asam.json --format asam
    Example: corridor incidents import reports.csv --strict
    """
    try:
        report = run_import(path, fmt, strict=strict, rejects=rejects, batch_size=batch_size)
    except StrictImportError as exc:
        raise fail(f"{exc} (--strict: stopped; records before it are stored)") from exc
    except KeyboardInterrupt as exc:
        raise fail("interrupted: run the same command again to resume", 130) from exc
    if as_json:
        print_json(_report_json(report))
        return
    title = f"{report.file} ({report.format})"
    if report.resumed_from:
        title += f", resumed after {report.resumed_from:,} records"
    print_table(_report_rows(report), ["what", "count"], title=title)
    err.print(f"{report.records_per_second:,.0f} records/s")
    if report.rejects_file:
        err.print(f"[yellow]rejected records and reasons:[/yellow] {report.rejects_file}")


# --------------------------------------------------------------------------- reads


def _parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise fail(f"--bbox {text!r}: expected WEST,SOUTH,EAST,NORTH in degrees") from exc
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise fail(f"--bbox {text!r}: out of range or south > north")
    return west, south, east, north


def _classes(names: list[str] | None) -> tuple[str, ...]:
    """Threat classes with everything below them (``three_forces`` takes terrorism too)."""
    if not names:
        return ()
    atlas = current().atlas()
    found: set[str] = set()
    for name in names:
        if name not in atlas.threats:
            raise fail(f"unknown threat class {name!r} (see `corridor atlas threats`)")
        found |= atlas.threat_descendants(name)
    return tuple(sorted(found))


SinceOption = Annotated[
    str | None, typer.Option(help="From this date (YYYY-MM-DD or YYYY), inclusive.")
]
UntilOption = Annotated[
    str | None, typer.Option(help="Up to this date (YYYY-MM-DD or YYYY), inclusive.")
]
BboxOption = Annotated[
    str | None, typer.Option(help="WEST,SOUTH,EAST,NORTH in degrees, e.g. 43,10,52,16.")
]
CountryOption = Annotated[
    list[str] | None, typer.Option("--country", help="ISO alpha-3; repeat for several.")
]
ClassOption = Annotated[
    list[str] | None,
    typer.Option("--class", help="Threat class id (with its sub-classes); repeat for several."),
]
SourceOption = Annotated[
    list[str] | None, typer.Option("--source", help="ucdp, acled, piracy, asam, stix, ...")
]
FatalOption = Annotated[int | None, typer.Option(help="At least this many deaths (best).")]


def _date(text: str | None, *, end: bool) -> date | None:
    if text is None:
        return None
    try:
        if len(text) == 4 and text.isdigit():
            return date(int(text), 12, 31) if end else date(int(text), 1, 1)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise fail(f"{text!r} is not a date (YYYY-MM-DD or YYYY)") from exc


def _query(
    since: str | None,
    until: str | None,
    bbox: str | None,
    countries: list[str] | None,
    classes: list[str] | None,
    sources: list[str] | None,
    min_fatalities: int | None,
    limit: int | None = None,
    offset: int = 0,
) -> IncidentQuery:
    return IncidentQuery(
        since=_date(since, end=False),
        until=_date(until, end=True),
        bbox=_parse_bbox(bbox),
        countries=tuple(c.upper() for c in countries or ()),
        threat_classes=_classes(classes),
        sources=tuple(sources or ()),
        min_fatalities=min_fatalities,
        limit=limit,
        offset=offset,
    )


def _list_row(incident: Incident) -> dict[str, Any]:
    return {
        "date": incident.start_date.isoformat(),
        "source": incident.source,
        "source_id": incident.source_id,
        "class": incident.threat_class,
        "country": incident.country,
        "deaths": incident.fatalities_best,
        "severity": incident.severity,
        "title": incident.title,
        "tlp": incident.tlp.value,
    }


@app.command("list")
def list_(
    since: SinceOption = None,
    until: UntilOption = None,
    bbox: BboxOption = None,
    country: CountryOption = None,
    threat_class: ClassOption = None,
    source: SourceOption = None,
    min_fatalities: FatalOption = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many rows first.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Incidents matching the filters, oldest first.

    Example: corridor incidents list --class piracy --bbox 43,10,52,16 --since 2011 --until 2011
    Example: corridor incidents list --country SYR --min-fatalities 50 --json
    """
    query = _query(since, until, bbox, country, threat_class, source, min_fatalities, limit, offset)
    with _engine().connect() as connection:
        found = list(incidents_matching(connection, query, _viewer()))
    if as_json:
        from corridor.events.importers.generic import incident_to_dict

        print_json([incident_to_dict(i) for i in found])
        return
    columns = ["date", "source", "source_id", "class", "country", "deaths", "title"]
    print_table([_list_row(i) for i in found], columns, title="Incidents")


class ExportFormat(StrEnum):
    csv = "csv"
    geojson = "geojson"
    stix = "stix"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv, geojson or stix.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    bbox: BboxOption = None,
    country: CountryOption = None,
    threat_class: ClassOption = None,
    source: SourceOption = None,
    min_fatalities: FatalOption = None,
) -> None:
    """Export incidents you may read as CSV (re-importable), GeoJSON or a STIX 2.1 bundle.

    Example: corridor incidents export --format stix --class piracy -o piracy.json
    """
    from corridor.events.importers.generic import write_csv_reports, write_geojson_reports
    from corridor.events.importers.stix import write_stix

    writers = {"csv": write_csv_reports, "geojson": write_geojson_reports, "stix": write_stix}
    query = _query(since, until, bbox, country, threat_class, source, min_fatalities)
    handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        with _engine().connect() as connection:
            count = writers[fmt.value](incidents_matching(connection, query, _viewer()), handle)
    finally:
        if output:
            handle.close()
    err.print(f"exported {count:,} incidents" + (f" to {output}" if output else ""))


@app.command("stats")
def stats_(
    since: SinceOption = None,
    until: UntilOption = None,
    bbox: BboxOption = None,
    country: CountryOption = None,
    threat_class: ClassOption = None,
    source: SourceOption = None,
    chart: Annotated[
        Path | None, typer.Option(help="Also draw incidents per year and class as a PNG.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Counts per threat class, country and year of the incidents you may read.

    Example: corridor incidents stats --class piracy --country SOM --country YEM
    Example: corridor incidents stats --source piracy --chart piracy.png
    """
    query = _query(since, until, bbox, country, threat_class, source, None)
    with _engine().connect() as connection:
        counts = stats(connection, query, _viewer())
    if chart is not None:
        from corridor.charts import draw_yearly_counts

        err.print(f"wrote {draw_yearly_counts(counts['year_class'], chart)}")
    if as_json:
        print_json(counts)
        return
    err.print(f"{counts['total']:,} incidents")
    for key, title in (("threat_class", "per class"), ("year", "per year")):
        rows = [{key: k, "incidents": v} for k, v in counts[key].items()]
        print_table(rows, [key, "incidents"], title=title)
    top = sorted(counts["country"].items(), key=lambda kv: -kv[1])[:20]
    print_table(
        [{"country": k, "incidents": v} for k, v in top],
        ["country", "incidents"],
        title="top 20 countries",
    )


def demo_import() -> None:
    """Import the bundled datasets and show what the store holds (the demo's second act)."""
    from corridor.datasets import BUNDLED_DATASETS, dataset_path

    rows = []
    for name, fmt in BUNDLED_DATASETS.items():
        report = run_import(str(dataset_path(name)), fmt)
        rows.append({**_report_json(report), "file": name})
    columns = ["file", "format", "records", "inserted", "updated", "unchanged", "rejected"]
    print_table(rows, columns, title="Imported (a second run changes nothing)")
    with _engine().connect() as connection:
        counts = stats(connection, IncidentQuery(), _viewer())
    by_class = [{"class": k, "incidents": v} for k, v in counts["threat_class"].items()]
    print_table(by_class, ["class", "incidents"], title=f"{counts['total']:,} incidents by class")
    horn = IncidentQuery(countries=("SOM", "YEM", "DJI", "ERI", "OMN"), sources=("piracy",))
    with _engine().connect() as connection:
        yearly = stats(connection, horn, _viewer())["year"]
    rows = [
        {"year": y, "attacks": yearly.get(y, 0)} for y in ("2009", "2010", "2011", "2012", "2013")
    ]
    print_table(rows, ["year", "attacks"], title="Piracy off Somalia and in the Gulf of Aden")
