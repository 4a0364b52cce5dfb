"""The Lianyungang Forum record (seed 003): the seed's own figures, a verbatim quote for every
fact, its contradictions kept and reported, and broken record files refused line by line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corridor.atlas import Atlas
from corridor.atlas.countries import resolve_country
from corridor.cooperation.meeting_record import (
    BUNDLED_FORUM_RECORD,
    ForumRecord,
    ForumRecordError,
    check_forum_record,
    read_forum_record,
)
from corridor.cooperation.meetings import Level, MeetingKind, OutcomeKind
from tests.shared import shared_file

SEED = "seeds/003_a076a32b9c7cc11d.txt"


@pytest.fixture(scope="module")
def record(atlas: Atlas) -> ForumRecord:
    return read_forum_record(atlas=atlas)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_four_annual_meetings_with_the_seeds_figures(record: ForumRecord) -> None:
    annual = {m.id: m for m in record.meetings if m.kind is MeetingKind.ANNUAL_MEETING}
    figures = {
        key: (m.when, m.country_count, m.organization_count, len(m.countries))
        for key, m in annual.items()
    }
    assert figures == {
        "lyg-2015": ("2015-09", 12, 2, 12),
        "lyg-2016": ("2016-09", 31, 3, 31),
        "lyg-2017": ("2017-12", 33, 3, 34),  # the seed's contradiction, kept
        "lyg-2018": ("2018-09", 30, 4, 0),  # "(Not announced)"
    }
    assert annual["lyg-2016"].level is Level.VICE_MINISTERIAL
    assert annual["lyg-2018"].level is Level.MINISTERIAL
    assert annual["lyg-2018"].organizations == ("SCO-RATS", "INTERPOL", "EUROPOL", "LMLECC")
    assert "TKM" in annual["lyg-2015"].countries and "TKM" not in annual["lyg-2016"].countries


def test_the_pipeline_conference_and_its_joint_statement(record: ForumRecord) -> None:
    conference = next(m for m in record.meetings if m.kind is MeetingKind.CONFERENCE)
    assert conference.part_of == "lyg-2017" and conference.mechanism == "LYG-PIPELINE"
    (statement,) = conference.outcomes
    assert statement.kind is OutcomeKind.JOINT_STATEMENT and statement.date == "2017-12-11"
    assert set(statement.countries) == {"CHN", "RUS", "KAZ", "UZB", "KGZ", "TJK", "TKM", "MMR"}
    assert len(statement.points) == 4
    parts = sorted(m.id for m in record.meetings if m.part_of)
    assert parts == [
        "lyg-2017-academies", "lyg-2017-pipelines", "lyg-2017-think-tanks",
        "lyg-2018-dg-sub-forum", "lyg-2018-prosperity", "lyg-2018-round-table",
    ]  # fmt: skip


def test_training_record(record: ForumRecord) -> None:
    courses = {c.id: c for c in record.courses}
    may, pipelines = courses["lyg-training-2017-05"], courses["lyg-training-2018-pipelines"]
    assert may.countries == ("KAZ", "KGZ", "TJK", "TKM", "BLR") and may.starts == "2017-05"
    assert pipelines.host == "Lianyungang City Police Training School"
    assert (pipelines.starts, pipelines.ends) == ("2018-06", "2018-07")
    assert pipelines.countries == ("KAZ", "UZB", "KGZ", "TJK", "TKM", "CHN")
    assert all(p.count is None for c in record.courses for p in c.participants)
    (tally,) = record.tallies
    assert (str(tally.courses), str(tally.participants)) == ("more than 30", "more than 400")


def test_the_contradictions_are_reported_as_notes(record: ForumRecord) -> None:
    notes = [str(n) for n in record.notes]
    assert any("lyg-2017: 33 countries stated, 34 listed" in n for n in notes), notes
    assert any("TKM took part, but lyg-2017 does not list it" in n for n in notes), notes
    assert any("lyg-2018: 30 countries stated, none named" in n for n in notes), notes
    assert all(re.match(r"lianyungang_forum\.yaml:\d+: ", n) for n in notes)
    third = next(m for m in record.meetings if m.id == "lyg-2017")
    assert third.note and "33 countries" in third.note and "34" in third.note


def test_every_quote_is_in_the_seed_verbatim(record: ForumRecord) -> None:
    seed = _flat(shared_file(SEED).read_text(encoding="utf-8"))
    quotes = [q for m in record.meetings for q in m.sources.values()]
    quotes += [o.source or "" for m in record.meetings for o in m.outcomes]
    quotes += [p for m in record.meetings for o in m.outcomes for p in o.points]
    quotes += [q for c in record.courses for q in c.sources.values()]
    quotes += [t.source for t in record.tallies]
    missing = [q for q in quotes if _flat(q) not in seed]
    assert len(quotes) > 60 and missing == []


def test_listed_countries_are_the_names_the_seed_lists(record: ForumRecord) -> None:
    """The codes are the seed's names resolved, in the seed's order."""
    spelled = {"the Netherlands": "NLD", "Republic of Korea": "KOR"}
    for meeting in record.meetings:
        if meeting.countries and "countries" in meeting.sources:
            text = re.sub(r"^.*?—|—.*$", "", meeting.sources["countries"])  # the conference's
            names = [n.strip().removeprefix("and ") for n in _flat(text).split(",")]
            codes = tuple(spelled.get(n) or resolve_country(n) for n in names)
            assert codes == meeting.countries, meeting.id


def test_the_record_agrees_with_the_atlas(record: ForumRecord, atlas: Atlas) -> None:
    """The atlas summarizes the same meetings (mechanisms.yaml, LYG-FORUM): same counts."""
    mine = {m.starts.year: m for m in record.meetings if m.kind is MeetingKind.ANNUAL_MEETING}
    for summary in atlas.mechanisms["LYG-FORUM"].meetings:
        meeting = mine[summary.year]
        assert (meeting.starts.month, meeting.country_count, meeting.organization_count) == (
            summary.month,
            summary.country_count,
            summary.organization_count,
        )
        assert meeting.organizations == summary.organizations
    assert set(atlas.mechanisms["LYG-PIPELINE"].member_countries(2017)) == set(
        next(m for m in record.meetings if m.id == "lyg-2017-pipelines").countries
    )


# --------------------------------------------------------------------------- broken files


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = BUNDLED_FORUM_RECORD.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "forum.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if fragment in line)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("[CHN, RUS, ITA, NLD, KOR, POL, BLR, KAZ, KGZ, TJK, UZB, TKM]",
         "[CHN, RUS, ITA, NLD, KOR, POL, BLR, KAZ, KGZ, TJK, UZB, XXX]",
         "unknown country code 'XXX'"),
        ("organizations: [SCO-RATS, INTERPOL]", "organizations: [SCO-RATS, INTERPOLL]",
         "'INTERPOLL' is not a mechanism of the atlas; did you mean 'INTERPOL'?"),
        ("    part_of: lyg-2017\n    when: 2017-12\n    country_count: 8",
         "    part_of: lyg-2071\n    when: 2017-12\n    country_count: 8",
         "'lyg-2071' is not a meeting of this file"),
        ("    when: 2016-09\n", "    when: 2016-13\n", "is not a date"),
        ("      level: with the level of participation also being raised to the vice-ministerial",
         "      levels: with the level of participation also being raised to the vice-ministerial",
         "has no quote under `sources:`"),
        ("    level: vice_ministerial\n", "    level: deputy\n", "Input should be"),
        ("    kind: round_table\n", "    kind: banquet\n", "Input should be"),
        ("country_count: 12\n", "country_count: 11\n",
         "12 listed: keep both and say so in `note:`"),
        ("courses: {value: 30, qualifier: more_than}", "courses: {value: 30, qualifier: many}",
         "Input should be"),
        ("    - {country: BLR}\n", "    - {country: BLR}\n        - {country: BLR}\n",
         "BLR more than once"),
    ],
    ids=["country", "organization", "part_of", "date", "quote", "level", "kind", "count",
         "qualifier", "repeat"],
)  # fmt: skip
def test_a_broken_record_is_refused_at_its_line(
    tmp_path: Path, atlas: Atlas, old: str, new: str, says: str
) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(ForumRecordError) as caught:
        read_forum_record(path, atlas)
    message = str(caught.value)
    assert says in message
    assert re.match(r"forum\.yaml:\d+: ", message), message


def test_the_line_named_is_the_line_at_fault(tmp_path: Path, atlas: Atlas) -> None:
    path = _broken(tmp_path, "organizations: [SCO-RATS, INTERPOL]", "organizations: [SCO-RATS, X]")
    problems, _ = check_forum_record(path, atlas)
    (problem,) = problems
    assert problem.line == _line_of(path, "organizations: [SCO-RATS, X]")
    assert (problem.entry, problem.field) == ("lyg-2015", "organizations[1]")


def test_an_unreadable_record_names_its_line(tmp_path: Path, atlas: Atlas) -> None:
    path = tmp_path / "forum.yaml"
    path.write_text("mechanism: LYG-FORUM\nmeetings:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ForumRecordError, match=r"forum\.yaml:\d+: invalid YAML"):
        read_forum_record(path, atlas)
