"""Closing chokepoints: the route each voyage takes instead, how much longer, or none.

Chokepoints are the atlas's; a closure shuts the searoute passage the chokepoint is
(the atlas says which); ``matrix.py`` does the same for many voyages at once. A ship that
does not fit some passages (``barred``) has them closed on both the open route and the one
with closures;
``passage_hours`` adds each canal's published waiting and transit time to the days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from corridor.atlas.catalog import Atlas
from corridor.errors import InputError, UnknownValueError
from corridor.routes.sea import SeaLeg, SeaRouter

__all__ = [
    "HIT_DAYS",
    "ClosureError",
    "Disruption",
    "Place",
    "disruption",
    "passages_of",
]


HIT_DAYS = 0.01  # under a quarter of an hour longer: rounding, not a detour


@dataclass(frozen=True)
class Place:
    """A port or a point at sea: a name and (lon, lat)."""

    name: str
    lon: float
    lat: float

    @property
    def point(self) -> tuple[float, float]:
        return (self.lon, self.lat)


@dataclass(frozen=True)
class Disruption:
    """One voyage, open and with the closures."""

    origin: Place
    destination: Place
    open_leg: SeaLeg | None
    closed_leg: SeaLeg | None
    speed_knots: float
    passage_hours: Mapping[str, float] = field(default_factory=dict)  # searoute passage: hours

    def days(self, leg: SeaLeg) -> float:
        """Days at sea at the voyage's speed, plus the hours of the passages it takes."""
        hours = sum(self.passage_hours.get(name, 0.0) for name in leg.passages)
        return leg.days_at(self.speed_knots) + hours / 24.0

    @property
    def extra_km(self) -> float | None:
        if self.open_leg is None or self.closed_leg is None:
            return None
        return self.closed_leg.length_km - self.open_leg.length_km

    @property
    def extra_days(self) -> float | None:
        if self.open_leg is None or self.closed_leg is None:
            return None
        return self.days(self.closed_leg) - self.days(self.open_leg)

    @property
    def cut_off(self) -> bool:
        """The closures leave no sea route where there was one."""
        return self.open_leg is not None and self.closed_leg is None

    @property
    def hit(self) -> bool:
        """The closures cut the voyage off or lengthen it (by more than ``HIT_DAYS``)."""
        return self.cut_off or (self.extra_days or 0.0) > HIT_DAYS


class ClosureError(InputError):
    """A closure names a chokepoint the sea network cannot close (a usage error)."""

    exit_code = 2


def passages_of(atlas: Atlas, chokepoints: Iterable[str]) -> frozenset[str]:
    """The searoute passages to shut for these atlas chokepoint ids (or passage names).

    An unknown name raises :class:`UnknownValueError` with the closable ones.
    """
    by_passage = {
        c.searoute_passage: c.id for c in atlas.chokepoints.values() if c.searoute_passage
    }
    closable = sorted(by_passage.values())
    closed = set()
    for name in chokepoints:
        point = atlas.chokepoints.get(name)
        if point is None and name in by_passage:  # searoute's own spelling: ormuz, babalmandab
            point = atlas.chokepoints[by_passage[name]]
        if point is None:
            raise UnknownValueError(
                "chokepoint to close", name, closable, hint="see `corridor atlas chokepoints`"
            )
        if point.searoute_passage is None:
            raise ClosureError(
                f"{name}: the sea network has no passage to close there; closable: "
                f"{', '.join(closable)}"
            )
        closed.add(point.searoute_passage)
    return frozenset(closed)


def disruption(
    router: SeaRouter,
    origin: Place,
    destination: Place,
    closed: frozenset[str],
    speed_knots: float,
    *,
    barred: frozenset[str] = frozenset(),
    passage_hours: Mapping[str, float] | None = None,
) -> Disruption:
    """One voyage, open and with ``closed`` passages shut (``barred`` ones shut on both)."""
    return Disruption(
        origin,
        destination,
        router.route(origin.point, destination.point, barred),
        router.route(origin.point, destination.point, closed | barred),
        speed_knots,
        dict(passage_hours or {}),
    )
