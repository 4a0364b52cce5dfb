"""Many voyages at once: every pair of ports, open and with closures, as arrays.

The sea network's arrays (``network.py``) give one shortest-path tree per origin and
closure set, many origins per Dijkstra call. A closure can only change a route that
takes the closed passage, so the trees with the closures are grown only for the origins
that have such a route, and read only for those pairs; every other pair keeps its open
route. Origins go in chunks (``CHUNK_ORIGINS``, at most ``CHUNK_TRIPS`` trips), so memory
stays flat however many ports there are: :func:`trip_batches` yields one columnar batch
per chunk, :func:`port_matrix` collects them as :class:`Trip` records,
:func:`write_port_matrix` streams them to a file.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from corridor.atlas.catalog import Atlas
from corridor.errors import InputError
from corridor.routes.disruption import HIT_DAYS, Place, passages_of
from corridor.routes.network import PASSAGE_NAMES, Routes, SeaNetwork, sea_network
from corridor.routes.places import atlas_ports, read_places, unique
from corridor.routes.sea import KM_PER_NM, SeaLeg, sea_router
from corridor.routes.vessels import Barred, Vessel
from corridor.routes.voyages import (
    DEFAULT_MAX_SNAP_KM,
    Endpoint,
    _chokepoint_marks,
    _closed_ids,
    _endpoint,
    _Voyage,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "CHUNK_ORIGINS",
    "Ends",
    "MatrixFile",
    "PortMatrix",
    "Progress",
    "Trip",
    "TripBatch",
    "draw_matrix_map",
    "hours_by_code",
    "matrix_ports",
    "port_matrix",
    "trip_batches",
    "trip_of",
    "write_port_matrix",
]

CHUNK_ORIGINS = 64  # origins per Dijkstra call at most: 64 x 9,708 nodes of trees, 7.5 MB
CHUNK_TRIPS = 16_384  # trips per batch at most (fewer origins a call for many destinations)

Progress = Callable[[int, int], None]  # (origins done, origins in all)


@dataclass(frozen=True)
class Trip:
    """One voyage of a matrix, open and with the closures; km and days are None where
    no sea route is left (``no_route``: none even open; ``cut_off``: none with closures)."""

    origin: Place
    destination: Place
    open_km: float | None
    closed_km: float | None
    open_passages: tuple[str, ...]  # searoute passages, in the order the route takes them
    closed_passages: tuple[str, ...]
    speed_knots: float
    passage_hours: Mapping[str, float] = field(default_factory=dict, repr=False)

    def days(self, km: float | None, passages: Sequence[str]) -> float | None:
        """Days at sea at the speed, plus the hours of the passages taken (with a vessel)."""
        if km is None:
            return None
        hours = sum(self.passage_hours.get(name, 0.0) for name in passages)
        return km / KM_PER_NM / self.speed_knots / 24.0 + hours / 24.0

    @property
    def open_days(self) -> float | None:
        return self.days(self.open_km, self.open_passages)

    @property
    def closed_days(self) -> float | None:
        return self.days(self.closed_km, self.closed_passages)

    @property
    def extra_km(self) -> float | None:
        if self.open_km is None or self.closed_km is None:
            return None
        return self.closed_km - self.open_km

    @property
    def extra_days(self) -> float | None:
        if self.open_days is None or self.closed_days is None:
            return None
        return self.closed_days - self.open_days

    @property
    def no_route(self) -> bool:
        """The sea offers no route between the two even with nothing closed."""
        return self.open_km is None

    @property
    def cut_off(self) -> bool:
        """The closures leave no sea route where there was one."""
        return self.open_km is not None and self.closed_km is None

    @property
    def hit(self) -> bool:
        """The closures cut the voyage off or lengthen it (by more than ``HIT_DAYS``)."""
        return self.cut_off or (self.extra_days or 0.0) > HIT_DAYS

    @property
    def status(self) -> str:
        """ "no sea route", "cut off", "longer" or "unchanged"."""
        if self.no_route:
            return "no sea route"
        if self.cut_off:
            return "cut off"
        return "longer" if self.hit else "unchanged"


@dataclass(frozen=True)
class TripBatch:
    """The trips of a chunk of origins, as columns (km inf where no route is left)."""

    origin: NDArray[np.int32]  # index into the matrix's origins
    destination: NDArray[np.int32]  # index into its destinations
    open_km: NDArray[np.float64]
    closed_km: NDArray[np.float64]
    open_passages: NDArray[np.int8]  # (trips, MAX_PASSAGES) codes of PASSAGE_NAMES, -1 after
    closed_passages: NDArray[np.int8]
    open_hours: NDArray[np.float64]  # hours the passages taken add (a vessel's canal time)
    closed_hours: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.origin)


@dataclass(frozen=True)
class PortMatrix:
    """Every pair of ports, open and with the closures."""

    closed: tuple[str, ...]  # atlas chokepoint ids
    passages: frozenset[str]
    speed_knots: float
    ports: tuple[Endpoint, ...]
    pairs: tuple[Trip, ...]
    seconds: float
    vessel: Vessel | None = None
    barred: tuple[Barred, ...] = ()

    def hit(self, most: int | None = None) -> list[Trip]:
        """The pairs the closures cut off or lengthen: cut-offs first, then by extra days."""
        found = sorted(
            (t for t in self.pairs if t.hit), key=lambda t: (not t.cut_off, -(t.extra_days or 0))
        )
        return found if most is None else found[:most]

    @property
    def no_route(self) -> list[Trip]:
        """The pairs the sea does not join even with nothing closed."""
        return [t for t in self.pairs if t.no_route]


def matrix_ports(atlas: Atlas, ports_csv: Path | None = None) -> list[Place]:
    """The atlas's sea ports and those of a CSV (see :func:`read_places`), each name once."""
    return unique([*atlas_ports(atlas), *(read_places(ports_csv, atlas) if ports_csv else [])])


def hours_by_code(hours: Mapping[str, float]) -> NDArray[np.float64]:
    """Each passage code's hours, and a trailing 0 that code -1 (no passage) reads."""
    return np.array([hours.get(name, 0.0) for name in PASSAGE_NAMES] + [0.0])


def trip_batches(
    network: SeaNetwork,
    origins: NDArray[np.int32],
    destinations: NDArray[np.int32],
    closed: frozenset[str],
    *,
    barred: frozenset[str] = frozenset(),
    passage_hours: Mapping[str, float] | None = None,
    skip_same: bool = True,
    progress: Progress | None = None,
) -> Iterator[TripBatch]:
    """Every origin node to every destination node, open (with ``barred`` shut) and with
    ``closed`` shut as well; pairs of the same index are left out when ``skip_same``."""
    hours = hours_by_code(passage_hours or {})
    bits = np.uint32(sum(1 << c for c in network.codes(closed)))
    columns = np.arange(len(destinations), dtype=np.int32)
    chunk = max(1, min(CHUNK_ORIGINS, CHUNK_TRIPS // max(1, len(destinations))))
    for start in range(0, len(origins), chunk):
        rows = np.arange(start, min(start + chunk, len(origins)), dtype=np.int32)
        sources = origins[rows]
        wanted = np.ones((len(rows), len(destinations)), np.bool_)
        if skip_same:
            wanted &= rows[:, None] != columns[None, :]
        found = network.routes(sources, destinations, barred, wanted)
        closed_km = found.length_km.copy()
        closed_passages = found.passages.copy()
        touched = wanted & np.isfinite(found.length_km) & ((found.mask & bits) != 0)
        again = touched.any(axis=1)
        if again.any():
            changed = network.routes(sources[again], destinations, barred | closed, touched[again])
            _overwrite(closed_km, closed_passages, again, touched[again], changed)
        i, j = np.nonzero(wanted)
        yield TripBatch(
            origin=rows[i],
            destination=j.astype(np.int32),
            open_km=found.length_km[i, j],
            closed_km=closed_km[i, j],
            open_passages=found.passages[i, j],
            closed_passages=closed_passages[i, j],
            open_hours=hours[found.passages[i, j]].sum(axis=-1),
            closed_hours=hours[closed_passages[i, j]].sum(axis=-1),
        )
        if progress is not None:
            progress(int(rows[-1]) + 1, len(origins))


def _overwrite(
    km: NDArray[np.float64],
    passages: NDArray[np.int8],
    rows: NDArray[np.bool_],
    touched: NDArray[np.bool_],
    changed: Routes,
) -> None:
    """Put the routes with closures into the open ones' arrays, where they were recomputed."""
    sub_km, sub_passages = km[rows], passages[rows]
    sub_km[touched] = changed.length_km[touched]
    sub_passages[touched] = changed.passages[touched]
    km[rows], passages[rows] = sub_km, sub_passages


def _names(codes: NDArray[np.int8]) -> tuple[str, ...]:
    return tuple(PASSAGE_NAMES[c] for c in codes if c >= 0)


def _km(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


@dataclass(frozen=True)
class Ends:
    """The ports of a matrix snapped to the network: where each voyage starts and ends."""

    origins: list[Place]
    destinations: list[Place]
    endpoints: dict[Place, Endpoint]
    origin_nodes: NDArray[np.int32]
    destination_nodes: NDArray[np.int32]

    @classmethod
    def of(
        cls,
        origins: Sequence[Place],
        destinations: Sequence[Place] | None,
        max_snap_km: float,
    ) -> Ends:
        targets = list(origins if destinations is None else destinations)
        router, network = sea_router(), sea_network()
        ends = {p: _endpoint(router, p, max_snap_km) for p in unique([*origins, *targets])}
        return cls(
            list(origins),
            targets,
            ends,
            network.nodes_at(ends[p].sea_point for p in origins),
            network.nodes_at(ends[p].sea_point for p in targets),
        )


def trip_of(ends: Ends, voyage: _Voyage, batch: TripBatch, n: int) -> Trip:
    """The ``n``-th trip of a batch as a record."""
    return Trip(
        origin=ends.origins[batch.origin[n]],
        destination=ends.destinations[batch.destination[n]],
        open_km=_km(batch.open_km[n]),
        closed_km=_km(batch.closed_km[n]),
        open_passages=_names(batch.open_passages[n]),
        closed_passages=_names(batch.closed_passages[n]),
        speed_knots=voyage.speed_knots,
        passage_hours=voyage.hours,
    )


@dataclass(frozen=True)
class _Job:
    """A matrix to compute: the closures, the ship, the ports snapped to the network."""

    passages: frozenset[str]
    voyage: _Voyage
    ends: Ends
    skip_same: bool

    @classmethod
    def of(
        cls,
        atlas: Atlas,
        origins: Sequence[Place],
        destinations: Sequence[Place] | None,
        closed: Sequence[str],
        speed_knots: float | None,
        max_snap_km: float,
        vessel: Vessel | str | None,
    ) -> _Job:
        passages = passages_of(atlas, closed)
        if not passages:
            raise InputError("name at least one chokepoint to close (--close)")
        voyage = _Voyage.of(vessel, speed_knots)
        ends = Ends.of(origins, destinations, max_snap_km)
        return cls(passages, voyage, ends, destinations is None)

    def batches(self, progress: Progress | None) -> Iterator[TripBatch]:
        return trip_batches(
            sea_network(),
            self.ends.origin_nodes,
            self.ends.destination_nodes,
            self.passages,
            barred=self.voyage.shut,
            passage_hours=self.voyage.hours,
            skip_same=self.skip_same,
            progress=progress,
        )


def port_matrix(
    atlas: Atlas,
    origins: Sequence[Place],
    destinations: Sequence[Place] | None = None,
    *,
    closed: Sequence[str],
    speed_knots: float | None = None,
    max_snap_km: float = DEFAULT_MAX_SNAP_KM,
    vessel: Vessel | str | None = None,
    progress: Progress | None = None,
) -> PortMatrix:
    """Every origin to every other destination (the origins themselves by default), open
    and with ``closed`` chokepoints shut.

    At least one chokepoint must be closed (else nothing can change). ``vessel`` and the
    speed as in :func:`corridor.routes.voyages.sea_route`. A pair the sea does not join
    even open is kept, with no km (``Trip.no_route``).
    """
    job = _Job.of(atlas, origins, destinations, closed, speed_knots, max_snap_km, vessel)
    passages, voyage, ends = job.passages, job.voyage, job.ends
    started = time.perf_counter()
    trips = [
        trip_of(ends, voyage, batch, n)
        for batch in job.batches(progress)
        for n in range(len(batch))
    ]
    return PortMatrix(
        closed=_closed_ids(atlas, passages),
        passages=passages,
        speed_knots=voyage.speed_knots,
        ports=tuple(ends.endpoints.values()),
        pairs=tuple(trips),
        seconds=time.perf_counter() - started,
        vessel=voyage.vessel,
        barred=voyage.barred,
    )


@dataclass(frozen=True)
class MatrixFile:
    """What :func:`write_port_matrix` wrote."""

    path: Path
    format: str
    closed: tuple[str, ...]
    speed_knots: float
    ports: int
    trips: int
    statuses: dict[str, int]  # "unchanged", "longer", "cut off", "no sea route": trips
    seconds: float
    vessel: Vessel | None = None
    barred: tuple[Barred, ...] = ()


def write_port_matrix(
    atlas: Atlas,
    origins: Sequence[Place],
    destinations: Sequence[Place] | None = None,
    *,
    path: Path,
    closed: Sequence[str],
    force: bool = False,
    speed_knots: float | None = None,
    max_snap_km: float = DEFAULT_MAX_SNAP_KM,
    vessel: Vessel | str | None = None,
    progress: Progress | None = None,
) -> MatrixFile:
    """:func:`port_matrix` streamed to a CSV or Parquet file (by its suffix), one chunk of
    origins at a time: memory stays flat however many ports (see ``trip_files``)."""
    import pyarrow.compute as pc

    from corridor.routes.trip_files import TripNames, trip_format, trip_table, write_tables

    fmt = trip_format(path)
    job = _Job.of(atlas, origins, destinations, closed, speed_knots, max_snap_km, vessel)
    passages, voyage, ends = job.passages, job.voyage, job.ends
    names = TripNames(atlas, [p.name for p in ends.origins], [p.name for p in ends.destinations])
    statuses: Counter[str] = Counter()
    started = time.perf_counter()

    def tables() -> Iterator[pa.Table]:
        for batch in job.batches(progress):
            table = trip_table(names, batch, voyage.speed_knots)
            for count in pc.value_counts(table.column("status")).to_pylist():
                statuses[count["values"]] += count["counts"]
            yield table

    trips = write_tables(tables(), path, force=force)
    return MatrixFile(
        path=path,
        format=fmt,
        closed=_closed_ids(atlas, passages),
        speed_knots=voyage.speed_knots,
        ports=len(ends.endpoints),
        trips=trips,
        statuses=dict(statuses),
        seconds=time.perf_counter() - started,
        vessel=voyage.vessel,
        barred=voyage.barred,
    )


def _legs(trip: Trip, shut: frozenset[str]) -> SeaLeg | None:
    return sea_router().route(trip.origin.point, trip.destination.point, shut)


def draw_matrix_map(atlas: Atlas, matrix: PortMatrix, path: Path, most: int = 12) -> Path:
    """The pairs the closures hurt most: their open routes, and the ones they must take."""
    from corridor.maps import draw_routes_map

    barred = frozenset(name for b in matrix.barred for name in b.searoute)
    worst = matrix.hit(most)
    routes = []
    for shut, label, colour in (
        (barred, "open", "#2c7bb6"),
        (barred | matrix.passages, "with closures", "#d7301f"),
    ):
        for trip in worst:
            leg = _legs(trip, shut)
            if leg is not None:
                routes.append((label, leg.line, colour))
    title = f"The {len(worst)} voyages hit hardest by closing {', '.join(matrix.closed)}"
    return draw_routes_map(routes, _chokepoint_marks(atlas, matrix.passages), path, title=title)
