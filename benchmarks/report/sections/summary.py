"""Section "summary": the answer first, the check's verdict in a line per verdict and the
headline speedups (the fastest at the smallest and the largest size), with details below."""

from __future__ import annotations

from typing import Any

import pandas as pd

from benchmarks.report.cells import Cell, Table
from benchmarks.report.correctness import VERDICT_KINDS
from benchmarks.report.format import op_text, seconds, size_text
from benchmarks.report.grid import Grid
from benchmarks.report.sections.speedup import speedup_cell

HEADLINE = "headline"  # the slug of the headline table: the console and exports look it up


def tables(grid: Grid) -> list[Table]:
    return [t for t in (verdict_table(grid), headline_table(grid)) if t is not None]


def verdict_table(grid: Grid) -> Table | None:
    """One row per verdict of each run's check: how many, and which implementations."""
    checks = [(r.label, r.check) for r in grid.runs if r.check]
    if not checks:
        return None
    multi = len(checks) > 1
    table = Table("summary", "correctness: the check's verdicts (every number: the "
                  "Correctness section)", [*(["run"] if multi else []), "verdict", "count",
                                         "implementations"], slug="verdicts")
    for label, report in checks:
        entries = [e for e in report.get("implementations", []) if isinstance(e, dict)]
        by_status: dict[str, list[str]] = {}
        for entry in entries:
            by_status.setdefault(str(entry.get("status", "?")), []).append(
                str(entry.get("name", "?")))
        for status, names in sorted(by_status.items(), key=lambda kv: kv[0] != "pass"):
            table.rows.append([*([Cell(label, kind="muted")] if multi else []),
                               Cell(status, kind=VERDICT_KINDS.get(status, "status")),
                               Cell(str(len(names)), len(names)), Cell(", ".join(names))])
    return table


def headline_sizes(part: pd.DataFrame) -> list[tuple[str, int]]:
    """The smallest and the largest size with a speedup: where the answer differs most."""
    sized = part[part["speedup"].notna()]
    synthetic = sorted({int(n) for n in sized[sized["problem"] == "synthetic"]["n"]})
    chosen = [("synthetic", n) for n in dict.fromkeys([*synthetic[:1], *synthetic[-1:]])]
    return chosen or [("five-point", 5)] * bool(len(sized))


def headline_table(grid: Grid) -> Table | None:
    """Per operation, at the smallest and largest size: the fastest two (the baseline's own
    time is theirs divided by their speedup, and in the tables below)."""
    baseline = grid.baseline
    groups = grid.groups()
    table = Table("summary", f"headline: the fastest two, speedup over {baseline} "
                  "[95% interval] and median time per call",
                  ["operation", "size", "implementation", "speedup", "time"], slug=HEADLINE,
                  caption="speedup > 1: faster than the baseline; [the 95% bootstrap interval "
                  "of the within-round ratios]; at the smallest and the largest size measured")
    for d, dtype, op, steps, part in grid.per_op():
        where = op_text(op, steps) + (f" ({grid.group_text(d, dtype)})" if len(groups) > 1
                                      else "")
        for problem, n in headline_sizes(part):
            here = part[(part["problem"] == problem) & (part["n"] == n)]
            table.rows += headline_rows(grid, here, where, size_text(problem, n))
    return table if table.rows else None


def headline_rows(grid: Grid, here: pd.DataFrame, op: str, size: str) -> list[list[Cell]]:
    ok = here[(here["status"] == "ok") & here["speedup"].notna()]
    others = ok[ok["impl"] != grid.baseline].sort_values("median_s", kind="stable")
    return [[Cell(op), Cell(size), Cell(name(grid, r)), speedup_cell(r, grid.baseline),
             time_cell(r)] for _, r in list(others.iterrows())[:2]]


def name(grid: Grid, r: Any) -> str:
    """An implementation, with its run where several are shown side by side."""
    return str(r["impl"]) + (f" ({grid.variant_text((r['run'], r['device'], r['threads']))})"
                             if grid.multi else "")


def time_cell(r: Any) -> Cell:
    median = float(r["median_s"])
    return Cell(seconds(median), median, "noisy" if r.get("noisy") else "")
