"""Section "compile": preparation, the first call, and compiling the step or training loop."""

from __future__ import annotations

from typing import Any

import pandas as pd

from benchmarks.report.cells import Cell, Table, status_cell
from benchmarks.report.format import op_text, seconds
from benchmarks.report.frame import SERIES, SIZE
from benchmarks.report.grid import Grid


def tables(grid: Grid) -> list[Table]:
    out = []
    for d, dtype in grid.groups():
        sub = grid.group(d, dtype)
        out.extend(prepare_tables(grid, sub, d, dtype))
        for op, steps in grid.ops(sub):
            out.extend(first_call_tables(grid, grid.of_op(sub, op, steps), op, steps, d, dtype))
    return out


def prepare_tables(grid: Grid, sub: pd.DataFrame, d: int, dtype: str) -> list[Table]:
    prepared = sub.sort_values("prepare_s", na_position="last", kind="stable")
    prepared = prepared.drop_duplicates([*SERIES, *SIZE])
    if not prepared["prepare_s"].notna().any():
        return []
    return [grid.per_size(
        prepared, "compile", f"preparation (data conversion and ahead-of-time compile), "
        f"{grid.group_text(d, dtype)}", f"prepare-d{d}-{dtype}",
        lambda r: Cell(seconds(r["prepare_s"]), r["prepare_s"])
        if r["prepare_s"] > 0 else status_cell(r),
        caption="once per implementation and problem, before any timed call")]


def first_cell(r: Any) -> Cell:
    if r["status"] != "ok" or not r["first_call_s"] > 0:
        return status_cell(r)
    first, median = float(r["first_call_s"]), float(r["median_s"])
    return Cell(seconds(first), first, "", f"{first / median:.3g}× the median call")


def bind_cell(r: Any) -> Cell:
    if r["compile_train_s"] > 0:
        return Cell(seconds(r["compile_train_s"]), r["compile_train_s"])
    return status_cell(r) if r["status"] != "ok" else Cell("–", 0.0, "muted")


def first_call_tables(grid: Grid, part: pd.DataFrame, op: str, steps: int, d: int,
                      dtype: str) -> list[Table]:
    if not part["first_call_s"].notna().any():
        return []
    where = grid.group_text(d, dtype)
    out = [grid.per_size(
        part, "compile", f"{op_text(op, steps)}: first call (compile, tracing, lazy "
        f"initialisation), {where}", f"first-{op}-{steps}-d{d}-{dtype}", first_cell,
        caption="the very first call, timed alone; hover (HTML) for its multiple of the "
        "median call")]
    if op in ("step", "train") and (part["compile_train_s"].fillna(0) > 0).any():
        what = "the training loop" if op == "train" else "the update step"
        out.append(grid.per_size(
            part, "compile", f"{op_text(op, steps)}: compiling {what} (bind), {where}",
            f"compile-{op}-{steps}-d{d}-{dtype}", bind_cell,
            caption="bind(): building the fused step or loop, before any timed call"))
    return out
