"""Alert rules on an import: one bulk check of every incident against every asset, beside
checking the incidents one at a time (as a per-record hook would), in the same run.

    .venv/bin/python bench/bench_alert_rules.py                 # 100,000 incidents
    .venv/bin/python bench/bench_alert_rules.py --incidents 20000 --one-at-a-time 2000

The incidents are recent (within the rules' horizon), half of them along the atlas's
pipelines, railways and sea lanes (within 0-60 km of a vertex), half uniform over lon
20..125, lat -15..55, with the threat classes the default rules watch. Both ways use the
same rules and the same spatial index and must find the same matches; one at a time is
timed on a sample (``--one-at-a-time``) and scaled to the whole, which it says.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta

from corridor.alerts.matching import AlertMatcher
from corridor.alerts.rules import bundled_rules
from corridor.atlas import load_atlas
from corridor.events.model import Incident, Tlp

CLASSES = ("terrorism", "infrastructure_attack", "armed_conflict", "piracy", "organized_crime")


def incidents(count: int, today: date, seed: int = 11) -> list[Incident]:
    """``count`` recent incidents, half near the atlas's line assets."""
    atlas = load_atlas()
    rng = random.Random(seed)
    vertices = []
    for asset in atlas.assets.values():
        coordinates = asset.geometry.coordinates
        if asset.geometry.type == "LineString":
            vertices += coordinates
        elif asset.geometry.type == "MultiLineString":
            vertices += [p for part in coordinates for p in part]
    base = Incident(source="bench", source_id="0", title="bench", start_date=today,
                    threat_class="terrorism", tlp=Tlp.GREEN, reporter="bench")  # fmt: skip
    found = []
    for n in range(count):
        if n % 2 == 0:
            lon, lat = rng.choice(vertices)
            lon += rng.uniform(-0.5, 0.5)
            lat += rng.uniform(-0.5, 0.5)
        else:
            lon, lat = rng.uniform(20, 125), rng.uniform(-15, 55)
        found.append(dataclasses.replace(
            base, source_id=str(n), longitude=round(lon, 5), latitude=round(lat, 5),
            start_date=today - timedelta(days=rng.randrange(20)),
            threat_class=rng.choice(CLASSES), severity=rng.randint(1, 5),
        ))  # fmt: skip
    return found


@dataclass(frozen=True)
class RuleCheck:
    """The bulk check of ``incidents`` against every asset, beside one at a time."""

    incidents: int
    assets: int
    rules: int
    build_s: float  # the spatial index
    bulk_s: float  # the median of the bulk runs
    matches: int
    one_at_a_time_s: float  # timed on ``sample`` incidents, scaled to all
    sample: int
    same: bool  # the same matches on the sample both ways

    def lines(self) -> list[str]:
        return [
            f"assets {self.assets}, rules {self.rules}, index built in {self.build_s:.3f} s",
            f"bulk:          {self.bulk_s:8.3f} s for {self.incidents:,} incidents "
            f"({self.incidents / self.bulk_s:,.0f}/s), {self.matches:,} matches",
            f"one at a time: {self.one_at_a_time_s:8.3f} s (timed on {self.sample:,}, scaled)",
            f"ratio:         {self.one_at_a_time_s / self.bulk_s:8.1f}x; "
            f"same matches on the sample: {self.same}",
        ]


def compare(count: int, sample: int, runs: int = 3) -> RuleCheck:
    """Check ``count`` generated incidents against the atlas's assets under the bundled
    rules in bulk (median of ``runs``), and ``sample`` of them one at a time."""
    today = date.today()
    print(f"generating {count:,} incidents ...", file=sys.stderr)
    batch = incidents(count, today)
    atlas = load_atlas()
    rules = bundled_rules()
    start = time.perf_counter()
    matcher = AlertMatcher(atlas)
    build = time.perf_counter() - start
    matcher.matches(batch[:10], rules, {}, today=today)  # compile the kernels first
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        found, _old = matcher.matches(batch, rules, {}, today=today)
        times.append(time.perf_counter() - start)
    bulk = sorted(times)[len(times) // 2]
    picked = batch[:sample]
    start = time.perf_counter()
    single = []
    for incident in picked:
        single += matcher.matches([incident], rules, {}, today=today)[0]
    one_by_one = (time.perf_counter() - start) * len(batch) / len(picked)
    bulk_keys = {m.key for m in found if int(m.incident.source_id) < len(picked)}
    return RuleCheck(
        incidents=len(batch), assets=len(matcher.asset_ids), rules=len(rules), build_s=build,
        bulk_s=bulk, matches=len(found), one_at_a_time_s=one_by_one, sample=len(picked),
        same=bulk_keys == {m.key for m in single},
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument(
        "--one-at-a-time",
        type=int,
        default=5_000,
        metavar="SAMPLE",
        help="how many incidents to check one by one (scaled to the whole)",
    )
    parser.add_argument("--runs", type=int, default=3, help="bulk runs; the median counts")
    args = parser.parse_args()
    result = compare(args.incidents, args.one_at_a_time, args.runs)
    print("\n".join(result.lines()))
    if not result.same:
        sys.exit(1)


if __name__ == "__main__":
    main()
