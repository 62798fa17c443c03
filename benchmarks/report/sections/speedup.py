"""Section "speedup": baseline median / median, per implementation × size."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from benchmarks.report.cells import Cell, Table, status_cell
from benchmarks.report.format import number, op_text
from benchmarks.report.grid import Grid


def tables(grid: Grid) -> list[Table]:
    found = [speedup_table(grid, part, op, steps, d, dtype)
             for d, dtype, op, steps, part in grid.per_op()]
    return [t for t in found if t is not None]


def speedup_table(grid: Grid, part: pd.DataFrame, op: str, steps: int, d: int,
                  dtype: str) -> Table | None:
    baseline = grid.baseline
    if not (part["impl"] == baseline).any() and not part["baseline_run"].notna().any():
        return None

    def cell(r: Any) -> Cell:
        if r["status"] != "ok":
            return status_cell(r)
        value = r["speedup"]
        if math.isnan(value):
            return Cell("no baseline", kind="muted",
                        tip=f"{baseline} failed or was not measured here")
        if r["impl"] == baseline and r["baseline_run"] == r["run"]:
            return Cell("1", value, "muted", "the baseline")
        if r["baseline_run"] != r["run"]:
            return Cell(f"{number(value)}×", value, "good" if value > 1 else "",
                        f"{baseline} median / this median (baseline from "
                        f"{r['baseline_run']})")
        low, high = r.get("speedup_low", math.nan), r.get("speedup_high", math.nan)
        if math.isnan(low) or math.isnan(high):
            return Cell(f"{number(value)}×", value, "good" if value > 1 else "",
                        f"{baseline} median / this median (no round pairs to bootstrap)")
        return Cell(f"{number(value)}× [{number(low)}–{number(high)}]", value,
                    "good" if low > 1 else ("" if high >= 1 else "slower"),
                    f"median of within-round ratios {baseline} / this; 95% bootstrap "
                    "interval over processes and rounds")

    borrowed = sorted({f"{r} takes it from {b}" for r, b in
                       zip(part["run"], part["baseline_run"], strict=True)
                       if isinstance(b, str) and b != r})
    caption = (f"> 1: faster than {baseline} (the row of 1s) on the same "
               "configuration in the same run: the median of within-round ratios (rounds "
               "interleaved, so the machine's drift cancels) and [its 95% bootstrap interval "
               "over processes and rounds]")
    if borrowed:
        caption += "; a run without the baseline: " + ", ".join(borrowed)
    if (part["device"] != "cpu").any():
        caption += ("; rows on another device than the baseline's ran in rounds of their own: "
                    "a ratio of medians, without an interval")
    return grid.per_size(part, "speedup", f"{op_text(op, steps)}: speedup over {baseline}, "
                         f"{grid.where(d, dtype)} [×]", f"speedup-{op}-{steps}-d{d}-{dtype}",
                         cell, caption)
