"""``corridor admin trust``: how far an organization trusts each source of its incidents.

A thin skin over :mod:`corridor.cooperation.trust_services`. A source is who incidents
come from, as their reporter: an organization here (``kz-mvd``), a partner whose STIX
bundle was imported (``stix:cert-ua``, see ``incidents import --from``), or a public
dataset (``public:ucdp``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.output import JsonOption, note, print_json, print_table

if TYPE_CHECKING:
    from corridor.cooperation.trust import SourceTrust

app = typer.Typer(
    help="Trust in sources, per organization, on the Admiralty reliability scale: A "
    "completely reliable (weight 1), B usually (0.75), C fairly (0.5), D not usually "
    "reliable (0.25), E unreliable (0: left out), F cannot be judged (0.5). The "
    "organization's risk figures weigh each incident by its source's weight; a source "
    "with no setting weighs 1.",
    no_args_is_help=True,
)

_COLUMNS = ["source", "level", "meaning", "weight", "set_by", "updated"]

Source = Annotated[
    str,
    typer.Argument(
        help="Who incidents come from: an organization (kz-mvd), a partner's STIX bundle "
        "(stix:cert-ua) or a public dataset (public:ucdp)."
    ),
]
OrgOption = Annotated[
    str | None,
    typer.Option("--org", help="Whose trust (default: yours, $CORRIDOR_ORGANIZATION)."),
]


def _row(trust: SourceTrust) -> dict[str, Any]:
    return {"organization": trust.organization, "source": trust.source,
            "level": trust.level.value, "meaning": trust.level.label, "weight": trust.weight,
            "set_by": trust.set_by,
            "updated": trust.origin.updated_at.isoformat(sep=" ", timespec="seconds")}  # fmt: skip


@app.command("set")
def trust_set(
    source: Source,
    level: Annotated[
        str,
        typer.Argument(
            help="A-F, or in words: completely-reliable, usually-reliable, fairly-reliable, "
            "not-usually-reliable, unreliable, cannot-be-judged."
        ),
    ],
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set how reliable an organization judges a source.

    Example: corridor admin trust set stix:cert-ua usually-reliable --org kz-mvd
    Example: corridor admin trust set uz-mvd A --org kz-mvd
    """
    from corridor.cooperation.trust_services import set_trust

    run = current()
    found = set_trust(run.store(), run.principal(), org or run.organization, source, level,
                      atlas=run.atlas, instance=run.instance)  # fmt: skip
    if as_json:
        print_json(_row(found))
        return
    note(f"{found.organization} rates {found.source} {found.level.value} "
         f"({found.level.label}): its incidents weigh {found.weight:g}", style="")  # fmt: skip


@app.command("list")
def trust_list(org: OrgOption = None, as_json: JsonOption = False) -> None:
    """An organization's trust settings, by source (every other source weighs 1).

    Example: corridor admin trust list --org kz-mvd
    """
    from corridor.cooperation.trust_services import list_trust

    run = current()
    organization = org or run.organization
    rows = [_row(t) for t in list_trust(run.store(), run.principal(), organization)]
    print_table(rows, _COLUMNS, title=f"Trust of {organization} in sources", as_json=as_json)


@app.command("clear")
def trust_clear(source: Source, org: OrgOption = None) -> None:
    """Remove a setting: the source's incidents weigh 1 again.

    Example: corridor admin trust clear uz-mvd --org kz-mvd
    """
    from corridor.cooperation.trust_services import clear_trust

    run = current()
    found = clear_trust(run.store(), run.principal(), org or run.organization, source)
    note(f"{found.organization} no longer rates {found.source} (was {found.level.value})",
         style="")  # fmt: skip
