"""Every bad input a user can type or feed in, as one table: one clear line, the right exit
code, no traceback, and nothing changed in the store or the working folder.

To add a case, add a ``Case`` to the section of its capability. Placeholders in the
arguments: ``{tmp}`` is the test's empty working folder, ``{fixtures}`` the folder of
small real files under tests/events/fixtures, ``{db}`` the store's file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli import run

FIXTURES = Path(__file__).parent / "events" / "fixtures"
REPORTS = FIXTURES / "generic" / "reports.json"


@dataclass(frozen=True)
class Case:
    """``corridor ARGS`` must exit ``code`` and say ``says`` (case-insensitive) on stderr."""

    id: str
    args: tuple[str, ...]
    says: str
    code: int = 1
    store: bool = True  # run against a store holding the generic reports; else no store at all
    prepare: str | None = None  # the name of a function below that writes input files into {tmp}
    setup: tuple[tuple[str, ...], ...] = ()  # commands run on the store first (their changes ok)
    token: str | None = None  # $CORRIDOR_TOKEN


# --------------------------------------------------------------------------- inputs made on demand


def _truncated_gzip(tmp: Path) -> None:
    whole = gzip.compress((FIXTURES / "generic" / "reports.csv").read_bytes())
    (tmp / "cut.csv.gz").write_bytes(whole[: len(whole) // 2])


def _utf16_csv(tmp: Path) -> None:
    """UTF-16 without a byte-order mark (with one, it imports: see test_cli_incidents)."""
    text = (FIXTURES / "generic" / "reports.csv").read_text(encoding="utf-8")
    (tmp / "utf16.csv").write_bytes(text.encode("utf-16-le"))


def _latin1_csv(tmp: Path) -> None:
    text = (FIXTURES / "generic" / "reports.csv").read_text(encoding="utf-8")
    (tmp / "latin1.csv").write_bytes(text.replace("attack", "attaqué").encode("latin-1"))


def _json_comma_on_line_51(tmp: Path) -> None:
    record = '{"source": "x", "source_id": "%d", "title": "t", "start_date": "2024-01-01"}'
    lines = ['{"incidents": [', *(record % n + "," for n in range(49))]
    lines += [record.replace("}", ",}") % 49, "]}"]  # a trailing comma inside line 51
    (tmp / "comma.json").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _binary_file(tmp: Path) -> None:
    (tmp / "image.csv").write_bytes(bytes(range(256)) * 4)


def _not_gzip(tmp: Path) -> None:
    (tmp / "plain.csv.gz").write_bytes((FIXTURES / "generic" / "reports.csv").read_bytes())


def _existing_output(tmp: Path) -> None:
    (tmp / "taken.csv").write_text("keep me\n")


def _bracket_json(tmp: Path) -> None:
    (tmp / "brackets.json").write_text('[{"source": "x", "title": "[bold]oops[/bold]"')


def _bad_ports(tmp: Path) -> None:
    (tmp / "ports.csv").write_text("name,lon,lat\nA,50,26\nB,east,26\n")
    (tmp / "names.csv").write_text("name\nRotterdam\nAtlantiss\n")
    (tmp / "inland.csv").write_text("name,lon,lat\nAlmaty,76.9,43.2\n")


def _atlas_folder(tmp: Path) -> None:
    (tmp / "my-atlas").mkdir()
    (tmp / "my-atlas" / "threats.yaml").write_text("my edits\n")


def _bad_indicators(tmp: Path) -> None:
    (tmp / "indicators.csv").write_text("nation,score\nKAZ,1\n")


def _bad_profile(tmp: Path) -> None:
    (tmp / "profile.yaml").write_text("name: mine\nversion: 1\nexposure:\n  radius_km: -5\n")


def _bad_assets(tmp: Path) -> None:
    feature = '{"type": "Feature", "properties": {"id": "mine", "criticality": "vital"}, '
    feature += '"geometry": {"type": "Point", "coordinates": [44, 12]}}'
    (tmp / "assets.geojson").write_text(
        f'{{"type": "FeatureCollection", "features": [\n{feature}\n]}}'
    )


def _tlp_white_report(tmp: Path) -> None:
    record = json.loads((FIXTURES / "generic" / "report.json").read_text())["incidents"][0]
    (tmp / "white.json").write_text(json.dumps([{**record, "tlp": "white"}]))


PREPARE = {
    f.__name__.lstrip("_"): f
    for f in (
        _truncated_gzip,
        _utf16_csv,
        _existing_output,
        _bracket_json,
        _atlas_folder,
        _bad_ports,
        _latin1_csv,
        _json_comma_on_line_51,
        _binary_file,
        _not_gzip,
        _bad_indicators,
        _bad_profile,
        _bad_assets,
        _tlp_white_report,
    )
}


# --------------------------------------------------------------------------- the table

GENERAL = [
    Case("read without a store", ("incidents", "list"), "no database at", store=False),
    Case("stats without a store", ("incidents", "stats"), "corridor demo", store=False),
    Case(
        "--db in a missing folder",
        ("--db", "{tmp}/no/such/x.sqlite", "incidents", "import", str(REPORTS)),
        "no folder",
    ),
    Case("--db not a URL", ("--db", "nosuch://x", "incidents", "list"), "unsupported database"),
    Case("--db a folder", ("--db", "{tmp}", "incidents", "list"), "is a folder"),
    Case(
        "--db unreachable PostgreSQL",
        ("--db", "postgresql://nobody@127.0.0.1:1/x", "incidents", "list"),
        "cannot reach the database",
    ),
    Case(
        "--db not a database file",
        ("--db", str(REPORTS), "incidents", "list"),
        "not an sqlite database",
    ),
    Case("--atlas-dir missing", ("--atlas-dir", "{tmp}/nope", "atlas", "countries"), "nope", 2),
]


def _atlas(id: str, args: tuple[str, ...], says: str, code: int = 2, **more: str) -> Case:
    """An atlas case: the atlas needs no store."""
    return Case(f"atlas {id}", ("atlas", *args), says, code, store=False, **more)


ATLAS = [
    _atlas("countries --zone unknown", ("countries", "--zone", "nonsense"), "choose from core"),
    _atlas("countries --route unknown", ("countries", "--route", "silk"), "road route 'silk'"),
    _atlas("countries --member-of unknown", ("countries", "--member-of", "NATOO"), "did you mean"),
    _atlas("mechanisms --kind unknown", ("mechanisms", "--kind", "nonsense"), "mechanism kind"),
    _atlas("mechanisms --domain unknown", ("mechanisms", "--domain", "aliens"), "threat class"),
    _atlas("mechanisms --country unknown code", ("mechanisms", "--country", "XXX"), "'XXX'"),
    _atlas("mechanisms --member unknown code", ("mechanisms", "--member", "XXX"), "'XXX'"),
    _atlas(
        "mechanisms --member misspelt name",
        ("mechanisms", "--member", "Kazakstan"),
        "did you mean 'Kazakhstan'",
    ),
    _atlas("assets --kind unknown", ("assets", "--kind", "nonsense"), "asset kind 'nonsense'"),
    _atlas("assets --country unknown", ("assets", "--country", "Atlantis"), "'Atlantis'"),
    _atlas("assets --criticality unknown", ("assets", "--criticality", "vital"), "'vital'"),
    _atlas("assets --status unknown", ("assets", "--status", "operatng"), "'operating'"),
    _atlas("disputes --kind unknown", ("disputes", "--kind", "air"), "dispute kind 'air'"),
    _atlas("disputes --party unknown", ("disputes", "--party", "XXX"), "'XXX'"),
    _atlas("show an unknown id", ("show", "malaca"), "did you mean 'malacca'"),
    _atlas("--atlas-dir of atlas missing", ("--atlas-dir", "{tmp}/nope", "countries"), "nope"),
    _atlas("check a missing folder", ("check", "{tmp}/nope"), "nope"),
    _atlas("export --format unknown", ("export", "--format", "kml"), "export format 'kml'"),
    _atlas("export --layer unknown", ("export", "--layer", "asset"), "did you mean 'assets'"),
    _atlas(
        "export onto an existing file",
        ("export", "--format", "csv", "-o", "{tmp}/taken.csv"),
        "--force",
        1,
        prepare="existing_output",
    ),
    _atlas(
        "export into a missing folder",
        ("export", "-o", "{tmp}/no/such/atlas.geojson"),
        "no folder",
        1,
    ),
    _atlas(
        "map onto an existing file",
        ("map", "-o", "{tmp}/taken.csv"),
        "--force",
        1,
        prepare="existing_output",
    ),
    _atlas("map into a missing folder", ("map", "-o", "{tmp}/no/such/map.png"), "no folder", 1),
    _atlas(
        "copy onto an existing atlas folder",
        ("copy", "{tmp}/my-atlas"),
        "--force",
        1,
        prepare="atlas_folder",
    ),
    _atlas(
        "copy --force onto a folder of other files",
        ("copy", "{tmp}", "--force"),
        "not atlas files",
        1,
        prepare="existing_output",
    ),
    _atlas(
        "copy onto a file",
        ("copy", "{tmp}/taken.csv"),
        "is a file",
        1,
        prepare="existing_output",
    ),
    _atlas("copy into a missing folder", ("copy", "{tmp}/no/such/atlas"), "no folder", 1),
]

INCIDENTS = [
    Case("import a missing file", ("incidents", "import", "{tmp}/nothing.csv"), "nothing.csv"),
    Case("import a folder", ("incidents", "import", "{tmp}"), "is a folder"),
    Case(
        "import a truncated gzip",
        ("incidents", "import", "{tmp}/cut.csv.gz"),
        "cut.csv.gz: the gzip file is truncated",
        prepare="truncated_gzip",
    ),
    Case(
        "import a .gz that is not gzip",
        ("incidents", "import", "{tmp}/plain.csv.gz"),
        "plain.csv.gz: the gzip file is truncated or damaged",
        prepare="not_gzip",
    ),
    Case(
        "import UTF-16 without a byte-order mark",
        ("incidents", "import", "{tmp}/utf16.csv"),
        "utf-16",
        prepare="utf16_csv",
    ),
    Case(
        "import Latin-1 text",
        ("incidents", "import", "{tmp}/latin1.csv"),
        "is not utf-8 text (byte 0xe9 on line",
        prepare="latin1_csv",
    ),
    Case(
        "import a binary file",
        ("incidents", "import", "{tmp}/image.csv"),
        "not a text file",
        prepare="binary_file",
    ),
    Case(
        "import: brackets in the error are shown, not eaten",
        ("incidents", "import", "{tmp}/brackets.json", "--format", "json"),
        "brackets.json: line 1, column 46: is not valid json (premature eof)",
        prepare="bracket_json",
    ),
    Case(
        "import JSON broken on line 51 says line 51",
        ("incidents", "import", "{tmp}/comma.json"),
        "comma.json: line 51,",
        prepare="json_comma_on_line_51",
    ),
    Case(
        "import --format unknown",
        ("incidents", "import", str(REPORTS), "--format", "jsn"),
        "did you mean 'json'",
        2,
    ),
    Case(
        "import --rejects into a missing folder",
        ("incidents", "import", str(REPORTS), "--rejects", "{tmp}/no/such"),
        "no such folder",
    ),
    Case(
        "export onto an existing file",
        ("incidents", "export", "--format", "csv", "-o", "{tmp}/taken.csv"),
        "--force",
        prepare="existing_output",
    ),
    Case(
        "export into a missing folder",
        ("incidents", "export", "--format", "csv", "-o", "{tmp}/no/such/out.csv"),
        "no folder",
    ),
    Case("export --format unknown", ("incidents", "export", "--format", "xml"), "xml", 2),
    Case(
        "stats --chart onto an existing file",
        ("incidents", "stats", "--chart", "{tmp}/taken.csv"),
        "--force",
        prepare="existing_output",
    ),
    Case("list --since not a date", ("incidents", "list", "--since", "2011-13"), "not a date", 2),
    Case("list --until not a date", ("incidents", "list", "--until", "soon"), "not a date", 2),
    Case(
        "list --country unknown name",
        ("incidents", "list", "--country", "Kazakstan"),
        "'kazakstan' is unknown; did you mean",  # Typer's box folds the rest of the line
        2,
    ),
    Case("list --country unknown code", ("incidents", "list", "--country", "XXX"), "XXX", 2),
    Case(
        "list --class unknown",
        ("incidents", "list", "--class", "piracyy"),
        "did you mean 'piracy'",
        2,
    ),
    Case(
        "list --source unknown",
        ("incidents", "list", "--source", "ucpd"),
        "did you mean 'ucdp'",
        2,
    ),
    Case(
        "stats --source unknown lists the sources",
        ("incidents", "stats", "--source", "nonsense"),
        "choose from",
        2,
    ),
    Case(
        "import --from for a file that is no STIX bundle",
        ("incidents", "import", str(REPORTS), "--from", "cert-ua"),
        "--from names the partner a stix bundle came from; this is a json file",
    ),
    Case(
        "import --from that is no name",
        ("incidents", "import", "{fixtures}/stix/foreign-bundle.json", "--from", "cert ua"),
        "partner (--from) 'cert ua': use letters",
    ),
    Case("list --bbox of three numbers", ("incidents", "list", "--bbox", "1,2,3"), "WEST,SOUTH", 2),
    Case("list --bbox south above north", ("incidents", "list", "--bbox", "1,50,3,40"), "north", 2),
]

# Against a server: nobody listens on 127.0.0.1:1, so no case here needs one to run
# (tests/test_cli_server.py has what a real server refuses).
NOWHERE = "http://127.0.0.1:1"
TOKEN = "cst_0123456789ab_no-server-knows-this"
_REPORT = ("incidents", "report", "--id", "R-1", "--title", "t", "--date", "2024-05-02")
SERVER = [
    Case("--server beside --db", ("--db", "{db}", "incidents", "list", "--server", NOWHERE),
         "--db names a store and --server a server", 2),
    Case("--server not a URL", ("incidents", "list", "--server", "localhost:8000"),
         "'localhost:8000' is not a server address such as http://", 2),
    Case("--server with a query", ("incidents", "export", "-f", "csv", "--server",
         "http://h/?token=x"), "give the server's address alone", 2),
    Case("--token on the command line", ("incidents", "list", "--server", NOWHERE, "--token",
         "cst_x"), "put the API token in $CORRIDOR_TOKEN, never on the command line", 2),
    Case("--server without $CORRIDOR_TOKEN", ("incidents", "list", "--server", NOWHERE),
         "set CORRIDOR_TOKEN to your API token for http://127.0.0.1:1"),
    Case("$CORRIDOR_TOKEN with a space", ("incidents", "list", "--server", NOWHERE),
         "the token in $CORRIDOR_TOKEN is not a token (it is empty or holds spaces)",
         token="cst_0123 4567"),
    Case("--server nobody listens on", ("incidents", "list", "--server", NOWHERE),
         "cannot reach the server at http://127.0.0.1:1 (connection refused)", token=TOKEN),
    Case("report to a server nobody listens on", (*_REPORT, "--class", "piracy", "--tlp",
         "amber", "--server", NOWHERE), "cannot reach the server at", token=TOKEN),
    Case("export to a server onto an existing file", ("incidents", "export", "-f", "csv",
         "--server", NOWHERE, "-o", "{tmp}/taken.csv"), "--force", token=TOKEN,
         prepare="existing_output"),
    Case("report with neither FILE nor fields", ("incidents", "report", "--tlp", "amber"),
         "give FILE, or --id, --title, --date, --class", 2),
    Case("report without --tlp", (*_REPORT, "--class", "piracy"), "say who may read it", 2),
    Case("report --tlp unknown", (*_REPORT, "--class", "piracy", "--tlp", "white"),
         "'white' is not one of clear", 2),
    Case("report --class unknown", (*_REPORT, "--class", "piracyy", "--tlp", "red"),
         "'piracyy' is not a threat id of the atlas", 2),
    Case("report --date not a date", ("incidents", "report", "--date", "May"), "not a date", 2),
    Case("report --at not a position", (*_REPORT, "--class", "piracy", "--tlp", "red",
         "--at", "200,10"), "longitude is outside -180..180", 2),
    Case("report --share-with an unknown group", (*_REPORT, "--class", "piracy", "--tlp",
         "amber", "--share-with", "nobody-here"), "sharing group 'nobody-here' is unknown", 2),
    Case("report FILE and fields", ("incidents", "report", str(REPORTS), "--title", "x"),
         "give FILE or the incident's options, not both (--title)", 2),
    Case("report a file of several", ("incidents", "report", str(REPORTS)),
         "reports.json: holds more than one incident; report takes one"),
    Case("report a bad record", ("incidents", "report", "{tmp}/white.json"),
         "white.json:1: field 'tlp': is tlp 1.0; tlp 2.0 calls it 'clear'",
         prepare="tlp_white_report"),
    Case("report public data", ("incidents", "report", str(FIXTURES / "asam" /
         "asam_api.json")), "is public data, for `corridor incidents import`"),
    Case("report a missing file", ("incidents", "report", "{tmp}/nothing.json"),
         "nothing.json: no such file"),
]  # fmt: skip

RISK = [
    Case("risk without a store", ("risk", "assets"), "no database at", store=False),
    Case("--as-of not a date", ("risk", "assets", "--as-of", "2011-13-01"), "not a date", 2),
    Case(
        "--class unknown",
        ("risk", "countries", "--class", "pirates"),
        "Invalid value for '--class': threat class 'pirates' is unknown",
        2,
    ),
    Case(
        "explain an unknown asset",
        ("risk", "explain", "port-gwadr"),
        "asset or country 'port-gwadr' is unknown; did you mean 'port-gwadar'",
        2,
    ),
    Case(
        "explain an unknown country",
        ("risk", "explain", "Somalya"),
        "asset or country 'Somalya' is unknown; did you mean 'Somalia'",
        2,
    ),
    Case(
        "explain a country without a score",
        ("risk", "explain", "ATA", "--as-of", "2011"),
        "ATA: no incidents in the window",
    ),
    Case(
        "--route names an unknown asset",
        ("risk", "corridors", "--route", "port-gwadar,nowhere"),
        "--route: asset or country 'nowhere' is unknown",
        2,
    ),
    Case("--route names nothing", ("risk", "corridors", "--route", " , "), "at least one", 2),
    Case(
        "--indicators missing",
        ("risk", "countries", "--indicators", "{tmp}/missing.csv"),
        "missing.csv: no such indicator file",
    ),
    Case(
        "--indicators not an indicator file",
        ("risk", "corridors", "--indicators", "{tmp}/indicators.csv"),
        "indicators.csv:1: field 'header'",
        prepare="bad_indicators",
    ),
    Case(
        "--profile with a bad value",
        ("risk", "assets", "--profile", "{tmp}/profile.yaml"),
        "profile.yaml:4: exposure.radius_km",
        prepare="bad_profile",
    ),
    Case(
        "--assets with a bad feature",
        ("risk", "assets", "--assets", "{tmp}/assets.geojson"),
        "assets.geojson:2: feature 1: criticality",
        prepare="bad_assets",
    ),
    Case(
        "backtest --train-until not a date",
        ("risk", "backtest", "--train-until", "last year"),
        "not a date",
        2,
    ),
    Case(
        "countries --method unknown",
        ("risk", "countries", "--method", "best"),
        "--method 'best' is unknown; choose from last_year, ewma, count_model, composite",
        2,
    ),
    Case(
        "backtest --plot into a missing folder",
        ("risk", "backtest", "--plot", "{tmp}/no/such/cal.png"),
        "no folder",
    ),
    Case(
        "backtest --last-year not a year",
        ("risk", "backtest", "--last-year", "last"),
        "--last-year",
        2,
    ),
    Case(
        "--map into a missing folder",
        ("risk", "assets", "--as-of", "2024", "--map", "{tmp}/no/such/map.png"),
        "no folder",
    ),
    Case("--map not a picture", ("risk", "countries", "--map", "{tmp}/map.txt"), ".png"),
    Case(
        "profile --write onto an existing file",
        ("risk", "profile", "--write", "{tmp}/taken.csv"),
        "--force",
        prepare="existing_output",
    ),
    Case(
        "profile --write into a missing folder",
        ("risk", "profile", "--write", "{tmp}/no/such/mine.yaml"),
        "no folder",
    ),
]

SEA = ("routes", "sea")
ROUTES = [
    Case("sea: unknown port", (*SEA, "Shanghaii", "Rotterdam"), "did you mean 'shanghai'", 2),
    Case(
        "sea: not a position",
        (*SEA, "200,10", "Rotterdam"),
        "200,10: longitude is outside -180..180",
    ),
    Case(
        "sea: inland, beyond --max-snap-km",
        (*SEA, "76.9,43.2", "Rotterdam"),
        "76.9,43.2: the nearest sea lane is 2,232 km away",
    ),
    Case(
        "sea: --max-snap-km named in the refusal",
        (*SEA, "Rotterdam", "76.9,43.2", "--max-snap-km", "1000"),
        "beyond the 1000 km allowed; give a port or a point at sea, or raise --max-snap-km",
    ),
    Case(
        "sea: a mistyped option after a position",
        (*SEA, "-93.87,29.73", "Tokyo", "--clos", "hormuz"),
        "no such option: --clos (did you mean --close?)",
        2,
    ),
    Case("sea: negative speed", (*SEA, "Shanghai", "Rotterdam", "--speed", "-3"), "--speed", 2),
    Case(
        "sea: unknown chokepoint",
        (*SEA, "Shanghai", "Rotterdam", "--close", "hormus"),
        "did you mean 'hormuz'",
        2,
    ),
    Case(
        "sea: a chokepoint the network cannot close",
        (*SEA, "Shanghai", "Rotterdam", "--close", "lombok"),
        "lombok: the sea network has no passage to close there",
        2,
    ),
    Case(
        "sea: --as-of not a date",
        (*SEA, "Singapore", "Jeddah", "--exposure", "--as-of", "2011-13"),
        "not a date",
        2,
    ),
    Case(
        "sea: --class unknown",
        (*SEA, "Singapore", "Jeddah", "--exposure", "--class", "piracyy"),
        "threat class 'piracyy' is unknown; did you mean 'piracy'",
        2,
    ),
    Case(
        "sea: --exposure without a store",
        (*SEA, "Singapore", "Jeddah", "--exposure"),
        "no database at",
        store=False,
    ),
    Case(
        "sea: unknown vessel class",
        (*SEA, "Shanghai", "Rotterdam", "--vessel", "vlcc2"),
        "vessel class 'vlcc2' is unknown; did you mean 'vlcc'",
        2,
    ),
    Case(
        "sea: a class with no ballast draft in ballast",
        (*SEA, "Shanghai", "Rotterdam", "--vessel", "ulcv", "--ballast"),
        "ulcv: no ballast draft is known for the class; give --draft",
    ),
    Case(
        "sea: a negative draft",
        (*SEA, "Shanghai", "Rotterdam", "--vessel", "vlcc", "--draft", "-3"),
        "--draft",
        2,
    ),
    Case(
        "sea: a beam beyond any ship",
        (*SEA, "Shanghai", "Rotterdam", "--beam", "1500"),
        "--beam: 1500 m is not a ship's size",
    ),
    Case(
        "matrix: unknown vessel class",
        ("routes", "matrix", "--close", "hormuz", "--vessel", "q-maxx"),
        "did you mean 'q-max'",
        2,
    ),
    Case(
        "matrix: a bad number in the ports",
        ("routes", "matrix", "{tmp}/ports.csv", "--close", "hormuz"),
        "ports.csv:3: lon: 'east' is not a number",
        prepare="bad_ports",
    ),
    Case(
        "matrix: an unknown port name in the ports",
        ("routes", "matrix", "{tmp}/names.csv", "--close", "hormuz"),
        "names.csv:3: name: port 'atlantiss' is unknown",
        prepare="bad_ports",
    ),
    Case(
        "matrix: an inland port",
        ("routes", "matrix", "{tmp}/inland.csv", "--close", "hormuz"),
        "almaty: the nearest sea lane is 2,232 km away",
        prepare="bad_ports",
    ),
    Case(
        "matrix: a missing ports file",
        ("routes", "matrix", "{tmp}/nothing.csv", "--close", "hormuz"),
        "nothing.csv",
    ),
    Case("matrix: nothing closed", ("routes", "matrix"), "name at least one chokepoint"),
    Case(
        "matrix: --output neither .csv nor .parquet",
        ("routes", "matrix", "--close", "hormuz", "-o", "{tmp}/trips.txt"),
        "write trips to a .csv or .parquet file",
    ),
    Case(
        "matrix: --output onto an existing file",
        ("routes", "matrix", "--close", "hormuz", "-o", "{tmp}/taken.csv"),
        "--force",
        prepare="existing_output",
    ),
    Case(
        "matrix: --output into a missing folder",
        ("routes", "matrix", "--close", "hormuz", "-o", "{tmp}/no/such/trips.csv"),
        "no folder",
    ),
    Case(
        "closures: an unknown chokepoint",
        ("routes", "closures", "--chokepoints", "malaca"),
        "did you mean 'malacca'",
        2,
    ),
    Case(
        "closures: a chokepoint the sea network cannot close",
        ("routes", "closures", "--chokepoints", "dardanelles"),
        "no passage to close",
        2,
    ),
    Case(
        "closures: --output onto an existing file",
        ("routes", "closures", "-o", "{tmp}/taken.csv"),
        "--force",
        prepare="existing_output",
    ),
    Case(
        "closures: --output neither .csv nor .parquet",
        ("routes", "closures", "-o", "{tmp}/hit.xlsx"),
        "write trips to a .csv or .parquet file",
    ),
    Case(
        "closures: an inland port",
        ("routes", "closures", "{tmp}/inland.csv"),
        "almaty: the nearest sea lane is 2,232 km away",
        prepare="bad_ports",
    ),
    Case(
        "closures: unknown vessel class",
        ("routes", "closures", "--vessel", "ulvc"),
        "did you mean 'ulcv'",
        2,
    ),
    Case(
        "land: an unknown --mode",
        ("routes", "land", "port-gwadar", "port-karachi", "--mode", "water"),
        "'water'",
        2,
    ),
    Case(
        "land: --by time for a pipeline flow",
        ("routes", "land", "port-gwadar", "port-karachi", "--mode", "gas", "--by", "time"),
        "only freight has travel times",
    ),
    Case(
        "land: places no gas pipeline joins",
        ("routes", "land", "crossing-khunjerab-pass", "port-gwadar", "--mode", "gas"),
        "no land path for gas",
    ),
    Case(
        "components: an unknown --mode",
        ("routes", "components", "--mode", "water"),
        "mode 'water' is unknown",
        2,
    ),
    Case(
        "critical: unknown --from",
        ("routes", "critical", "--from", "atlantis"),
        "place of the land network 'atlantis' is unknown",
        2,
    ),
    Case(
        "critical: misspelt --to",
        ("routes", "critical", "--to", "port-gwadr"),
        "did you mean 'port-gwadar'",
        2,
    ),
    Case(
        "land: unknown place",
        ("routes", "land", "crossing-khunjerab-pass", "atlantis"),
        "place of the land network 'atlantis' is unknown",
        2,
    ),
    Case(
        "land: no path between the two",
        ("routes", "land", "port-mombasa", "port-gwadar"),
        "no land path for freight from port-mombasa to port-gwadar",
    ),
    Case(
        "land: unknown cost",
        ("routes", "land", "port-gwadar", "port-karachi", "--by", "speed"),
        "'speed' is not one of",
        2,
    ),
    Case(
        "land: --class unknown",
        ("routes", "land", "port-gwadar", "port-karachi", "--class", "nonsense"),
        "threat class 'nonsense' is unknown",
        2,
    ),
]

COORDINATION = [
    Case("advise --class unknown", ("advise", "--class", "piracyy", "--country", "SOM"),
         "did you mean 'piracy'", 2),
    Case("advise --country unknown", ("advise", "--class", "piracy", "--country", "XXX"), "XXX", 2),
    Case("advise --asset unknown", ("advise", "--class", "piracy", "--asset", "nope"),
         "asset 'nope'", 2),
    Case("advise without a class", ("advise", "--country", "SOM"), "threat class", 2),
    Case("advise without parties", ("advise", "--class", "piracy"),
         "give a country, asset or place", 2),
    Case("overlap --class unknown", ("coordination", "overlap", "--class", "x"),
         "threat class 'x'", 2),
    Case("overlap with two classes", ("coordination", "overlap", "--class", "piracy", "--class",
         "terrorism"), "one --class", 2),
    Case("overlap --map into a missing folder", ("coordination", "overlap", "--map",
         "{tmp}/no/such/x.png"), "no folder"),
    Case("scenarios --since after --until", ("coordination", "scenarios", "--since", "2010",
         "--until", "2000"), "before", 2),
]  # fmt: skip

ORG_ADD = ("admin", "org", "add", "kz-mvd", "--name", "MVD")
TWO_AGENCIES = tuple(
    ("admin", "org", "add", org, "--name", "MVD", "--kind", "law_enforcement")
    for org in ("kz-mvd", "uz-mvd")
)
COOPERATION = [
    Case(
        "org kind unknown",
        (*ORG_ADD, "--kind", "police"),
        "organization kind 'police' is unknown",
        2,
    ),
    Case(
        "org country unknown",
        (*ORG_ADD, "--kind", "ministry", "--country", "Kazakstan"),
        "Invalid value for '--country'",
        2,
    ),
    Case(
        "org mechanism unknown",
        (*ORG_ADD, "--kind", "secretariat", "--mechanism", "SCOO"),
        "mechanism 'SCOO' is unknown; did you mean 'SCO'",
        2,
    ),
    Case(
        "org asset unknown",
        (*ORG_ADD, "--kind", "operator", "--asset", "cagp-line-z"),
        "asset 'cagp-line-z' is unknown; did you mean",
        2,
    ),
    Case(
        "secretariat without mechanism",
        (*ORG_ADD, "--kind", "secretariat"),
        "names its --mechanism",
    ),
    Case(
        "org id with a space",
        ("admin", "org", "add", "kz mvd", "--name", "MVD", "--kind", "ministry"),
        "organization 'kz mvd': use letters",
    ),
    Case(
        "user of an unknown organization",
        ("admin", "user", "add", "aigerim", "--org", "kz-mvd", "--role", "viewer"),
        "organization 'kz-mvd' is unknown",
        2,
    ),
    Case(
        "user role unknown",
        ("admin", "user", "add", "aigerim", "--org", "kz-mvd", "--role", "boss"),
        "role 'boss' is unknown",
        2,
    ),
    Case(
        "token for an unknown user",
        ("admin", "token", "issue", "nobody"),
        "user 'nobody' is unknown",
        2,
    ),
    Case(
        "token lifetime out of range",
        ("admin", "token", "issue", "nobody", "--expires-in-days", "0"),
        "--expires-in-days",
        2,
    ),
    Case(
        "revoke an unknown token",
        ("admin", "token", "revoke", "0123456789ab"),
        "token '0123456789ab' is unknown",
        2,
    ),
    Case(
        "group mechanism unknown",
        ("admin", "group", "add", "sco", "--name", "SCO", "--mechanism", "SCOO"),
        "mechanism 'SCOO' is unknown",
        2,
    ),
    Case(
        "members for an unknown group",
        ("admin", "group", "add-member", "nogroup", "kz-mvd"),
        "sharing group 'nogroup' is unknown",
        2,
    ),
    Case(
        "audit action unknown",
        ("admin", "audit", "--action", "delete"),
        "audit action 'delete' is unknown",
        2,
    ),
    Case("audit without a store", ("admin", "audit"), "no database at", store=False),
    Case(
        "trust level unknown",
        ("admin", "trust", "set", "uz-mvd", "Z", "--org", "kz-mvd"),
        "trust level 'Z' is unknown; choose from A, B, C, D, E, F",
        2,
    ),
    Case(
        "trust level misspelt",
        ("admin", "trust", "set", "uz-mvd", "usualy-reliable", "--org", "kz-mvd"),
        "did you mean 'usually-reliable'",
        2,
    ),
    Case(
        "trust in an unknown source",
        ("admin", "trust", "set", "uz-mvdd", "B", "--org", "kz-mvd"),
        "source 'uz-mvdd' is unknown; did you mean 'uz-mvd'",
        2,
        setup=TWO_AGENCIES,
    ),
    Case(
        "trust of an unknown organization",
        ("admin", "trust", "list", "--org", "kz-mvdd"),
        "organization 'kz-mvdd' is unknown; did you mean 'kz-mvd'",
        2,
        setup=TWO_AGENCIES,
    ),
    Case(
        "trust clear of a source never rated",
        ("admin", "trust", "clear", "uz-mvd", "--org", "kz-mvd"),
        "trust setting of kz-mvd for source 'uz-mvd' is unknown",
        2,
        setup=TWO_AGENCIES,
    ),
    Case("trust without a store", ("admin", "trust", "list"), "no database at", store=False),
]


_ADD = ("meetings", "add", "m-1", "--title", "Liaison", "--date")

MEETINGS = [
    Case("meetings list without a store", ("meetings", "list"), "no database at", store=False),
    Case(
        "meetings list --mechanism unknown",
        ("meetings", "list", "--mechanism", "LYG-FORUMM"),
        "did you mean 'LYG-FORUM'",
        2,
    ),
    Case(
        "meetings list --country unknown",
        ("meetings", "list", "--country", "Atlantis"),
        "country 'Atlantis' is unknown",
        2,
    ),
    Case("meetings list --since bad", ("meetings", "list", "--since", "2017-13"), "not a date", 2),
    Case("meetings show unknown", ("meetings", "show", "lyg-2019"), "meeting 'lyg-2019'", 2),
    Case("meetings add bad --date", (*_ADD, "2024-13"), "not a date"),
    Case("meetings add bad id", ("meetings", "add", "m 1", "--title", "x", "--date", "2024"),
         "string should match pattern"),
    Case("meetings add bad --kind", (*_ADD, "2024", "--kind", "banquet"), "not one of", 2),
    Case("meetings add bad --level", (*_ADD, "2024", "--level", "deputy"), "not one of", 2),
    Case("meetings add bad --tlp", (*_ADD, "2024", "--tlp", "purple"), "'purple' is not one of", 2),
    Case("meetings add bad --country", (*_ADD, "2024", "--country", "Atlantis"), "atlantis", 2),
    Case("meetings add unknown --mechanism", (*_ADD, "2024", "--mechanism", "NATOO"),
         "mechanism 'NATOO' is unknown", 2),
    Case("meetings add unknown --part-of", (*_ADD, "2024", "--part-of", "lyg-1999"),
         "meeting 'lyg-1999' is unknown", 2),
    Case("meetings add without --title", ("meetings", "add", "m-1", "--date", "2024"),
         "missing option '--title'", 2),
    Case("actions list bad --status", ("meetings", "actions", "list", "--status", "late"),
         "'late' is not one of", 2),
    Case("actions list bad --as-of", ("meetings", "actions", "list", "--as-of", "soon"),
         "not a date", 2),
    Case("actions add to unknown meeting",
         ("meetings", "actions", "add", "nope", "Do it", "--owner", "org-b"),
         "meeting 'nope' is unknown", 2),
    Case("actions add bad --deadline",
         ("meetings", "actions", "add", "nope", "Do it", "--owner", "b", "--deadline", "May"),
         "not a date", 2),
    Case("actions update unknown item", ("meetings", "actions", "update", "99", "--status", "done"),
         "action item '99' is unknown", 2),
    Case("actions update to overdue", ("meetings", "actions", "update", "1", "--status", "overdue"),
         "worked out from the deadline"),
    Case("actions update not a number", ("meetings", "actions", "update", "one"),
         "invalid value for 'item'", 2),
    Case("training show unknown", ("training", "show", "nope"), "training course 'nope'", 2),
    Case("training list --country unknown", ("training", "list", "--country", "Narnia"),
         "country 'Narnia' is unknown", 2),
    Case("training list --mechanism unknown", ("training", "list", "--mechanism", "SCOO"),
         "mechanism 'SCOO' is unknown", 2),
    Case("meetings share unknown", ("meetings", "share", "lyg-2019", "sco"),
         "meeting 'lyg-2019' is unknown", 2),
    Case("meetings share without a group", ("meetings", "share", "lyg-2019"),
         "missing argument 'group", 2),
    Case("meetings unshare without a store", ("meetings", "unshare", "m-1", "sco"),
         "no database at", store=False),
    Case("training share unknown", ("training", "share", "nope", "sco"),
         "training course 'nope' is unknown", 2),
    Case("training unshare unknown", ("training", "unshare", "nope", "sco"),
         "training course 'nope' is unknown", 2),
]  # fmt: skip

_HOOK = ("webhooks", "add", "https://soc.example/hook")

DELIVERY = [
    Case("webhook URL not http", ("webhooks", "add", "ftp://soc.example/h", "--org", "kz-mvd"),
         "use http:// or https://"),
    Case("webhook URL without a scheme", ("webhooks", "add", "soc.example/h", "--org", "kz-mvd"),
         "use http:// or https://"),
    Case("webhook URL with a password", ("webhooks", "add", "https://u:p@soc.example/h", "--org",
         "kz-mvd"), "no user name or password"),
    Case("webhook URL with a bad port", ("webhooks", "add", "https://soc.example:70000/h",
         "--org", "kz-mvd"), "port out of range"),
    Case("webhook for an unknown organization", (*_HOOK, "--org", "kz-mvd"),
         "organization 'kz-mvd' is unknown", 2),
    Case("webhook without --org", _HOOK, "missing option '--org'", 2),
    Case("webhook event filter bad", (*_HOOK, "--org", "kz-mvd", "--event", "Alert Raised"),
         "event filter 'Alert Raised'"),
    Case("webhooks list of an unknown organization", ("webhooks", "list", "--org", "nope"),
         "organization 'nope' is unknown", 2),
    Case("remove an unknown webhook", ("webhooks", "remove", "7"), "webhook '7' is unknown", 2),
    Case("remove a webhook by name", ("webhooks", "remove", "soc"), "invalid value for 'webhook'",
         2),
    Case("test an unknown webhook", ("webhooks", "test", "7"), "webhook '7' is unknown", 2),
    Case("deliveries of an unknown status", ("webhooks", "deliveries", "1", "--status", "lost"),
         "delivery status 'lost' is unknown", 2),
    Case("deliveries of an unknown webhook", ("webhooks", "deliveries", "7"),
         "webhook '7' is unknown", 2),
    Case("webhooks without a store", ("webhooks", "list"), "no database at", store=False),
    Case("worker lease shorter than its timeout", ("worker", "--once", "--timeout", "10",
         "--lease", "5"), "at least the timeout (10 s) plus 1 s"),
    Case("worker retry cap below its base", ("worker", "--once", "--retry-base", "60",
         "--retry-cap", "1"), "must be at least the base"),
    Case("worker concurrency 0", ("worker", "--once", "--concurrency", "0"), "--concurrency", 2),
    Case("worker without a store", ("worker", "--once"), "no database at", store=False),
]  # fmt: skip

CASES = [
    *GENERAL, *ATLAS, *INCIDENTS, *SERVER, *RISK, *ROUTES, *COORDINATION, *COOPERATION, *MEETINGS,
    *DELIVERY,
]  # fmt: skip


# --------------------------------------------------------------------------- the check


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with a digest of its content (the store's WAL aside)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


@pytest.fixture(scope="module")
def reports_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the generic reports, made once and copied for each case."""
    folder = tmp_path_factory.mktemp("bad-input-store")
    db = folder / "store.sqlite"
    code, _, stderr = run("--db", str(db), "incidents", "import", str(REPORTS))
    assert code == 0, stderr
    return db


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_one_clear_line_and_changes_nothing(
    case: Case, tmp_path: Path, reports_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    db = tmp_path / "store" / "corridor.sqlite"
    db.parent.mkdir()
    if case.store:
        shutil.copy(reports_store, db)
    monkeypatch.setenv("CORRIDOR_DATABASE_URL", f"sqlite:///{db}")
    if case.token is not None:
        monkeypatch.setenv("CORRIDOR_TOKEN", case.token)
    if case.prepare:
        PREPARE[case.prepare](work)
    for command in case.setup:
        code, _, stderr = run(*command)
        assert code == 0, f"setup {command}: {stderr}"
    before = _fingerprint(tmp_path)
    args = [a.format(tmp=work, fixtures=FIXTURES, db=db) for a in case.args]
    code, stdout, stderr = run(*args)
    assert code == case.code, f"exit {code}, expected {case.code}: {stderr or stdout}"
    assert "Traceback" not in stderr + stdout
    assert case.says.lower() in " ".join(stderr.lower().split()), stderr
    assert _fingerprint(tmp_path) == before, "a bad input changed files"
