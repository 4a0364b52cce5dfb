"""``corridor incidents``: import, list, export and count security events.

A thin skin over :mod:`corridor.events.services`: parse the options, make one call,
render. The library loads inside each command, so ``--help`` stays instant.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.options import (
    ClassFilterOption,
    ClassOption,
    CountryOption,
    ForceOption,
    NoTokenOption,
    OneCountryOption,
    OutputOption,
    ServerOption,
    SinceOption,
    UntilOption,
    day_option,
    one_of,
)
from corridor.commands.output import JsonOption, err, fail, note, print_json, print_table
from corridor.errors import InputError

if TYPE_CHECKING:
    from corridor.atlas.catalog import Atlas
    from corridor.events.model import Incident
    from corridor.events.query import IncidentQuery
    from corridor.events.services import ImportProgress
    from corridor.store.import_job import ImportReport

app = typer.Typer(
    help="Security incidents: import public event data (UCDP, ACLED, piracy, NGA ASAM, STIX) "
    "and agency reports, report one, then list, export and count them. Every read shows only "
    "what your organization may see ($CORRIDOR_ORGANIZATION, TLP 2.0). report, list and "
    "export also work on a server (--server URL, the API token in $CORRIDOR_TOKEN).",
    no_args_is_help=True,
)


# --------------------------------------------------------------------------- import


def _report_rows(report: ImportReport) -> list[dict[str, Any]]:
    return [
        {"what": "records read", "count": report.records - report.resumed_from},
        {"what": "inserted", "count": report.counts.inserted},
        {"what": "updated (newer version)", "count": report.counts.updated},
        {"what": "unchanged", "count": report.counts.unchanged},
        {"what": "refused (another organization's)", "count": report.counts.refused},
        {"what": "rejected", "count": report.rejected},
        {"what": "positions normalized (kept)", "count": report.normalized},
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
        "refused": report.counts.refused,
        "rejected": report.rejected,
        "positions_normalized": report.normalized,
        "seconds": round(report.seconds, 3),
        "records_per_second": round(report.records_per_second),
        "rejects_file": str(report.rejects_file) if report.rejects_file else None,
        "run_id": report.run_id,
        "alerts": report.alerts,
    }


@contextmanager
def _progress_bar(title: str, *, quiet: bool = False) -> Iterator[Any]:
    """A bar on stderr that moves with the bytes read (or the records, without a size)."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[records]:,} records"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, disable=quiet, transient=True) as bar:
        task = bar.add_task(title, total=None, records=0)

        def advance(done: ImportProgress) -> None:
            bar.update(
                task, completed=done.bytes_read, total=done.bytes_total, records=done.records
            )

        yield advance


@app.command("import")
def import_(
    path: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="The file to import; - for stdin; .gz files are read as they are; "
            "UTF-8, or UTF-16 with a byte-order mark.",
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
    partner: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="PARTNER",
            help="The partner a STIX bundle came from: its incidents are recorded as "
            "reported by stix:PARTNER, the source `corridor admin trust` rates (default: "
            "the identity the bundle names itself, namespaced the same way).",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="Stop at the first bad record instead of skipping it.")
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            file_okay=False,
            help="The folder for this run's reject file, run-ID-FILE.rejects.csv "
            "(default: rejects/ beside the database).",
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
    Example: corridor incidents import partner-bundle.json --from cert-ua
    """
    from corridor.events.input_files import opened_input
    from corridor.events.services import import_file
    from corridor.store.import_job import StrictImportError

    run = current()
    try:
        with opened_input(path, fmt) as source:  # a bad file is refused before the store opens
            store = run.store(create=True)
            with _progress_bar(f"{source.name} ({source.fmt})") as advance:
                report = import_file(
                    store,
                    source,
                    organization=run.organization,
                    partner=partner,
                    instance=run.instance,
                    strict=strict,
                    rejects=rejects,
                    batch_size=batch_size,
                    progress=advance,
                    atlas=run.atlas(),
                )
    except StrictImportError as exc:
        raise fail(f"{exc} (--strict: stopped; the batches before it are stored)") from exc
    except KeyboardInterrupt as exc:
        raise fail("interrupted: run the same command again to resume", 130) from exc
    if as_json:
        print_json(_report_json(report))
        return
    title = f"{report.file} ({report.format})"
    if report.resumed_from:
        title += f", resumed after {report.resumed_from:,} records"
    print_table(_report_rows(report), ["what", "count"], title=title)
    note(f"{report.records_per_second:,.0f} records/s")
    if report.rejects_file:
        note(f"rejected records and reasons: {report.rejects_file}", style="yellow")
    if report.alerts:
        note(f"alerts: {report.alerts}")


# --------------------------------------------------------------------------- reads


def _bbox(text: str | None) -> str | None:
    """The --bbox text, checked here so a bad box is a usage error naming the option."""
    if text is not None:
        from corridor.events.query import parse_bbox

        try:
            parse_bbox(text)
        except InputError as exc:
            raise typer.BadParameter(str(exc)) from exc
    return text


BboxOption = Annotated[
    str | None,
    typer.Option(
        "--bbox",
        callback=_bbox,
        metavar="W,S,E,N",
        help="WEST,SOUTH,EAST,NORTH in degrees, e.g. 43,10,52,16.",
    ),
]
SourceOption = Annotated[
    list[str] | None,
    typer.Option("--source", help="ucdp, acled, piracy, asam, stix, or an agency's source name."),
]
FatalOption = Annotated[int | None, typer.Option(help="At least this many deaths (best).")]


def _atlas(classes: list[str] | None) -> Atlas | None:
    """The run's atlas (with its overlay) where threat classes need checking; else None."""
    return current().atlas() if classes else None


class Sort(StrEnum):
    newest = "newest"
    oldest = "oldest"


def _query(
    since: date | None,
    until: date | None,
    bbox: str | None,
    countries: list[str] | None,
    classes: list[str] | None,
    sources: list[str] | None,
    min_fatalities: int | None,
    *,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> IncidentQuery:
    from corridor.events.query import IncidentQuery, parse_bbox

    return IncidentQuery(
        since=since,
        until=until,
        bbox=parse_bbox(bbox) if bbox is not None else None,
        countries=tuple(countries or ()),
        threat_classes=tuple(classes or ()),
        sources=tuple(sources or ()),
        min_fatalities=min_fatalities,
        limit=limit,
        offset=offset,
        newest_first=newest_first,
    )


_COLUMNS = ("date", "source", "source_id", "class", "country", "deaths", "title")


def _row(incident: Incident) -> dict[str, Any]:
    return {
        "date": incident.start_date.isoformat(),
        "source": incident.source,
        "source_id": incident.source_id,
        "class": incident.threat_class,
        "country": incident.country,
        "deaths": incident.fatalities_best,
        "title": incident.title,
    }


@app.command("list")
def list_(
    since: SinceOption = None,
    until: UntilOption = None,
    bbox: BboxOption = None,
    country: CountryOption = None,
    threat_class: ClassFilterOption = None,
    source: SourceOption = None,
    min_fatalities: FatalOption = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many rows first.")] = 0,
    sort: Annotated[Sort, typer.Option(help="newest or oldest first.")] = Sort.newest,
    server: ServerOption = None,
    token: NoTokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Incidents matching the filters, newest first, a page at a time.

    Example: corridor incidents list --class piracy --bbox 43,10,52,16 --since 2011 --until 2011
    Example: corridor incidents list --country Syria --min-fatalities 50 --json
    Example: corridor incidents list --sort oldest --limit 20 --offset 20
    Example: corridor incidents list --server http://127.0.0.1:8000 --country UZB --since 2024
    """
    run = current()
    query = _query(
        since, until, bbox, country, threat_class, source, min_fatalities,
        limit=limit, offset=offset, newest_first=sort is Sort.newest,
    )  # fmt: skip
    remote = run.server(server)
    if remote is not None:
        page = remote.list_incidents(query)
    else:
        from corridor.events.services import list_incidents

        page = list_incidents(run.store(), run.viewer(), query, atlas=_atlas(threat_class))
    if as_json:
        from corridor.events.importers.generic import incident_to_dict

        print_json([incident_to_dict(i) for i in page.incidents])
        return
    shown = len(page.incidents)
    first = offset + 1 if shown else offset
    title = f"Incidents {first:,}-{offset + shown:,} of {page.total:,} ({sort.value} first)"
    print_table([_row(i) for i in page.incidents], _COLUMNS, title=title)
    if page.next_offset is not None:
        note(f"{shown:,} of {page.total:,}; next page: --offset {page.next_offset}")


class ExportChoice(StrEnum):
    csv = "csv"
    geojson = "geojson"
    stix = "stix"


@app.command()
def export(
    fmt: Annotated[ExportChoice, typer.Option("--format", "-f", help="csv, geojson or stix.")],
    output: OutputOption = None,
    force: ForceOption = False,
    since: SinceOption = None,
    until: UntilOption = None,
    bbox: BboxOption = None,
    country: CountryOption = None,
    threat_class: ClassFilterOption = None,
    source: SourceOption = None,
    min_fatalities: FatalOption = None,
    server: ServerOption = None,
    token: NoTokenOption = None,
) -> None:
    """Export incidents you may read as CSV (re-importable), GeoJSON or a STIX 2.1 bundle.

    Example: corridor incidents export --format stix --class piracy -o piracy.json
    Example: corridor incidents export --format csv --server http://127.0.0.1:8000 -o shared.csv
    """
    import sys

    from corridor.files import atomic_write

    run = current()
    query = _query(since, until, bbox, country, threat_class, source, min_fatalities)
    remote = run.server(server)

    def write(handle: IO[str]) -> int | None:
        if remote is not None:
            return remote.export_incidents(query, fmt.value, handle)
        from corridor.events.services import export_incidents

        return export_incidents(run.store(), run.viewer(), query, fmt.value, handle,
                                atlas=_atlas(threat_class))  # fmt: skip

    if output is None:
        count = write(sys.stdout)
    else:
        with atomic_write(output, force=force) as handle:
            count = write(handle)
    what = f"{count:,} incidents" if count is not None else "incidents"
    note(f"exported {what}" + (f" to {output}" if output else ""), style="")


# --------------------------------------------------------------------------- report


def _position(value: str | None) -> str | None:
    """The --at text, checked: a position (longitude, latitude first), else a usage error."""
    if value is not None:
        from corridor.coordinates import parse_position

        try:
            parse_position(value)
        except InputError as exc:
            raise typer.BadParameter(f"{value!r} {exc}") from exc
    return value


def _day(value: str | None) -> str | None:
    """The --date text, checked (YYYY, YYYY-MM or YYYY-MM-DD)."""
    if value is not None:
        day_option(value)
    return value


# The options that give each field of a report made on the command line.
_OPTION_OF = {
    "source": "--source",
    "source_id": "--id",
    "title": "--title",
    "start_date": "--date",
    "threat_class": "--class",
    "longitude": "--at",
    "latitude": "--at",
    "location_name": "--place",
    "description": "--description",
    "fatalities_best": "--fatalities",
    "actors": "--actor",
}
_PRECISION = {4: "year", 7: "month"}  # YYYY, YYYY-MM: what --date names


def _incident_from_options(fields: dict[str, Any]) -> Incident:
    """The incident the options describe; a usage error naming the option at fault."""
    from corridor.coordinates import parse_position
    from corridor.dates import parse_day
    from corridor.events.importers.base import FieldError
    from corridor.events.importers.generic import incident_from_record
    from corridor.events.model import severity_for

    missing = [_OPTION_OF[f] for f in ("source_id", "title", "start_date", "threat_class")
               if not fields.get(f)]  # fmt: skip
    if missing:
        raise typer.BadParameter(
            f"give FILE, or {', '.join(missing)} (and the other fields you know)",
            param_hint=missing[0],
        )
    day = str(fields["start_date"]).strip()
    at = fields.pop("at")
    position = parse_position(at) if at is not None else None
    record = {
        **fields,
        "start_date": parse_day(day).isoformat(),
        "date_precision": _PRECISION.get(len(day), "day"),
        "longitude": position[0] if position else None,
        "latitude": position[1] if position else None,
        "severity": severity_for(fields["fatalities_best"]),
    }
    try:
        return incident_from_record({k: v for k, v in record.items() if v not in (None, [])})
    except FieldError as exc:
        hint = _OPTION_OF.get(exc.field, exc.field)
        raise typer.BadParameter(f"{exc.value!r} {exc.reason}", param_hint=hint) from exc


def _incident_in(path: str) -> Incident:
    """The one incident in a file of the incident format; InputError naming the file."""
    import itertools
    from contextlib import closing

    from corridor.events.importers import FORMATS, read_records
    from corridor.events.importers.base import Rejected
    from corridor.events.input_files import opened_input
    from corridor.events.services import OWN_REPORT_FORMATS

    with opened_input(path) as source:
        if source.fmt not in OWN_REPORT_FORMATS:
            raise InputError(
                f"{source.name}: {source.fmt} is public data, for `corridor incidents import`; "
                "report takes a file of the incident format (csv, json or geojson)"
            )
        reader = read_records(FORMATS[source.fmt], source.stream, source.path)
        with closing(reader):
            found = list(itertools.islice(reader, 2))
    if len(found) != 1:
        held = "no incident" if not found else "more than one incident"
        raise InputError(
            f"{source.name}: holds {held}; report takes one (`corridor incidents import` "
            "takes many)"
        )
    if isinstance(found[0], Rejected):
        raise InputError(str(found[0]))
    return found[0]


def _reported(file: str | None, fields: dict[str, Any], tlp: str | None) -> Incident:
    """The incident in FILE (with --tlp as its label if given) or in the options."""
    import dataclasses

    from corridor.events.model import Tlp

    if file is not None:
        given = sorted(
            {_OPTION_OF.get(k, f"--{k}") for k, v in fields.items() if v not in (None, [])}
        )
        if given:
            raise typer.BadParameter(
                f"give FILE or the incident's options, not both ({', '.join(given)})",
                param_hint=given[0],
            )
        incident = _incident_in(file)
        return incident if tlp is None else dataclasses.replace(incident, tlp=Tlp(tlp))
    if tlp is None:
        raise typer.BadParameter(
            "say who may read it: clear, green, amber, amber+strict or red", param_hint="--tlp"
        )
    return _incident_from_options({**fields, "source": fields["source"] or "report", "tlp": tlp})


TlpReportOption = Annotated[
    str | None,
    typer.Option(
        "--tlp",
        callback=one_of("corridor.events.model", "Tlp"),
        metavar="LABEL",
        help="Who may read it (TLP 2.0): clear (anyone), green (every organization on the "
        "platform), amber, amber+strict or red (your organization and the --share-with "
        "groups). Needed without FILE; with FILE, it replaces the file's label.",
    ),
]
ShareWithOption = Annotated[
    list[str] | None,
    typer.Option(
        "--share-with",
        metavar="GROUP",
        help="A sharing group whose members may read it too (`corridor admin group list`); "
        "repeat for several.",
    ),
]


@app.command()
def report(
    file: Annotated[
        str | None,
        typer.Argument(
            metavar="FILE",
            help="A CSV, JSON or GeoJSON file of the incident format holding one incident "
            "(docs/incident-format.md); - for stdin. Without it, the options say what happened.",
        ),
    ] = None,
    source_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="Your reference for it (a case number): reporting the same --source and --id "
            "again updates your report.",
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Whose numbering --id follows (default: report).")
    ] = None,
    title: Annotated[str | None, typer.Option(help="What happened, in a line.")] = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--date", callback=_day, metavar="DATE", help="When: YYYY, YYYY-MM or YYYY-MM-DD."
        ),
    ] = None,
    threat_class: Annotated[
        str | None,
        typer.Option("--class", metavar="CLASS", help="Threat class (`corridor atlas threats`)."),
    ] = None,
    country: OneCountryOption = None,
    at: Annotated[
        str | None,
        typer.Option(
            metavar="LON,LAT", callback=_position, help="Where: 66.74,39.51 or 39.51N 66.74E."
        ),
    ] = None,
    place: Annotated[str | None, typer.Option(help="The place's name.")] = None,
    description: Annotated[str | None, typer.Option(help="What is known, in full.")] = None,
    fatalities: Annotated[int | None, typer.Option(min=0, help="Deaths (best estimate).")] = None,
    actor: Annotated[
        list[str] | None, typer.Option("--actor", help="Who did it; repeat for several.")
    ] = None,
    tlp: TlpReportOption = None,
    share_with: ShareWithOption = None,
    server: ServerOption = None,
    token: NoTokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Report one incident as your organization: from the options, or from FILE.

    Against a store you report as $CORRIDOR_ORGANIZATION; against a server (--server), as
    the organization of the token's user (role reporter).

    Example: corridor incidents report --id KZ-2024-0031 --title "Shots fired at a compressor station" --date 2024-03-05 --class infrastructure_attack --country UZB --at 66.74,39.51 --tlp amber
    Example: corridor incidents report report.json --tlp amber+strict --json
    Example: corridor incidents report report.json --tlp amber --share-with pipeline-pair --server http://127.0.0.1:8000
    """  # noqa: E501
    from corridor.events.importers.generic import record_from_incident

    fields = {
        "source_id": source_id, "source": source, "title": title,
        "start_date": day, "threat_class": threat_class, "country": country, "at": at,
        "location_name": place, "description": description, "fatalities_best": fatalities,
        "actors": actor or [],
    }  # fmt: skip
    record = record_from_incident(_reported(file, fields, tlp))
    groups = list(dict.fromkeys(share_with or ()))
    run = current()
    remote = run.server(server)
    if remote is not None:
        stored = remote.report_incident(record, share_with=groups)
    else:
        from corridor.cooperation.reports import report_incident

        store = run.store(create=True)
        stored = report_incident(store, run.principal(), record, share_with=groups,
                                 atlas=run.atlas, instance=run.instance)  # fmt: skip
    if as_json:
        from corridor.events.importers.generic import incident_to_dict

        print_json({"uuid": str(stored.uuid), **incident_to_dict(stored), "shared_with": groups})
        return
    shared = f", shared with {', '.join(groups)}" if groups else ""
    title = f"Reported as {stored.reporter} (TLP:{stored.tlp.value.upper()}{shared})"
    print_table([_row(stored)], _COLUMNS, title=title)
    note(f"uuid {stored.uuid}")


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
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Counts per threat class, country and year of the incidents you may read.

    Example: corridor incidents stats --class piracy --country SOM --country YEM
    Example: corridor incidents stats --source piracy --chart piracy.png
    """
    from corridor.events.services import incident_stats

    run = current()
    if chart is not None:
        from corridor.files import check_target

        check_target(chart, force=force)
    query = _query(since, until, bbox, country, threat_class, source, None)
    counts = incident_stats(run.store(), run.viewer(), query, atlas=_atlas(threat_class))
    if chart is not None:
        from corridor.charts import draw_yearly_counts

        note(f"wrote {draw_yearly_counts(counts.by_year_class, chart)}", style="")
    if as_json:
        print_json(counts.as_dict())
        return
    note(f"{counts.total:,} incidents", style="")
    print_table([{"threat_class": k, "incidents": v} for k, v in counts.by_class.items()],
                ["threat_class", "incidents"], title="per class")  # fmt: skip
    print_table([{"year": k, "incidents": v} for k, v in counts.by_year.items()],
                ["year", "incidents"], title="per year")  # fmt: skip
    print_table(
        [{"country": k, "incidents": v} for k, v in counts.top_countries(20)],
        ["country", "incidents"],
        title="top 20 countries",
    )


def demo_import() -> None:
    """Import the bundled datasets and show what the store holds (the demo's second act)."""
    from corridor.events.query import IncidentQuery
    from corridor.events.services import import_bundled_datasets, incident_stats

    run = current()
    store = run.store(create=True)
    reports = import_bundled_datasets(store, organization=run.organization, instance=run.instance)
    rows = [{**_report_json(report), "file": name} for name, report in reports]
    columns = ["file", "format", "records", "inserted", "updated", "unchanged", "rejected"]
    print_table(rows, columns, title="Imported (a second run changes nothing)")
    counts = incident_stats(store, run.viewer(), IncidentQuery())
    by_class = [{"class": k, "incidents": v} for k, v in counts.by_class.items()]
    print_table(by_class, ["class", "incidents"], title=f"{counts.total:,} incidents by class")
    horn = IncidentQuery(countries=("SOM", "YEM", "DJI", "ERI", "OMN"), sources=("piracy",))
    yearly = incident_stats(store, run.viewer(), horn).by_year
    rows = [
        {"year": y, "attacks": yearly.get(y, 0)} for y in ("2009", "2010", "2011", "2012", "2013")
    ]
    title = "Pirate attacks nearest SOM, YEM, DJI, ERI, OMN (this file's counting)"
    print_table(rows, ["year", "attacks"], title=title)
    note(
        "Not the figure seed 000 quotes from the IMB (237 in 2011, 15 in 2013). The IMB counts "
        "the attacks it lays at Somali pirates' door wherever they struck, out to the Arabian "
        "Sea and the Indian Ocean; this file gives each attack to the country whose shore is "
        "nearest, so Somali attacks off Kenya, Tanzania, the Seychelles or India count "
        "elsewhere. Both count attempts. Its records to 2014 come from the Mapping Maritime "
        "Piracy data, from 2015 from the IMB. The whole western Indian Ocean "
        "(--bbox 32,-12,70,30) holds 234 in 2011 and 21 in 2013; the README's Incidents "
        "section says more."
    )
