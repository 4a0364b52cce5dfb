"""Sea-route benchmarks: ours against one ``searoute.searoute()`` call per pair, same run.

    .venv/bin/python bench/bench_routes.py                      # all three, 3 runs each
    .venv/bin/python bench/bench_routes.py --parts 50 --runs 1  # 50 x 50 only, once

Three jobs, each timed ``--runs`` times (the median is printed, with every run):

* ``50``: 50 ports (the atlas's 15, then busy world ports), all 2,450 ordered pairs, open
  and with Bab-el-Mandeb closed (``port_matrix``, what ``corridor routes matrix`` calls).
  Baseline: one ``searoute()`` call per pair and closure set, restrictions given in full
  (``["northwest"]`` and ``["northwest", "babalmandab"]``: a list replaces searoute's
  default), ``return_passages=True``. Every length must be equal to the bit, and every
  route's passages equal to searoute's (as a set) and in the order of searoute's own line.
  Also timed: our previous way, one networkx single-source Dijkstra per origin.
* ``500``: 500 ports (those 50, then searoute's world ports in UN/LOCODE order, every
  seventh), 249,500 pairs open and closed, streamed to a Parquet file
  (``write_port_matrix``). The baseline is extrapolated from a timed random sample of
  pairs (``--sample``), whose lengths are checked against the file.
* ``closures``: the 50 ports, each closable chokepoint closed alone (``closure_scenario``,
  what ``corridor routes closures`` calls). Baseline extrapolated from a timed random
  sample of (chokepoint, pair) calls, checked against ours.

Ours is timed warm (searoute's graph, our arrays and the compiled walk loaded once before
the clock starts; that start-up is printed too). Peak memory: Python and numpy heap
(tracemalloc) plus pyarrow's pool, in one more untimed run of each.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import statistics
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import searoute
from searoute.classes.passages import Passage

from corridor.atlas import load_atlas
from corridor.routes.closures import closure_scenario
from corridor.routes.disruption import Place, passages_of
from corridor.routes.matrix import port_matrix, write_port_matrix
from corridor.routes.network import sea_network
from corridor.routes.places import atlas_ports, resolve_place
from corridor.routes.sea import ALWAYS_CLOSED, PASSAGES, SeaRouter, sea_router

# Busy container ports (UN/LOCODE), in the order they join the benchmark's list.
WORLD = (
    "CNSHA", "SGSIN", "CNNGB", "CNSZX", "CNTAO", "KRPUS", "CNTSN", "HKHKG", "NLRTM", "AEJEA",
    "MYPKG", "BEANR", "CNXMN", "MYTPP", "TWKHH", "USLAX", "DEHAM", "USLGB", "THLCH", "VNSGN",
    "LKCMB", "INNSA", "JPTYO", "IDTPP", "USNYC", "ESVLC", "ESALG", "GRPIR", "MAPTM", "OMSLL",
    "SADMM", "EGPSD", "PAMIT", "BRSSZ", "ZADUR", "USSAV", "GBFXT", "FRLEH", "ITGOA", "TRMER",
    "SAJED", "QAHMD", "INMUN", "BDCGP", "AUMEL",
)  # fmt: skip
VALID = {p for p in Passage.valid_passages() if isinstance(p, str)}
Timed = tuple[float, Any]


def ports(count: int) -> list[Place]:
    """The atlas's ports, the busy world ports, then every seventh of searoute's ports."""
    from searoute.data.ports_dict import node_list

    atlas = load_atlas()
    found = atlas_ports(atlas)
    for code in WORLD:
        try:
            found.append(resolve_place(code, atlas))
        except ValueError:
            continue
    world = sorted((str(d.get("port")), lon, lat) for (lon, lat), d in node_list.items())
    router, names = sea_router(), {p.name for p in found}
    for code, lon, lat in world[::7]:
        if len(found) >= count:
            break
        node = router.snap((lon, lat))
        near = math.hypot(node[0] - lon, node[1] - lat) < 2.5  # no place far inland
        if code not in names and near:
            found.append(Place(code, float(lon), float(lat)))
            names.add(code)
    return found[:count]


class Clock:
    """Wall and CPU seconds of a block (CPU: this process, all its threads)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def timed(job: Callable[[], Any], runs: int) -> tuple[list[Clock], Any]:
    clocks, result = [], None
    for _ in range(runs):
        with Clock() as clock:
            result = job()
        clocks.append(clock)
    return clocks, result


def wall(clocks: list[Clock]) -> float:
    return statistics.median(c.wall for c in clocks)


def cpu(clocks: list[Clock]) -> float:
    return statistics.median(c.cpu for c in clocks)


def peak_mb(job: Callable[[], Any]) -> float:
    """Peak heap of one run: Python and numpy (tracemalloc) plus pyarrow's pool."""
    pool = pa.default_memory_pool()
    before = pool.bytes_allocated()
    tracemalloc.start()
    job()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak + max(0, pool.max_memory() - before)) / 1e6


def searoute_once(a: Place, b: Place, shut: Sequence[str]) -> tuple[float, list[str], list[Any]]:
    """One baseline call: km (inf for none), its traversed passages, its line."""
    found = searoute.searoute(
        list(a.point), list(b.point), restrictions=["northwest", *shut], return_passages=True
    )
    line = found.geometry["coordinates"]
    km = found.properties["length"] if line else math.inf
    return km, found.properties.get("traversed_passages", []), line


def passages_along(line: list[Any]) -> tuple[str, ...]:
    """The passages searoute's own line walks, in order (read as ours are read)."""
    graph, _ = searoute.get_graphs()
    nodes: list[Any] = [tuple(line[0])] if line else []
    for x, y in line[1:]:  # the neighbour where the point is, up to the 360 deg shift

        def off(n: Any, x: float = x, y: float = y) -> float:
            return abs((x - n[0] + 180) % 360 - 180) + abs(y - n[1])

        nodes.append(min(graph[nodes[-1]], key=off))
    found: list[str] = []
    for u, v in itertools.pairwise(nodes):
        name = SeaRouter._passage(u, v, graph.edges[u, v])
        if name is not None and name in PASSAGES and (not found or found[-1] != name):
            found.append(name)
    return tuple(found)


def _km(value: float | None) -> float:
    """None (no route) as searoute's inf; 0.0 stays 0.0 (two ports on one node)."""
    return math.inf if value is None else value


def same(ours_km: float | None, ours_passages: tuple[str, ...], theirs: Any) -> bool:
    km, traversed, line = theirs
    if ours_km is None:
        return km == math.inf
    return (
        ours_km == km
        and set(ours_passages) & VALID == set(traversed)
        and ours_passages == passages_along(line)
    )


def line(label: str, clocks: list[Clock], extra: str = "") -> None:
    runs = ", ".join(f"{c.wall:.2f}" for c in clocks)
    print(f"  {label:<34} {wall(clocks):8.2f} s wall, {cpu(clocks):7.2f} s CPU "
          f"(wall runs: {runs}){extra}")  # fmt: skip


def bench_50(args: argparse.Namespace, atlas: Any, places: list[Place]) -> None:
    closed = ["bab-el-mandeb"]
    shut = sorted(passages_of(atlas, closed))
    pairs = [(a, b) for a in places for b in places if a != b]
    print(f"\n50 x 50: {len(places)} ports, {len(pairs):,} ordered pairs, open and with "
          f"{', '.join(shut)} closed ({2 * len(pairs):,} routes)")  # fmt: skip
    ours, matrix = timed(lambda: port_matrix(atlas, places, closed=closed), args.runs)
    router = sea_router()
    barred = frozenset(ALWAYS_CLOSED)

    def networkx_way() -> None:
        for a in places:
            to_open = router.from_origin(a.point, barred)
            to_closed = router.from_origin(a.point, frozenset(shut))
            for b in places:
                if a != b:
                    to_open(b.point), to_closed(b.point)

    previous, _ = timed(networkx_way, args.runs)
    theirs_runs: list[Clock] = []
    baseline: dict[tuple[str, str, bool], Any] = {}
    for _ in range(args.runs):
        with Clock() as clock, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # searoute warns for every blocked pair
            for a, b in pairs:
                baseline[(a.name, b.name, False)] = searoute_once(a, b, [])
                baseline[(a.name, b.name, True)] = searoute_once(a, b, shut)
        theirs_runs.append(clock)
    differ = [
        (t.origin.name, t.destination.name, closed_too)
        for t in matrix.pairs
        for closed_too, km, passages in (
            (False, t.open_km, t.open_passages),
            (True, t.closed_km, t.closed_passages),
        )
        if not same(km, passages, baseline[(t.origin.name, t.destination.name, closed_too)])
    ]
    mine = peak_mb(lambda: port_matrix(atlas, places, closed=closed))
    a, b = places[0], places[1]
    theirs_peak = peak_mb(lambda: [searoute_once(a, b, shut) for _ in range(20)])
    line("ours (port_matrix)", ours, f"   peak {mine:.0f} MB")
    line("previous: networkx tree per origin", previous,
         f"   ours {wall(previous) / wall(ours):.1f}x faster")  # fmt: skip
    line("baseline: searoute() per pair", theirs_runs, f"   peak {theirs_peak:.1f} MB")
    print(f"  ratio {wall(theirs_runs) / wall(ours):.1f}x wall, "
          f"{cpu(theirs_runs) / cpu(ours):.1f}x CPU; routes whose km or passages (set, order) "
          f"differ: {len(differ)} of {2 * len(pairs):,}")  # fmt: skip
    for item in differ[:5]:
        print(f"    {item}")
    hit = matrix.hit()
    extra = statistics.median(p.extra_days for p in hit if p.extra_days)
    print(f"  cut off {sum(p.cut_off for p in matrix.pairs)}, longer {len(hit)}, median extra "
          f"{extra:.1f} days at 14 kn")  # fmt: skip


def bench_500(args: argparse.Namespace, atlas: Any, places: list[Place]) -> None:
    closed = ["bab-el-mandeb"]
    shut = sorted(passages_of(atlas, closed))
    count = len(places) * (len(places) - 1)
    print(f"\n{len(places)} x {len(places)}: {count:,} ordered pairs open and closed "
          f"({2 * count:,} routes), streamed to Parquet")  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="bench-routes-"))
    target = folder / "trips.parquet"

    def ours_job() -> Any:
        return write_port_matrix(atlas, places, path=target, closed=closed, force=True)

    ours, written = timed(ours_job, args.runs)
    peaks = {}
    for size in (100, 250, len(places)):
        few = places[:size]
        peaks[size] = peak_mb(
            lambda few=few: write_port_matrix(atlas, few, path=target, closed=closed, force=True)
        )
    ours_job()
    table = pq.read_table(target).to_pylist()
    row_of = {(r["origin"], r["destination"]): r for r in table}
    rng = random.Random(7)
    sample = rng.sample([(a, b) for a in places for b in places if a != b], args.sample)
    found = []
    with Clock() as clock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for a, b in sample:
            found.append((a, b, searoute_once(a, b, []), searoute_once(a, b, shut)))
    per_pair, per_pair_cpu = clock.wall / len(sample), clock.cpu / len(sample)
    differ = 0
    for a, b, open_way, closed_way in found:
        row = row_of[(a.name, b.name)]
        differ += _km(row["open_km"]) != open_way[0]
        differ += _km(row["closed_km"]) != closed_way[0]
    line("ours (write_port_matrix)", ours, f"   {written.trips:,} rows, "
         f"{target.stat().st_size / 1e6:.1f} MB file")  # fmt: skip
    print("  peak (flat in the number of ports): "
          + ", ".join(f"{n} ports {mb:.0f} MB" for n, mb in peaks.items()))  # fmt: skip
    print(f"  baseline: searoute() per pair, EXTRAPOLATED from {len(sample)} random pairs "
          f"timed ({per_pair * 1000:.1f} ms wall, {per_pair_cpu * 1000:.1f} ms CPU a pair "
          f"open and closed): {per_pair * count:,.0f} s wall, "
          f"{per_pair_cpu * count:,.0f} s CPU")  # fmt: skip
    print(f"  ratio {per_pair * count / wall(ours):.0f}x wall, "
          f"{per_pair_cpu * count / cpu(ours):.0f}x CPU; sample routes whose km differ: "
          f"{differ} of "
          f"{2 * len(sample)}; statuses {written.statuses}")  # fmt: skip
    target.unlink()
    folder.rmdir()


def bench_closures(args: argparse.Namespace, atlas: Any, places: list[Place]) -> None:
    pairs = [(a, b) for a in places for b in places if a != b]
    ours, scenario = timed(lambda: closure_scenario(atlas, places), args.runs)
    print(f"\nEvery chokepoint closed alone: {len(places)} ports, {len(pairs):,} trips, "
          f"{len(scenario.closures)} chokepoints")  # fmt: skip
    through = {
        (c.passage, t.origin.name, t.destination.name): t
        for c in scenario.closures
        for t in c.trips
    }
    rng = random.Random(11)
    calls = [
        (c.passage, *rng.choice(pairs)) for c in scenario.closures for _ in range(args.sample // 9)
    ]
    differ = 0
    with Clock() as clock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        answers = [(p, a, b, searoute_once(a, b, [p])) for p, a, b in calls]
        opens = {(a.name, b.name): searoute_once(a, b, []) for _, a, b in calls}
    per_call = clock.wall / (len(calls) + len(opens))
    per_call_cpu = clock.cpu / (len(calls) + len(opens))
    open_km = {(t.origin.name, t.destination.name): t.open_km for t in port_matrix(
        atlas, places, closed=["bab-el-mandeb"]).pairs}  # fmt: skip
    for passage, a, b, (km, _, _) in answers:
        trip = through.get((passage, a.name, b.name))  # None: the closure leaves it as it is
        ours_km = open_km[(a.name, b.name)] if trip is None else trip.closed_km
        differ += _km(ours_km) != km
    mine = peak_mb(lambda: closure_scenario(atlas, places))
    calls_all = len(pairs) * (len(scenario.closures) + 1)
    line("ours (closure_scenario)", ours, f"   peak {mine:.0f} MB")
    print(f"  baseline: searoute() per pair and closure ({calls_all:,} calls), EXTRAPOLATED from "
          f"{len(calls) + len(opens)} timed calls ({per_call * 1000:.1f} ms wall, "
          f"{per_call_cpu * 1000:.1f} ms CPU each): {per_call * calls_all:,.0f} s wall, "
          f"{per_call_cpu * calls_all:,.0f} s CPU")  # fmt: skip
    print(f"  ratio {per_call * calls_all / wall(ours):.0f}x wall, "
          f"{per_call_cpu * calls_all / cpu(ours):.0f}x CPU; sampled closed routes whose km "
          f"differ: {differ} of {len(calls)}")  # fmt: skip
    for c in scenario.closures:
        print(f"    {c.chokepoint:<18} through {c.trips_through:5,}  "
              f"longer {len(c.longer):5,}  cut off {len(c.cut_off):4,}  "
              f"median extra {c.median_extra_days or 0:5.1f} d")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="50,500,closures")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=270, help="baseline calls to time")
    parser.add_argument("--big", type=int, default=500, help="ports of the big matrix")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores)")  # fmt: skip
    with Clock() as clock:
        atlas = load_atlas()
        sea_router(), sea_network()
        places = ports(args.big)
        port_matrix(atlas, places[:3], closed=["bab-el-mandeb"])  # the compiled walk, cached
    print(f"start-up (searoute's graph, our arrays, the walk, {args.big} ports): "
          f"{clock.wall:.1f} s wall, {clock.cpu:.1f} s CPU")  # fmt: skip
    parts = args.parts.split(",")
    if "50" in parts:
        bench_50(args, atlas, places[:50])
    if "500" in parts:
        bench_500(args, atlas, places[: args.big])
    if "closures" in parts:
        bench_closures(args, atlas, places[:50])
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
