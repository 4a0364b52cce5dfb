"""Use cases at sea: one voyage open and with closures, and its exposure (``matrix.py``:
many voyages at once).

Each takes the atlas (and, where incidents are read, the store and the viewer) and typed
arguments, and returns frozen dataclasses; the CLI and any other caller only render them.
A place further from the sea network than ``max_snap_km`` is refused: searoute would
start the voyage from the nearest sea lane however far away it is. Given a ``vessel`` (a
class name or a :class:`Vessel`), a voyage keeps out of the passages the ship does not fit
(``barred``, each with why), sails at the class's service speed unless told another, and
counts the canals' published waiting and transit hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from corridor.atlas.catalog import Atlas
from corridor.errors import InputError
from corridor.geodesy import great_circle_km
from corridor.risk.exposure import Contribution
from corridor.routes.along import Passed, chokepoints_passed, states_near
from corridor.routes.disruption import Disruption, Place, disruption, passages_of
from corridor.routes.exposure import legs_exposure, scoring_inputs
from corridor.routes.places import resolve_place
from corridor.routes.sea import SeaLeg, SeaRouter, sea_router
from corridor.routes.vessels import Barred, Vessel, barred_passages, passage_hours, resolve_vessel

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from corridor.cooperation.sharing import Viewer

__all__ = [
    "DEFAULT_MAX_SNAP_KM",
    "DEFAULT_SPEED_KNOTS",
    "Endpoint",
    "RouteExposure",
    "RouteLeg",
    "SeaRoute",
    "SnapError",
    "draw_sea_map",
    "route_exposure",
    "sea_route",
]

DEFAULT_MAX_SNAP_KM = 300.0  # every atlas port is within 175 km of a sea lane
DEFAULT_SPEED_KNOTS = 14.0


class SnapError(InputError):
    """A place too far from the sea network for a voyage to start or end there."""


@dataclass(frozen=True)
class Endpoint:
    """Where a voyage starts or ends, and the sea-lane node it is snapped to."""

    place: Place
    sea_point: tuple[float, float]  # (lon, lat) of the network node
    snap_km: float  # great-circle km from the place to that node


@dataclass(frozen=True)
class RouteLeg:
    """A sea leg with the chokepoints it passes in order and the states it comes near."""

    leg: SeaLeg
    chokepoints: tuple[Passed, ...]
    states_near: tuple[str, ...]

    @property
    def chokepoint_ids(self) -> list[str]:
        return [p.chokepoint for p in self.chokepoints]


@dataclass(frozen=True)
class SeaRoute:
    """One voyage: the open route and, when chokepoints are closed, the one left (or none)."""

    origin: Endpoint
    destination: Endpoint
    speed_knots: float
    closed: tuple[str, ...]  # atlas chokepoint ids
    passages: frozenset[str]  # the searoute passages behind them
    open: RouteLeg | None
    with_closures: RouteLeg | None  # the open route again when nothing is closed
    disruption: Disruption = field(repr=False)
    vessel: Vessel | None = None
    barred: tuple[Barred, ...] = ()  # passages the ship does not fit, shut on both routes

    def days(self, leg: RouteLeg) -> float:
        """Days for a route: at sea at the speed, plus the canal hours (with a vessel)."""
        return self.disruption.days(leg.leg)

    @property
    def extra_km(self) -> float | None:
        return self.disruption.extra_km

    @property
    def extra_days(self) -> float | None:
        return self.disruption.extra_days

    @property
    def cut_off(self) -> bool:
        return self.disruption.cut_off

    @property
    def sea_route_left(self) -> bool:
        return self.with_closures is not None


@dataclass(frozen=True)
class RouteExposure:
    """Each route's exposure to the incidents near it, and the incidents that make it."""

    as_of: date
    profile: str
    classes: tuple[str, ...]
    scores: dict[str, float]  # "open", "with closures"
    top_incidents: dict[str, list[Contribution]]


def _endpoint(router: SeaRouter, place: Place, max_snap_km: float) -> Endpoint:
    node = router.snap(place.point)
    km = float(great_circle_km(place.lon, place.lat, node[0], node[1]))
    if km > max_snap_km:
        raise SnapError(
            f"{place.name}: the nearest sea lane is {km:,.0f} km away "
            f"(at {node[0]:.2f},{node[1]:.2f}), beyond the {max_snap_km:g} km allowed; "
            "give a port or a point at sea, or raise --max-snap-km"
        )
    return Endpoint(place, (float(node[0]), float(node[1])), km)


def _route_leg(atlas: Atlas, leg: SeaLeg | None) -> RouteLeg | None:
    if leg is None:
        return None
    return RouteLeg(leg, tuple(chokepoints_passed(atlas, leg)), tuple(states_near(leg)))


def _closed_ids(atlas: Atlas, passages: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(c.id for c in atlas.chokepoints.values() if c.searoute_passage in passages))


@dataclass(frozen=True)
class _Voyage:
    """What a ship brings to a query: its speed, the passages it is barred from, canal hours."""

    vessel: Vessel | None
    speed_knots: float
    barred: tuple[Barred, ...]
    shut: frozenset[str]  # the searoute passages behind ``barred``
    hours: dict[str, float]

    @classmethod
    def of(cls, vessel: Vessel | str | None, speed_knots: float | None) -> _Voyage:
        ship = resolve_vessel(vessel) if isinstance(vessel, str) else vessel
        speed = speed_knots or (ship and ship.speed_knots) or DEFAULT_SPEED_KNOTS
        barred = barred_passages(ship)
        shut = frozenset(name for b in barred for name in b.searoute)
        hours = dict(passage_hours(speed)) if ship is not None else {}
        return cls(ship, speed, barred, shut, hours)


def sea_route(
    atlas: Atlas,
    origin: str | Place,
    destination: str | Place,
    *,
    closed: Sequence[str] = (),
    speed_knots: float | None = None,
    max_snap_km: float = DEFAULT_MAX_SNAP_KM,
    vessel: Vessel | str | None = None,
) -> SeaRoute:
    """The shortest sea route between two places, with ``closed`` chokepoints shut.

    Places are atlas port ids, world ports by name or UN/LOCODE, positions ("lon,lat")
    or :class:`Place`; ``closed`` are atlas chokepoint ids (or searoute passage names).
    ``vessel`` keeps both routes out of the passages the ship does not fit; the speed is
    ``speed_knots``, else the vessel's service speed, else ``DEFAULT_SPEED_KNOTS``.
    Raises :class:`UnknownValueError` for an unknown place, chokepoint or vessel class and
    :class:`SnapError` for a place more than ``max_snap_km`` from the sea network.
    """
    passages = passages_of(atlas, closed)
    voyage = _Voyage.of(vessel, speed_knots)
    router = sea_router()
    ends = [
        _endpoint(router, p if isinstance(p, Place) else resolve_place(p, atlas), max_snap_km)
        for p in (origin, destination)
    ]
    found = disruption(
        router,
        ends[0].place,
        ends[1].place,
        passages,
        voyage.speed_knots,
        barred=voyage.shut,
        passage_hours=voyage.hours,
    )
    open_leg = _route_leg(atlas, found.open_leg)
    return SeaRoute(
        origin=ends[0],
        destination=ends[1],
        speed_knots=voyage.speed_knots,
        closed=_closed_ids(atlas, passages),
        passages=passages,
        open=open_leg,
        with_closures=_route_leg(atlas, found.closed_leg) if passages else open_leg,
        disruption=found,
        vessel=voyage.vessel,
        barred=voyage.barred,
    )


def route_exposure(
    store: Engine,
    viewer: Viewer,
    atlas: Atlas,
    route: SeaRoute,
    *,
    as_of: date | None = None,
    classes: Sequence[str] = (),
    profile_path: Path | None = None,
    top: int = 5,
) -> RouteExposure:
    """Score the route (and the one left with closures) against the incidents the viewer
    may read, of ``classes`` (all for none), as of ``as_of`` (default: the newest)."""
    inputs, incidents = scoring_inputs(
        store,
        viewer,
        atlas,
        as_of=as_of,
        classes=classes,
        profile_path=profile_path,
        need_incidents=True,
    )
    legs = {
        name: leg.leg
        for name, leg in (("open", route.open), ("with closures", route.with_closures))
        if leg is not None and (name == "open" or route.closed)
    }
    scored = legs_exposure(
        legs, incidents, inputs.profile, inputs.as_of, inputs.atlas.threat_ancestors
    )
    return RouteExposure(
        as_of=inputs.as_of,
        profile=inputs.profile.label,
        classes=tuple(classes),
        scores={name: scored.score_of(name) for name in legs},
        top_incidents={name: scored.contributions(name, top=top) for name in legs},
    )


def _chokepoint_marks(
    atlas: Atlas, passages: frozenset[str]
) -> list[tuple[str, float, float, bool]]:
    return [
        (c.name, c.longitude, c.latitude, c.searoute_passage in passages)
        for c in atlas.chokepoints.values()
    ]


def draw_sea_map(atlas: Atlas, route: SeaRoute, path: Path) -> Path:
    """The open route in blue and the one left with closures in red (PNG)."""
    from corridor.maps import draw_routes_map

    routes = []
    if route.open is not None:
        routes.append(("open", route.open.leg.line, "#2c7bb6"))
    if route.closed and route.with_closures is not None:
        routes.append(("with closures", route.with_closures.leg.line, "#d7301f"))
    title = f"{route.origin.place.name} to {route.destination.place.name}"
    if route.vessel is not None:
        title += f", {route.vessel.name}"
        if route.barred:
            title += f" (barred: {', '.join(b.passage for b in route.barred)})"
    return draw_routes_map(routes, _chokepoint_marks(atlas, route.passages), path, title=title)
