"""Section "threads": configurations more than 1.2× slower with several threads than with one.

Shown where the report's runs hold the same configuration with one thread and with more
(``updatebench report RUN_T1 RUN_T2``): a summary per thread count, then every flagged
configuration with both times and their ratio (``report.threadcost``).
"""

from __future__ import annotations

from benchmarks.report.cells import Cell, Table
from benchmarks.report.change import geometric_mean
from benchmarks.report.format import number, op_text, seconds, size_text
from benchmarks.report.grid import Grid
from benchmarks.report.threadcost import LIMIT, thread_ratios


def tables(grid: Grid) -> list[Table]:
    ratios = thread_ratios(grid.frame)
    if ratios.empty:
        return []
    return [summary(ratios), flagged(ratios)]


def summary(ratios) -> Table:
    table = Table("threads", "Several threads against one: time ratio per configuration",
                  ["threads", "configurations", f"slower by > {LIMIT:g}×",
                   "geometric mean ratio", "slowest"], slug="threads-summary",
                  caption="time with N threads / time with 1 thread, same configuration "
                  "(implementation, operation, size, d, dtype, device), from different runs; "
                  "> 1 is slower with more threads")
    for threads, part in ratios.groupby("threads"):
        worst = part.iloc[0]
        count = int(part["flagged"].sum())
        mean = geometric_mean(part["ratio"])
        table.rows.append([
            Cell(str(threads), threads), Cell(str(len(part)), len(part)),
            Cell(f"{count} of {len(part)}", count, "bad" if count else "good"),
            Cell(f"{number(mean)}×", mean, "warn" if mean > LIMIT else ""),
            Cell(f"{worst['impl']}, {op_text(worst['op'], worst['steps_key'])}, "
                 f"{size_text(worst['problem'], int(worst['n']))}: "
                 f"{number(worst['ratio'])}×", float(worst["ratio"]))])
    return table


def flagged(ratios) -> Table:
    table = Table("threads", f"Threads that cost time: more than {LIMIT:g}× slower than "
                  "with one thread",
                  ["implementation", "operation", "size", "d, dtype", "device", "threads",
                   "1 thread", "N threads", "ratio"], slug="threads-flagged",
                  caption="every configuration whose median with several threads exceeds "
                  f"{LIMIT:g}× its median with one thread (the median over runs where "
                  "several have it); the runs were measured apart, so compare them with "
                  "`updatebench compare --absolute` before drawing conclusions")
    for r in ratios[ratios["flagged"]].itertuples(index=False):
        table.rows.append([
            Cell(str(r.impl)), Cell(op_text(r.op, r.steps_key)),
            Cell(size_text(r.problem, int(r.n)), int(r.n)), Cell(f"{r.d}, {r.dtype}"),
            Cell(str(r.device)), Cell(str(r.threads), r.threads),
            Cell(seconds(r.one_s), r.one_s), Cell(seconds(r.many_s), r.many_s),
            Cell(f"{number(r.ratio)}×", r.ratio, "bad")])
    return table
