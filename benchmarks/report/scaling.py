"""How cost grows with the parameter count d: the cheap-gradient principle, measured.

For each implementation, the exponent p in time ∝ d^p is the least-squares slope of
log(median) against log(d) over the run's dimensions d ≥ ``min_d`` (small d measures call
overhead, not the method). Theory: reverse mode p ≈ 0 while the O(N·d) data read is cheap
next to the per-point work, rising towards 1 as x·w dominates; forward mode and finite
differences add one pass per parameter, p ≈ 1 on top of that (≈ 2 once the pass itself
grows with d).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def growth_exponents(frame: pd.DataFrame, op: str = "value_and_grad",
                     min_d: int = 1) -> pd.DataFrame:
    """One row per (run, threads, implementation, N, dtype, device) with three or more d."""
    frame = frame.assign(run=frame.get("run", ""), threads=frame.get("threads", 1))
    ok = frame[(frame["status"] == "ok") & (frame["op"] == op) & (frame["d"] >= min_d)]
    rows = []
    keys = ["run", "threads", "impl", "n", "dtype", "device"]
    for (run, threads, impl, n, dtype, device), group in ok.groupby(keys):
        group = group.sort_values("d")
        if group["d"].nunique() < 3:
            continue
        log_d = np.log(group["d"].to_numpy(dtype=float))
        log_t = np.log(group["median_s"].to_numpy(dtype=float))
        slope, intercept = np.polyfit(log_d, log_t, 1)
        residual = log_t - (slope * log_d + intercept)
        rows.append({"run": run, "threads": threads, "impl": impl, "n": int(n),
                     "dtype": dtype, "device": device,
                     "dims": ",".join(str(int(d)) for d in group["d"]),
                     "exponent": float(slope),
                     "fit_rms": float(np.sqrt(np.mean(residual**2)))})
    return pd.DataFrame(rows, columns=["run", "threads", "impl", "n", "dtype", "device", "dims",
                                       "exponent", "fit_rms"])
