"""Section "speedup": baseline median / median, per implementation × size, and its figures.

The figures plot each implementation's speedup against N on log–log axes with the 95%
bootstrap interval of the within-round ratios as error bars (``report.speedup``), one per
operation, so a reader sees at a glance which differences the rounds can tell apart.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from benchmarks.report.canvas import Canvas, failures_note, x_note
from benchmarks.report.cells import Cell, Table, status_cell
from benchmarks.report.figures import Plot
from benchmarks.report.format import number, op_text
from benchmarks.report.frame import in_table_order
from benchmarks.report.grid import Grid


def tables(grid: Grid) -> list[Table]:
    found = [speedup_table(grid, part, op, steps, d, dtype)
             for d, dtype, op, steps, part in grid.per_op()]
    return [t for t in found if t is not None]


def speedup_cell(r: Any, baseline: str) -> Cell:
    """A row's speedup over ``baseline``, with its interval where the rounds give one."""
    if r["status"] != "ok":
        return status_cell(r)
    value = r["speedup"]
    if math.isnan(value):
        return Cell("no baseline", kind="muted",
                    tip=f"{baseline} failed or was not measured here")
    if r["impl"] == baseline and r["baseline_run"] == r["run"]:
        return Cell("1", value, "muted", "the baseline")
    if r["baseline_run"] != r["run"]:
        return Cell(number(value), value, "good" if value > 1 else "",
                    f"{baseline} median / this median (baseline from "
                    f"{r['baseline_run']})")
    low, high = r.get("speedup_low", math.nan), r.get("speedup_high", math.nan)
    if math.isnan(low) or math.isnan(high):
        return Cell(number(value), value, "good" if value > 1 else "",
                    f"{baseline} median / this median (no round pairs to bootstrap)")
    return Cell(interval_text(value, low, high), value,
                "good" if low > 1 else ("" if high >= 1 else "slower"),
                f"median of within-round ratios {baseline} / this; 95% bootstrap "
                "interval over processes and rounds")


def speedup_table(grid: Grid, part: pd.DataFrame, op: str, steps: int, d: int,
                  dtype: str) -> Table | None:
    baseline = grid.baseline
    if not (part["impl"] == baseline).any() and not part["baseline_run"].notna().any():
        return None

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
                         f"{grid.group_text(d, dtype)} [×]", f"speedup-{op}-{steps}-d{d}-{dtype}",
                         lambda r: speedup_cell(r, baseline), caption)


def interval_text(value: float, low: float, high: float) -> str:
    """A ratio with its interval as every output writes it: 1.66 [1.65, 1.67]."""
    return f"{number(value)} [{number(low)}, {number(high)}]"


def figures(grid: Grid, canvas: Canvas) -> list[Plot]:
    plots = [speedup_vs_n(canvas, grid, grid.of_op(sub, op, steps), op, steps, d, dtype)
             for d, dtype, sub in grid.curve_groups() for op, steps in grid.ops(sub)]
    return [p for p in plots if p is not None]


def speedup_vs_n(canvas: Canvas, grid: Grid, part: pd.DataFrame, op: str, steps: int, d: int,
                 dtype: str) -> Plot | None:
    """Speedup over the baseline vs N, log–log, error bars from the bootstrap interval.

    The baseline's own series (1 everywhere) is drawn as the reference line at 1 instead.
    A point without an interval (baseline borrowed from another run) is drawn bare.
    """
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    ok = part[(part["status"] == "ok") & part["speedup"].notna() & (part["speedup"] > 0)]
    ok = in_table_order(ok[~((ok["impl"] == grid.baseline) & (ok["baseline_run"] == ok["run"]))])
    if ok.empty:
        return None
    fig, ax = canvas.figure()
    ax.axhline(1, color="0.35", linewidth=1.2, zorder=1)
    impls, variants = canvas.series_lines(ax, ok, "n", "speedup",
                                          bars=("speedup_low", "speedup_high"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
    title = f"{op_text(op, steps)}: speedup over {grid.baseline} vs N (d={d}, {dtype})"
    canvas.axes_text(ax, title, f"N, points{x_note(ok)}",
                     "speedup, > 1 is faster (log scale)")
    canvas.legends(fig, impls, variants,
                   [(Line2D([], [], color="0.35", linewidth=1.2), f"{grid.baseline} (1×)")])
    bare = ok[ok["speedup_low"].isna()]
    caption = ("Median of within-round ratios (rounds interleaved, so the machine's drift "
               "cancels); the error bars span the 95% bootstrap interval over processes and "
               "rounds; a bar that does not cross 1× is a difference the rounds can tell "
               "apart.")
    if not bare.empty:
        caption += (f" {len(bare)} point(s) have no bar: a ratio of medians, the baseline "
                    "measured in another run or without round indices.")
    return canvas.save(fig, f"speedup-{op}-{steps}-d{d}-{dtype}", title,
                       caption + failures_note(part), "speedup")
