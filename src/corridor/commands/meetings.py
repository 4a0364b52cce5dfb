"""``corridor meetings`` and ``corridor training``: consultations and capacity building.

Thin skins over :mod:`corridor.cooperation.meeting_services` and
:mod:`corridor.cooperation.training_services`: parse the options, call one library
function, render. The library loads inside each command.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from corridor.commands.context import current
from corridor.commands.options import (
    CountryOption,
    SinceOption,
    UntilOption,
    end_day_option,
    one_of,
)
from corridor.commands.output import JsonOption, note, out, print_json, print_table

if TYPE_CHECKING:
    from corridor.cooperation.meeting_services import Listing, MeetingDetail, MeetingRecord
    from corridor.cooperation.training_services import TrainingPage

app = typer.Typer(
    help="Consultations: meetings of a mechanism (annual meetings, sub-forums, round tables, "
    "liaison meetings, conferences) with who took part, what they agreed and the action items "
    "that follow. `corridor meetings load-forum` loads the Lianyungang Forum's record (seed 003).",
    no_args_is_help=True,
)
actions_app = typer.Typer(
    help="Action items of meetings: who must do what by when; open items past their deadline "
    "are overdue.",
    no_args_is_help=True,
)
app.add_typer(actions_app, name="actions")
training_app = typer.Typer(
    help="Capacity building: training courses with host, dates, topic and participants by "
    "country, and running tallies as their sources state them.",
    no_args_is_help=True,
)


_MEETINGS = "corridor.cooperation.meetings"
MechanismOption = Annotated[
    str | None,
    typer.Option(
        "--mechanism",
        metavar="ID",
        help="An atlas mechanism id (`corridor atlas mechanisms`); those under it come too.",
    ),
]
TlpOption = Annotated[
    str,
    typer.Option(
        "--tlp",
        callback=one_of("corridor.events.model", "Tlp"),
        metavar="LABEL",
        help="TLP 2.0 label: clear, green, amber, amber+strict or red.",
    ),
]
AsOfOption = Annotated[
    date | None,
    typer.Option(
        "--as-of",
        parser=end_day_option,
        metavar="DATE",
        help="Statuses as of this date (YYYY, YYYY-MM or YYYY-MM-DD; default today): an open "
        "item whose deadline is before it is overdue.",
    ),
]
DeadlineOption = Annotated[
    date | None,
    typer.Option(
        "--deadline",
        parser=end_day_option,
        metavar="DATE",
        help="Due by this date (YYYY, YYYY-MM or YYYY-MM-DD; a month means its last day).",
    ),
]
StatusOption = Annotated[
    str | None,
    typer.Option(
        "--status", callback=one_of(_MEETINGS, "ActionStatus"), help="open, done or overdue."
    ),
]


def _listing(
    mechanism: str | None, countries: list[str] | None, since: date | None, until: date | None
) -> Listing:
    """What `meetings list` and `training list` are narrowed by; the atlas loads only to
    check a mechanism."""
    run = current()
    atlas = run.atlas() if mechanism else None
    return {"mechanism": mechanism, "country": countries, "since": since, "until": until,
            "atlas": atlas}  # fmt: skip


def _print_fields(title: str, rows: list[tuple[str, Any]]) -> None:
    """A record's title, then a table of its fields that have a value."""
    out.print(Text(title, style="bold"))
    print_table([{"field": k, "value": v} for k, v in rows if v], ("field", "value"))


# --------------------------------------------------------------------------- meetings


def _count(stated: int | None, listed: int) -> str:
    """A participant count as the source states it, and how many it names where they differ."""
    if stated is None:
        return str(listed) if listed else ""
    if listed and listed != stated:
        return f"{stated} stated, {listed} named"
    return str(stated)


def _meeting_row(found: MeetingRecord) -> dict[str, Any]:
    m = found.meeting
    return {
        "id": m.id,
        "when": m.when,
        "kind": m.kind.value.replace("_", " "),
        "title": m.title,
        "countries": _count(m.country_count, len(m.countries)),
        "organizations": _count(m.organization_count, len(m.organizations)),
        "level": (m.level or "").replace("_", " "),
        "tlp": found.tlp.value.upper(),
        "owner": found.owner,
    }


@app.command("list")
def list_command(
    mechanism: MechanismOption = None,
    countries: CountryOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
) -> None:
    """The meetings you may read, oldest first; counts as their source states them, and how
    many it names where the two differ.

    Example: corridor meetings list --mechanism LYG-FORUM
    Example: corridor meetings list --country Myanmar --since 2017 --json
    """
    from corridor.cooperation.meeting_services import list_meetings

    run = current()
    found = list_meetings(run.store(), run.viewer(), **_listing(mechanism, countries, since, until))
    if as_json:
        print_json([f.model_dump(mode="json") for f in found])
        return
    columns = ("id", "when", "kind", "title", "countries", "organizations", "level", "tlp")
    print_table([_meeting_row(f) for f in found], columns, title="Meetings")
    for f in found:
        for text in f.notes:
            note(f"{f.meeting.id}: {text}")


@app.command("show")
def show_command(
    meeting_id: Annotated[str, typer.Argument(metavar="ID", help="The meeting's id.")],
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """One meeting: who took part, what it consisted of and agreed, the meetings held within
    it, its action items, and where its source disagrees with itself.

    Example: corridor meetings show lyg-2017
    """
    from corridor.cooperation.meeting_services import meeting

    run = current()
    detail = meeting(run.store(), run.viewer(), meeting_id, as_of=as_of)
    if as_json:
        print_json(detail.model_dump(mode="json"))
        return
    _print_detail(detail)


def _print_detail(detail: MeetingDetail) -> None:
    from corridor.atlas.countries import country_name

    found = detail.record
    m = found.meeting
    rows = [
        ("id", m.id),
        ("kind", m.kind.value.replace("_", " ")),
        ("when", m.when),
        ("mechanism", m.mechanism),
        ("part of", m.part_of),
        ("place", m.place),
        ("level", m.level and m.level.value.replace("_", " ")),
        ("countries", _count(m.country_count, len(m.countries))),
        ("named", ", ".join(country_name(c) for c in m.countries)),
        ("organizations", _count(m.organization_count, len(m.organizations))),
        ("named organizations", ", ".join(m.organizations)),
        ("components", "; ".join(m.components)),
        ("sharing", _sharing(found.tlp.value, found.owner, found.shared_with, found.version)),
    ]
    _print_fields(m.title, rows)
    for outcome in m.outcomes:
        out.print(Text(f"{outcome.kind.value.replace('_', ' ')}: {outcome.title}", style="bold"))
        for number, point in enumerate(outcome.points, 1):
            out.print(Text(f"  ({number}) {point}"))
    if detail.parts:
        parts = [_meeting_row(p) for p in detail.parts]
        print_table(parts, ("id", "kind", "title", "countries", "level"), title="Held within it")
    if detail.actions:
        _print_actions(list(detail.actions))
    for text in (*found.notes, *([m.note] if m.note else [])):
        out.print(Text(f"Note: {text}", style="yellow"))


@app.command("add")
def add_command(
    meeting_id: Annotated[str, typer.Argument(metavar="ID", help="A new id, e.g. sco-dg-2024.")],
    title: Annotated[str, typer.Option("--title", help="What the meeting is called.")],
    when: Annotated[
        str, typer.Option("--date", metavar="DATE", help="When: YYYY, YYYY-MM or YYYY-MM-DD.")
    ],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            callback=one_of(_MEETINGS, "MeetingKind"),
            help="annual_meeting, sub_forum, round_table, liaison_meeting or conference.",
        ),
    ] = "liaison_meeting",
    mechanism: MechanismOption = None,
    part_of: Annotated[
        str | None, typer.Option("--part-of", metavar="ID", help="The meeting it was held in.")
    ] = None,
    place: Annotated[str | None, typer.Option("--place", help="Where it was held.")] = None,
    level: Annotated[
        str | None,
        typer.Option(
            "--level",
            callback=one_of(_MEETINGS, "Level"),
            help="ministerial, vice_ministerial, director_general or expert.",
        ),
    ] = None,
    countries: CountryOption = None,
    organizations: Annotated[
        list[str] | None,
        typer.Option("--organization", metavar="ID", help="A participating organization."),
    ] = None,
    tlp: TlpOption = "green",
    as_json: JsonOption = False,
) -> None:
    """Record a meeting as your organization's, labelled with --tlp (default GREEN); the
    same id again updates it.

    Example: corridor meetings add dg-liaison-2024 --title "DG liaison meeting" --date 2024-03 --mechanism LYG-FORUM --country KAZ --country CHN --tlp amber
    """  # noqa: E501
    from corridor.cooperation.meeting_services import add_meeting
    from corridor.cooperation.meetings import Meeting, checked

    fields = {
        "id": meeting_id, "kind": kind, "title": title, "when": when, "mechanism": mechanism,
        "part_of": part_of, "place": place, "level": level, "countries": countries or [],
        "organizations": organizations or [],
    }  # fmt: skip
    run = current()
    record = checked(Meeting, fields, what="meeting")
    store, atlas = run.store(create=True), run.atlas()
    saved = add_meeting(store, run.viewer(), record, tlp=_tlp(tlp), atlas=atlas)
    if as_json:
        print_json(saved.model_dump(mode="json"))
        return
    label = saved.tlp.value.upper()
    note(f"meeting {saved.meeting.id} saved (TLP:{label}, version {saved.version})")


@app.command("load-forum")
def load_forum_command(
    tlp: TlpOption = "clear",
    as_json: JsonOption = False,
) -> None:
    """Load the Lianyungang Forum's four annual meetings (2015-2018), the meetings held within
    them and its training record, from seed 003, as your organization's. Loading again
    changes nothing; where the seed contradicts itself both readings are kept and noted.

    Example: corridor meetings load-forum
    """
    from corridor.cooperation.meeting_services import load_forum_record

    run = current()
    loaded = load_forum_record(
        run.store(create=True), run.organization, tlp=_tlp(tlp), atlas=run.atlas()
    )
    if as_json:
        print_json(loaded.model_dump(mode="json"))
        return
    rows = [
        {"records": kind, **counts}
        for kind, counts in (
            ("meetings", loaded.meetings),
            ("courses", loaded.courses),
            ("tallies", loaded.tallies),
        )
    ]
    print_table(rows, ("records", "inserted", "updated", "unchanged", "kept"), title="Loaded")
    for text in loaded.notes:
        note(f"note: {text}", style="yellow")


def _sharing(tlp: str, owner: str, groups: tuple[str, ...], version: int) -> str:
    shared = f", shared with {', '.join(groups)}" if groups else ""
    return f"TLP:{tlp.upper()}, owner {owner}{shared}, version {version}"


GroupsArgument = Annotated[
    list[str],
    typer.Argument(metavar="GROUP", help="Sharing groups (`corridor admin group list`)."),
]


RecordIdArgument = Annotated[str, typer.Argument(metavar="ID", help="The record's id.")]


def _sharing_commands(group: typer.Typer, kind: str, label: str, example: str) -> None:
    """``share`` and ``unshare`` commands on ``group`` for records of ``kind`` (``meeting``,
    ``course``; ``label`` as people say it): the library's share_record and unshare_record,
    then how the record is shared now."""

    def change(key: str, groups: list[str], as_json: bool, *, remove: bool) -> None:
        from datetime import date

        from corridor.cooperation.record_sharing import RecordKind, share_record, unshare_record

        run = current()
        store, actor, which = run.store(), run.principal(), RecordKind(kind)
        if remove:
            shares = unshare_record(store, actor, which, key, groups)
        else:
            shares = share_record(store, actor, which, key, groups, on=date.today(),
                                  atlas=run.atlas)  # fmt: skip
        if as_json:
            print_json(shares.model_dump(mode="json"))
            return
        now = ", ".join(shares.shared_with) or "no group"
        verb = "stopped sharing" if remove else "shared"
        note(f"{label} {key}: {verb} with {shares.changed} new group(s); shared with {now}")

    def share(key: RecordIdArgument, groups: GroupsArgument, as_json: JsonOption = False) -> None:
        change(key, groups, as_json, remove=False)

    def unshare(key: RecordIdArgument, groups: GroupsArgument, as_json: JsonOption = False) -> None:
        change(key, groups, as_json, remove=True)

    group.command(
        "share",
        help=f"Share a {label} your organization recorded with sharing groups: labelled "
        "AMBER, AMBER+STRICT or RED, it then reaches their members too"
        f"{', with its action items' if kind == 'meeting' else ''}.\n\n"
        f"Example: corridor {example} sco",
    )(share)
    group.command(
        "unshare",
        help=f"Stop sharing a {label} with sharing groups.\n\n"
        f"Example: corridor {example.replace(' share', ' unshare')} sco",
    )(unshare)


def _tlp(value: str) -> Any:
    from corridor.events.model import Tlp

    return Tlp(value)


# --------------------------------------------------------------------------- action items


def _print_actions(items: list[Any]) -> None:
    fields = ("id", "meeting", "text", "owner", "deadline", "status", "done_on")
    rows = [{name: getattr(i, name) for name in fields} for i in items]
    for row in rows:
        row["status"] = row["status"].value
    print_table(rows, fields, title="Action items")


@actions_app.command("list")
def actions_list_command(
    status: StatusOption = None,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="ORG", help="The organization that must act.")
    ] = None,
    meeting_id: Annotated[
        str | None, typer.Option("--meeting", metavar="ID", help="One meeting's items.")
    ] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """The action items of meetings you may read, soonest deadline first.

    Example: corridor meetings actions list --status overdue --as-of 2024-06
    """
    from corridor.cooperation.meeting_services import action_items
    from corridor.cooperation.meetings import ActionStatus

    run = current()
    items = action_items(
        run.store(),
        run.viewer(),
        status=ActionStatus(status) if status else None,
        owner=owner,
        meeting=meeting_id,
        overdue_as_of=as_of,
    )
    if as_json:
        print_json([i.model_dump(mode="json") for i in items])
        return
    _print_actions(items)


@actions_app.command("add")
def actions_add_command(
    meeting_id: Annotated[str, typer.Argument(metavar="MEETING", help="The meeting's id.")],
    text: Annotated[str, typer.Argument(help="What is to be done.")],
    owner: Annotated[str, typer.Option("--owner", metavar="ORG", help="Who must do it.")],
    deadline: DeadlineOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add an action item to a meeting your organization recorded.

    Example: corridor meetings actions add dg-liaison-2024 "Name liaison officers" --owner kz-mvd --deadline 2024-05
    """  # noqa: E501
    from corridor.cooperation.meeting_services import add_action_item

    run = current()
    item = add_action_item(
        run.store(), run.viewer(), meeting_id, text, owner=owner, deadline=deadline
    )
    if as_json:
        print_json(item.model_dump(mode="json"))
        return
    note(f"action item {item.id} added to {item.meeting} ({item.status.value})")


@actions_app.command("update")
def actions_update_command(
    item_id: Annotated[int, typer.Argument(metavar="ITEM", help="The item's number.")],
    status: StatusOption = None,
    deadline: DeadlineOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mark an action item open or done, or move its deadline (its owner or the meeting's
    organization may).

    Example: corridor meetings actions update 1 --status done
    """
    from corridor.cooperation.meeting_services import update_action_item
    from corridor.cooperation.meetings import ActionStatus

    run = current()
    item = update_action_item(
        run.store(),
        run.viewer(),
        item_id,
        status=ActionStatus(status) if status else None,
        deadline=deadline,
    )
    if as_json:
        print_json(item.model_dump(mode="json"))
        return
    note(f"action item {item.id}: {item.status.value}, deadline {item.deadline or 'none'}")


# --------------------------------------------------------------------------- training


def _course_row(found: Any) -> dict[str, Any]:
    c = found.course
    return {
        "id": c.id,
        "starts": c.starts,
        "ends": c.ends or "",
        "title": c.title,
        "host": c.host,
        "countries": ", ".join(c.countries),
        "tlp": found.tlp.value.upper(),
    }


def _print_training(page: TrainingPage) -> None:
    columns = ("id", "starts", "ends", "title", "host", "countries", "tlp")
    print_table([_course_row(c) for c in page.courses], columns, title="Training courses")
    for found in page.tallies:
        t = found.tally
        participants = f", {t.participants} participants" if t.participants else ""
        audience = f" for {t.audience}" if t.audience else ""
        line = f"{t.mechanism} as of {t.as_of}: {t.courses} courses{audience}{participants}"
        out.print(Text(line))


@training_app.command("list")
def training_list_command(
    mechanism: MechanismOption = None,
    countries: CountryOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
) -> None:
    """The training courses you may read, oldest first, and the tallies of their mechanisms.

    Example: corridor training list --country Turkmenistan
    """
    from corridor.cooperation.training_services import list_courses

    run = current()
    page = list_courses(run.store(), run.viewer(), **_listing(mechanism, countries, since, until))
    if as_json:
        print_json(page.model_dump(mode="json"))
        return
    _print_training(page)


@training_app.command("show")
def training_show_command(
    course_id: Annotated[str, typer.Argument(metavar="ID", help="The course's id.")],
    as_json: JsonOption = False,
) -> None:
    """One training course: host, dates, topic and participants by country.

    Example: corridor training show lyg-training-2018-pipelines
    """
    from corridor.atlas.countries import country_name
    from corridor.cooperation.training_services import course

    run = current()
    found = course(run.store(), run.viewer(), course_id)
    if as_json:
        print_json(found.model_dump(mode="json"))
        return
    c = found.course
    rows = [
        ("id", c.id), ("mechanism", c.mechanism), ("host", c.host), ("place", c.place),
        ("starts", c.starts), ("ends", c.ends), ("topic", c.topic),
        ("participants", c.participant_count),
        ("sharing", _sharing(found.tlp.value, found.owner, found.shared_with, found.version)),
    ]  # fmt: skip
    _print_fields(c.title, rows)
    by_country = [
        {"country": country_name(p.country), "code": p.country, "participants": p.count}
        for p in c.participants
    ]
    print_table(by_country, ("country", "code", "participants"), title="Participants by country")
    if c.note:
        out.print(Text(f"Note: {c.note}", style="yellow"))


_sharing_commands(app, "meeting", "meeting", "meetings share dg-liaison-2024")
_sharing_commands(
    training_app, "course", "training course", "training share lyg-training-2018-pipelines"
)
