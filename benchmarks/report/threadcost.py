"""Several threads against one, per configuration: speedup, efficiency and cost. Pure.

``sweep --threads 1,2`` times every thread count of a configuration in the same interleaved
rounds, so round r with one thread and round r with two ran next to each other: their ratio
is free of the machine's drift between runs (up to 1.8× here), which a ratio of two runs'
medians is not. For each ok row with N > 1 threads and an ok one-thread row of its
configuration (implementation, operation, size, d, dtype, device) in the same run:
speedup = t₁ / t_N, the median of the within-round ratios with a bootstrap interval over
processes and rounds (``report.speedup.speedup_of``), efficiency = speedup / N, and the
time ratio t_N / t₁ (> ``LIMIT`` is flagged: ``--threads N`` should never cost time). Where
the one-thread row is only in other runs, the ratio is of medians (the median over those
runs), ``paired`` is False and the intervals are NaN: the machine's drift is in it.
"""

from __future__ import annotations

import math

import pandas as pd

from benchmarks.report.frame import prepared
from benchmarks.report.speedup import speedup_of

LIMIT = 1.2  # more than this many times slower with several threads is flagged
CONFIG = ["impl", "op", "steps_key", "problem", "n", "d", "dtype", "device"]
COLUMNS = [*CONFIG, "threads", "run", "one_s", "many_s", "ratio", "ratio_low", "ratio_high",
           "speedup", "speedup_low", "speedup_high", "efficiency", "efficiency_low",
           "efficiency_high", "pairs", "paired", "flagged"]


def _inverse(value: float) -> float:
    return 1 / value if value > 0 and math.isfinite(value) else math.nan


def _compared(one_row: pd.Series | None, one_median: float, row: pd.Series) -> dict:
    """Speedup, efficiency and ratio of ``row`` against one thread: within the run's rounds
    where ``one_row`` (the same run) shares them, else the ratio of medians."""
    if one_row is not None:
        found = speedup_of(one_row, row)
        base = float(one_row["median_s"])
    else:
        base = one_median
        found = {"speedup": base / float(row["median_s"]), "speedup_low": math.nan,
                 "speedup_high": math.nan, "pairs": 0}
    threads = int(row["threads"])
    speedup, low, high = found["speedup"], found["speedup_low"], found["speedup_high"]
    return {"one_s": base, "many_s": float(row["median_s"]), "ratio": _inverse(speedup),
            "ratio_low": _inverse(high), "ratio_high": _inverse(low), "speedup": speedup,
            "speedup_low": low, "speedup_high": high, "efficiency": speedup / threads,
            "efficiency_low": low / threads, "efficiency_high": high / threads,
            "pairs": int(found["pairs"]), "paired": int(found["pairs"]) > 0}


def thread_ratios(frame: pd.DataFrame, limit: float = LIMIT) -> pd.DataFrame:
    """One row per ok multi-thread row with an ok one-thread row of its configuration (in
    its own run first, else the median over the runs that have one); slowest first."""
    frame = prepared(frame)
    ok = frame[(frame["status"] == "ok") & (pd.to_numeric(frame["median_s"]) > 0)]
    if "run" not in ok.columns:
        ok = ok.assign(run="")
    one = ok[ok["threads"] == 1]
    medians = one.groupby(CONFIG)["median_s"].median()
    own = {(*(r[c] for c in CONFIG), r["run"]): r for _, r in one.iterrows()}  # last wins
    rows = []
    for _, row in ok[ok["threads"] > 1].iterrows():
        key = tuple(row[c] for c in CONFIG)
        same = own.get((*key, row["run"]))
        if same is None and key not in medians.index:
            continue
        base = float(medians.loc[key]) if same is None else float(same["median_s"])
        found = _compared(same, base, row)
        rows.append({**dict(zip(CONFIG, key, strict=True)), "threads": int(row["threads"]),
                     "run": row["run"], **found, "flagged": found["ratio"] > limit})
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values("ratio", ascending=False, kind="stable").reset_index(drop=True)
