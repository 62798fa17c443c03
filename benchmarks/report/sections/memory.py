"""Section "memory": the worker's peak resident set and, on a GPU, the device's peak
allocation; each the largest over the operations."""

from __future__ import annotations

from benchmarks.report.cells import Cell, Table, status_cell
from benchmarks.report.format import bytes_unit, number
from benchmarks.report.frame import SERIES, SIZE
from benchmarks.report.grid import Grid

# column -> (what it is, anchor prefix, caption)
KINDS = {
    "peak_rss_bytes": ("peak memory (resident set of the worker)", "memory",
                       "the largest over the operations measured, framework runtime included"),
    "device_peak_bytes": ("peak GPU memory allocated", "device-memory",
                          "the largest over the operations measured: torch.cuda."
                          "max_memory_allocated (reset per configuration) or XLA's "
                          "peak_bytes_in_use (since the worker started)"),
}


def tables(grid: Grid) -> list[Table]:
    out = []
    for column, (what, anchor, caption) in KINDS.items():
        for d, dtype in grid.groups():
            sub = grid.group(d, dtype)
            if column not in sub or not sub[column].notna().any():
                continue
            out.append(peak_table(grid, sub, column, what, f"{anchor}-d{d}-{dtype}", caption,
                                  grid.group_text(d, dtype)))
    return out


def peak_table(grid: Grid, sub, column: str, what: str, anchor: str, caption: str,
               where: str) -> Table:
    if column == "device_peak_bytes":  # GPU rows only: a CPU has no device allocation
        sub = sub[sub["device"] != "cpu"]
    peak = sub.sort_values(column, ascending=False, na_position="last",
                            kind="stable").drop_duplicates([*SERIES, *SIZE])
    known = peak[column].dropna()
    unit, scale = bytes_unit(float(known.min())) if len(known) else ("MiB", 2.0**20)
    return grid.per_size(
        peak, "memory", f"{what}, {where} [{unit}]", anchor,
        lambda r: Cell(number(r[column] / scale), r[column], "", f"during {r['op']}")
        if r[column] > 0 else status_cell(r),
        caption=f"unit: {unit}; {caption}")
