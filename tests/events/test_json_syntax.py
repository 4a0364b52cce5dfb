"""Broken JSON is reported on the line where it breaks, however far into the file."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.events.importers.base import Rejected
from corridor.events.importers.generic import read_json_reports
from corridor.events.importers.json_syntax import JsonSyntaxError, check_json

BREAKS = {  # how a line of a record array can break, and what yajl then says
    # the record's own closing brace: the last one on the line (a title may hold braces)
    "trailing comma": lambda line: ",}".join(line.rsplit("}", 1)),
    "missing comma": lambda line: line.replace(", ", " ", 1),
    "bad token": lambda line: line.replace('"', "'", 2),
}


@settings(max_examples=40, deadline=None)
@given(
    titles=st.lists(st.text(min_size=0, max_size=300), min_size=1, max_size=400),
    where=st.floats(0, 1, exclude_max=True),
    how=st.sampled_from(sorted(BREAKS)),
    indent=st.sampled_from(["", "  ", "\t"]),
)
def test_the_line_of_a_syntax_error_is_where_it_is(
    titles: list[str], where: float, how: str, indent: str
) -> None:
    lines = [
        f'{indent}{{"source": "x", "n": {n}, "title": {json.dumps(t)}}},'
        for n, t in enumerate(titles)
    ]
    lines[-1] = lines[-1].rstrip(",")
    broken = int(where * len(lines))
    lines[broken] = BREAKS[how](lines[broken])
    text = "\n".join(["[", *lines, "]"]) + "\n"  # the record on array line k is file line k + 2
    with pytest.raises(JsonSyntaxError) as error:
        check_json(io.BytesIO(text.encode()))
    assert error.value.line == broken + 2, (how, error.value)


def test_a_trailing_comma_is_reported_on_its_line_not_as_the_record_number() -> None:
    """As in the report that found it: records of ten lines, the fifth one broken on
    line 50, so its closing brace on line 51 is where the JSON stops being JSON."""
    members = ("source", "source_id", "title", "start_date", "threat_class", "tlp", "x_a", "x_b")
    lines = ["["]
    for n in range(6):
        record = json.dumps(dict.fromkeys(members, str(n)), indent=2).splitlines()
        lines += [*record[:-1], record[-1] + ","]
    lines[-1] = lines[-1].rstrip(",")
    assert lines[50] == "}," and lines[49].endswith('"4"')  # line 51 closes record 5
    lines[49] += ","
    text = "\n".join([*lines, "]"])
    records = list(read_json_reports(io.BytesIO(text.encode()), file_name="x.json"))
    reject = records[-1]
    assert isinstance(reject, Rejected)
    assert (reject.line, reject.field) == (51, "")
    assert "not valid JSON" in reject.reason


def test_a_document_cut_short_is_reported_on_its_last_line() -> None:
    with pytest.raises(JsonSyntaxError, match="premature EOF") as error:
        check_json(io.BytesIO(b'[\n{"a": 1},\n{"a": '))
    assert error.value.line == 3
