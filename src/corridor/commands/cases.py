"""``corridor cases``: open a case from alerts (or an exercise), work it, close it.

Thin skins over :mod:`corridor.cases.services`; you act for $CORRIDOR_ORGANIZATION.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.options import end_day_option
from corridor.commands.output import JsonOption, note, out, print_json, print_table

if TYPE_CHECKING:
    from corridor.cases.services import CaseView

app = typer.Typer(
    help="Cases: the work that follows alerts, a joint action of several organizations, or an "
    "exercise; with tasks, observables, a timeline and a closing summary.",
    no_args_is_help=True,
)

CaseArgument = Annotated[
    str, typer.Argument(metavar="UUID", help="The case's UUID, or its first 8 characters or more.")
]
AlertsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--alert", metavar="UUID", help="An alert (UUID or its first 8+ characters); repeatable."
    ),
]


def _row(case: CaseView) -> dict[str, Any]:
    return {"uuid": case.uuid, "kind": case.kind, "status": case.status, "title": case.title,
            "owner": case.owner, "tlp": case.tlp.value.upper(), "alerts": len(case.alerts),
            "tasks open": sum(t.status == "open" for t in case.tasks)}  # fmt: skip


def _show(case: CaseView, as_json: bool) -> None:
    if as_json:
        print_json(case.model_dump(mode="json"))
        return
    print_table([_row(case)], tuple(_row(case)), title=case.title)
    if case.participants:
        out.print(f"  taking part: {', '.join(case.participants)}")
    for task in case.tasks:
        due = f" by {task.deadline}" if task.deadline else ""
        out.print(f"  task {task.id} [{task.status}] {task.title} ({task.owner}{due})")
    for item in case.observables:
        out.print(f"  {item.kind} {item.value} {item.note}")
    for entry in case.timeline:
        out.print(f"  {entry.at:%Y-%m-%d %H:%M} {entry.kind} by {entry.actor or 'platform'}")
    if case.summary:
        note(f"summary: {case.summary}")


@app.command("open")
def open_command(
    title: Annotated[str, typer.Option("--title", help="What the case is about.")],
    alerts: AlertsOption = None,
    kind: Annotated[str, typer.Option("--kind", help="case, or exercise.")] = "case",
    tlp: Annotated[str, typer.Option("--tlp", help="TLP 2.0 label.")] = "amber",
    participants: Annotated[
        list[str] | None,
        typer.Option("--with", metavar="ORG", help="An organization taking part; repeatable."),
    ] = None,
    share_with: Annotated[
        list[str] | None, typer.Option("--share-with", metavar="GROUP", help="Repeatable.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Open a case owned by your organization, from alerts (merged at once) or on its own.

    Example: corridor cases open --title "Shots at a valve station" --alert 0b6c2f0e
    Example: corridor cases open --title "Pipeline drill" --kind exercise --tlp green
    """
    from corridor.cases.services import open_case

    run = current()
    case = open_case(run.store(create=True), run.principal(), title=title, kind=kind, tlp=tlp,
                     alerts=alerts or [], participants=participants or [],
                     share_with=share_with or [])  # fmt: skip
    _show(case, as_json)


@app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option("--status", help="open or closed.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="case or exercise.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The cases you may read, most recently changed first.

    Example: corridor cases list --status open
    """
    from corridor.cases.services import list_cases

    run = current()
    found = list_cases(run.store(), run.viewer(), status=status, kind=kind)
    if as_json:
        print_json([c.model_dump(mode="json") for c in found])
        return
    columns = ("uuid", "kind", "status", "title", "owner", "tlp", "alerts", "tasks open")
    print_table([_row(c) for c in found], columns, title="Cases")


@app.command("show")
def show_command(uuid: CaseArgument, as_json: JsonOption = False) -> None:
    """One case: who takes part, its alerts, tasks, observables and timeline.

    Example: corridor cases show 5d7e1c2a
    """
    from corridor.cases.services import get_case

    run = current()
    _show(get_case(run.store(), run.viewer(), uuid), as_json)


@app.command("merge")
def merge_command(uuid: CaseArgument, alerts: AlertsOption = None) -> None:
    """Merge alerts into an open case, several at once.

    Example: corridor cases merge 5d7e1c2a --alert 0b6c2f0e
    """
    from corridor.cases.services import merge_alerts

    if not alerts:
        raise typer.BadParameter("name at least one --alert", param_hint="--alert")
    run = current()
    _show(merge_alerts(run.store(), run.principal(), uuid, alerts), False)


@app.command("detach")
def detach_command(
    uuid: CaseArgument,
    alert: Annotated[str, typer.Option("--alert", metavar="UUID", help="The alert to take out.")],
) -> None:
    """Take an alert out of a case.

    Example: corridor cases detach 5d7e1c2a --alert 0b6c2f0e
    """
    from corridor.cases.services import detach_alert

    run = current()
    _show(detach_alert(run.store(), run.principal(), uuid, alert), False)


@app.command("task")
def task_command(
    uuid: CaseArgument,
    title: Annotated[str, typer.Option("--title", help="What must be done.")],
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="ORG", help="Who does it (default: you).")
    ] = None,
    deadline: Annotated[
        date | None,
        typer.Option("--deadline", parser=end_day_option, metavar="DATE", help="Due by."),
    ] = None,
) -> None:
    """Add a task to a case.

    Example: corridor cases task 5d7e1c2a --title "Patrol the right of way" --deadline 2026-12-31
    """
    from corridor.cases.services import add_task

    run = current()
    _show(add_task(run.store(), run.principal(), uuid, title=title, owner=owner,
                   deadline=deadline), False)  # fmt: skip


@app.command("close")
def close_command(
    uuid: CaseArgument,
    summary: Annotated[str, typer.Option("--summary", help="What was done and found.")],
) -> None:
    """Close a case with its summary; its alerts close with it.

    Example: corridor cases close 5d7e1c2a --summary "Valve repaired; two arrests"
    """
    from corridor.cases.services import close_case

    run = current()
    _show(close_case(run.store(), run.principal(), uuid, summary), False)
