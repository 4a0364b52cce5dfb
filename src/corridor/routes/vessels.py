"""Ships and the passages they fit: vessel classes, passage limits, and what a voyage may use.

A route planned for a ship never takes a canal or strait the ship cannot pass: the passages
it does not fit are closed for that query (the same closures as ``--close``), and each says
why ("Panama Canal: beam 61.0 m > 51.25 m (Neopanamax locks)"). The classes are in
``data/vessels.yaml`` and the limits, from the canal and strait authorities' rules, in
``data/passages.yaml``, each with its source. Lengths, beams and drafts are in metres.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corridor.errors import InputError, UnknownValueError

__all__ = [
    "Barred",
    "Lane",
    "PassageLimits",
    "Vessel",
    "VesselClass",
    "VesselKind",
    "barred_passages",
    "load_passages",
    "load_vessels",
    "passage_hours",
    "resolve_vessel",
    "vessel_help",
]

_DATA = Path(str(resources.files("corridor.routes").joinpath("data")))
VESSELS_FILE = _DATA / "vessels.yaml"
PASSAGES_FILE = _DATA / "passages.yaml"

Metres = Annotated[float, Field(gt=0, lt=1000)]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class VesselKind(StrEnum):
    CONTAINER = "container"
    TANKER = "tanker"
    BULK = "bulk"
    LNG = "lng"


class VesselClass(_Record):
    """A typical ship of a class, with where its figures come from."""

    id: str
    name: str
    kind: VesselKind
    length_m: Metres
    beam_m: Metres
    draft_laden_m: Metres
    draft_ballast_m: Metres | None = None
    teu: int | None = Field(default=None, gt=0)
    service_speed_knots: float = Field(gt=0, lt=50)
    aliases: tuple[str, ...] = ()
    source: str = Field(min_length=3)
    note: str | None = None


def _m(value: float) -> str:
    """Metres as the rules print them: 61.0, 51.25, 17.23."""
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


class Lane(_Record):
    """One way through a passage (a canal's lock set) and the largest ship it takes."""

    name: str
    max_length_m: Metres | None = None
    max_beam_m: Metres | None = None
    max_draft_m: Metres | None = None
    draft_by_beam: tuple[tuple[Metres, Metres], ...] = ()  # rows (beam, max draft), beam rising
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _rows_rise(self) -> Lane:
        beams = [beam for beam, _ in self.draft_by_beam]
        if beams != sorted(set(beams)):
            raise ValueError("draft_by_beam rows must have rising beams")
        return self

    def draft_allowed_m(self, beam_m: float | None) -> float | None:
        """The deepest draft allowed at this beam (None: no draft limit; 0: too wide)."""
        if not self.draft_by_beam:
            return self.max_draft_m
        rows = self.draft_by_beam
        if beam_m is None or beam_m <= rows[0][0]:  # an unknown beam gets the table's best
            return rows[0][1]
        for (b0, d0), (b1, d1) in itertools.pairwise(rows):
            if beam_m <= b1:
                return d0 + (d1 - d0) * (beam_m - b0) / (b1 - b0)
        return 0.0

    def misfits(self, vessel: Vessel) -> list[str]:
        """What of the ship does not fit this lane ("beam 61.0 m > 51.25 m"); empty if it fits."""
        found = []
        for what, size, limit in (
            ("length", vessel.length_m, self.max_length_m),
            ("beam", vessel.beam_m, self.max_beam_m),
        ):
            if size is not None and limit is not None and size > limit:
                found.append(f"{what} {_m(size)} m > {_m(limit)} m")
        draft = self.draft_allowed_m(vessel.beam_m)
        if vessel.draft_m is not None and draft is not None and vessel.draft_m > draft:
            at = (
                f" allowed at beam {_m(vessel.beam_m)} m"
                if self.draft_by_beam and vessel.beam_m
                else ""
            )
            found.append(f"draft {_m(vessel.draft_m)} m > {_m(draft)} m{at}")
        return found


class PassageLimits(_Record):
    """A canal or strait: its lanes, the network passages it is, its published times."""

    id: str
    name: str
    chokepoint: str | None = None
    searoute: tuple[str, ...]
    canal_km: float | None = Field(default=None, gt=0)
    transit_hours: float | None = Field(default=None, gt=0)
    waiting_hours: float | None = Field(default=None, ge=0)
    lanes: tuple[Lane, ...]
    source: str = Field(min_length=3)
    note: str | None = None

    def refusal(self, vessel: Vessel) -> str | None:
        """Why the ship cannot pass (the largest lane's misfits), or None if a lane takes it."""
        if not self.lanes:
            return None
        misfits = [lane.misfits(vessel) for lane in self.lanes]
        if any(not m for m in misfits):
            return None
        return f"{', '.join(misfits[0])} ({self.lanes[0].name})"

    def delay_hours(self, speed_knots: float) -> float:
        """Hours the passage adds over sailing its length: the published waiting and transit
        time less the canal's length at the ship's speed (the route's km already hold it)."""
        from corridor.routes.sea import KM_PER_NM  # not at import: `--help` lists the classes

        if self.transit_hours is None and self.waiting_hours is None:
            return 0.0
        sailing = (self.canal_km or 0.0) / (speed_knots * KM_PER_NM)
        return max(0.0, (self.transit_hours or 0.0) + (self.waiting_hours or 0.0) - sailing)


@dataclass(frozen=True)
class Vessel:
    """The ship a route is planned for: a class, or dimensions alone, or a class overridden."""

    name: str
    length_m: float | None
    beam_m: float | None
    draft_m: float | None
    speed_knots: float | None  # the class's service speed; None without a class
    laden: bool = True
    vessel_class: VesselClass | None = None

    def describe(self) -> str:
        """One line: name, load and the dimensions the passages are checked against."""
        sizes = [
            f"{what} {_m(size)} m"
            for what, size in (
                ("length", self.length_m),
                ("beam", self.beam_m),
                ("draft", self.draft_m),
            )
            if size is not None
        ]
        if self.vessel_class is None:
            return f"{self.name} of {', '.join(sizes)}"
        load = "laden" if self.laden else "in ballast"
        return f"{self.name}, {load}: {', '.join(sizes)}"


@dataclass(frozen=True)
class Barred:
    """A passage the ship cannot take, and why."""

    passage: str  # passages.yaml id
    name: str
    reason: str
    searoute: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


def _read(path: Path, key: str, model: type[_Record]) -> list[Any]:
    try:
        rows = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(key) or []
    except yaml.YAMLError as error:
        raise InputError(f"{path}: not YAML: {error}") from None
    found = []
    for number, row in enumerate(rows, 1):
        try:
            found.append(model.model_validate(row))
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise InputError(f"{path}: {key} #{number}: {field}: {first['msg']}") from None
    return found


@cache
def load_vessels(path: Path = VESSELS_FILE) -> dict[str, VesselClass]:
    """The vessel classes by id (``data/vessels.yaml`` by default)."""
    return {v.id: v for v in _read(path, "vessels", VesselClass)}


@cache
def load_passages(path: Path = PASSAGES_FILE) -> dict[str, PassageLimits]:
    """The passage limits by id (``data/passages.yaml`` by default)."""
    return {p.id: p for p in _read(path, "passages", PassageLimits)}


def _find_class(name: str) -> VesselClass:
    classes = load_vessels()
    key = name.strip().lower().replace(" ", "-").replace("_", "-")
    for found in classes.values():
        if key == found.id or key in found.aliases:
            return found
    raise UnknownValueError(
        "vessel class", name, sorted(classes), hint="see `corridor routes sea --help`"
    )


def resolve_vessel(
    name: str | None = None,
    *,
    laden: bool = True,
    draft_m: float | None = None,
    beam_m: float | None = None,
    length_m: float | None = None,
) -> Vessel | None:
    """The ship of a query: a class by id or alias, its dimensions overridden where given, or
    the given dimensions alone; None when nothing is given (any ship: nothing is barred).

    Raises :class:`UnknownValueError` for an unknown class, :class:`InputError` for a
    dimension that is not positive or a ballast voyage of a class without a ballast draft.
    """
    for option, size in (("--draft", draft_m), ("--beam", beam_m), ("--length", length_m)):
        if size is not None and not 0 < size < 1000:
            raise InputError(f"{option}: {size:g} m is not a ship's size (0 to 1000 m)")
    if name is None:
        if draft_m is None and beam_m is None and length_m is None:
            return None
        return Vessel("ship", length_m, beam_m, draft_m, None, laden)
    found = _find_class(name)
    draft = found.draft_laden_m if laden else found.draft_ballast_m
    if draft is None and draft_m is None:
        raise InputError(f"{found.id}: no ballast draft is known for the class; give --draft")
    return Vessel(
        name=found.name
        if (draft_m, beam_m, length_m) == (None, None, None)
        else f"{found.name} (overridden)",
        length_m=length_m if length_m is not None else found.length_m,
        beam_m=beam_m if beam_m is not None else found.beam_m,
        draft_m=draft_m if draft_m is not None else draft,
        speed_knots=found.service_speed_knots,
        laden=laden,
        vessel_class=found,
    )


def barred_passages(
    vessel: Vessel | None, passages: Iterable[PassageLimits] | None = None
) -> tuple[Barred, ...]:
    """The passages of the sea network the ship cannot take (none for no ship)."""
    if vessel is None:
        return ()
    found = []
    for limits in load_passages().values() if passages is None else passages:
        reason = limits.refusal(vessel) if limits.searoute else None
        if reason is not None:
            found.append(Barred(limits.id, limits.name, reason, limits.searoute))
    return tuple(found)


def passage_hours(
    speed_knots: float, passages: Iterable[PassageLimits] | None = None
) -> Mapping[str, float]:
    """Hours each network passage adds to a voyage at this speed (canal waiting and transit)."""
    found: dict[str, float] = {}
    for limits in load_passages().values() if passages is None else passages:
        hours = limits.delay_hours(speed_knots)
        if hours > 0:
            for name in limits.searoute:
                found[name] = hours
    return found


def vessel_help() -> str:
    """The classes in one line each, for ``--help``."""
    return "; ".join(
        f"{v.id} ({_m(v.length_m)} x {_m(v.beam_m)} m, draft {_m(v.draft_laden_m)} m)"
        for v in load_vessels().values()
    )
