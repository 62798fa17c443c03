"""Section "memory": the worker's peak resident set, the largest over the operations."""

from __future__ import annotations

from benchmarks.report.cells import Cell, Table, status_cell
from benchmarks.report.format import bytes_unit, number
from benchmarks.report.frame import SERIES, SIZE
from benchmarks.report.grid import Grid


def tables(grid: Grid) -> list[Table]:
    out = []
    for d, dtype in grid.groups():
        sub = grid.group(d, dtype)
        if not sub["peak_rss_bytes"].notna().any():
            continue
        peak = sub.sort_values("peak_rss_bytes", ascending=False, na_position="last",
                               kind="stable").drop_duplicates([*SERIES, *SIZE])
        known = peak["peak_rss_bytes"].dropna()
        unit, scale = bytes_unit(float(known.min())) if len(known) else ("MiB", 2.0**20)
        out.append(grid.per_size(
            peak, "memory", f"peak memory (resident set of the worker), "
            f"{grid.where(d, dtype)} [{unit}]", f"memory-d{d}-{dtype}",
            lambda r, scale=scale: Cell(number(r["peak_rss_bytes"] / scale),
                                        r["peak_rss_bytes"], "", f"during {r['op']}")
            if r["peak_rss_bytes"] > 0 else status_cell(r),
            caption=f"unit: {unit}; the largest over the operations measured, framework "
            "runtime included"))
    return out
