"""Typed records of the atlas: the reference world the seeds describe.

Coordinates are always (longitude, latitude) in WGS 84 degrees. Every record
carries a ``source``: a seed file name or a public reference, so a user can
check each fact. The models check what one record can check on its own
(ranges, shapes, codes); cross-references between records are checked by
:mod:`corridor.atlas.validation`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from corridor.atlas.countries import is_country_code

__all__ = [
    "Asset",
    "AssetKind",
    "Binding",
    "Chokepoint",
    "Country",
    "Criticality",
    "Dispute",
    "DisputeKind",
    "Figure",
    "Geometry",
    "Mechanism",
    "MechanismKind",
    "MechanismRef",
    "Meeting",
    "Membership",
    "Region",
    "ThreatClass",
]

MIN_YEAR = 1800
MAX_YEAR = 2100
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Identifier = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
]
Source = Annotated[str, Field(min_length=3)]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _check_country(code: object) -> str:
    if not isinstance(code, str):
        raise ValueError(f"{code!r} is not a country code (expected ISO 3166-1 alpha-3)")
    code = code.strip().upper()
    if not is_country_code(code):
        raise ValueError(f"unknown country code {code!r} (expected ISO 3166-1 alpha-3)")
    return code


CountryCode = Annotated[str, BeforeValidator(_check_country)]
"""An ISO 3166-1 alpha-3 code, upper-cased; anything else is refused with a clear message."""


# --------------------------------------------------------------------------- countries


class Country(_Record):
    """An ISO 3166-1 country with the seeds' Belt zone and Road routes."""

    alpha3: str
    alpha2: str
    numeric: str
    name: str
    belt_zone: str | None = None
    road_routes: tuple[str, ...] = ()


class MechanismRef(_Record):
    """The members of a mechanism in a given year, used to define a region."""

    mechanism: Identifier
    as_of: Year


class Region(_Record):
    """A named set of countries: a Belt zone, a Road route or a UN region.

    ``countries`` are listed by name in the source; ``regions`` and
    ``mechanisms`` pull in every country of another region or every member
    of a mechanism in the year ``as_of`` ("ASEAN as a whole").
    """

    id: Identifier
    name: str
    countries: tuple[CountryCode, ...] = ()
    regions: tuple[Identifier, ...] = ()
    mechanisms: tuple[MechanismRef, ...] = ()
    note: str | None = None
    source: Source


# --------------------------------------------------------------------------- threats


class ThreatClass(_Record):
    """A node of the seeds' threat taxonomy; ``parent`` is None for the two roots."""

    id: Identifier
    name: str
    parent: Identifier | None = None
    description: str = ""
    source: Source


# --------------------------------------------------------------------------- mechanisms


class MechanismKind(StrEnum):
    ALLIANCE = "alliance"
    SECURITY_ORGANIZATION = "security_organization"
    REGIONAL_ORGANIZATION = "regional_organization"
    FORUM = "forum"
    LAW_ENFORCEMENT = "law_enforcement"
    COUNTER_PIRACY = "counter_piracy"
    DIALOGUE = "dialogue"


class Binding(StrEnum):
    """How far a mechanism binds its members, strongest first."""

    COLLECTIVE_DEFENSE = "collective_defense"  # a mutual-defence treaty (NATO art. 5, CSTO art. 4)
    LEGAL = "legal"  # a treaty or charter with legal obligations
    POLITICAL = "political"  # politically binding commitments, consensus decisions
    CONSULTATIVE = "consultative"  # dialogue and exchange, no obligations

    @property
    def rank(self) -> int:
        """4 for collective defence down to 1 for consultative."""
        return {"collective_defense": 4, "legal": 3, "political": 2, "consultative": 1}[self.value]


class Membership(_Record):
    """One participant of a mechanism: a country or another mechanism.

    ``joined`` is None where the year is not known; ``left`` is the year the
    participant withdrew, was suspended indefinitely or the status ended.
    """

    country: CountryCode | None = None
    mechanism: Identifier | None = None
    joined: Year | None = None
    left: Year | None = None
    note: str | None = None
    source: Source | None = None

    @model_validator(mode="after")
    def _one_party_and_ordered_years(self) -> Membership:
        if (self.country is None) == (self.mechanism is None):
            raise ValueError("give exactly one of 'country' or 'mechanism'")
        if self.joined is not None and self.left is not None and self.left < self.joined:
            raise ValueError(f"left ({self.left}) is before joined ({self.joined})")
        return self

    @property
    def party(self) -> str:
        """The country code or mechanism id."""
        return self.country or self.mechanism or ""

    def active_in(self, year: int) -> bool:
        """Whether the participant belonged in ``year`` (unknown join years count as always)."""
        started = self.joined is None or self.joined <= year
        ended = self.left is not None and self.left <= year
        return started and not ended


class Meeting(_Record):
    """One annual meeting of a forum, with who took part (seed 003's table)."""

    year: Year
    month: int = Field(ge=1, le=12)
    country_count: int = Field(ge=0)
    organization_count: int = Field(ge=0)
    countries: tuple[CountryCode, ...] = ()
    organizations: tuple[Identifier, ...] = ()
    outcomes: tuple[str, ...] = ()
    note: str | None = None
    source: Source

    @model_validator(mode="after")
    def _lists_match_counts(self) -> Meeting:
        if self.countries and len(self.countries) != self.country_count:
            raise ValueError(
                f"{len(self.countries)} countries listed but country_count is {self.country_count}"
            )
        if self.organizations and len(self.organizations) != self.organization_count:
            raise ValueError(
                f"{len(self.organizations)} organizations listed "
                f"but organization_count is {self.organization_count}"
            )
        return self


class Mechanism(_Record):
    """A security mechanism: organization, alliance, forum or arrangement."""

    id: Identifier
    acronym: str
    name: str
    founded: Year
    ended: Year | None = None
    kind: MechanismKind
    binding: Binding
    domains: tuple[Identifier, ...] = Field(min_length=1)
    parent: Identifier | None = None
    headquarters: str | None = None
    members: tuple[Membership, ...] = ()
    observers: tuple[Membership, ...] = ()
    partners: tuple[Membership, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    note: str | None = None
    source: Source

    @model_validator(mode="after")
    def _ended_after_founded(self) -> Mechanism:
        if self.ended is not None and self.ended < self.founded:
            raise ValueError(f"ended ({self.ended}) is before founded ({self.founded})")
        return self

    def active_in(self, year: int | None = None) -> bool:
        """Whether the mechanism existed in ``year`` (None: whether it exists today)."""
        if year is None:
            return self.ended is None
        return self.founded <= year and (self.ended is None or year < self.ended)

    def member_countries(self, year: int | None = None) -> frozenset[str]:
        """Full member states, in ``year`` if given, else those that have not left."""
        return frozenset(
            m.country
            for m in self.members
            if m.country is not None and (m.active_in(year) if year is not None else m.left is None)
        )


# --------------------------------------------------------------------------- places


class Figure(_Record):
    """A quoted number about a place, with who said it."""

    label: str
    value: float
    unit: str
    year: Year | None = None
    source: Source


class Geometry(_Record):
    """A GeoJSON geometry: Point, LineString, MultiLineString, Polygon or MultiPolygon."""

    type: Literal["Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"]
    coordinates: Any

    @model_validator(mode="after")
    def _valid_shape(self) -> Geometry:
        from corridor.atlas.geometry import geometry_problem

        problem = geometry_problem(self.type, self.coordinates)
        if problem:
            raise ValueError(problem)
        return self


class Chokepoint(_Record):
    """A strait or canal that sea routes squeeze through."""

    id: Identifier
    name: str
    longitude: float = Field(ge=-180, le=180)
    latitude: float = Field(ge=-90, le=90)
    searoute_passage: str | None = None
    coastal_states: tuple[CountryCode, ...] = ()
    figures: tuple[Figure, ...] = ()
    note: str | None = None
    source: Source


class DisputeKind(StrEnum):
    LAND = "land"
    MARITIME = "maritime"


class Dispute(_Record):
    """A territorial or maritime dispute or hot spot, with approximate geometry.

    ``category`` tells a sovereignty dispute from a hot spot (an area of
    recurring violence or instability the seeds name, such as the Gulf of Aden).
    """

    id: Identifier
    name: str
    category: Literal["dispute", "hot_spot"] = "dispute"
    kind: DisputeKind
    parties: tuple[CountryCode, ...] = Field(min_length=1)
    geometry: Geometry
    since: Year | None = None
    figures: tuple[Figure, ...] = ()
    note: str | None = None
    source: Source


class AssetKind(StrEnum):
    OIL_PIPELINE = "oil_pipeline"
    GAS_PIPELINE = "gas_pipeline"
    RAILWAY = "railway"
    PORT = "port"
    DRY_PORT = "dry_port"
    BORDER_CROSSING = "border_crossing"
    SEA_LANE = "sea_lane"
    ECONOMIC_CORRIDOR = "economic_corridor"

    @property
    def is_maritime(self) -> bool:
        return self is AssetKind.SEA_LANE


class Criticality(StrEnum):
    """Interest levels of seed 002, strongest first."""

    CORE = "core"
    IMPORTANT = "important"
    ORDINARY = "ordinary"

    # What each level multiplies an exposure by lives in the risk profile (risk/profiles).


class Asset(_Record):
    """A piece of infrastructure: a line (pipeline, railway, sea lane, corridor) or a point."""

    id: Identifier
    name: str
    kind: AssetKind
    countries: tuple[CountryCode, ...] = Field(min_length=1)
    criticality: Criticality
    operator: str | None = None
    status: str = "operating"
    geometry: Geometry
    note: str | None = None
    source: Source

    @model_validator(mode="after")
    def _geometry_fits_kind(self) -> Asset:
        point_kinds = {AssetKind.PORT, AssetKind.DRY_PORT, AssetKind.BORDER_CROSSING}
        is_point = self.geometry.type == "Point"
        if (self.kind in point_kinds) != is_point:
            wanted = "a Point" if self.kind in point_kinds else "a LineString or MultiLineString"
            raise ValueError(f"a {self.kind.value} needs {wanted}, got {self.geometry.type}")
        return self
