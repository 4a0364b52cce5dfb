"""The risk profile: every weight, radius and half-life a score depends on, in one file.

A profile is versioned and named so a score can say what made it; users copy the
bundled ``profiles/default.yaml`` and pass their own with ``--profile FILE``. A bad
file is refused with its line and field, before any score is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, ValidationError, model_validator

from corridor.atlas.sourcefile import SourceFile, SourceFileError
from corridor.errors import InputError

__all__ = [
    "CorridorProfile",
    "CountryProfile",
    "ExposureProfile",
    "ProfileError",
    "RiskProfile",
    "default_profile",
    "default_profile_path",
    "load_profile",
]

CRITICALITIES = ("core", "important", "ordinary")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExposureProfile(_Strict):
    """How incidents near an asset add up to its exposure."""

    radius_km: PositiveFloat = 50.0
    radius_km_by_class: dict[str, PositiveFloat] = Field(default_factory=dict)
    half_life_days: PositiveFloat = 365.0
    non_lethal_floor: PositiveFloat = 0.5
    default_class_weight: float = Field(0.5, ge=0)
    class_weights: dict[str, float] = Field(default_factory=dict)
    criticality: dict[str, PositiveFloat] = Field(
        default_factory=lambda: {"core": 3.0, "important": 2.0, "ordinary": 1.0}
    )

    @model_validator(mode="after")
    def _every_criticality(self) -> ExposureProfile:
        missing = [c for c in CRITICALITIES if c not in self.criticality]
        if missing:
            raise ValueError(f"criticality needs a factor for {', '.join(missing)}")
        negative = [c for c, w in self.class_weights.items() if w < 0]
        if negative:
            raise ValueError(f"class weights cannot be negative: {', '.join(negative)}")
        return self

    def weight_of(self, threat_class: str, ancestors: Callable[[str], list[str]]) -> float:
        """The class's weight, or its nearest listed ancestor's, or the default."""
        for name in (threat_class, *ancestors(threat_class)):
            if name in self.class_weights:
                return self.class_weights[name]
        return self.default_class_weight

    def radius_of(self, threat_class: str, ancestors: Callable[[str], list[str]]) -> float:
        """The class's radius in km, or its nearest listed ancestor's, or the default."""
        for name in (threat_class, *ancestors(threat_class)):
            if name in self.radius_km_by_class:
                return self.radius_km_by_class[name]
        return self.radius_km

    @property
    def largest_radius_km(self) -> float:
        return max([self.radius_km, *self.radius_km_by_class.values()])


class CountryProfile(_Strict):
    """The INFORM-style country composite."""

    window_years: int = Field(3, ge=1, le=50)
    vulnerability_indicators: list[str] = Field(default_factory=lambda: ["PV.EST"], min_length=1)
    coping_indicators: list[str] = Field(
        default_factory=lambda: ["GE.EST", "RL.EST", "CC.EST"], min_length=1
    )
    indicator_range: tuple[float, float] = (-2.5, 2.5)

    @model_validator(mode="after")
    def _range_ordered(self) -> CountryProfile:
        low, high = self.indicator_range
        if not low < high:
            raise ValueError("indicator_range must be [low, high] with low < high")
        return self


class CorridorProfile(_Strict):
    """How segment scores become chances of disruption (see risk.corridors)."""

    probability_scale: PositiveFloat = 50.0
    country_probability_at_10: float = Field(0.5, ge=0, le=1)
    land_leaves_out: list[str] = Field(default_factory=lambda: ["piracy"])


class RiskProfile(_Strict):
    """A named, versioned set of every parameter a risk score depends on."""

    name: str = Field(min_length=1)
    version: int = Field(ge=1)
    exposure: ExposureProfile = Field(default_factory=ExposureProfile)
    country: CountryProfile = Field(default_factory=CountryProfile)
    corridor: CorridorProfile = Field(default_factory=CorridorProfile)

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def unknown_classes(self, known: Mapping[str, object]) -> list[str]:
        """Class ids the profile names that the atlas taxonomy does not have."""
        named = {
            *self.exposure.class_weights,
            *self.exposure.radius_km_by_class,
            *self.corridor.land_leaves_out,
        }
        return sorted(named - set(known))


class ProfileError(InputError):
    """A profile file that cannot be used; the message names the file, line and field."""


def default_profile_path() -> Path:
    return Path(str(resources.files("corridor.risk").joinpath("profiles/default.yaml")))


def load_profile(path: Path, known_classes: Mapping[str, object] | None = None) -> RiskProfile:
    """Read and check a profile; class ids are checked against ``known_classes`` if given."""
    try:
        source = SourceFile.read(path)
    except SourceFileError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise ProfileError(f"{where}: {exc.message}") from exc
    try:
        profile = RiskProfile.model_validate(source.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            steps = tuple(s for s in error["loc"] if isinstance(s, str | int))
            line = source.line_of(steps)
            field = ".".join(str(s) for s in steps) or "(top)"
            problems.append(f"{path}:{line or '?'}: {field}: {error['msg']}")
        raise ProfileError("\n".join(problems)) from exc
    if known_classes is not None and (unknown := profile.unknown_classes(known_classes)):
        raise ProfileError(
            f"{path}: threat classes not in the atlas taxonomy: {', '.join(unknown)}"
        )
    return profile


@cache
def default_profile() -> RiskProfile:
    return load_profile(default_profile_path())
