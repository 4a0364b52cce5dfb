"""The Python example in docs/library.md runs as written and says what it claims."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[1] / "docs" / "library.md"


def test_the_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(blocks[0], str(DOC), "exec"), {"__name__": "library_doc"})
    lines = printed.getvalue().splitlines()
    assert lines[0] == "7511 attacks stored"
    assert lines[1] == "{'2011': 167, '2012': 60, '2013': 13}"
    assert "Bab-el-Mandeb" in lines[4] and "Strait of Malacca" in lines[4]
    assert "SCO" in lines[5]
    assert list(tmp_path.iterdir()) == []  # the example writes nothing where it runs
