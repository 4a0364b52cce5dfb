"""The store sits below risk and cooperation; no module reaches into another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "corridor"
MINE = sorted([*(SRC / "store").rglob("*.py"), *(SRC / "events").rglob("*.py")])


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every ``import`` and ``from ... import`` in ``path``."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
    return found


@pytest.mark.parametrize("path", MINE, ids=lambda p: str(p.relative_to(SRC)))
def test_store_and_events_import_nothing_from_above(path: Path) -> None:
    above = ("corridor.risk", "corridor.cooperation", "corridor.routes", "corridor.commands")
    wrong = [module for module, _ in _imports(path) if module.startswith(above)]
    assert wrong == [], f"{path.name} imports {wrong}"


@pytest.mark.parametrize("path", MINE, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_imports_private_names_of_another(path: Path) -> None:
    private = [
        f"{module}.{name}"
        for module, names in _imports(path)
        if module.startswith("corridor")
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert private == [], f"{path.name} imports {private}"
