"""The atlas's use cases, as the CLI, the HTTP API and a notebook call them.

Each function takes the loaded :class:`~corridor.atlas.catalog.Atlas` (the atlas has no
store) and typed filters, and returns typed results, never text for a screen. Unknown
filter values raise :class:`~corridor.errors.UnknownValueError`; countries may be ISO
codes or names. The use cases on files live beside their formats and are re-exported
here: export in :mod:`corridor.atlas.export`, check and copy of a user's overlay folder
in :mod:`corridor.atlas.overlay`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from corridor.atlas.catalog import Atlas, resolve_region
from corridor.atlas.models import (
    Asset,
    Chokepoint,
    Country,
    Dispute,
    Mechanism,
    Region,
    ThreatClass,
)
from corridor.atlas.overlay import CheckReport, check, copy_atlas
from corridor.atlas.queries import find_assets, find_countries, find_disputes, find_mechanisms
from corridor.errors import UnknownValueError

__all__ = [  # noqa: F822 (the export names load on first use: see __getattr__)
    "EXPORTABLE",
    "EXPORT_FORMATS",
    "AssetEntry",
    "CheckReport",
    "CountryEntry",
    "CountryList",
    "MechanismEntry",
    "Overview",
    "RecordDetail",
    "RegionMembers",
    "assets",
    "check",
    "chokepoints",
    "copy_atlas",
    "countries",
    "describe",
    "disputes",
    "export_places",
    "mechanisms",
    "overview",
    "threats",
    "write_places",
]


# --------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class RegionMembers:
    """A Belt zone or Road route with its countries (alpha-3, sorted)."""

    id: str
    name: str
    countries: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class Overview:
    """What the atlas holds: counts per kind, the zones and routes, assets and mechanisms by
    kind (most frequent first)."""

    atlas_version: str
    counts: dict[str, int]
    belt_zones: tuple[RegionMembers, ...]
    road_routes: tuple[RegionMembers, ...]
    assets_by_kind: dict[str, int]
    mechanisms_by_kind: dict[str, int]


def _members(
    table: Mapping[str, frozenset[str]], regions: Mapping[str, Region]
) -> tuple[RegionMembers, ...]:
    return tuple(
        RegionMembers(key, regions[key].name, tuple(sorted(codes)), len(codes))
        for key, codes in table.items()
    )


def _count_by(values: Iterable[str]) -> dict[str, int]:
    """Counts, most frequent first, ties by name."""
    return dict(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0])))


def overview(atlas: Atlas) -> Overview:
    """The atlas at a glance, as ``corridor atlas overview`` and ``corridor demo`` show it."""
    return Overview(
        atlas_version=atlas.version,
        counts=atlas.counts(),
        belt_zones=_members(atlas.zone_countries, atlas.belt_zones),
        road_routes=_members(atlas.route_countries, atlas.road_routes),
        assets_by_kind=_count_by(a.kind.value for a in atlas.assets.values()),
        mechanisms_by_kind=_count_by(m.kind.value for m in atlas.mechanisms.values()),
    )


# --------------------------------------------------------------------------- countries


@dataclass(frozen=True)
class CountryEntry:
    """A country with its Belt zone, Road routes and the mechanisms it is a member state of."""

    code: str
    name: str
    belt_zone: str | None
    road_routes: tuple[str, ...]
    mechanisms: tuple[str, ...]


@dataclass(frozen=True)
class CountryList:
    """The countries found, and how many were left out for being in no zone or route."""

    countries: tuple[CountryEntry, ...]
    hidden: int


def countries(
    atlas: Atlas,
    *,
    zone: str | None = None,
    route: str | None = None,
    member_of: str | None = None,
    year: int | None = None,
    everywhere: bool = False,
) -> CountryList:
    """Countries of a Belt zone, a Road route, or members of a mechanism (in ``year``).

    With no filter and not ``everywhere``, countries in no zone or route are left out
    (``hidden`` counts them): the seeds' world first.
    """
    filtered = zone is not None or route is not None or member_of is not None
    found = find_countries(atlas, zone=zone, route=route, member_of=member_of, year=year)
    shown = found
    if not (filtered or everywhere):
        shown = [c for c in found if c.belt_zone is not None or c.road_routes]
    entries = tuple(_country_entry(atlas, c, year) for c in shown)
    return CountryList(entries, hidden=len(found) - len(shown))


def _country_entry(atlas: Atlas, country: Country, year: int | None) -> CountryEntry:
    return CountryEntry(
        code=country.alpha3,
        name=country.name,
        belt_zone=country.belt_zone,
        road_routes=country.road_routes,
        mechanisms=tuple(sorted(m.id for m in atlas.mechanisms_of(country.alpha3, year))),
    )


# --------------------------------------------------------------------------- mechanisms


@dataclass(frozen=True)
class MechanismEntry:
    """A mechanism with its member-state count (in the year asked, else today) and its
    domains without those a broader listed domain implies."""

    id: str
    name: str
    kind: str
    binding: str
    founded: int
    ended: int | None
    members: int
    domains: tuple[str, ...]


def mechanisms(
    atlas: Atlas,
    *,
    countries: Iterable[str] | None = None,
    kind: str | None = None,
    domain: str | None = None,
    year: int | None = None,
) -> list[MechanismEntry]:
    """Mechanisms any of ``countries`` is a member state of, of a kind (``piracy`` matches
    ``counter_piracy``), covering a threat class, as they stood in ``year`` (else today)."""
    found = find_mechanisms(atlas, countries=countries, domain=domain, kind=kind, year=year)
    return [_mechanism_entry(atlas, m, year) for m in found]


def _mechanism_entry(atlas: Atlas, mechanism: Mechanism, year: int | None) -> MechanismEntry:
    return MechanismEntry(
        id=mechanism.id,
        name=mechanism.name,
        kind=mechanism.kind.value,
        binding=mechanism.binding.value,
        founded=mechanism.founded,
        ended=mechanism.ended,
        members=len(atlas.member_states(mechanism, year)),
        domains=tuple(atlas.broadest_domains(mechanism.domains)),
    )


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class AssetEntry:
    """An asset with its geodesic length (0 for a point), in km to 0.1."""

    id: str
    name: str
    kind: str
    criticality: str
    status: str
    countries: tuple[str, ...]
    length_km: float
    operator: str | None


def _length_km(asset: Asset) -> float:
    from corridor.atlas.geometry import geodesic_length_km, to_shape

    return round(geodesic_length_km(to_shape(asset.geometry)), 1)


def assets(
    atlas: Atlas,
    *,
    kind: str | None = None,
    countries: Iterable[str] | None = None,
    criticality: str | None = None,
    status: str | None = None,
) -> list[AssetEntry]:
    """Assets of a kind (``pipeline`` takes oil and gas), in any of ``countries``, of a
    criticality (core, important, ordinary) and status (operating, construction, ...)."""
    found = find_assets(
        atlas, kind=kind, countries=countries, criticality=criticality, status=status
    )
    return [
        AssetEntry(
            id=a.id,
            name=a.name,
            kind=a.kind.value,
            criticality=a.criticality.value,
            status=a.status,
            countries=a.countries,
            length_km=_length_km(a),
            operator=a.operator,
        )
        for a in found
    ]


def chokepoints(atlas: Atlas) -> list[Chokepoint]:
    """The straits and canals the sea lanes depend on, in atlas order."""
    return list(atlas.chokepoints.values())


def disputes(
    atlas: Atlas,
    *,
    countries: Iterable[str] | None = None,
    kind: str | None = None,
    category: str | None = None,
) -> list[Dispute]:
    """Disputes and hot spots involving any of ``countries``, land or maritime, of a
    category (dispute or hot_spot)."""
    return find_disputes(atlas, countries=countries, kind=kind, category=category)


def threats(atlas: Atlas) -> list[ThreatClass]:
    """The threat classes depth first (each root, then the classes under it), so a reader
    can draw the tree by following ``parent``."""
    ordered: list[ThreatClass] = []

    def visit(parent: str | None) -> None:
        for threat in atlas.threats.values():
            if threat.parent == parent:
                ordered.append(threat)
                visit(threat.id)

    visit(None)
    return ordered


# --------------------------------------------------------------------------- one record


@dataclass(frozen=True)
class RecordDetail:
    """Everything the atlas holds about one record (``kind``: country, mechanism, asset,
    ...), as plain JSON-ready data with what the record alone does not say: a country's
    mechanisms, assets and disputes; an asset's length; a region's countries."""

    kind: str
    data: dict[str, Any]


def describe(atlas: Atlas, record_id: str) -> list[RecordDetail]:
    """Every record with this id (any case; one id can name a zone and a region).

    Raises :class:`UnknownValueError` when no record has it.
    """
    matches = atlas.find(record_id)
    if not matches:
        ids = [str(getattr(r, "id", getattr(r, "alpha3", ""))) for _, r in atlas.records()]
        raise UnknownValueError(
            "atlas record",
            record_id,
            ids,
            hint="a country code, mechanism, asset, chokepoint, dispute, threat, zone or route id",
        )
    return [RecordDetail(kind, _detail(atlas, kind, record)) for kind, record in matches]


def _detail(atlas: Atlas, kind: str, record: Any) -> dict[str, Any]:
    if isinstance(record, Country):
        data = record.model_dump(mode="json")
        code = record.alpha3
        data["mechanisms"] = sorted(m.id for m in atlas.mechanisms_of(code))
        data["assets"] = sorted(a.id for a in atlas.assets.values() if code in a.countries)
        data["disputes"] = sorted(d.id for d in atlas.disputes.values() if code in d.parties)
        return {"record_type": kind, **data}
    data = {"record_type": kind, **record.model_dump(mode="json", exclude_none=True)}
    if isinstance(record, Asset):
        import shapely

        from corridor.atlas.geometry import geodesic_length_km, to_shape

        shape = to_shape(record.geometry)
        data["length_km"] = round(geodesic_length_km(shape), 1)
        data["vertices"] = int(shapely.get_num_coordinates(shape))
        data["bounds"] = [round(v, 4) for v in shape.bounds]
        data.pop("geometry")
    if isinstance(record, Region):
        data["resolved_countries"] = sorted(resolve_region(record, atlas.regions, atlas.mechanisms))
    return data


_EXPORT_NAMES = frozenset({"EXPORT_FORMATS", "EXPORTABLE", "export_places", "write_places"})


def __getattr__(name: str) -> Any:
    """The export use cases, loaded on first use: they need the geometry libraries, which a
    listing of countries or mechanisms should not pay for at start."""
    if name in _EXPORT_NAMES:
        from corridor.atlas import export

        return getattr(export, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
