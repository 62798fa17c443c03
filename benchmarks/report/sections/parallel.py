"""Section "parallel": time against the number of workers or devices a row ran on.

Data-parallel implementations (dask-manual's workers, a sharded implementation's devices)
record those counts in the ``parameters`` column (``Implementation.parameters()``: a dict, or
its JSON text as results store it). Runs with different counts (``sweep --dask-workers 1``,
then ``2``, reported together) become one table per operation: a row per implementation and
size, a column per count, and the speedup of the most workers over the fewest.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from benchmarks.report.canvas import LINESTYLES, Canvas, time_formatter
from benchmarks.report.cells import Cell, Table, status_cell, time_cell
from benchmarks.report.figures import Plot, figure_legend
from benchmarks.report.format import number, op_text, per_text, size_text, time_unit
from benchmarks.report.grid import Grid

KEYS = ("workers", "devices")  # the parameters that count parallel parts, in this order


def parameters_of(value: Any) -> dict[str, Any]:
    """A row's parameters as a dict: from a dict, JSON text, or nothing (empty)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip():
        try:
            parsed = json.loads(value)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def parallel_count(value: Any) -> tuple[str, int] | None:
    """(which count, how many) for a row that records one, else None."""
    found = parameters_of(value)
    for key in KEYS:
        count = found.get(key)
        if isinstance(count, int) and not isinstance(count, bool) and count >= 1:
            return key, count
    return None


def counted(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows that record a count, with ``parallel_key`` and ``parallel_count`` columns."""
    if "parameters" not in frame.columns:
        return frame.iloc[0:0]
    found = frame["parameters"].map(parallel_count)
    rows = frame[found.notna()].copy()
    rows["parallel_key"] = [f[0] for f in found.dropna()]
    rows["parallel_count"] = [f[1] for f in found.dropna()]
    return rows


def parts(grid: Grid) -> list[tuple[int, str, str, int, pd.DataFrame]]:
    """(d, dtype, op, steps, rows) of every operation measured with two counts or more."""
    rows = counted(grid.frame)
    return [(int(d), str(dtype), str(op), int(steps), part)
            for (d, dtype, op, steps), part in rows.groupby(["d", "dtype", "op", "steps_key"],
                                                            sort=True)
            if part["parallel_count"].nunique() >= 2]  # one count alone shows no trend


def tables(grid: Grid) -> list[Table]:
    return [table(part, d, dtype, op, steps) for d, dtype, op, steps, part in parts(grid)]


def figures(grid: Grid, canvas: Canvas) -> list[Plot]:
    return [p for d, dtype, op, steps, part in parts(grid)
            if (p := figure(canvas, part, d, dtype, op, steps)) is not None]


def figure(canvas: Canvas, part: pd.DataFrame, d: int, dtype: str, op: str,
           steps: int) -> Plot | None:
    """Time against the count, one line per implementation and size (log-log)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    ok = part[part["status"] == "ok"].sort_values(["impl_order", "size_order"], kind="stable")
    if ok.empty:
        return None
    key = str(part["parallel_key"].iloc[0])
    fig, ax = canvas.figure()
    size_styles = {size: LINESTYLES[i % len(LINESTYLES)] for i, size in
                   enumerate(dict.fromkeys(zip(ok["problem"], ok["n"], strict=True)))}
    for (impl, problem, n), line in ok.groupby(["impl", "problem", "n"], sort=False):
        line = line.sort_values("parallel_count").drop_duplicates("parallel_count", keep="last")
        ax.plot(line["parallel_count"], line["median_s"], linewidth=1.6, markersize=5,
                label=f"{impl}, {size_text(str(problem), int(n))}",
                **{**canvas.style.impl(str(impl)), "linestyle": size_styles[(problem, n)]})
    counts = sorted(ok["parallel_count"].unique())
    ax.set_xscale("log", base=2)
    ax.set_xticks(counts, [str(c) for c in counts])
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(time_formatter))
    low, high = part["median_s"].min(), part["median_s"].max()
    # within one decade the major ticks say little: label the minor ones too
    ax.yaxis.set_minor_formatter(FuncFormatter(time_formatter) if high < 30 * low
                                 else NullFormatter())
    title = f"{op_text(op, steps)}: time per {per_text(op)} vs {key} (d={d}, {dtype})"
    canvas.axes_text(ax, title, key, f"median time per {per_text(op)} (log scale)")
    figure_legend(fig)
    return canvas.save(fig, f"parallel-{op}-{steps}-d{d}-{dtype}", title,
                       f"Median over rounds, runs that record their {key}.", "parallel")


def table(part: pd.DataFrame, d: int, dtype: str, op: str, steps: int) -> Table:
    """Implementation and size down, counts across, speedup of the most over the fewest."""
    counts = sorted(part["parallel_count"].unique())
    key = part["parallel_key"].iloc[0]
    ok = part[part["status"] == "ok"]
    unit, scale = time_unit(float(ok["median_s"].min())) if len(ok) else ("s", 1.0)
    title = (f"{op_text(op, steps)}: median time per {per_text(op)} by {key}, "
             f"d={d}, {dtype} [{unit}]")
    result = Table("parallel", title, ["implementation", "size",
                                       *(f"{c} {key}" for c in counts),
                                       f"speedup {counts[-1]} vs {counts[0]}"],
                   caption=f"unit: {unit}; rows of runs that record their {key} "
                   "(parameters); speedup = time with the fewest ÷ time with the most",
                   slug=f"parallel-{op}-{steps}-d{d}-{dtype}")
    order = part.sort_values(["impl_order", "size_order"], kind="stable")
    for (impl, problem, n), group in order.groupby(["impl", "problem", "n"], sort=False):
        by_count = {int(r["parallel_count"]): r for _, r in group.iterrows()}  # last wins
        cells = [cell(by_count.get(c), scale) for c in counts]
        result.rows.append([Cell(str(impl)), Cell(size_text(str(problem), int(n))), *cells,
                            speedup(by_count.get(counts[0]), by_count.get(counts[-1]))])
    return result


def cell(row: Any, scale: float) -> Cell:
    if row is None:
        return Cell("")
    return time_cell(row, scale) if row["status"] == "ok" else status_cell(row)


def speedup(fewest: Any, most: Any) -> Cell:
    if fewest is None or most is None or "ok" not in (fewest["status"], most["status"]) \
            or fewest["status"] != most["status"]:
        return Cell("")
    ratio = float(fewest["median_s"]) / float(most["median_s"])
    if not math.isfinite(ratio):
        return Cell("")
    return Cell(f"{number(ratio)}×", ratio, "good" if ratio > 1 else "warn")
