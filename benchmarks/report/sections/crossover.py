"""Section "crossover": the smallest N from which on each is faster than the baseline."""

from __future__ import annotations

from typing import Any

import pandas as pd

from benchmarks.report.cells import Cell, Table
from benchmarks.report.format import op_text
from benchmarks.report.grid import Grid

KINDS = {"always": "good", "never": "", "n/a": "muted"}  # an N=… text: good


def tables(grid: Grid) -> list[Table]:
    out = []
    for d, dtype in grid.groups():
        cross = grid.crossings
        part = cross[(cross["d"] == d) & (cross["dtype"] == dtype)]
        if not part.empty:
            out.append(crossover_table(grid, part, d, dtype))
    return out


def cell(row: Any) -> Cell:
    text = row["crossover"]
    value = None if pd.isna(row["crossover_n"]) else float(row["crossover_n"])
    return Cell(text, value, KINDS.get(text, "good"))


def crossover_table(grid: Grid, part: pd.DataFrame, d: int, dtype: str) -> Table:
    frame = grid.frame
    order = frame[(frame["d"] == d) & (frame["dtype"] == dtype)
                  & (frame["impl"] != grid.baseline)]
    return grid.table(
        part, "crossover", f"crossover: the smallest N from which on each is faster than "
        f"{grid.baseline}, {grid.group_text(d, dtype)}", f"crossover-d{d}-{dtype}", cell,
        [(o, op_text(*o)) for o in grid.ops(part)],
        lambda r: (r["op"], int(r["steps_key"])),
        caption="always: faster at every size; never: slower at the largest size measured; "
        "a failed measurement counts as slower", order=order)
