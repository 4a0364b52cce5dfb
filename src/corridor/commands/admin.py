"""``corridor admin``: organizations, users, API tokens, sharing groups, trust in sources
and the audit log.

A thin skin over :mod:`corridor.cooperation.services`. Whoever runs the command line
holds the store, so acts as platform admin for $CORRIDOR_ORGANIZATION; the same
calls over HTTP check the caller's roles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.options import OneCountryOption, SinceOption, UntilOption
from corridor.commands.output import JsonOption, note, print_json, print_table
from corridor.commands.trust import app as trust_app

if TYPE_CHECKING:
    from corridor.cooperation.models import Organization, SharingGroup, Token, User

app = typer.Typer(
    help="Administer the platform: organizations, users, API tokens, sharing groups, trust "
    "in sources and the audit log of who read, changed or exported what.",
    no_args_is_help=True,
)
org_app = typer.Typer(
    help="Organizations: agencies, ministries, operators, ...", no_args_is_help=True
)
user_app = typer.Typer(help="Users of an organization, with roles.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens: issued once, revocable, expiring.", no_args_is_help=True)
group_app = typer.Typer(help="Sharing groups (TLP AMBER/RED reach their members).",
                        no_args_is_help=True)  # fmt: skip
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(group_app, name="group")
app.add_typer(trust_app, name="trust")

_KINDS = "law_enforcement, ministry, international, operator or secretariat"
_ROLES = "viewer, reporter, analyst, responder, org_admin or platform_admin"


def _time(value: Any) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value is not None else ""


def _organization_row(org: Organization) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "kind": org.kind.value, "country": org.country,
            "mechanism": org.mechanism, "assets": list(org.assets), "uuid": org.origin.uuid,
            "version": org.origin.version}  # fmt: skip


@org_app.command("add")
def org_add(
    organization: Annotated[str, typer.Argument(help="Its id, e.g. kz-mvd.")],
    name: Annotated[str, typer.Option(help="Its full name.")],
    kind: Annotated[str, typer.Option(help=f"One of {_KINDS}.")],
    country: OneCountryOption = None,
    mechanism: Annotated[
        str | None, typer.Option(help="The atlas mechanism a secretariat serves (e.g. SCO).")
    ] = None,
    asset: Annotated[
        list[str] | None, typer.Option(help="An atlas asset it operates; repeat for several.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Register an organization.

    Example: corridor admin org add kz-mvd --name "MVD" --kind law_enforcement --country KAZ
    Example: corridor admin org add sco-rats --name "SCO RATS" --kind secretariat --mechanism SCO
    """
    from corridor.cooperation.services import create_organization

    run = current()
    org = create_organization(
        run.store(create=True), run.principal(), organization, name=name, kind=kind,
        country=country, mechanism=mechanism, assets=asset or (), atlas=run.atlas(),
        instance=run.instance,
    )  # fmt: skip
    if as_json:
        print_json(_organization_row(org))
        return
    note(f"registered organization {org.id} ({org.kind.value})", style="")


@org_app.command("list")
def org_list(as_json: JsonOption = False) -> None:
    """Every organization on the platform.

    Example: corridor admin org list --json
    """
    from corridor.cooperation.services import list_organizations

    run = current()
    rows = [_organization_row(o) for o in list_organizations(run.store(), run.principal())]
    print_table(rows, ["id", "name", "kind", "country", "mechanism", "assets"],
                title="Organizations", as_json=as_json)  # fmt: skip


def _user_row(user: User) -> dict[str, Any]:
    return {"id": user.id, "organization": user.organization, "name": user.display_name,
            "roles": sorted(user.roles), "disabled": user.disabled}  # fmt: skip


@user_app.command("add")
def user_add(
    user: Annotated[str, typer.Argument(help="The user's id (a login or an e-mail address).")],
    org: Annotated[str, typer.Option("--org", help="The organization they act for.")],
    role: Annotated[list[str], typer.Option(help=f"{_ROLES}; repeat for several.")],
    name: Annotated[str, typer.Option(help="Their name, as people read it.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Add a user to an organization.

    Example: corridor admin user add aigerim --org kz-mvd --role reporter --role analyst
    """
    from corridor.cooperation.services import create_user

    run = current()
    made = create_user(run.store(create=True), run.principal(), user, organization=org,
                       roles=role, display_name=name, instance=run.instance)  # fmt: skip
    if as_json:
        print_json(_user_row(made))
        return
    note(f"added user {made.id} to {made.organization} ({', '.join(sorted(made.roles))})", style="")


@user_app.command("list")
def user_list(
    org: Annotated[str | None, typer.Option("--org", help="Only this organization's.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Users, with their organizations and roles.

    Example: corridor admin user list --org kz-mvd
    """
    from corridor.cooperation.services import list_users

    run = current()
    rows = [_user_row(u) for u in list_users(run.store(), run.principal(), organization=org)]
    print_table(rows, ["id", "organization", "name", "roles", "disabled"], title="Users",
                as_json=as_json)  # fmt: skip


def _token_row(token: Token) -> dict[str, Any]:
    from corridor.cooperation.records import utc

    return {"id": token.id, "user": token.user, "state": token.state(utc()).value,
            "created": _time(token.created_at), "expires": _time(token.expires_at),
            "revoked": _time(token.revoked_at), "last_used": _time(token.last_used_at)}  # fmt: skip


@token_app.command("issue")
def token_issue(
    user: Annotated[str, typer.Argument(help="Whose token.")],
    expires_in_days: Annotated[
        int, typer.Option(min=1, max=366, help="Days until it stops working.")
    ] = 90,
    as_json: JsonOption = False,
) -> None:
    """Issue an API token: printed this once, stored only as a keyed hash.

    Example: corridor admin token issue aigerim --expires-in-days 30
    """
    from corridor.cooperation.services import issue_token

    run = current()
    store = run.store(create=True)
    issued = issue_token(store, run.principal(), user, secret=run.token_secret(create=True),
                         expires_in_days=expires_in_days)  # fmt: skip
    if as_json:
        print_json({**_token_row(issued.token), "token": issued.secret})
        return
    print(issued.secret)
    note(f"token {issued.token.id} for {user}, until {_time(issued.token.expires_at)} UTC: "
         "copy it now, it is not shown again")  # fmt: skip


@token_app.command("revoke")
def token_revoke(
    token: Annotated[str, typer.Argument(help="The token's id (from `admin token list`).")],
) -> None:
    """Revoke a token: it opens nothing from now on.

    Example: corridor admin token revoke 3f9a0c1b2d4e
    """
    from corridor.cooperation.services import revoke_token

    run = current()
    revoked = revoke_token(run.store(), run.principal(), token)
    note(f"revoked token {revoked.id} of {revoked.user}", style="")


@token_app.command("list")
def token_list(
    user: Annotated[str | None, typer.Option(help="Only this user's.")] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organization's.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Tokens (their ids and states, never the tokens), newest first.

    Example: corridor admin token list --org kz-mvd
    """
    from corridor.cooperation.services import list_tokens

    run = current()
    found = list_tokens(run.store(), run.principal(), user=user, organization=org)
    print_table([_token_row(t) for t in found],
                ["id", "user", "state", "created", "expires", "revoked", "last_used"],
                title="API tokens", as_json=as_json)  # fmt: skip


def _group_row(group: SharingGroup, members: frozenset[str] | None) -> dict[str, Any]:
    return {"id": group.id, "name": group.name, "kind": group.kind.value,
            "mechanism": group.mechanism, "confidential": group.confidential,
            "owner": group.owner,
            "members": sorted(members) if members is not None else "(confidential)"}  # fmt: skip


@group_app.command("add")
def group_add(
    group: Annotated[str, typer.Argument(help="Its id, e.g. sco or central-asia-pipelines.")],
    name: Annotated[str, typer.Option(help="Its name, as people read it.")],
    mechanism: Annotated[
        str | None,
        typer.Option(help="Follow this atlas mechanism's member states, year by year (e.g. SCO)."),
    ] = None,
    confidential: Annotated[
        bool, typer.Option(help="Members receive what is shared but cannot list one another.")
    ] = False,
    owner: Annotated[
        str | None, typer.Option(help="The owning organization (default: yours).")
    ] = None,
) -> None:
    """Make a sharing group: explicit (add members) or following a mechanism.

    Example: corridor admin group add sco --name "SCO states" --mechanism SCO --owner sco-rats
    """
    from corridor.cooperation.services import create_group

    run = current()
    made = create_group(run.store(create=True), run.principal(), group, name=name,
                        mechanism=mechanism, confidential=confidential, owner=owner,
                        atlas=run.atlas, instance=run.instance)  # fmt: skip
    note(f"made sharing group {made.id} ({made.kind.value})", style="")


@group_app.command("add-member")
def group_add_member(
    group: Annotated[str, typer.Argument(help="The group's id.")],
    organization: Annotated[list[str], typer.Argument(help="Organizations to add.")],
) -> None:
    """Add organizations to an explicit group.

    Example: corridor admin group add-member pipeline-pair kz-mvd uz-mvd
    """
    from corridor.cooperation.services import add_group_members

    run = current()
    added = add_group_members(run.store(), run.principal(), group, organization)
    note(f"added {added} organization(s) to {group}", style="")


@group_app.command("list")
def group_list(as_json: JsonOption = False) -> None:
    """Sharing groups with their members today (hidden for confidential ones you only
    belong to).

    Example: corridor admin group list --json
    """
    from datetime import date

    from corridor.cooperation.services import list_groups

    run = current()
    found = list_groups(run.store(), run.principal(), on=date.today(), atlas=run.atlas)
    print_table([_group_row(g.group, g.members) for g in found],
                ["id", "name", "kind", "mechanism", "confidential", "owner", "members"],
                title="Sharing groups", as_json=as_json)  # fmt: skip


@app.command("audit")
def audit_(
    org: Annotated[str | None, typer.Option("--org", help="Only this organization's.")] = None,
    action: Annotated[
        str | None,
        typer.Option(help="read, export, create, update, share or revoke."),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many entries.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """The audit log, newest first: who read, changed or exported what, and how many.

    Example: corridor admin audit --action export --since 2024
    """
    from corridor.cooperation.services import audit_log

    run = current()
    entries = audit_log(run.store(), run.principal(), organization=org, action=action,
                        since=since, until=until, limit=limit)  # fmt: skip
    rows = [{"at": _time(e.at), "organization": e.organization, "user": e.user,
             "action": e.action.value, "object": e.object_type, "id": e.object_id,
             "count": e.count, "detail": e.detail} for e in entries]  # fmt: skip
    print_table(rows, ["at", "organization", "user", "action", "object", "id", "count", "detail"],
                title="Audit log", as_json=as_json)  # fmt: skip
