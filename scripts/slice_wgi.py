"""Cut the bundled governance indicators from the World Bank WGI bulk file.

Country risk needs only the six governance estimates (``*.EST``); the bulk file also
carries their standard errors, source counts and percentile ranks, five times the
size. This script keeps the header and the rows of the six estimates byte for byte
(byte-order mark, CRLF line ends and the publisher's number formatting untouched),
so the slice reads exactly as the full file does.

Run from the repository root::

    .venv/bin/python scripts/slice_wgi.py                 # write the slice
    .venv/bin/python scripts/slice_wgi.py --check         # fail if it is out of date
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared/data/indicators/wgi_WGIData_1996_2018.csv"
TARGET = ROOT / "src/corridor/datasets/wgi_governance_1996_2018.csv"
KEPT = ("VA.EST", "PV.EST", "GE.EST", "RQ.EST", "RL.EST", "CC.EST")
CODE_COLUMN = "Indicator Code"


def sliced(source: bytes) -> bytes:
    """The header and the rows of the kept series, each line as it was.

    The bulk file has one record per line (no line breaks inside quoted fields).
    """
    lines = source.splitlines(keepends=True)
    header = next(csv.reader([lines[0].decode("utf-8-sig")]))
    at = header.index(CODE_COLUMN)
    kept = [lines[0]]
    for raw in lines[1:]:
        row = next(csv.reader([raw.decode("utf-8")]), [])
        if len(row) > at and row[at] in KEPT:
            kept.append(raw)
    return b"".join(kept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--target", type=Path, default=TARGET)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    data = sliced(args.source.read_bytes())
    if args.check:
        if args.target.read_bytes() != data:
            print(f"{args.target} differs from a fresh slice of {args.source}", file=sys.stderr)
            return 1
        return 0
    args.target.write_bytes(data)
    rows = data.count(b"\n") - 1
    print(f"wrote {args.target} ({rows} rows, {len(data):,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
