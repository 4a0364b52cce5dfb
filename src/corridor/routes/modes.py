"""What each land link carries, and where goods may change from one link to another.

The facts live in ``routes/data/transfers.yaml``, each with its public source: the mode of
every economic corridor (road or rail, as the atlas draws it), rail gauges per country and
per line, freight speeds, and the transfers (gauge changes, dry ports, ports) with their
time in hours. A link carries one *layer*: a mode, and for rail its gauge ("rail 1520").
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from corridor.errors import CorridorError

__all__ = [
    "FLOW_MODES",
    "Flow",
    "Mode",
    "ModeFacts",
    "Transfer",
    "layer_mode",
    "layer_name",
    "mode_facts",
]


class Mode(StrEnum):
    """What a link carries; ``sea`` is the ship a port hands freight to."""

    RAIL = "rail"
    ROAD = "road"
    OIL = "oil"
    GAS = "gas"
    SEA = "sea"


class Flow(StrEnum):
    """What a trip moves, which decides the modes it may use."""

    FREIGHT = "freight"
    GAS = "gas"
    OIL = "oil"


FLOW_MODES: dict[Flow, frozenset[Mode]] = {
    Flow.FREIGHT: frozenset({Mode.RAIL, Mode.ROAD, Mode.SEA}),
    Flow.GAS: frozenset({Mode.GAS}),
    Flow.OIL: frozenset({Mode.OIL}),
}

KIND_MODES = {"railway": Mode.RAIL, "oil_pipeline": Mode.OIL, "gas_pipeline": Mode.GAS}


def layer_name(mode: Mode, gauge_mm: int | None = None) -> str:
    """``rail 1520`` for rail of a known gauge, else the mode itself."""
    return f"{mode.value} {gauge_mm}" if gauge_mm else mode.value


def layer_mode(layer: str) -> Mode:
    return Mode(layer.split(" ", 1)[0])


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: Annotated[str, Field(min_length=10)]


class Speed(_Fact):
    value: Annotated[float, Field(gt=0)]


class CorridorMode(_Fact):
    asset: str
    mode: Mode


class CountryGauge(_Fact):
    country: str
    gauge_mm: int


class LineGauge(_Fact):
    asset: str
    gauge_mm: int


class Gauges(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    countries: tuple[CountryGauge, ...]
    lines: tuple[LineGauge, ...]


class Transfer(_Fact):
    """Goods change layer at an atlas place, taking ``hours``."""

    place: str
    between: tuple[str, str]
    hours: Annotated[float, Field(ge=0)]

    def matches(self, side: int, layer: str) -> bool:
        """Whether a layer is on one side: "rail" matches every gauge, "rail 1435" one."""
        wanted = self.between[side]
        return layer == wanted or (" " not in wanted and layer_mode(layer).value == wanted)


class ModeFacts(BaseModel):
    """The whole data file."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    speeds_kmh: dict[Mode, Speed]
    corridors: tuple[CorridorMode, ...]
    gauges_mm: Gauges
    transfers: tuple[Transfer, ...]

    def mode_of(self, kind: str, asset_id: str) -> Mode:
        """A line asset's mode: by its kind, or for a corridor as listed (road if not)."""
        if kind in KIND_MODES:
            return KIND_MODES[kind]
        listed = {c.asset: c.mode for c in self.corridors}
        return listed.get(asset_id, Mode.ROAD)

    def gauge_of(self, asset_id: str, country: str | None) -> int | None:
        """The rail gauge of a link: its line's, else its country's; None when unknown."""
        for line in self.gauges_mm.lines:
            if line.asset == asset_id:
                return line.gauge_mm
        for entry in self.gauges_mm.countries:
            if entry.country == country:
                return entry.gauge_mm
        return None

    def hours_of(self, mode: Mode, km: float) -> float:
        """Travel time on a link; 0 for modes with no freight speed (pipelines)."""
        speed = self.speeds_kmh.get(mode)
        return km / speed.value if speed else 0.0


@cache
def mode_facts() -> ModeFacts:
    """The bundled data file, read once."""
    resource = files("corridor.routes") / "data" / "transfers.yaml"
    try:
        return ModeFacts.model_validate(yaml.safe_load(resource.read_text(encoding="utf-8")))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CorridorError(f"{resource}: {where}: {first['msg']}") from None
