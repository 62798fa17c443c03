"""Section "throughput": points per second, and GB/s of x and y against the bandwidth."""

from __future__ import annotations

from typing import Any

import pandas as pd

from benchmarks.report.canvas import LINESTYLES, Canvas, x_note
from benchmarks.report.cells import Cell, Table, status_cell
from benchmarks.report.figures import Plot
from benchmarks.report.format import number, op_text, si
from benchmarks.report.frame import in_table_order
from benchmarks.report.grid import Grid


def tables(grid: Grid) -> list[Table]:
    return [t for d, dtype, op, steps, part in grid.per_op()
            for t in throughput_tables(grid, part, op, steps, d, dtype)]


def gb_cell(r: Any) -> Cell:
    if r["status"] != "ok":
        return status_cell(r)
    gb, ceiling = float(r["gb_per_s"]), float(r["bandwidth_gb_s"])
    if r["device"] == "cpu" and ceiling > 0:
        share = gb / ceiling
        percent = f"{100 * share:.0f}%" if share >= 0.005 else "<1%"
        return Cell(f"{number(gb)} ({percent})", gb, "good" if share >= 0.5 else "",
                    f"{100 * share:.1f}% of {ceiling:.3g} GB/s")
    return Cell(number(gb), gb)


def throughput_tables(grid: Grid, part: pd.DataFrame, op: str, steps: int, d: int,
                      dtype: str) -> list[Table]:
    ok = part[(part["status"] == "ok") & part["points_per_s"].notna()]
    if ok.empty:
        return []
    what, where = op_text(op, steps), grid.group_text(d, dtype)
    points = grid.per_size(
        part, "throughput", f"{what}: throughput, {where} [points/s]",
        f"points-{op}-{steps}-d{d}-{dtype}",
        lambda r: Cell(si(r["points_per_s"]), r["points_per_s"])
        if r["status"] == "ok" else status_cell(r),
        caption="points per second (k = 10³, M = 10⁶, G = 10⁹)" + (
            f" ({steps} steps per training run)" if op == "train" else ""))
    ceilings = [f"{r.label}: {r.bandwidth['read_gb_s']:.3g} GB/s" for r in grid.runs
                if r.bandwidth]
    caption = ("bytes of x and y read once per evaluation (a lower bound on the traffic); "
               "in brackets the fraction of the machine's single-thread read bandwidth"
               + (" (" + "; ".join(ceilings) + ")" if ceilings else
                  " – not measured for this run"))
    gbs = grid.per_size(part, "throughput", f"{what}: memory throughput, {where} [GB/s]",
                        f"gbs-{op}-{steps}-d{d}-{dtype}", gb_cell, caption)
    return [points, gbs, *floor_table(grid, part, what, where, f"{op}-{steps}-d{d}-{dtype}")]


def floor_cell(r: Any) -> Cell:
    if r["status"] != "ok":
        return status_cell(r)
    floor = pd.to_numeric(r.get("floor_s"), errors="coerce")
    if not floor > 0:  # missing, NaN or zero
        return Cell("–", kind="muted", tip="no floor recorded for this row")
    times = float(r["median_s"]) / float(floor)
    return Cell(f"{number(times)}×", times, "good" if times <= 2 else "",
                f"median {r['median_s']:.3g} s / floor {float(floor):.3g} s")


def floor_table(grid: Grid, part: pd.DataFrame, what: str, where: str, slug: str
                ) -> list[Table]:
    """Each median as a multiple of the update rule's floor on this machine (the sweep's
    ``floor_s``: max(bytes of x and y ÷ read bandwidth, N × exp cost) × evaluations)."""
    if "floor_s" not in part.columns or not (pd.to_numeric(part["floor_s"],
                                                             errors="coerce") > 0).any():
        return []
    caption = ("median ÷ floor, the floor being max(bytes of x and y ÷ the machine's read "
               "bandwidth, N × the cost of one exp) × evaluations per call; 1× is the "
               "hardware's limit, nothing can go below it")
    return [grid.per_size(part, "throughput", f"{what}: multiple of the machine's floor, "
                          f"{where} [×]", f"floor-{slug}", floor_cell, caption)]


def figures(grid: Grid, canvas: Canvas) -> list[Plot]:
    plots = [gbs_vs_n(grid, canvas, grid.of_op(sub, op, steps), op, steps, d, dtype)
             for d, dtype, sub in grid.curve_groups() for op, steps in grid.ops(sub)]
    return [p for p in plots if p is not None]


def ceiling_lines(grid: Grid, ax: Any, ok: pd.DataFrame) -> list[tuple[Any, str]]:
    """The measured CPU read bandwidth of each run drawn, as a black line per run."""
    from matplotlib.lines import Line2D

    extra = []
    ceilings = [r for r in grid.runs if r.bandwidth and (ok["run"] == (r.label or r.host)).any()]
    for i, run in enumerate(ceilings):
        value = float((run.bandwidth or {})["read_gb_s"])
        style = LINESTYLES[i % len(LINESTYLES)]
        ax.axhline(value, color="black", linestyle=style, linewidth=2.4, alpha=0.8)
        label = f"CPU memory bandwidth (read) {value:.3g} GB/s" + (
            f", {run.label}" if len(grid.runs) > 1 else "")
        extra.append((Line2D([], [], color="black", linestyle=style, linewidth=2.4,
                             alpha=0.8), label))
    return extra


def gbs_vs_n(grid: Grid, canvas: Canvas, part: pd.DataFrame, op: str, steps: int, d: int,
             dtype: str) -> Plot | None:
    ok = in_table_order(part[(part["status"] == "ok") & (part["gb_per_s"] > 0)])
    if ok.empty:
        return None
    fig, ax = canvas.figure()
    impls, variants = canvas.series_lines(ax, ok, "n", "gb_per_s")
    extra = ceiling_lines(grid, ax, ok)
    ax.set_xscale("log")
    ax.set_yscale("log")
    title = f"{op_text(op, steps)}: memory throughput vs N (d={d}, {dtype})"
    canvas.axes_text(ax, title, f"N, points{x_note(ok)}", "GB/s of x and y read (log scale)")
    canvas.legends(fig, impls, variants, extra)
    caption = ("Bytes of x and y, read once per evaluation, per second (a lower bound on "
               "the memory traffic).")
    caption += (" The black line is the machine's single-thread CPU read bandwidth "
                "(STREAM-style sum over arrays far larger than the caches); it bounds CPU "
                "lines only." if extra else
                " No bandwidth was measured for this run, so no ceiling is drawn.")
    return canvas.save(fig, f"gbs-{op}-{steps}-d{d}-{dtype}", title, caption, "throughput")
