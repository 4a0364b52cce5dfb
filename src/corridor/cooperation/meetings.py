"""Consultations: the meetings of a mechanism, what they agreed, and who must do what by when.

Plain frozen records with no I/O (the store keeps them, the services share them).
A meeting keeps participant counts *as the source states them* beside the names
it lists, because sources often disagree with themselves (seed 003's third
Lianyungang meeting: "33 countries", 34 names); :meth:`Meeting.count_notes` says
where they differ instead of silently trusting either.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from corridor.atlas.models import CountryCode, Identifier
from corridor.errors import CorridorError, InputError

__all__ = [
    "ActionItem",
    "ActionStatus",
    "DateText",
    "Level",
    "Meeting",
    "MeetingKind",
    "NotAllowedError",
    "Outcome",
    "OutcomeKind",
    "Record",
    "checked",
    "count_note",
    "period",
]


class Record(BaseModel):
    """A frozen record that refuses unknown fields (a typo is an error, not a silent loss)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


R = TypeVar("R", bound=BaseModel)


def checked(model: type[R], fields: Mapping[str, object], *, what: str) -> R:
    """``model`` made from ``fields`` (typed by a user), or one :class:`InputError` naming the
    first field at fault, so no caller has to know pydantic's errors."""
    try:
        return model.model_validate(dict(fields))
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(step) for step in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        raise InputError(
            f"{what} {fields.get('id', '')!s}: {field or 'record'}: {message}"
        ) from exc


def _as_text(value: object) -> object:
    """YAML reads 2017-12-11 as a date and 2015 as a number; both are dates as written."""
    return (
        value.isoformat()
        if isinstance(value, date)
        else str(value)
        if isinstance(value, int)
        else value
    )


def _date_text(text: str) -> str:
    from corridor.dates import parse_day

    parse_day(text)  # raises InputError (a ValueError) naming the text and the forms
    return text


DateText = Annotated[str, BeforeValidator(_as_text), AfterValidator(_date_text)]
"""A day, month or year in the one grammar (YYYY | YYYY-MM | YYYY-MM-DD), kept as written so
a record says no more than its source knew."""


def period(text: str) -> tuple[date, date]:
    """First and last day of a :data:`DateText` (``2017-12`` -> 1 and 31 December 2017)."""
    from corridor.dates import parse_day

    return parse_day(text), parse_day(text, end=True)


class MeetingKind(StrEnum):
    """The kinds of consultation seed 003 names."""

    ANNUAL_MEETING = "annual_meeting"
    SUB_FORUM = "sub_forum"
    ROUND_TABLE = "round_table"
    LIAISON_MEETING = "liaison_meeting"
    CONFERENCE = "conference"


class Level(StrEnum):
    """The rank of the delegations, highest first."""

    MINISTERIAL = "ministerial"
    VICE_MINISTERIAL = "vice_ministerial"
    DIRECTOR_GENERAL = "director_general"
    EXPERT = "expert"


class OutcomeKind(StrEnum):
    """What a meeting produced."""

    JOINT_STATEMENT = "joint_statement"
    JOINT_VISION = "joint_vision"
    ACTION_PLAN = "action_plan"
    CONSENSUS = "consensus"
    AGREEMENT = "agreement"


class ActionStatus(StrEnum):
    """Open or done as stored; overdue is worked out (open with its deadline passed)."""

    OPEN = "open"
    DONE = "done"
    OVERDUE = "overdue"


class NotAllowedError(CorridorError):
    """The acting organization may read the record but not change it."""


def count_note(what: str, stated: int | None, listed: int) -> str | None:
    """A sentence when a stated count and a list disagree (None when they agree or one is
    missing), e.g. ``33 countries stated, 34 listed``."""
    if stated is None or listed in (0, stated):
        return None
    return f"{stated} {what} stated, {listed} listed"


class Outcome(Record):
    """A joint statement, vision, action plan, consensus or agreement, with its points as the
    source words them and the countries party to it where the source names them."""

    kind: OutcomeKind
    title: str = Field(min_length=1)
    date: DateText | None = None
    country_count: int | None = Field(default=None, ge=0)
    countries: tuple[CountryCode, ...] = ()
    points: tuple[str, ...] = ()
    source: str | None = None


class Meeting(Record):
    """One consultation: who came (as stated and as listed), what it consisted of and agreed.

    ``organizations`` are ids: atlas mechanism ids for international organizations
    (SCO-RATS, INTERPOL), platform organization ids otherwise. ``part_of`` names the meeting
    this one was held within (a sub-forum of an annual meeting). ``sources`` maps a field to
    the quote it rests on.
    """

    id: Identifier
    kind: MeetingKind
    title: str = Field(min_length=1)
    mechanism: Identifier | None = None
    part_of: Identifier | None = None
    when: DateText
    place: str | None = None
    host_country: CountryCode | None = None
    level: Level | None = None
    country_count: int | None = Field(default=None, ge=0)
    countries: tuple[CountryCode, ...] = ()
    organization_count: int | None = Field(default=None, ge=0)
    organizations: tuple[Identifier, ...] = ()
    components: tuple[str, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    note: str | None = None
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _no_repeats(self) -> Meeting:
        for name, values in (("countries", self.countries), ("organizations", self.organizations)):
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"{name} lists {', '.join(repeated)} more than once")
        if self.part_of == self.id:
            raise ValueError("a meeting cannot be part of itself")
        return self

    @property
    def starts(self) -> date:
        return period(self.when)[0]

    @property
    def ends(self) -> date:
        return period(self.when)[1]

    def count_notes(self) -> tuple[str, ...]:
        """Where the stated participant counts and the listed names disagree, or no names are
        given for a stated count."""
        notes = []
        for what, stated, listed in (
            ("countries", self.country_count, self.countries),
            ("international organizations", self.organization_count, self.organizations),
        ):
            if stated and not listed:
                notes.append(f"{stated} {what} stated, none named")
            found = count_note(what, stated, len(listed))
            if found:
                notes.append(found)
        for outcome in self.outcomes:
            found = count_note("countries", outcome.country_count, len(outcome.countries))
            if found:
                notes.append(f"{outcome.title}: {found}")
        return tuple(notes)


class ActionItem(Record):
    """Something a meeting asked an organization to do, by a deadline.

    ``status`` is as of the day the item was read: an open item whose deadline has passed
    reads as overdue.
    """

    id: int
    meeting: str
    text: str
    owner: str
    deadline: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    done_on: date | None = None

    def as_of(self, day: date) -> ActionItem:
        """This item with its status as of ``day``."""
        stored = ActionStatus.DONE if self.status is ActionStatus.DONE else ActionStatus.OPEN
        if stored is ActionStatus.OPEN and self.deadline is not None and self.deadline < day:
            stored = ActionStatus.OVERDUE
        return self.model_copy(update={"status": stored})
