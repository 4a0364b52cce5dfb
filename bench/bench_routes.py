"""Sea-route matrix benchmark: ours against one ``searoute()`` call per pair, same run.

    .venv/bin/python bench/bench_routes.py                 # 50 x 50 ports, Bab-el-Mandeb closed
    .venv/bin/python bench/bench_routes.py --ports 20 --close ormuz

Ports: the atlas's 15 sea ports, then world ports from searoute's list (UN/LOCODE,
the busiest container ports first) up to ``--ports``. Both ways compute every
ordered pair twice, open and with the closure, in the same process one after the
other on the same graph. The baseline is the best honest use of searoute: its
default graph cache, ``restrictions`` given in full on every call (the default
``["northwest"]`` plus the closure), lengths in km. Every pair's length must agree.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
import warnings

import searoute

from corridor.atlas import load_atlas
from corridor.routes.disruption import disruption_matrix, passages_of
from corridor.routes.places import atlas_ports, resolve_place
from corridor.routes.sea import sea_router

# Busy container ports (UN/LOCODE), in the order they join the benchmark's list.
WORLD = (
    "CNSHA", "SGSIN", "CNNGB", "CNSZX", "CNTAO", "KRPUS", "CNTSN", "HKHKG", "NLRTM", "AEJEA",
    "MYPKG", "BEANR", "CNXMN", "MYTPP", "TWKHH", "USLAX", "DEHAM", "USLGB", "THLCH", "VNSGN",
    "LKCMB", "INNSA", "JPTYO", "IDTPP", "USNYC", "ESVLC", "ESALG", "GRPIR", "MAPTM", "OMSLL",
    "SADMM", "EGPSD", "PAMIT", "BRSSZ", "ZADUR", "USSAV", "GBFXT", "FRLEH", "ITGOA", "TRMER",
    "SAJED", "QAHMD", "INMUN", "BDCGP", "AUMEL",
)  # fmt: skip


def _ports(count: int) -> list:  # type: ignore[type-arg]
    atlas = load_atlas()
    ports = atlas_ports(atlas)
    for code in WORLD:
        if len(ports) >= count:
            break
        try:
            ports.append(resolve_place(code, atlas))
        except ValueError:
            continue
    return ports[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ports", type=int, default=50)
    parser.add_argument("--close", default="bab-el-mandeb", help="atlas chokepoint ids")
    args = parser.parse_args()
    atlas = load_atlas()
    closed = passages_of(atlas, args.close.split(","))
    ports = _ports(args.ports)
    pairs = [(a, b) for a in ports for b in ports if a != b]
    router = sea_router()
    router.route(ports[0].point, ports[1].point)  # load the graph before the clock starts

    started = time.perf_counter()
    table = disruption_matrix(router, ports, ports, closed, 14.0)
    ours = time.perf_counter() - started

    baseline: dict[tuple[str, str], tuple[float, float]] = {}
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # searoute warns for every blocked pair
        for a, b in pairs:
            lengths = []
            for restrictions in (["northwest"], ["northwest", *sorted(closed)]):
                found = searoute.searoute(list(a.point), list(b.point), restrictions=restrictions)
                length = found.properties["length"]
                lengths.append(length if found.geometry["coordinates"] else math.inf)
            baseline[(a.name, b.name)] = (lengths[0], lengths[1])
    theirs = time.perf_counter() - started

    differ = []
    for row in table:
        open_km, closed_km = baseline[(row.origin.name, row.destination.name)]
        mine = (
            row.open_leg.length_km if row.open_leg else math.inf,
            row.closed_leg.length_km if row.closed_leg else math.inf,
        )
        if mine != (open_km, closed_km):
            differ.append((row.origin.name, row.destination.name, mine, (open_km, closed_km)))
    extra = [row.extra_days for row in table if row.extra_days]
    print(f"\nSea-route matrix: {len(ports)} ports, {len(pairs):,} ordered pairs, open and with "
          f"{', '.join(sorted(closed))} closed ({2 * len(pairs):,} routes each way)")  # fmt: skip
    print(f"  ours      {ours:7.2f} s   (one shortest-path tree per origin and closure set)")
    print(f"  baseline  {theirs:7.2f} s   (one searoute() call per pair and closure set)")
    print(f"  ratio     {theirs / ours:7.1f}x")
    print(f"  pairs whose lengths differ from searoute's: {len(differ)}")
    for item in differ[:5]:
        print(f"    {item}")
    print(f"  cut off by the closure: {sum(row.cut_off for row in table)}; "
          f"longer: {len(extra)}, median extra {statistics.median(extra) if extra else 0:.1f} days "
          f"at 14 knots")  # fmt: skip


if __name__ == "__main__":
    main()
