"""The report's derived numbers: speedups, gradient-cost ratios and crossover sizes.

Each returns a pandas frame so it can be checked against hand-computed values; sections turn
them into tables and figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from benchmarks.report.format import size_text
from benchmarks.report.frame import SERIES, SIZE, prepared
from benchmarks.report.speedup import speedup_of
from impls.builtins import BASELINE

GRIEWANK = (4.0, 5.0)  # reverse mode: gradient within a small constant of the loss
EXACT_CHEAP = ("manual", "reverse-mode", "symbolic")  # methods the cheap-gradient bound covers


def speedups(frame: pd.DataFrame, baseline: str = BASELINE) -> pd.DataFrame:
    """Speedup over the baseline for every ok row with an ok baseline row; NaN otherwise.

    Within one run it is the median of within-round ratios with a bootstrap interval
    (``report.speedup``: interleaved rounds cancel the machine's drift); a baseline
    borrowed from another run gives a ratio of medians and no interval.

    The baseline is the same configuration in the same run (any device: NumPy runs on the
    CPU; a GPU row's rounds are not interleaved with the CPU baseline's, so it gets a ratio of
    medians and no interval); a run without it borrows it from the first run that has it
    (``baseline_run``).
    """
    frame = prepared(frame)
    config = ["op", "steps_key", *SIZE, "d", "dtype", "threads"]
    base = frame[(frame["impl"] == baseline) & (frame["status"] == "ok")]
    base = base.sort_values(["run_index", "device"], key=lambda s: s if s.name != "device"
                            else (s != "cpu"))
    own = {(r["run"], *(r[c] for c in config)): r for _, r in base.iterrows()}
    present = {(r["run"], *(r[c] for c in config))  # failed baselines too: never borrowed over
               for _, r in frame[frame["impl"] == baseline].iterrows()}
    any_run: dict[tuple, tuple[str, float]] = {}
    for _, r in base.iterrows():
        any_run.setdefault(tuple(r[c] for c in config), (r["run"], r["median_s"]))
    values, lows, highs, sources = [], [], [], []
    for _, row in frame.iterrows():
        key = tuple(row[c] for c in config)
        ok = row["status"] == "ok" and row["median_s"] > 0
        low = high = math.nan
        if (row["run"], *key) in own:  # same run: within-round ratios and their interval
            base_row = own[(row["run"], *key)]
            source, median = row["run"], base_row["median_s"]
            if ok and base_row["device"] != row["device"]:
                # another device's rows run in rounds of their own, not beside the
                # baseline's: a ratio of medians, with no interval that claims pairing
                value = median / row["median_s"]
            elif ok:
                paired = speedup_of(base_row, row)
                value, low, high = (paired["speedup"], paired["speedup_low"],
                                    paired["speedup_high"])
        elif key in any_run and (row["run"], *key) not in present:
            source, median = any_run[key]
        else:
            source, median = None, math.nan
        if not ok:
            value = math.nan
        elif source != row["run"]:  # borrowed from another run: a ratio of medians only
            value = median / row["median_s"]
        values.append(value)
        lows.append(low)
        highs.append(high)
        sources.append(source)
    out = frame.copy()
    out["speedup"] = values
    out["speedup_low"] = lows
    out["speedup_high"] = highs
    out["baseline_run"] = sources
    return out


def gradient_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """time(value_and_grad) / time(loss) per series and size (the cheap-gradient ratio)."""
    frame = prepared(frame)
    keys = [*SERIES, *SIZE, "d", "dtype"]
    ok = frame[frame["status"] == "ok"]
    loss = ok[ok["op"] == "loss"].set_index(keys)["median_s"]
    grad = ok[ok["op"] == "value_and_grad"].set_index(keys)
    both = grad.join(loss.rename("loss_s"), how="inner")
    both["ratio"] = both["median_s"] / both["loss_s"]
    return both.reset_index()[[*keys, "method", "impl_order", "run_index", "median_s",
                               "loss_s", "ratio"]]


def crossover(points: Iterable[tuple[int, str, bool | None]]) -> tuple[str, int | None]:
    """The smallest N from which on an implementation stays faster than the baseline.

    ``points`` are (n, problem, faster) with faster None where undecidable (both failed).
    Returns ("always", n0), ("never", None), ("N=…", n) or ("n/a", None).
    """
    decided = sorted(((n, p, f) for n, p, f in points if f is not None),
                     key=lambda t: (t[1] != "five-point", t[0]))
    if not decided:
        return "n/a", None
    if all(f for *_, f in decided):
        return "always", decided[0][0]
    if not decided[-1][2]:
        return "never", None
    start = len(decided)
    while start > 0 and decided[start - 1][2]:
        start -= 1
    n, problem, _ = decided[start]
    return size_text(problem, n), n


def crossovers(frame: pd.DataFrame, baseline: str = BASELINE,
               speed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per series, op and (d, dtype): where it becomes faster than the baseline for good.

    A failed measurement (timeout, crash…) counts as slower; a size where the baseline
    failed and the implementation did not counts as faster. ``speed``: ``speedups`` of the
    frame, if already computed.
    """
    table = speed if speed is not None else speedups(frame, baseline)
    base_ok = {tuple(r) for r in table[(table["impl"] == baseline)
                                       & (table["status"] == "ok")][
        ["run", "op", "steps_key", *SIZE, "d", "dtype", "threads"]].itertuples(index=False)}
    rows = []
    group_keys = [*SERIES, "op", "steps_key", "d", "dtype"]
    for key, group in table[table["impl"] != baseline].groupby(group_keys, sort=False):
        points = []
        for _, r in group.iterrows():
            if r["status"] == "ok" and not math.isnan(r["speedup"]):
                faster: bool | None = bool(r["speedup"] > 1)
            else:
                source = r["baseline_run"] or r["run"]
                has_base = (source, r["op"], r["steps_key"], r["problem"], r["n"], r["d"],
                            r["dtype"], r["threads"]) in base_ok
                if r["status"] == "ok":
                    faster = True if not has_base else None
                else:
                    faster = False if has_base else None
            points.append((int(r["n"]), r["problem"], faster))
        text, n = crossover(points)
        rows.append({**dict(zip(group_keys, key, strict=True)), "crossover": text,
                     "crossover_n": n})
    return pd.DataFrame(rows, columns=[*group_keys, "crossover", "crossover_n"])


def expected_ratio(method: str, error_model: str, d: int) -> str:
    """What theory says time(value_and_grad)/time(loss) should be, as a short text;
    ``error_model`` tells forward from central differences (``Implementation.error_model``)."""
    if method in EXACT_CHEAP:
        return f"≤ {GRIEWANK[0]:g}–{GRIEWANK[1]:g} (Griewank)"
    if method == "finite-difference":
        if error_model == "forward-difference":
            return f"d+2 = {d + 2}"
        return f"1+2(d+1) = {1 + 2 * (d + 1)}"
    if method == "forward-mode":
        return f"∝ d+1 = {d + 1} tangents"
    if method == "complex-step":
        return f"d+1 = {d + 1} complex losses"
    return ""
