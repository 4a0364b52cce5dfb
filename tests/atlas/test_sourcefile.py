"""Atlas files are read with the line of every entry and field (property tests)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.atlas.sourcefile import SourceFile

ids = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,12}", fullmatch=True)
entries = st.lists(
    st.fixed_dictionaries(
        {"id": ids, "tags": st.lists(st.integers(0, 99), max_size=3), "note": st.text(max_size=20)}
    ),
    min_size=1,
    max_size=8,
)


def _expected_line(text: str, index: int) -> int:
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("- ")]
    return starts[index]


@settings(max_examples=60, deadline=None)
@given(items=entries, flow=st.booleans())
def test_every_entry_maps_back_to_its_line(
    tmp_path_factory: object, items: list, flow: bool
) -> None:
    directory = Path(tmp_path_factory.mktemp("yaml"))  # type: ignore[attr-defined]
    text = yaml.safe_dump({"items": items}, default_flow_style=None if flow else False)
    path = directory / "file.yaml"
    path.write_text(text, encoding="utf-8")
    source = SourceFile.read(path)
    assert source.data == {"items": items}
    for index, item in enumerate(items):
        line = source.line_of(("items", index, "id"))
        assert line is not None
        assert f"id: {yaml.safe_dump(item['id']).splitlines()[0]}" in text.splitlines()[line - 1]


@settings(max_examples=40, deadline=None)
@given(items=entries)
def test_json_lines_are_found_through_the_yaml_reader(
    tmp_path_factory: object, items: list
) -> None:
    directory = Path(tmp_path_factory.mktemp("json"))  # type: ignore[attr-defined]
    path = directory / "file.geojson"
    path.write_text(json.dumps({"features": items}, indent=1), encoding="utf-8")
    source = SourceFile.read(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, item in enumerate(items):
        line = source.line_of(("features", index, "id"))
        assert line is not None
        assert lines[line - 1].strip().startswith('"id": ' + json.dumps(item["id"]))


def test_a_missing_path_stops_at_the_deepest_existing_node(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a:\n  b: 1\n  c:\n    - x\n", encoding="utf-8")
    source = SourceFile.read(path)
    assert source.line_of(("a", "c", 0)) == 4
    assert source.line_of(("a", "c", 7)) == 3
    assert source.line_of(("nope",)) == 1
