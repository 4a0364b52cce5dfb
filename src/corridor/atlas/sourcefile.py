"""Atlas files read with their line numbers, so every problem can name its line.

Files are parsed with the fast C parser; positions are worked out only when a
problem needs one, by walking the YAML node tree down the problem's path.
YAML is a superset of JSON, so GeoJSON files go through the same code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from corridor.errors import InputError

__all__ = ["NodePath", "SourceFile", "SourceFileError", "field_path"]

NodePath = tuple[str | int, ...]


def field_path(path: NodePath) -> str:
    """A path inside a record as problems name it: ``meetings[0].organizations[1]``."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceFileError(InputError):
    """A file that cannot be parsed at all; carries the line where parsing stopped."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


@dataclass
class SourceFile:
    """The parsed content of one atlas file and a way back to its lines."""

    path: Path
    data: Any
    _root: yaml.Node | None = field(default=None, repr=False)

    @classmethod
    def read(cls, path: Path) -> SourceFile:
        """Parse ``path`` (YAML, JSON or GeoJSON); raise :class:`SourceFileError` if unreadable."""
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceFileError(path, None, f"cannot read file: {exc}") from exc
        try:
            if path.suffix in (".json", ".geojson"):
                data = json.loads(text)
            else:
                data = yaml.load(text, Loader=_Loader)
        except json.JSONDecodeError as exc:
            raise SourceFileError(path, exc.lineno, f"invalid JSON: {exc.msg}") from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise SourceFileError(path, line, f"invalid YAML: {problem}") from exc
        return cls(path=path, data=data)

    def line_of(self, path: NodePath) -> int | None:
        """The 1-based line of the deepest node along ``path`` that exists."""
        if self._root is None:
            try:
                text = self.path.read_text(encoding="utf-8-sig")
                if self.path.suffix in (".json", ".geojson"):
                    # YAML refuses escaped UTF-16 surrogates; blank them, keeping every line
                    text = _SURROGATE_ESCAPE.sub("x" * 6, text)
                self._root = yaml.compose(text, Loader=_Loader)
            except (OSError, yaml.YAMLError):
                return None
        node = self._root
        if node is None:
            return None
        line: int = node.start_mark.line + 1
        for step in path:
            found = _child(node, step)
            if found is None:
                break
            line, node = found
        return line


def _child(node: yaml.Node, step: str | int) -> tuple[int, yaml.Node] | None:
    """The line that names ``step`` (a key's own line, an item's first line) and its node."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == step:
                return key.start_mark.line + 1, value
        return None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        item = node.value[step]
        return item.start_mark.line + 1, item
    return None
