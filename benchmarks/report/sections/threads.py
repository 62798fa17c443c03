"""Section "threads": each implementation's parallel speedup and efficiency, and the
configurations more than 1.2× slower with several threads than with one.

Shown where the report holds the same configuration with one thread and with more: best one
run of ``sweep --threads 1,2`` (the counts timed in the same rounds: within-run ratios with
intervals), else several runs (``updatebench report RUN_T1 RUN_T2``: ratios of medians). A
summary per thread count, the speedup and efficiency of every configuration, then every
flagged one (``report.threadcost``).
"""

from __future__ import annotations

import math

from benchmarks.report.cells import Cell, Table
from benchmarks.report.change import geometric_mean
from benchmarks.report.format import number, op_text, seconds, size_text
from benchmarks.report.grid import Grid
from benchmarks.report.threadcost import LIMIT, thread_ratios


def tables(grid: Grid) -> list[Table]:
    ratios = thread_ratios(grid.frame)
    if ratios.empty:
        return []
    return [summary(ratios), speedups(ratios), flagged(ratios)]


def interval(value: float, low: float, high: float, unit: str = "×") -> str:
    """``value`` and, where it has one, its interval: 1.8× [1.7–1.9]."""
    text = f"{number(value)}{unit}"
    if math.isnan(low) or math.isnan(high):
        return text
    return f"{text} [{number(low)}–{number(high)}]"


def how(r) -> str:
    return (f"within the run, {r.pairs} round pairs" if r.paired
            else "across runs: ratio of medians")


def speedups(ratios) -> Table:
    """Every configuration's speedup t₁/t_N and efficiency speedup/N, with intervals."""
    table = Table("threads", "Parallel speedup and efficiency: one thread against N",
                  ["implementation", "operation", "size", "d, dtype", "device", "threads",
                   "speedup", "efficiency", "from"], slug="threads-speedup",
                  caption="speedup = time with 1 thread / time with N threads (> 1: the "
                  "threads help), the median of within-round ratios where both counts ran in "
                  "the same rounds (sweep --threads 1,N), with [its 95% bootstrap interval "
                  "over processes and rounds]; efficiency = speedup / N (1: perfect)")
    order = ratios.sort_values(["impl", "op", "n", "threads"], kind="stable")
    for r in order.itertuples(index=False):
        good = r.speedup_low > 1 if r.paired else r.speedup > 1
        table.rows.append([
            Cell(str(r.impl)), Cell(op_text(r.op, r.steps_key)),
            Cell(size_text(r.problem, int(r.n)), int(r.n)), Cell(f"{r.d}, {r.dtype}"),
            Cell(str(r.device)), Cell(str(r.threads), r.threads),
            Cell(interval(r.speedup, r.speedup_low, r.speedup_high), r.speedup,
                 "good" if good else ""),
            Cell(interval(r.efficiency, r.efficiency_low, r.efficiency_high, ""),
                 r.efficiency),
            Cell(how(r), kind="muted")])
    return table


def summary(ratios) -> Table:
    table = Table("threads", "Several threads against one: time ratio per configuration",
                  ["threads", "configurations", f"slower by > {LIMIT:g}×",
                   "geometric mean ratio", "slowest"], slug="threads-summary",
                  caption="time with N threads / time with 1 thread, same configuration "
                  "(implementation, operation, size, d, dtype, device): within one run's "
                  "rounds where it timed both, else across runs; > 1 is slower with more "
                  "threads")
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
                   "1 thread", "N threads", "ratio", "from"], slug="threads-flagged",
                  caption="every configuration whose time with several threads exceeds "
                  f"{LIMIT:g}× its time with one thread: the median of within-round ratios "
                  "[95% interval] where one run timed both (sweep --threads 1,N); else the "
                  "ratio of medians of runs measured apart (the median over runs where "
                  "several have it), which holds the machine's drift: compare such runs with "
                  "`updatebench compare --absolute` before drawing conclusions")
    for r in ratios[ratios["flagged"]].itertuples(index=False):
        table.rows.append([
            Cell(str(r.impl)), Cell(op_text(r.op, r.steps_key)),
            Cell(size_text(r.problem, int(r.n)), int(r.n)), Cell(f"{r.d}, {r.dtype}"),
            Cell(str(r.device)), Cell(str(r.threads), r.threads),
            Cell(seconds(r.one_s), r.one_s), Cell(seconds(r.many_s), r.many_s),
            Cell(interval(r.ratio, r.ratio_low, r.ratio_high), r.ratio, "bad"),
            Cell(how(r), kind="muted")])
    return table
