"""Section "time": median time per implementation × size, and how it grows with N and d."""

from __future__ import annotations

import pandas as pd

from benchmarks.report.canvas import Canvas, failures_note, time_formatter, x_note
from benchmarks.report.cells import Table, status_cell, time_cell
from benchmarks.report.figures import Plot
from benchmarks.report.format import op_text, per_text, size_text, time_unit
from benchmarks.report.frame import in_table_order
from benchmarks.report.grid import Grid
from benchmarks.store.record import NOISY_IQR_FRACTION


def tables(grid: Grid) -> list[Table]:
    return [time_table(grid, part, op, steps, d, dtype)
            for d, dtype, op, steps, part in grid.per_op()]


def time_table(grid: Grid, part: pd.DataFrame, op: str, steps: int, d: int,
               dtype: str) -> Table:
    ok = part[part["status"] == "ok"]
    unit, scale = time_unit(float(ok["median_s"].min())) if len(ok) else ("s", 1.0)
    return grid.per_size(
        part, "time", f"{op_text(op, steps)}: median time per {per_text(op)}, "
        f"{grid.group_text(d, dtype)} [{unit}]", f"time-{op}-{steps}-d{d}-{dtype}",
        lambda r: time_cell(r, scale) if r["status"] == "ok" else status_cell(r),
        caption=f"unit: {unit}; ! = noisy, the interquartile range exceeds "
        f"{NOISY_IQR_FRACTION:.0%} of the median")


def figures(grid: Grid, canvas: Canvas) -> list[Plot]:
    plots = [time_vs_n(canvas, grid.of_op(sub, op, steps), op, steps, d, dtype)
             for d, dtype, sub in grid.curve_groups() for op, steps in grid.ops(sub)]
    for dtype in sorted(set(grid.frame["dtype"])):
        sub = grid.frame[grid.frame["dtype"] == dtype]
        if sub["d"].nunique() > 1:
            for op, steps in grid.ops(sub):
                plots.append(time_vs_d(canvas, sub, op, steps, dtype))
    return [p for p in plots if p is not None]


def time_vs_n(canvas: Canvas, part: pd.DataFrame, op: str, steps: int, d: int,
              dtype: str) -> Plot | None:
    from matplotlib.ticker import FuncFormatter

    ok = in_table_order(part[part["status"] == "ok"])
    if ok.empty:
        return None
    fig, ax = canvas.figure()
    impls, variants = canvas.series_lines(ax, ok, "n", "median_s", ("q1_s", "q3_s"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(time_formatter))
    per = per_text(op)
    title = f"{op_text(op, steps)}: time per {per} vs N (d={d}, {dtype})"
    canvas.axes_text(ax, title, f"N, points{x_note(ok)}", f"median time per {per} (log scale)")
    canvas.legends(fig, impls, variants)
    return canvas.save(fig, f"time-{op}-{steps}-d{d}-{dtype}", title,
                       "Median over rounds; the shaded band spans the interquartile range "
                       "(q1 to q3)." + failures_note(part), "time")


def time_vs_d(canvas: Canvas, sub: pd.DataFrame, op: str, steps: int,
              dtype: str) -> Plot | None:
    """At the largest N measured for several d: does the time grow with d?"""
    from matplotlib.ticker import FuncFormatter

    part = sub[(sub["op"] == op) & (sub["steps_key"] == steps) & (sub["status"] == "ok")
               & (sub["problem"] != "five-point")]
    per_n = part.groupby("n")["d"].nunique()
    candidates = per_n[per_n > 1]
    if candidates.empty:
        return None
    n = int(candidates.index.max())
    data = in_table_order(part[part["n"] == n])
    fig, ax = canvas.figure()
    impls, variants = canvas.series_lines(ax, data, "d", "median_s", ("q1_s", "q3_s"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ds = sorted(set(data["d"]))
    ax.set_xticks(ds, [str(v) for v in ds])
    ax.minorticks_off()
    ax.yaxis.set_major_formatter(FuncFormatter(time_formatter))
    per = per_text(op)
    title = f"{op_text(op, steps)}: time per {per} vs d ({size_text('', n)}, {dtype})"
    canvas.axes_text(ax, title, "d, features per point (log scale)",
                     f"median time per {per} (log scale)")
    canvas.legends(fig, impls, variants)
    return canvas.save(fig, f"time-vs-d-{op}-{steps}-{dtype}", title,
                       f"At the largest N measured for several d ({size_text('', n)}); the band "
                       "is the interquartile range. Finite differences and forward mode grow "
                       "with d, reverse mode should not.", "time")
