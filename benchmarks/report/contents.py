"""A report's contents: every table and figure, assembled from the section modules in order.

``build`` returns the neutral tables (``cells.Table``), ``draw`` writes the figures; the
sections themselves live in ``report.sections``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from benchmarks.report.canvas import Canvas
from benchmarks.report.cells import SECTIONS, Table
from benchmarks.report.figures import Plot
from benchmarks.report.grid import Grid
from benchmarks.report.sections import (
    check,
    compiling,
    memory,
    parallel,
    ratio,
    scaling,
    speedup,
    summary,
    threads,
    throughput,
    times,
    training,
)
from benchmarks.report.sections import crossover as crossover_section
from benchmarks.report.sections import runs as runs_section
from benchmarks.store.runs import Run
from impls.builtins import BASELINE

# in the order of cells.SECTION_TITLES: SECTIONS[i] is the key of ORDER[i]'s tables
ORDER = (summary, speedup, times, crossover_section, scaling, ratio, memory, compiling,
         throughput, parallel, threads, training, check, runs_section)


def build(grid: Grid, sections: Iterable[str] | None = None) -> list[Table]:
    """Every table with at least one row (of ``sections`` only, if given), section by
    section; a section left out costs nothing."""
    chosen = None if sections is None else set(sections)
    return [t for key, section in zip(SECTIONS, ORDER, strict=True)
            if chosen is None or key in chosen for t in section.tables(grid) if t.rows]


def draw(grid: Grid, folder: Path) -> list[Plot]:
    """Every figure the runs support, written as PNG and SVG into ``folder``."""
    canvas = Canvas(grid, folder)
    return [p for section in ORDER if hasattr(section, "figures")
            for p in section.figures(grid, canvas)]


def time_tables(runs: list[Run], baseline: str = BASELINE,
                frame: pd.DataFrame | None = None) -> list[Table]:
    """Median time per implementation × size, one table per operation, d and dtype.

    What a sweep shows when it ends, the same tables the report begins its timings with.
    """
    return [t for t in times.tables(Grid.of(runs, frame, baseline)) if t.rows]
