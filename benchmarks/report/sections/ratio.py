"""Section "ratio": time(value_and_grad) / time(loss), against the cheap-gradient principle."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from benchmarks.check.training import error_model
from benchmarks.report.analysis import EXACT_CHEAP, GRIEWANK, expected_ratio
from benchmarks.report.canvas import Canvas, x_note
from benchmarks.report.cells import Cell, Table
from benchmarks.report.figures import NOTE_SIZE, Plot
from benchmarks.report.format import number, size_text
from benchmarks.report.frame import in_table_order
from benchmarks.report.grid import Grid

OVER = "↑"  # marks a ratio above the cheap-gradient bound its method should keep
CAPTION = (f"{OVER} = above the Griewank bound (a reverse-mode, manual or symbolic gradient "
           "costing more than it should); the cheap-gradient principle: reverse mode costs a "
           f"small constant times the loss, at most about {GRIEWANK[0]:g}–{GRIEWANK[1]:g} "
           "(Griewank & Walther); central "
           "differences need 1 + 2(d+1) loss evaluations, forward differences d + 2; small N "
           "is dominated by per-call overhead")


def of_group(grid: Grid, d: int, dtype: str) -> pd.DataFrame:
    return grid.ratios[(grid.ratios["d"] == d) & (grid.ratios["dtype"] == dtype)]


def cell(row: Any) -> Cell:
    value = float(row["ratio"])
    over = row["method"] in EXACT_CHEAP and value > GRIEWANK[1]
    return Cell(number(value) + (f" {OVER}" if over else ""), value, "warn" if over else "",
                f"{row['median_s']:.3g} s / {row['loss_s']:.3g} s"
                + ("; above the cheap-gradient bound" if over else ""), OVER if over else "")


def tables(grid: Grid) -> list[Table]:
    out = []
    for d, dtype in grid.groups():
        part = of_group(grid, d, dtype)
        if part.empty:
            continue

        def expected(series: tuple, rows: list[Any], d: int = d) -> list[Cell]:
            method = rows[-1]["method"] if rows else ""
            return [Cell(expected_ratio(method, error_model(series[3]), d), kind="muted")]

        out.append(grid.per_size(
            part, "ratio", f"gradient cost: time(value_and_grad) / time(loss), "
            f"{grid.group_text(d, dtype)} [×]", f"ratio-d{d}-{dtype}", cell, CAPTION,
            tail=expected, tail_columns=["expected"]))
    return out


def figures(grid: Grid, canvas: Canvas) -> list[Plot]:
    parts = [(d, dtype, in_table_order(of_group(grid, d, dtype)))
             for d, dtype, _ in grid.curve_groups()]
    return [ratio_vs_n(canvas, part, d, dtype) for d, dtype, part in parts if not part.empty]


def reference_labels(ax: Any, items: list[tuple[float, str]]) -> None:
    """Short labels right of the axes at reference values; close ones share a label."""
    groups: list[list[tuple[float, str]]] = []
    for value, text in sorted(items):
        if groups and value / groups[-1][-1][0] < 1.25:
            groups[-1].append((value, text))
        else:
            groups.append([(value, text)])
    for group in groups:
        y = math.exp(sum(math.log(v) for v, _ in group) / len(group))
        ax.text(1.01, y, "\n".join(t for _, t in reversed(group)), ha="left", va="center",
                transform=ax.get_yaxis_transform(), fontsize=NOTE_SIZE, color="0.3")


def ratio_vs_n(canvas: Canvas, part: pd.DataFrame, d: int, dtype: str) -> Plot:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    fig, ax = canvas.figure()
    low, high = GRIEWANK
    central, forward = 1 + 2 * (d + 1), d + 2
    # references are wide grey bands and lines labelled in place, so that no line style
    # is shared with the runs' series
    ax.axhspan(low, high, color="0.55", alpha=0.25, zorder=0, linewidth=0)
    for value in (central, forward):
        ax.axhline(value, color="0.45", alpha=0.45, linewidth=3.5, zorder=0)
    ax.axhline(1, color="0.4", linewidth=0.8, zorder=1)
    impls, variants = canvas.series_lines(ax, part, "n", "ratio")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
    ax.yaxis.set_minor_formatter(FuncFormatter(
        lambda v, _: f"{v:g}×" if v in (2, 3, 4, 5, 20, 30, 50) else ""))
    bottom, top = ax.get_ylim()
    ax.set_ylim(min(bottom, 0.8), max(top, central * 1.5))
    reference_labels(ax, [(math.sqrt(low * high), f"Griewank {low:g}–{high:g}×"),
                          (central, f"central diff. {central}×"),
                          (forward, f"forward diff. {forward}×")])
    title = f"gradient cost: time(value_and_grad) / time(loss) (d={d}, {dtype})"
    canvas.axes_text(ax, title, f"N, points{x_note(part)}", "ratio of median times (log scale)")
    extra = [(Patch(color="0.55", alpha=0.4), f"Griewank bound {low:g}–{high:g}× (reverse mode)"),
             (Line2D([], [], color="0.45", alpha=0.45, linewidth=3.5),
              f"finite differences: 1+2(d+1) = {central} central, d+2 = {forward} forward")]
    canvas.legends(fig, impls, variants, extra)
    exact = part[part["method"].isin(EXACT_CHEAP)]
    caption = ("The cheap-gradient principle: reverse mode (and a hand-written gradient) "
               f"costs at most a small constant, about {low:g}–{high:g}, times the loss; "
               "finite differences need a loss evaluation per perturbed coordinate. At small"
               " N fixed per-call overheads dominate both times.")
    if not exact.empty:
        worst = exact.loc[exact["ratio"].idxmax()]
        caption += (f" Largest ratio of an exact method: {worst['ratio']:.3g}× "
                    f"({worst['impl']}, {size_text(worst['problem'], int(worst['n']))}).")
    return canvas.save(fig, f"ratio-d{d}-{dtype}", title, caption, "ratio")
