"""``corridor alerts`` and ``corridor rules``: the inbox of the organization you act for
($CORRIDOR_ORGANIZATION), acknowledgement and escalation, and the rules that raise alerts.

Thin skins over :mod:`corridor.alerts.services` and :mod:`corridor.alerts.escalation`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.options import SinceOption, UntilOption
from corridor.commands.output import JsonOption, note, out, print_json, print_table

if TYPE_CHECKING:
    from corridor.alerts.services import AlertView

app = typer.Typer(
    help="Alerts: an incident near an asset, sent to the asset's operator, the agencies of the "
    "states concerned and the mechanisms that cover them. Acknowledge an alert or it "
    "escalates: organization admin, liaison contacts, then mechanism secretariats.",
    no_args_is_help=True,
)
rules_app = typer.Typer(
    help="Alert rules: which threat classes, how severe, how close to which assets. Default "
    "rules come with the atlas; an organization adds its own from a YAML file.",
    no_args_is_help=True,
)

AlertArgument = Annotated[
    str, typer.Argument(metavar="UUID", help="The alert's UUID, or its first 8 characters or more.")
]


def _row(alert: AlertView) -> dict[str, Any]:
    return {
        "uuid": alert.uuid,
        "status": alert.status,
        "level": alert.level,
        "rule": alert.rule,
        "asset": alert.asset,
        "class": alert.threat_class,
        "severity": alert.severity,
        "incidents": len(alert.incidents),
        "dates": f"{alert.first_on}..{alert.last_on}" if alert.first_on != alert.last_on
        else str(alert.first_on),
    }  # fmt: skip


def _show(alert: AlertView, as_json: bool) -> None:
    if as_json:
        print_json(alert.model_dump(mode="json"))
        return
    print_table([_row(alert)], tuple(_row(alert)), title="Alert")
    for why in alert.why:
        out.print(f"  why you got it: {why}")
    for incident in alert.incidents:
        out.print(f"  incident {incident.uuid} at {incident.distance_km:.1f} km")
    if alert.hidden_incidents:
        note(f"{alert.hidden_incidents} more incidents you may not read are grouped in it")
    for event in alert.events:
        who = f" by {event.actor}" if event.actor else ""
        out.print(f"  {event.at:%Y-%m-%d %H:%M} {event.kind}{who} {event.detail or ''}")


@app.command("list")
def list_command(
    status: Annotated[
        str | None, typer.Option("--status", help="open, acknowledged or closed.")
    ] = None,
    since: SinceOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 100,
    as_json: JsonOption = False,
) -> None:
    """Your organization's alerts, most recently changed first; only alerts about incidents
    you may read, and of each only those incidents.

    Example: corridor alerts list --status open
    """
    from corridor.alerts.services import list_alerts

    run = current()
    found = list_alerts(run.store(), run.viewer(), status=status, since=since, limit=limit)
    if as_json:
        print_json([a.model_dump(mode="json") for a in found])
        return
    columns = (
        "uuid",
        "status",
        "level",
        "rule",
        "asset",
        "class",
        "severity",
        "incidents",
        "dates",
    )
    print_table([_row(a) for a in found], columns, title=f"Alerts for {run.organization}")


@app.command("show")
def show_command(uuid: AlertArgument, as_json: JsonOption = False) -> None:
    """One alert: why you received it, its incidents and its timeline.

    Example: corridor alerts show 0b6c2f0e
    """
    from corridor.alerts.services import get_alert

    run = current()
    _show(get_alert(run.store(), run.viewer(), uuid), as_json)


@app.command("ack")
def ack_command(uuid: AlertArgument, as_json: JsonOption = False) -> None:
    """Acknowledge an alert: you are on it, and it stops escalating.

    Example: corridor alerts ack 0b6c2f0e
    """
    from corridor.alerts.services import acknowledge_alert

    run = current()
    _show(acknowledge_alert(run.store(), run.principal(), uuid), as_json)


@app.command("escalate")
def escalate_command(
    uuid: Annotated[
        str | None, typer.Argument(metavar="[UUID]", help="The alert to escalate now.")
    ] = None,
    due: Annotated[
        bool, typer.Option("--due", help="Take every step that is due (what the worker does).")
    ] = False,
) -> None:
    """Take an alert one step up the ladder now, or with ``--due`` every step whose time
    has come.

    Example: corridor alerts escalate --due
    Example: corridor alerts escalate 0b6c2f0e
    """
    from corridor.alerts.escalation import escalate_alert, escalate_due
    from corridor.cooperation.records import utc

    if (uuid is None) == (not due):
        raise typer.BadParameter("give an alert's UUID or --due, not both", param_hint="UUID")
    run = current()
    if due:
        steps = escalate_due(run.store(), atlas=run.atlas(), now=utc())
    else:
        steps = [escalate_alert(run.store(), run.principal(), str(uuid), atlas=run.atlas(),
                                now=utc())]  # fmt: skip
    rows = [{"alert": s.alert, "level": s.level, "step": s.step, "told": ", ".join(s.told)}
            for s in steps]  # fmt: skip
    print_table(rows, ("alert", "level", "step", "told"), title="Escalations")


# --------------------------------------------------------------------------- rules


@rules_app.command("list")
def rules_list_command(as_json: JsonOption = False) -> None:
    """The rules in force: those of the atlas and those organizations wrote.

    Example: corridor rules list
    """
    from corridor.alerts.services import current_rules

    run = current()
    store = run.store_if_any()
    if store is None:
        from corridor.alerts.rules import bundled_rules

        rules = bundled_rules()
    else:
        with store.connect() as connection:
            rules = current_rules(connection)
    if as_json:
        print_json([r.model_dump(mode="json") for r in rules])
        return
    rows = [
        {"id": r.id, "classes": ", ".join(r.classes) or "any", "min severity": r.min_severity,
         "within km": r.within_km, "assets": ", ".join([*r.asset_kinds, *r.assets]) or "any",
         "window h": r.window_hours, "horizon d": r.horizon_days, "ack min": r.ack_minutes,
         "owner": r.owner or "atlas", "on": "yes" if r.enabled else "no"}
        for r in rules
    ]  # fmt: skip
    print_table(rows, tuple(rows[0]) if rows else ("id",), title="Alert rules")


RulesFile = Annotated[
    Path,
    typer.Argument(
        metavar="FILE", help="A YAML file with a list of rules under 'rules:' (see `rules list`)."
    ),
]


@rules_app.command("add")
def rules_add_command(path: RulesFile) -> None:
    """Add or replace the rules of a YAML file, as your organization.

    Example: corridor rules add my-rules.yaml
    """
    from corridor.alerts.rules import read_rules
    from corridor.alerts.services import save_rule

    run = current()
    rules = read_rules(path)
    store = run.store(create=True)
    for rule in rules:
        saved = save_rule(store, run.principal(), rule, run.atlas())
        out.print(f"rule {saved.id} saved for {saved.owner}")


@rules_app.command("test")
def rules_test_command(
    rule_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="A rule in force (`rules list`).")
    ] = None,
    path: Annotated[
        Path | None, typer.Option("--file", help="Try the rules of a YAML file instead.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which stored incidents you may read a rule would have fired on, whatever their age;
    nothing is written.

    Example: corridor rules test piracy-near-sea-lane --since 2015
    Example: corridor rules test --file my-rules.yaml
    """
    from corridor.alerts.rules import read_rules
    from corridor.alerts.services import current_rules, try_rule
    from corridor.errors import UnknownValueError

    if (rule_id is None) == (path is None):
        raise typer.BadParameter("give a rule id or --file, not both", param_hint="ID")
    run = current()
    store = run.store()
    if path is not None:
        rules = read_rules(path)
    else:
        with store.connect() as connection:
            known = {r.id: r for r in current_rules(connection)}
        if rule_id not in known:
            raise UnknownValueError("alert rule", str(rule_id), sorted(known))
        rules = (known[str(rule_id)],)
    trials = [try_rule(store, run.viewer(), r, run.atlas(), since=since, until=until)
              for r in rules]  # fmt: skip
    if as_json:
        print_json([{"rule": t.rule, "incidents": t.incidents, "matches": [
            {"asset": a, "incident": i, "date": d, "distance_km": km} for a, i, d, km in t.matches
        ]} for t in trials])  # fmt: skip
        return
    for trial in trials:
        per_asset: dict[str, int] = {}
        for asset, *_ in trial.matches:
            per_asset[asset] = per_asset.get(asset, 0) + 1
        rows = [{"asset": a, "incidents": n} for a, n in sorted(per_asset.items())]
        print_table(rows, ("asset", "incidents"),
                    title=f"{trial.rule}: {len(trial.matches)} firings over "
                    f"{trial.incidents:,} incidents")  # fmt: skip


@rules_app.command("remove")
def rules_remove_command(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="A rule your organization wrote.")],
) -> None:
    """Remove a rule (a replaced atlas rule comes back as shipped).

    Example: corridor rules remove pipeline-watch
    """
    from corridor.alerts.services import remove_rule

    run = current()
    remove_rule(run.store(), run.principal(), rule_id)
    out.print(f"rule {rule_id} removed")
