"""A mechanism's meeting and training record, read from YAML and checked line by line.

The bundled record is the Lianyungang Forum's (seed 003). A record file is refused
with one line per problem (file:line, entry, field), as atlas files are: unknown
countries, mechanisms and organizations, dangling ``part_of``, facts without a
source quote, and counts that disagree with their lists without a ``note:``
saying so. Disagreements that *are* explained are kept and reported as notes,
never "fixed": a record says what its source says.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from corridor.atlas.entries import problem_at
from corridor.atlas.problems import AtlasProblem
from corridor.atlas.sourcefile import NodePath, SourceFile, SourceFileError, field_path
from corridor.cooperation.meetings import Meeting, count_note
from corridor.cooperation.training import TrainingCourse, TrainingTally
from corridor.errors import InputError, closest

if TYPE_CHECKING:
    from corridor.atlas.catalog import Atlas

__all__ = [
    "BUNDLED_FORUM_RECORD",
    "ForumRecord",
    "ForumRecordError",
    "RecordNote",
    "check_forum_record",
    "read_forum_record",
]

BUNDLED_FORUM_RECORD = Path(
    str(resources.files("corridor.cooperation").joinpath("data", "lianyungang_forum.yaml"))
)

# Fields that state a fact and so need a quote in ``sources`` when they are set.
_MEETING_FACTS = (
    "when", "place", "host_country", "level", "country_count", "countries",
    "organization_count", "organizations", "components", "part_of",
)  # fmt: skip
_COURSE_FACTS = (
    "starts", "ends", "host", "host_country", "place", "topic", "participants",
    "participant_count",
)  # fmt: skip
# Fields that name rather than state; a quote for them is welcome but not required.
_NAMING = frozenset({"title", "mechanism"})
_TOP_KEYS = {"document", "mechanism", "meetings", "training"}


@dataclass(frozen=True)
class RecordNote:
    """Something a reader should know about the record: where it disagrees with itself."""

    file: str
    line: int | None
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.entry}: {self.message}"


@dataclass(frozen=True)
class ForumRecord:
    """A checked record: meetings, courses, tallies, and the notes about them."""

    mechanism: str
    document: str
    meetings: tuple[Meeting, ...]
    courses: tuple[TrainingCourse, ...]
    tallies: tuple[TrainingTally, ...]
    notes: tuple[RecordNote, ...]


class ForumRecordError(InputError):
    """The record file was refused; ``problems`` lists every reason, the message the first."""

    def __init__(self, problems: list[AtlasProblem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


@dataclass(frozen=True)
class _Entry:
    record: Any
    path: NodePath


class _Reader:
    """One pass over one file, collecting problems and notes with their lines."""

    def __init__(self, source: SourceFile, atlas: Atlas) -> None:
        self.source, self.atlas = source, atlas
        self.problems: list[AtlasProblem] = []
        self.notes: list[RecordNote] = []

    def problem(self, path: NodePath, entry: str | None, field: str | None, text: str) -> None:
        self.problems.append(problem_at(self.source, path, entry, field, text))

    def note(self, path: NodePath, entry: str, text: str) -> None:
        line = self.source.line_of(path)
        self.notes.append(RecordNote(self.source.path.name, line, entry, text))

    def entries(self, path: NodePath, model: type[BaseModel]) -> list[_Entry]:
        """The valid records of the list at ``path``; a problem for each invalid one."""
        items: Any = self.source.data
        for step in path:
            items = items.get(step) if isinstance(items, dict) else None
        if items is None:
            return []
        if not isinstance(items, list):
            self.problem(path, None, ".".join(map(str, path)), "expected a list")
            return []
        found = []
        for index, raw in enumerate(items):
            at = (*path, index)
            name = str(raw.get("id", f"#{index}")) if isinstance(raw, dict) else f"#{index}"
            try:
                found.append(_Entry(model.model_validate(raw), at))
            except ValidationError as exc:
                for error in exc.errors():
                    loc = tuple(error["loc"])
                    message = error["msg"].removeprefix("Value error, ")
                    self.problem((*at, *loc), name, field_path(loc) or None, message)
        return found

    def unique(self, entries: list[_Entry]) -> None:
        seen: set[str] = set()
        for entry in entries:
            if entry.record.id in seen:
                self.problem(entry.path, entry.record.id, "id", "appears more than once")
            seen.add(entry.record.id)

    def known(self, entry: _Entry, field: str, value: str | None, where: NodePath) -> None:
        """A problem unless ``value`` is an atlas mechanism id."""
        if value is None or value in self.atlas.mechanisms:
            return
        message = f"{value!r} is not a mechanism of the atlas"
        suggestion = closest(value, list(self.atlas.mechanisms))
        if suggestion:
            message += f"; did you mean {suggestion!r}?"
        self.problem((*entry.path, *where), entry.record.id, field, message)

    def sourced(self, entry: _Entry, facts: tuple[str, ...]) -> None:
        """Every fact set has a quote, and every quote a fact."""
        record = entry.record
        for field in facts:
            value = getattr(record, field)
            if value not in (None, ()) and not record.sources.get(field, "").strip():
                self.problem(
                    (*entry.path, field), record.id, field, "has no quote under `sources:`"
                )
        for field in record.sources:
            if field in _NAMING or getattr(record, field, None) not in (None, ()):
                continue
            self.problem(
                (*entry.path, "sources", field),
                record.id,
                f"sources.{field}",
                f"quotes a source for {field!r}, which states nothing here",
            )


def _meeting_checks(reader: _Reader, meetings: list[_Entry]) -> None:
    by_id = {e.record.id: e.record for e in meetings}
    for entry in meetings:
        meeting: Meeting = entry.record
        reader.known(entry, "mechanism", meeting.mechanism, ("mechanism",))
        for index, organization in enumerate(meeting.organizations):
            reader.known(entry, f"organizations[{index}]", organization, ("organizations", index))
        reader.sourced(entry, _MEETING_FACTS)
        for index, outcome in enumerate(meeting.outcomes):
            if not (outcome.source or "").strip():
                where = (*entry.path, "outcomes", index)
                reader.problem(where, meeting.id, f"outcomes[{index}].source", "is missing")
        if meeting.part_of is not None and meeting.part_of not in by_id:
            reader.problem(
                (*entry.path, "part_of"),
                meeting.id,
                "part_of",
                f"{meeting.part_of!r} is not a meeting of this file",
            )
        contradicted = [
            count_note("countries", meeting.country_count, len(meeting.countries)),
            count_note("organizations", meeting.organization_count, len(meeting.organizations)),
        ]
        for text in filter(None, contradicted):
            if not meeting.note:
                reader.problem(
                    (*entry.path, "countries"),
                    meeting.id,
                    "note",
                    f"{text}: keep both and say so in `note:`",
                )
        for text in meeting.count_notes():
            reader.note((*entry.path, "country_count"), meeting.id, text)
        parent = by_id.get(meeting.part_of or "")
        if parent is not None and parent.countries:
            missing = [c for c in meeting.countries if c not in parent.countries]
            if missing:
                reader.note(
                    (*entry.path, "countries"),
                    meeting.id,
                    f"{', '.join(missing)} took part, but {parent.id} does not list "
                    f"{'it' if len(missing) == 1 else 'them'}",
                )


def _training_checks(reader: _Reader, courses: list[_Entry], tallies: list[_Entry]) -> None:
    for entry in courses:
        reader.known(entry, "mechanism", entry.record.mechanism, ("mechanism",))
        reader.sourced(entry, _COURSE_FACTS)
        course: TrainingCourse = entry.record
        listed = sum(p.count for p in course.participants if p.count is not None)
        if course.participant_count is not None and listed > course.participant_count:
            reader.note(
                (*entry.path, "participant_count"),
                course.id,
                f"{course.participant_count} participants stated, {listed} counted by country",
            )
    for entry in tallies:
        reader.known(entry, "mechanism", entry.record.mechanism, ("mechanism",))


def _read(path: Path, atlas: Atlas) -> tuple[ForumRecord | None, list[AtlasProblem]]:
    try:
        source = SourceFile.read(path)
    except SourceFileError as exc:
        return None, [AtlasProblem(path.name, exc.line, None, None, exc.message)]
    reader = _Reader(source, atlas)
    data = source.data
    if not isinstance(data, dict):
        reader.problem((), None, None, "expected a mapping with `mechanism:` and `meetings:`")
        return None, reader.problems
    for key in sorted(set(data) - _TOP_KEYS):
        reader.problem((key,), None, key, f"unknown key; expected {', '.join(sorted(_TOP_KEYS))}")
    mechanism = str(data.get("mechanism") or "")
    if mechanism not in atlas.mechanisms:
        reader.problem(
            ("mechanism",), None, "mechanism", f"{mechanism!r} is not an atlas mechanism"
        )
    meetings = reader.entries(("meetings",), Meeting)
    courses = reader.entries(("training", "courses"), TrainingCourse)
    tallies = reader.entries(("training", "tallies"), TrainingTally)
    for entries in (meetings, courses, tallies):
        reader.unique(entries)
    _meeting_checks(reader, meetings)
    _training_checks(reader, courses, tallies)
    record = ForumRecord(
        mechanism=mechanism,
        document=str(data.get("document") or ""),
        meetings=tuple(e.record for e in meetings),
        courses=tuple(e.record for e in courses),
        tallies=tuple(e.record for e in tallies),
        notes=tuple(reader.notes),
    )
    return record, reader.problems


def _entries_sorted(problems: list[AtlasProblem]) -> Iterator[AtlasProblem]:
    yield from sorted(problems, key=lambda p: (p.line or 0, p.field or ""))


def check_forum_record(
    path: Path | None = None, atlas: Atlas | None = None
) -> tuple[list[AtlasProblem], tuple[RecordNote, ...]]:
    """Every problem of the record at ``path`` (default: the bundled one), in file order,
    and its notes."""
    record, problems = _read(path or BUNDLED_FORUM_RECORD, atlas or _bundled_atlas())
    return list(_entries_sorted(problems)), record.notes if record else ()


def read_forum_record(path: Path | None = None, atlas: Atlas | None = None) -> ForumRecord:
    """The checked record at ``path`` (default: the bundled Lianyungang Forum record);
    :class:`ForumRecordError` naming the first problem otherwise."""
    record, problems = _read(path or BUNDLED_FORUM_RECORD, atlas or _bundled_atlas())
    if problems or record is None:
        raise ForumRecordError(list(_entries_sorted(problems)))
    return record


def _bundled_atlas() -> Atlas:
    from corridor.atlas import load_atlas

    return load_atlas()
