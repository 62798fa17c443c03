"""Configurations that a run with several threads made slower than one thread. Pure.

``--threads N`` should never cost time: an implementation that cannot use a second thread
should run as fast as with one. When a frame holds the same configuration (implementation,
operation, size, d, dtype, device) with one thread and with more, each multi-thread median
is divided by the one-thread median (the median over runs, if several have it); a ratio
above ``LIMIT`` is flagged. The two come from different runs, so the machine's drift
between them lands in the ratio: ``updatebench compare --absolute`` says which differences
the runs' spread can tell apart.
"""

from __future__ import annotations

import pandas as pd

from benchmarks.report.frame import prepared

LIMIT = 1.2  # more than this many times slower with several threads is flagged
CONFIG = ["impl", "op", "steps_key", "problem", "n", "d", "dtype", "device"]
COLUMNS = [*CONFIG, "threads", "run", "one_s", "many_s", "ratio", "flagged"]


def thread_ratios(frame: pd.DataFrame, limit: float = LIMIT) -> pd.DataFrame:
    """One row per ok multi-thread row with an ok one-thread row of its configuration:
    ``one_s``, ``many_s``, ``ratio`` = many_s / one_s, and ``flagged`` (ratio > limit);
    slowest first."""
    frame = prepared(frame)
    ok = frame[(frame["status"] == "ok") & (pd.to_numeric(frame["median_s"]) > 0)]
    one = ok[ok["threads"] == 1].groupby(CONFIG)["median_s"].median()
    rows = []
    for _, row in ok[ok["threads"] > 1].iterrows():
        key = tuple(row[c] for c in CONFIG)
        if key not in one.index:
            continue
        base = float(one.loc[key])
        ratio = float(row["median_s"]) / base
        rows.append({**dict(zip(CONFIG, key, strict=True)), "threads": int(row["threads"]),
                     "run": row["run"], "one_s": base, "many_s": float(row["median_s"]),
                     "ratio": ratio, "flagged": ratio > limit})
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values("ratio", ascending=False, kind="stable").reset_index(drop=True)
