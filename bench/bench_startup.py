"""Command start benchmark: ``corridor`` commands beside ``python -c pass``, same run.

    .venv/bin/python bench/bench_startup.py              # 9 runs each, median and peak memory
    .venv/bin/python bench/bench_startup.py --runs 15 --db /tmp/bench.sqlite

Each command runs as a user runs it, a fresh process from the installed ``corridor``
script, its output thrown away; wall time is the median of ``--runs`` runs and memory
the peak resident set (``/usr/bin/time -f %M``, else the children's ru_maxrss). The read
commands need a store: ``--db`` names one, else a store with the bundled piracy data is
made once in a temporary folder (its time is not counted).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CORRIDOR = str(BIN / "corridor")
TIME = shutil.which("time") or "/usr/bin/time"

GOALS = {  # issue 12: the figure each command must beat on this machine
    "corridor --help": 0.3,
    "corridor atlas countries --zone core": 0.6,
    "corridor incidents list --limit 10": 0.6,
}


def _once(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(seconds, peak KB) of one run."""
    if Path(TIME).exists():
        start = time.perf_counter()
        done = subprocess.run(
            [TIME, "-f", "%M", *argv], env=env, capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.strip()[-400:]}")
        return seconds, int(done.stderr.strip().splitlines()[-1])
    start = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=True)
    return time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def _store(env: dict[str, str], folder: Path) -> str:
    db = folder / "bench.sqlite"
    from corridor.datasets import dataset_path

    source = str(dataset_path("pirate_attacks.csv.gz"))
    subprocess.run(  # the store named by the environment: every release understands that
        [CORRIDOR, "incidents", "import", source],
        env={**env, "CORRIDOR_DATABASE_URL": f"sqlite:///{db}"},
        capture_output=True,
        check=True,
        cwd=folder,
    )
    return str(db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--db", help="a store to read (default: one made with the piracy data)")
    parser.add_argument(
        "--db-via-env",
        action="store_true",
        help="name the store in CORRIDOR_DATABASE_URL, not --db: for releases before --db",
    )
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORRIDOR_")}
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or _store(env, Path(folder))
        store = ["--db", db]
        if args.db_via_env:
            env["CORRIDOR_DATABASE_URL"] = f"sqlite:///{db}"
            store = []
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "corridor --help": [CORRIDOR, "--help"],
            "corridor atlas countries --zone core": [
                CORRIDOR, "atlas", "countries", "--zone", "core"],
            "corridor incidents list --limit 10": [
                CORRIDOR, *store, "incidents", "list", "--limit", "10"],
        }  # fmt: skip
        print(f"{'command':<42} {'median s':>9} {'min s':>7} {'peak MB':>8} {'goal s':>7}")
        for name, argv in commands.items():
            _once(argv, env)  # warm the file cache
            runs = [_once(argv, env) for _ in range(args.runs)]
            seconds = [s for s, _ in runs]
            peak_mb = max(kb for _, kb in runs) / 1024
            goal = GOALS.get(name)
            print(
                f"{name:<42} {statistics.median(seconds):>9.3f} {min(seconds):>7.3f} "
                f"{peak_mb:>8.1f} {goal if goal else '':>7}"
            )


if __name__ == "__main__":
    main()
