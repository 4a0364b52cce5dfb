"""Every chokepoint closed in turn: which trips get longer, by how much, which are cut off.

The table seed 000's "sea channel safety" asks for: for each chokepoint the sea network can
close (Malacca, Hormuz, Bab-el-Mandeb, Suez, ...), the trips between the ports whose
route takes it, and what closing it alone does to each. The open routes are computed
once; closing a chokepoint can only change a route that takes it, so each closure grows
trees only for the origins with such a route and reads only those trips.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from corridor.atlas.catalog import Atlas
from corridor.routes.disruption import Place, passages_of
from corridor.routes.matrix import (
    CHUNK_ORIGINS,
    Ends,
    Progress,
    Trip,
    TripBatch,
    hours_by_code,
    trip_of,
)
from corridor.routes.network import MAX_PASSAGES, PASSAGE_NAMES, Routes, SeaNetwork, sea_network
from corridor.routes.vessels import Barred, Vessel
from corridor.routes.voyages import DEFAULT_MAX_SNAP_KM, Endpoint, _closed_ids, _Voyage

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "ChokepointClosure",
    "ClosureScenario",
    "closable_chokepoints",
    "closure_scenario",
    "write_closures",
]


@dataclass(frozen=True)
class ChokepointClosure:
    """What closing one chokepoint (and only it) does to the trips whose route takes it."""

    chokepoint: str  # atlas id
    name: str
    passage: str  # searoute's passage
    trips: tuple[Trip, ...]  # every trip through it: cut-offs first, then most extra days
    barred: bool = False  # the vessel may not take it anyway: no trip goes through

    @property
    def trips_through(self) -> int:
        return len(self.trips)

    @property
    def cut_off(self) -> list[Trip]:
        return [t for t in self.trips if t.cut_off]

    @property
    def longer(self) -> list[Trip]:
        """Trips left a route longer by more than ``HIT_DAYS``."""
        return [t for t in self.trips if t.hit and not t.cut_off]

    @property
    def extra_days(self) -> list[float]:
        """The extra days of the trips left a route (rerouted at no cost: 0)."""
        return [t.extra_days for t in self.trips if t.extra_days is not None]

    @property
    def median_extra_days(self) -> float | None:
        return statistics.median(self.extra_days) if self.extra_days else None

    @property
    def max_extra_days(self) -> float | None:
        return max(self.extra_days) if self.extra_days else None


@dataclass(frozen=True)
class ClosureScenario:
    """Each chokepoint closed alone, over every trip between the ports."""

    ports: tuple[Endpoint, ...]
    trips: int  # ordered pairs of ports
    no_route: tuple[Trip, ...]  # pairs the sea does not join even open
    speed_knots: float
    closures: tuple[ChokepointClosure, ...]  # most trips cut off, then longer, first
    seconds: float
    vessel: Vessel | None = None
    barred: tuple[Barred, ...] = ()


def closable_chokepoints(atlas: Atlas) -> list[str]:
    """The atlas chokepoints the sea network can close, in the atlas's order."""
    return [c.id for c in atlas.chokepoints.values() if c.searoute_passage]


def _open_routes(
    network: SeaNetwork,
    ends: Ends,
    wanted: NDArray[np.bool_],
    barred: frozenset[str],
    rows: NDArray[np.bool_] | None = None,
) -> Routes:
    """Routes of the ``wanted`` pairs for the ``rows`` origins (all by default), in chunks."""
    picked = np.flatnonzero(np.ones(len(ends.origins), np.bool_) if rows is None else rows)
    parts = [
        network.routes(
            ends.origin_nodes[picked[s : s + CHUNK_ORIGINS]],
            ends.destination_nodes,
            barred,
            wanted[picked[s : s + CHUNK_ORIGINS]],
        )
        for s in range(0, len(picked), CHUNK_ORIGINS)
    ]
    return Routes(
        np.concatenate([p.length_km for p in parts]),
        np.concatenate([p.passages for p in parts]),
        np.concatenate([p.mask for p in parts]),
    )


def _batch(
    rows: NDArray[np.int32],
    columns: NDArray[np.int32],
    before: Routes,
    after: Routes,
    after_rows: NDArray[np.int32],
    hours: NDArray[np.float64],
) -> TripBatch:
    """The trips (rows, columns) as a batch: ``before`` indexed by origin, ``after`` by
    the position of the origin among the recomputed ones (``after_rows``)."""
    open_codes = before.passages[rows, columns]
    closed_codes = after.passages[after_rows, columns]
    return TripBatch(
        origin=rows,
        destination=columns,
        open_km=before.length_km[rows, columns],
        closed_km=after.length_km[after_rows, columns],
        open_passages=open_codes,
        closed_passages=closed_codes,
        open_hours=hours[open_codes].sum(axis=-1),
        closed_hours=hours[closed_codes].sum(axis=-1),
    )


def closure_scenario(
    atlas: Atlas,
    origins: Sequence[Place],
    destinations: Sequence[Place] | None = None,
    *,
    chokepoints: Sequence[str] = (),
    speed_knots: float | None = None,
    max_snap_km: float = DEFAULT_MAX_SNAP_KM,
    vessel: Vessel | str | None = None,
    progress: Progress | None = None,
) -> ClosureScenario:
    """Close each of ``chokepoints`` (every closable one by default) alone and say, for
    each, which trips between the ports take it and what the closure does to them.

    Trips go from every origin to every other destination (the origins by default).
    ``vessel`` and the speed as in :func:`corridor.routes.voyages.sea_route`. Raises
    :class:`UnknownValueError` for an unknown chokepoint and ``ClosureError`` for one the
    network cannot close.
    """
    passage_of: dict[str, str] = {}  # atlas id -> searoute passage, each chokepoint once
    for name in chokepoints or closable_chokepoints(atlas):
        (passage,) = passages_of(atlas, [name])
        passage_of.setdefault(_closed_ids(atlas, frozenset({passage}))[0], passage)
    voyage = _Voyage.of(vessel, speed_knots)
    ends = Ends.of(origins, destinations, max_snap_km)
    network = sea_network()
    started = time.perf_counter()
    wanted = np.ones((len(ends.origins), len(ends.destinations)), np.bool_)
    if destinations is None:
        np.fill_diagonal(wanted, False)
    before = _open_routes(network, ends, wanted, voyage.shut)
    hours = hours_by_code(voyage.hours)
    reached = wanted & np.isfinite(before.length_km)
    closures = []
    for done, (name, passage) in enumerate(passage_of.items(), start=1):
        bit = np.uint32(sum(1 << c for c in network.codes([passage])))
        touched = reached & ((before.mask & bit) != 0)
        again = touched.any(axis=1)
        trips: list[Trip] = []
        if again.any():
            after = _open_routes(network, ends, touched, voyage.shut | {passage}, again)
            position = np.cumsum(again, dtype=np.int32) - 1  # origin -> row of ``after``
            rows, columns = (a.astype(np.int32) for a in np.nonzero(touched))
            batch = _batch(rows, columns, before, after, position[rows], hours)
            trips = [trip_of(ends, voyage, batch, n) for n in range(len(batch))]
        trips.sort(key=lambda t: (not t.cut_off, -(t.extra_days or 0.0)))
        closures.append(
            ChokepointClosure(
                chokepoint=name,
                name=atlas.chokepoints[name].name,
                passage=passage,
                trips=tuple(trips),
                barred=passage in voyage.shut,
            )
        )
        if progress is not None:
            progress(done, len(passage_of))
    closures.sort(key=lambda c: (-len(c.cut_off), -len(c.longer), c.chokepoint))
    missing = wanted & ~np.isfinite(before.length_km)
    rows, columns = (a.astype(np.int32) for a in np.nonzero(missing))
    lost = _batch(rows, columns, before, before, rows, hours)
    return ClosureScenario(
        ports=tuple(ends.endpoints.values()),
        trips=int(wanted.sum()),
        no_route=tuple(trip_of(ends, voyage, lost, n) for n in range(len(lost))),
        speed_knots=voyage.speed_knots,
        closures=tuple(closures),
        seconds=time.perf_counter() - started,
        vessel=voyage.vessel,
        barred=voyage.barred,
    )


def _codes(passages: Sequence[str]) -> list[int]:
    codes = [PASSAGE_NAMES.index(p) for p in passages]
    return codes + [-1] * (MAX_PASSAGES - len(codes))


def _as_batch(trips: Sequence[Trip]) -> TripBatch:
    """Trips as one batch, each its own origin and destination (names by position)."""
    number = np.arange(len(trips), dtype=np.int32)

    def km(values: list[float | None]) -> NDArray[np.float64]:
        return np.array([np.inf if v is None else v for v in values], np.float64).reshape(-1)

    def hours(trip: Trip, passages: Sequence[str]) -> float:
        return sum(trip.passage_hours.get(p, 0.0) for p in passages)

    return TripBatch(
        origin=number,
        destination=number,
        open_km=km([t.open_km for t in trips]),
        closed_km=km([t.closed_km for t in trips]),
        open_passages=np.array([_codes(t.open_passages) for t in trips], np.int8).reshape(
            -1, MAX_PASSAGES
        ),
        closed_passages=np.array([_codes(t.closed_passages) for t in trips], np.int8).reshape(
            -1, MAX_PASSAGES
        ),
        open_hours=np.array([hours(t, t.open_passages) for t in trips], np.float64),
        closed_hours=np.array([hours(t, t.closed_passages) for t in trips], np.float64),
    )


def write_closures(
    atlas: Atlas, scenario: ClosureScenario, path: Path, *, force: bool = False
) -> int:
    """Every trip through each chokepoint and what closing it does, to a CSV or Parquet
    file (by its suffix), a ``chokepoint`` column first; the rows written."""
    from corridor.routes.trip_files import TripNames, trip_format, trip_table, write_tables

    trip_format(path)

    def tables() -> Iterator[pa.Table]:
        for closure in scenario.closures:
            trips = closure.trips
            names = TripNames(
                atlas, [t.origin.name for t in trips], [t.destination.name for t in trips]
            )
            batch = _as_batch(trips)
            yield trip_table(
                names, batch, scenario.speed_knots, first={"chokepoint": closure.chokepoint}
            )

    return write_tables(tables(), path, force=force)
