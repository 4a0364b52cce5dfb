"""Capacity building: training courses with their host, dates, topic and participants by
country, and running tallies ("more than 30 courses") as a source states them.

Plain frozen records with no I/O. A participant count is optional per country: seed 003
names the countries of each course but gives no numbers, and a record says no more than
its source.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from corridor.atlas.models import CountryCode, Identifier
from corridor.cooperation.meetings import DateText, Record, period

__all__ = ["CourseParticipants", "Qualifier", "StatedCount", "TrainingCourse", "TrainingTally"]


class CourseParticipants(Record):
    """Participants from one country; ``count`` None when the source gives no number."""

    country: CountryCode
    count: int | None = Field(default=None, ge=0)


class TrainingCourse(Record):
    """One course: who hosted it, when, on what, for whom."""

    id: Identifier
    title: str = Field(min_length=1)
    mechanism: Identifier | None = None
    host: str = Field(min_length=1)
    host_country: CountryCode | None = None
    place: str | None = None
    starts: DateText
    ends: DateText | None = None
    topic: str | None = None
    participants: tuple[CourseParticipants, ...] = ()
    participant_count: int | None = Field(default=None, ge=0)
    note: str | None = None
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _checked(self) -> TrainingCourse:
        codes = [p.country for p in self.participants]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"participants list {', '.join(repeated)} more than once")
        if self.ends is not None and period(self.ends)[1] < period(self.starts)[0]:
            raise ValueError(f"ends ({self.ends}) is before starts ({self.starts})")
        return self

    @property
    def first_day(self) -> date:
        return period(self.starts)[0]

    @property
    def last_day(self) -> date:
        return period(self.ends or self.starts)[1]

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(p.country for p in self.participants)


class Qualifier(StrEnum):
    EXACTLY = "exactly"
    MORE_THAN = "more_than"
    ABOUT = "about"


class StatedCount(Record):
    """A number with the hedge its source put on it: ``more than 400`` stays a lower bound."""

    value: int = Field(ge=0)
    qualifier: Qualifier = Qualifier.EXACTLY

    def __str__(self) -> str:
        if self.qualifier is Qualifier.EXACTLY:
            return str(self.value)
        return f"{self.qualifier.value.replace('_', ' ')} {self.value}"


class TrainingTally(Record):
    """A running total of a mechanism's training as of a date, as the source states it."""

    id: Identifier
    mechanism: Identifier
    as_of: DateText
    audience: str | None = None
    courses: StatedCount
    participants: StatedCount | None = None
    source: str = Field(min_length=3)
