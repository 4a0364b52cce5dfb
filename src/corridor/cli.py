"""The ``corridor`` command: one Typer app, a sub-app per capability.

This module and the command modules import only Typer and Rich at start; the
library (numpy, SQLAlchemy, shapely, ...) loads inside the command that needs it,
so ``corridor --help`` answers at once.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from corridor import __version__
from corridor.commands import admin as admin_commands
from corridor.commands import alerts as alert_commands
from corridor.commands import atlas as atlas_commands
from corridor.commands import cases as case_commands
from corridor.commands import coordination as coordination_commands
from corridor.commands import incidents as incident_commands
from corridor.commands import meetings as meeting_commands
from corridor.commands import risk as risk_commands
from corridor.commands import routes as route_commands
from corridor.commands import serve as serve_command
from corridor.commands import webhooks as webhook_commands
from corridor.commands import worker as worker_command
from corridor.commands.context import begin, current
from corridor.commands.options import AtlasDirOption
from corridor.commands.output import JsonOption, err, fail, print_json, print_table
from corridor.locations import default_database_path


class _FriendlyGroup(TyperGroup):
    """Turns the errors a user can fix into one line and an exit code, never a traceback."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's main, but a usage error is one line (``error: ...``), exit 2."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except typer.Abort:
            err.print("aborted", highlight=False)
            sys.exit(1)
        except typer.TyperException as exc:  # Click's usage errors
            sys.exit(_usage_error(exc))
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KeyboardInterrupt as exc:
            raise fail("interrupted; nothing half-written was kept", 130) from exc
        except Exception as exc:
            raise _explained(exc) from exc


def _usage_error(exc: typer.TyperException) -> int:
    """Print a usage error as one line naming the option, with where to read more."""
    context = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: Typer prints its help
        if context is not None:
            context.get_help()
        return int(getattr(exc, "exit_code", 2))
    hint = f" (see `{context.command_path} --help`)" if context is not None else ""
    fail(f"{exc.format_message()}{hint}", 2)
    return int(getattr(exc, "exit_code", 2))


def _explained(exc: Exception) -> typer.Exit:
    from corridor.errors import CorridorError

    if isinstance(exc, CorridorError):
        return fail(str(exc), exc.exit_code)
    if type(exc).__module__.startswith(("sqlalchemy", "sqlite3", "psycopg")):
        from corridor.store import describe_database_error

        return fail(str(describe_database_error(exc, current().database_url)))
    if isinstance(exc, UnicodeDecodeError):
        return fail(f"the input is not UTF-8 text ({exc.reason} at byte {exc.start})")
    if isinstance(exc, OSError) and exc.strerror:
        return fail(f"{exc.filename or 'input'}: {exc.strerror}")
    raise exc


app = typer.Typer(
    cls=_FriendlyGroup,
    help="Secure Corridor: security cooperation along transnational infrastructure corridors "
    "(pipelines, railways, ports, sea lanes, chokepoints). Start with `corridor demo`.\n\n"
    f"The store is --db, else $CORRIDOR_DATABASE_URL, else {default_database_path()}.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(atlas_commands.app, name="atlas")
app.add_typer(incident_commands.app, name="incidents")
app.add_typer(risk_commands.app, name="risk")
app.add_typer(route_commands.app, name="routes")
app.add_typer(coordination_commands.app, name="coordination")
app.add_typer(admin_commands.app, name="admin")
app.add_typer(meeting_commands.app, name="meetings")
app.add_typer(meeting_commands.training_app, name="training")
app.add_typer(alert_commands.app, name="alerts")
app.add_typer(alert_commands.rules_app, name="rules")
app.add_typer(case_commands.app, name="cases")
app.command("advise")(coordination_commands.advise_command)
app.command("serve")(serve_command.serve)
app.add_typer(webhook_commands.app, name="webhooks")
app.command("worker")(worker_command.worker)


def _version(value: bool) -> None:
    if value:
        print(f"corridor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    database: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH|URL",
            help="The store: an SQLite file path, or a SQLAlchemy URL such as "
            "postgresql://user@host/corridor. Default: $CORRIDOR_DATABASE_URL, else "
            f"{default_database_path()}.",
        ),
    ] = None,
    atlas_dir: AtlasDirOption = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Secure Corridor."""
    ctx.call_on_close(begin(database, atlas_dir).close)


@app.command()
def info(as_json: JsonOption = False) -> None:
    """Versions, the store in use and what it holds, and the atlas release.

    Example: corridor info
    Example: corridor --db /tmp/other.sqlite info --json
    """
    import platform

    from corridor.errors import StoreError
    from corridor.store.summary import store_summary

    run = current()
    atlas = run.atlas()
    data: dict[str, Any] = {
        "corridor": __version__,
        "python": platform.python_version(),
        "database": run.where(),
        "database_is_default": run.database_is_default,
        "organization": run.organization,
        "atlas_version": atlas.version,
        "atlas_overlay": str(run.atlas_dir) if run.atlas_dir else None,
        "atlas_counts": atlas.counts(),
    }
    try:
        summary = store_summary(run.store())
    except StoreError as exc:
        data["store"] = None
        data["store_problem"] = str(exc)
    else:
        data["store"] = {
            "dialect": summary.dialect,
            "schema_revision": summary.revision,
            "incidents": summary.incidents,
            "incidents_by_source": summary.incidents_by_source,
            "import_runs": summary.import_runs,
        }
    if as_json:
        print_json(data)
        return
    rows = [
        {"what": "corridor", "value": data["corridor"]},
        {"what": "python", "value": data["python"]},
        {"what": "database", "value": data["database"]},
        {"what": "organization", "value": data["organization"]},
        {
            "what": "atlas",
            "value": f"{atlas.version}" + (f" + {run.atlas_dir}" if run.atlas_dir else ""),
        },
    ]
    store = data["store"]
    if store is None:
        rows.append({"what": "store", "value": data["store_problem"]})
    else:
        rows.append(
            {"what": "schema", "value": f"{store['dialect']} at {store['schema_revision']}"}
        )
        rows.append({"what": "incidents", "value": f"{store['incidents']:,}"})
        for source, count in store["incidents_by_source"].items():
            rows.append({"what": f"  from {source}", "value": f"{count:,}"})
        rows.append({"what": "import runs", "value": f"{store['import_runs']:,}"})
    rows.extend({"what": f"atlas {k}", "value": str(v)} for k, v in atlas.counts().items())
    print_table(rows, ["what", "value"], title="Secure Corridor")


@app.command()
def demo(
    map_path: Annotated[
        Path, typer.Option("--map", help="Where to draw the atlas map (PNG).")
    ] = Path("corridor-atlas.png"),
    risk_map_path: Annotated[
        Path, typer.Option("--risk-map", help="Where to draw the map of exposure (PNG).")
    ] = Path("corridor-risk.png"),
) -> None:
    """The main job on the bundled data: the atlas, the incidents, the most exposed assets.

    Example: corridor demo --map out/atlas.png --risk-map out/risk.png
    """
    from corridor.maps import draw_atlas_map

    run = current()
    atlas = run.atlas()
    err.print("[bold]Secure Corridor[/bold]: the bundled atlas", highlight=False)
    atlas_commands.print_overview(atlas)
    err.print(f"map of the atlas: {draw_atlas_map(atlas, map_path)}")
    run.store(create=True)
    err.print(f"\n[bold]Incidents[/bold]: importing the bundled real data into {run.where()}")
    incident_commands.demo_import()
    err.print("\n[bold]Risk[/bold]: exposure of the atlas's assets to the incidents near them")
    risk_commands.assets.demo_exposure(risk_map_path)
    err.print("\n[bold]Routes[/bold]: the sea lane and a closure of one chokepoint")
    route_commands.sea.demo_routes()


def main() -> None:
    """Entry point of the ``corridor`` script."""
    app()


if __name__ == "__main__":
    main()
