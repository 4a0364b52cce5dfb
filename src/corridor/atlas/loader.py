"""Read atlas files into validated records, or refuse them with one line per problem.

The bundled atlas lives in ``corridor/atlas/data``. A user's atlas directory
overlays it: any file it holds (same name) replaces the bundled one, so a user
can edit just ``mechanisms.yaml`` and keep the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from corridor.atlas.catalog import Atlas
from corridor.atlas.entries import Entry, problem_at
from corridor.atlas.models import (
    Asset,
    Chokepoint,
    Dispute,
    Mechanism,
    Region,
    ThreatClass,
)
from corridor.atlas.problems import AtlasError, AtlasProblem, MissingAtlasDirError
from corridor.atlas.sourcefile import NodePath, SourceFile, SourceFileError, field_path
from corridor.atlas.validation import cross_reference_problems, placement_report

__all__ = [
    "BUNDLED_ATLAS_DIR",
    "atlas_file_paths",
    "check_atlas",
    "load_atlas",
]

BUNDLED_ATLAS_DIR = Path(str(resources.files("corridor.atlas").joinpath("data")))
MANIFEST = "atlas.yaml"


@dataclass(frozen=True)
class _Section:
    """One list of records in one file."""

    file: str  # logical file name in the manifest
    key: str  # the list's key in the file ("features" for GeoJSON)
    model: type[BaseModel]


SECTIONS = (
    _Section("threats", "threats", ThreatClass),
    _Section("regions", "regions", Region),
    _Section("regions", "belt_zones", Region),
    _Section("regions", "road_routes", Region),
    _Section("mechanisms", "mechanisms", Mechanism),
    _Section("chokepoints", "chokepoints", Chokepoint),
    _Section("disputes", "disputes", Dispute),
    _Section("assets", "features", Asset),
)


def atlas_file_paths(directory: Path | None = None) -> dict[str, Path]:
    """Logical file name -> path, the user's ``directory`` overlaying the bundled atlas.

    Raises :class:`MissingAtlasDirError` when ``directory`` is not a folder.
    """
    if directory is not None and not directory.is_dir():
        raise MissingAtlasDirError(directory)
    manifest = SourceFile.read(BUNDLED_ATLAS_DIR / MANIFEST).data
    paths = {name: BUNDLED_ATLAS_DIR / file for name, file in manifest["files"].items()}
    paths[MANIFEST] = BUNDLED_ATLAS_DIR / MANIFEST
    if directory is not None:
        for name, bundled in list(paths.items()):
            if (directory / bundled.name).is_file():
                paths[name] = directory / bundled.name
    return paths


def _raw_entries(source: SourceFile, section: _Section) -> Iterator[tuple[NodePath, Any]]:
    """(path, mapping) for every item of the section's list; GeoJSON features flattened."""
    items = source.data.get(section.key, []) if isinstance(source.data, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"expected a list under {section.key!r}")
    for index, item in enumerate(items):
        if section.key == "features" and isinstance(item, dict):
            properties = item.get("properties") or {}
            yield (section.key, index), {**properties, "geometry": item.get("geometry")}
        else:
            yield (section.key, index), item


def _read_section(
    source: SourceFile, section: _Section, problems: list[AtlasProblem], declared: set[str]
) -> list[Entry]:
    """Valid entries of one section; problems for the others, whose ids still go in ``declared``.

    Keeping the ids of invalid entries stops one bad entry from making every reference to
    it a second problem.
    """
    geojson = section.key == "features"
    entries = []
    try:
        raw_entries = list(_raw_entries(source, section))
    except ValueError as exc:
        problems.append(problem_at(source, (), None, section.key, str(exc)))
        return []
    for path, raw in raw_entries:
        name = str(raw.get("id", f"#{path[-1]}")) if isinstance(raw, dict) else f"#{path[-1]}"
        declared.add(name)
        try:
            record = section.model.model_validate(raw)
        except ValidationError as exc:
            shell = Entry(None, source, path, geojson)
            for error in exc.errors():
                loc = tuple(error["loc"])
                message = error["msg"].removeprefix("Value error, ")
                problem = shell.problem(field_path(loc) or None, message, loc)
                problems.append(
                    AtlasProblem(problem.file, problem.line, name, problem.field, problem.message)
                )
            continue
        entries.append(Entry(record, source, path, geojson))
    return entries


Sections = dict[str, list[Entry]]


def _read_all(
    directory: Path | None,
) -> tuple[Sections, dict[str, set[str]], str, list[AtlasProblem]]:
    problems: list[AtlasProblem] = []
    declared: dict[str, set[str]] = {}
    paths = atlas_file_paths(directory)
    sources: dict[str, SourceFile] = {}
    for name, path in paths.items():
        try:
            sources[name] = SourceFile.read(path)
        except SourceFileError as exc:
            problems.append(AtlasProblem(path.name, exc.line, None, None, exc.message))
    version = "unknown"
    manifest = sources.get(MANIFEST)
    if manifest is not None and isinstance(manifest.data, dict):
        version = str(manifest.data.get("version", "unknown"))
    sections: Sections = {}
    for section in SECTIONS:
        declared[section.key] = set()
        if section.file in sources:
            sections[section.key] = _read_section(
                sources[section.file], section, problems, declared[section.key]
            )
        else:
            sections[section.key] = []
    return sections, declared, version, problems


def check_atlas(directory: Path | None = None, *, geography: bool = True) -> list[AtlasProblem]:
    """Every problem of the atlas in ``directory`` (over the bundled one); empty when valid.

    ``geography`` also checks that assets lie in the countries they claim,
    which takes a second or two.
    """
    sections, declared, _, problems = _read_all(directory)
    problems += cross_reference_problems(sections, declared)
    if geography:
        problems += placement_report(sections)
    return problems


def load_atlas(directory: Path | None = None) -> Atlas:
    """The validated atlas; raise :class:`AtlasError` naming the first problem."""
    sections, declared, version, problems = _read_all(directory)
    problems += cross_reference_problems(sections, declared)
    if problems:
        raise AtlasError(problems)

    def table(key: str) -> dict[str, Any]:
        return {e.record.id: e.record for e in sections[key]}

    return Atlas(
        version=version,
        threats=table("threats"),
        regions=table("regions"),
        belt_zones=table("belt_zones"),
        road_routes=table("road_routes"),
        mechanisms=table("mechanisms"),
        chokepoints=table("chokepoints"),
        disputes=table("disputes"),
        assets=table("features"),
        sources={name: str(path) for name, path in atlas_file_paths(directory).items()},
    )
