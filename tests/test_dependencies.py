"""Every runtime dependency earns its place: the product imports it, or a comment says why.

An unused dependency is a download, a licence and an attack surface for nothing; one
that only a driver URL or another package needs looks unused, so it says so beside it.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Distributions whose import name is not their name with "-" as "_".
IMPORT_NAMES = {"pyyaml": "yaml", "scikit-learn": "sklearn"}


def import_name(requirement: str) -> str:
    """The top-level module of a requirement: ``psycopg[binary]>=3.2`` -> ``psycopg``."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, f"not a requirement: {requirement!r}"
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return IMPORT_NAMES.get(name, name.replace("-", "_"))


def imported_modules(package: Path) -> set[str]:
    """The top-level modules the code under ``package`` imports (absolute imports only)."""
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def unexplained(pyproject: str, imported: set[str]) -> list[str]:
    """Runtime dependencies neither imported nor followed by a ``# reason`` on their line."""
    requirements = tomllib.loads(pyproject)["project"]["dependencies"]
    lines = pyproject.splitlines()
    missing = []
    for requirement in requirements:
        if import_name(requirement) in imported:
            continue
        line = next(line for line in lines if f'"{requirement}"' in line)
        reason = line.partition("#")[2].strip()
        if len(reason.split()) < 3:  # a reason is a phrase, not a bare "needed"
            missing.append(requirement)
    return missing


def test_every_runtime_dependency_is_imported_or_explained() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = unexplained(pyproject, imported_modules(ROOT / "src"))
    assert found == [], f"pyproject.toml: not imported under src/ and no reason given: {found}"


def test_everything_the_product_imports_is_declared() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {import_name(r) for r in pyproject["project"]["dependencies"]}
    third_party = imported_modules(ROOT / "src") - set(sys.stdlib_module_names) - {"corridor"}
    assert third_party - declared == set()


def test_the_check_catches_an_unused_dependency_and_reads_reasons() -> None:
    pyproject = """
[project]
dependencies = [
  "pyyaml>=6",
  "psycopg[binary]>=3.2,<4",  # the PostgreSQL driver SQLAlchemy loads from its URL
  "Pydantic-Settings>=2",
  "leftpad>=1",
  "adbc-driver-manager>=1",  # needed
]
"""
    imported = {"yaml", "pydantic_settings"}
    assert unexplained(pyproject, imported) == ["leftpad>=1", "adbc-driver-manager>=1"]
    assert import_name("psycopg[binary]>=3.2,<4") == "psycopg"
    assert import_name("adbc-driver-sqlite>=1.0,<2") == "adbc_driver_sqlite"
