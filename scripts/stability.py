"""Run-to-run stability of two sweeps of the same code: do their speedups agree?

For every configuration both runs measured (implementation other than the baseline,
operation, N, d, dtype, device, threads), each run's speedup over the baseline comes from its
own within-round ratios (``benchmarks.report.analysis.speedups``), and the two speedups are
compared. Prints the share within 10% and within 20%, for all configurations and for those
whose median is at least 50 µs in both runs, and writes the per-configuration table as CSV.

    python scripts/stability.py results/reference/RUN_A results/reference-repeat/RUN_B \
        --csv results/reference-repeat/stability.csv
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report.analysis import speedups  # noqa: E402
from benchmarks.store.runs import read  # noqa: E402
from impls.builtins import BASELINE  # noqa: E402

KEYS = ["impl", "op", "steps", "problem", "n", "d", "dtype", "device", "threads"]
SLOW_ENOUGH_S = 50e-6


def speedup_frame(path: str) -> pd.DataFrame:
    run = read(path)
    frame = speedups(run.frame.assign(run=run.label or str(path)))
    ok = frame[(frame["status"] == "ok") & (frame["impl"] != BASELINE)
               & frame["speedup"].notna()]
    return ok[[*KEYS, "median_s", "speedup"]]


def agreement(a: str, b: str) -> pd.DataFrame:
    both = speedup_frame(a).merge(speedup_frame(b), on=KEYS, suffixes=("_a", "_b"))
    both["ratio"] = both["speedup_b"] / both["speedup_a"]
    both["slow_enough"] = (both["median_s_a"] >= SLOW_ENOUGH_S) & (
        both["median_s_b"] >= SLOW_ENOUGH_S)
    return both


def shares(both: pd.DataFrame) -> dict[str, dict[str, float | int]]:
    off = (both["ratio"] - 1).abs().where(both["ratio"] >= 1, (1 / both["ratio"] - 1).abs())
    out = {}
    for label, rows in (("all", both.index), ("median >= 50 us", both.index[both["slow_enough"]])):
        part = off.loc[rows]
        out[label] = {"configurations": len(part),
                      "within_10pct": round(float((part <= 0.10).mean()), 4),
                      "within_20pct": round(float((part <= 0.20).mean()), 4)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--csv", type=Path, help="write the per-configuration table here")
    args = parser.parse_args()
    both = agreement(args.a, args.b)
    if args.csv:
        both.to_csv(args.csv, index=False)
    print(json.dumps(shares(both), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
