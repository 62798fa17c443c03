"""Speedups over the baseline from within-round ratios, with a bootstrap interval. Pure.

The sweep interleaves rounds (A B C … A B C …), so round r of an implementation and
round r of the baseline ran next to each other in time and a drift of the machine hits both.
Their ratio ``baseline / implementation`` is therefore cleaner than a ratio of two medians
measured minutes apart. Per configuration: the median over every (process, round) pair of
those ratios, and a percentile-bootstrap interval that resamples whole processes, then
rounds within each chosen process, so the interval rests on the variation between
processes, not on rounds treated as independent draws.

A row without round indices (a run made before interleaving, pytest-benchmark JSON) has no
pairs: its speedup is the ratio of medians and its interval is NaN.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.report.rounds import paired_rounds, round_ratios
from impls.builtins import BASELINE

CONFIG = ("op", "steps", "problem", "n", "d", "dtype", "device", "threads")
RESAMPLES = 400
CONFIDENCE = 0.95


def ratios_by_process(base: dict[tuple[int, int], float], impl: dict[tuple[int, int], float]
                      ) -> list[np.ndarray]:
    """baseline / implementation for every round both ran, grouped by process."""
    groups = round_ratios(impl, base)
    return [1 / np.asarray(groups[p]) for p in sorted(groups)]


def bootstrap_median(groups: list[np.ndarray], resamples: int = RESAMPLES,
                     confidence: float = CONFIDENCE, seed: int = 0) -> tuple[float, float]:
    """Percentile interval of the pooled median: processes resampled, then their rounds."""
    rng = np.random.default_rng(seed)
    sizes = np.array([len(g) for g in groups])
    padded = np.full((len(groups), sizes.max()), np.nan)
    for index, group in enumerate(groups):
        padded[index, :len(group)] = group
    chosen = rng.integers(0, len(groups), size=(resamples, len(groups)))
    width = sizes.max()
    picks = np.floor(rng.random((resamples, len(groups), width))
                     * sizes[chosen][..., None]).astype(int)
    values = padded[chosen[..., None], picks]
    values[np.arange(width)[None, None, :] >= sizes[chosen][..., None]] = np.nan
    medians = np.nanmedian(values.reshape(resamples, -1), axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(medians, [tail, 100 - tail])
    return float(low), float(high)


def speedup_of(base_row: Any, row: Any, resamples: int = RESAMPLES,
               confidence: float = CONFIDENCE) -> dict[str, float | int]:
    """One implementation's speedup over the baseline row of the same configuration."""
    groups = ratios_by_process(paired_rounds(base_row), paired_rounds(row))
    if not groups:
        median = float(base_row["median_s"]) / float(row["median_s"])
        return {"speedup": median, "speedup_low": math.nan, "speedup_high": math.nan,
                "pairs": 0, "processes": 0}
    low, high = bootstrap_median(groups, resamples, confidence)
    return {"speedup": float(np.median(np.concatenate(groups))), "speedup_low": low,
            "speedup_high": high, "pairs": int(sum(len(g) for g in groups)),
            "processes": len(groups)}


def within_round_speedups(frame: pd.DataFrame, baseline: str = BASELINE,
                          resamples: int = RESAMPLES,
                          confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Per ok row with an ok baseline in the same run and configuration: the speedup
    (baseline ÷ implementation, > 1 is faster), its interval, and the pairs and processes
    it rests on. Rows are matched within ``run`` (or ``source``) when the frame has one.
    """
    run = next((c for c in ("run", "source") if c in frame.columns), None)
    keys = [c for c in ([run] if run else []) + list(CONFIG) if c in frame.columns]
    ok = frame[(frame["status"] == "ok") & (pd.to_numeric(frame["median_s"]) > 0)]
    out = []
    for values, group in ok.groupby(keys, sort=False, dropna=False):
        base = group[group["impl"] == baseline]
        if base.empty:
            continue
        base_row = base.iloc[-1]
        for _, row in group.iterrows():
            out.append({**dict(zip(keys, values, strict=True)), "impl": row["impl"],
                        **speedup_of(base_row, row, resamples, confidence)})
    columns = [*keys, "impl", "speedup", "speedup_low", "speedup_high", "pairs", "processes"]
    return pd.DataFrame(out, columns=columns)
