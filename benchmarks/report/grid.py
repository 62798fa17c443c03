"""What every section shares: the runs, their frame, and the grid of series × columns.

A ``Grid`` is built once per report. It holds the combined frame and its derived analyses
(computed once, on first use), the (d, dtype) groups and operations sections loop over, and
``table``/``per_size``: one row per series (implementation, and run where there are several)
and one column per size or operation, a ``cell(row)`` function filling each. Figures use
the same groups, operations and series texts, so a plot's legend reads like its table.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from benchmarks.report import analysis
from benchmarks.report.cells import Cell, Table
from benchmarks.report.format import size_text
from benchmarks.report.frame import SERIES, combine, series_order, sizes
from benchmarks.store.runs import Run
from impls.base import OPS
from impls.builtins import BASELINE

Row = Any  # a row of the frame (pandas Series)


@dataclass(frozen=True)
class Grid:
    runs: list[Run]
    frame: pd.DataFrame
    baseline: str = BASELINE

    @classmethod
    def of(cls, runs: list[Run], frame: pd.DataFrame | None = None,
           baseline: str = BASELINE) -> Grid:
        return cls(runs, frame if frame is not None else combine(runs), baseline)

    # the analyses, computed once per report

    @cached_property
    def speed(self) -> pd.DataFrame:
        return analysis.speedups(self.frame, self.baseline)

    @cached_property
    def ratios(self) -> pd.DataFrame:
        return analysis.gradient_ratios(self.frame)

    @cached_property
    def crossings(self) -> pd.DataFrame:
        return analysis.crossovers(self.frame, self.baseline, self.speed)

    # what sections loop over

    @cached_property
    def variants(self) -> list[tuple]:
        """(run, device, threads) in order of appearance: one line style each in figures."""
        return list(dict.fromkeys(self.frame[["run", "device", "threads"]]
                                  .itertuples(index=False, name=None)))

    @property
    def multi(self) -> bool:
        """Several runs, devices or thread counts: rows say which one they are."""
        return len(self.variants) > 1

    def groups(self) -> list[tuple[int, str]]:
        """(d, dtype) pairs; each section shows one table or figure per pair."""
        pairs = self.frame[["d", "dtype"]].drop_duplicates()
        return sorted((int(d), str(t)) for d, t in pairs.itertuples(index=False))

    def group(self, d: int, dtype: str) -> pd.DataFrame:
        """The rows of one (d, dtype) group, with their speedups."""
        return self.speed[(self.speed["d"] == d) & (self.speed["dtype"] == dtype)]

    def per_op(self) -> Iterator[tuple[int, str, str, int, pd.DataFrame]]:
        """(d, dtype, op, steps, rows) for every operation of every group."""
        for d, dtype in self.groups():
            sub = self.group(d, dtype)
            for op, steps in self.ops(sub):
                yield d, dtype, op, steps, self.of_op(sub, op, steps)

    def curve_groups(self) -> Iterator[tuple[int, str, pd.DataFrame]]:
        """(d, dtype, rows) of the groups with two sizes or more: those worth a curve."""
        for d, dtype in self.groups():
            sub = self.group(d, dtype)
            if sub[["problem", "n"]].drop_duplicates().shape[0] >= 2:
                yield d, dtype, sub

    @staticmethod
    def ops(sub: pd.DataFrame) -> list[tuple[str, int]]:
        """(op, steps) present in ``sub``, in the order of ``OPS``."""
        pairs = sub[["op", "steps_key"]].drop_duplicates()
        order = {op: i for i, op in enumerate(OPS)}
        return sorted(((str(o), int(s)) for o, s in pairs.itertuples(index=False)),
                      key=lambda p: (order.get(p[0], len(OPS)), p[0], p[1]))

    @staticmethod
    def of_op(sub: pd.DataFrame, op: str, steps: int) -> pd.DataFrame:
        return sub[(sub["op"] == op) & (sub["steps_key"] == steps)]

    @staticmethod
    def group_text(d: int, dtype: str) -> str:
        """How a (d, dtype) group is named in titles: d=1, float64."""
        return f"d={d}, {dtype}"

    # rows of tables, lines of figures

    def variant_text(self, variant: tuple) -> str:
        run, device, threads = variant
        return f"{run}/{device}" + (f" t{threads}" if self.frame["threads"].nunique() > 1
                                    else "")

    def headers(self, extra: Sequence[str]) -> list[str]:
        """Column headers: the implementation, the run where there are several, then ``extra``."""
        return ["implementation", *(["run"] if self.multi else []), *extra]

    def label(self, series: tuple) -> list[Cell]:
        run, device, threads, impl = series
        cells = [Cell(str(impl))]
        if self.multi:
            cells.append(Cell(self.variant_text((run, device, threads)), kind="muted"))
        return cells

    def table(self, sub: pd.DataFrame, section: str, title: str, slug: str,
              cell: Callable[[Row], Cell], columns: Sequence[tuple[Hashable, str]],
              key: Callable[[Row], Hashable], caption: str = "",
              order: pd.DataFrame | None = None,
              tail: Callable[[tuple, list[Row]], list[Cell]] | None = None,
              tail_columns: Sequence[str] = ()) -> Table:
        """One row per series of ``order`` (default ``sub``), one column per (key, header).

        ``cell(row)`` fills the cell whose row of ``sub`` has that series and ``key(row)``;
        ``tail(series, rows found)`` adds cells after them (``tail_columns``).
        """
        table = Table(section, title, self.headers([*(h for _, h in columns), *tail_columns]),
                      caption=caption, slug=slug)
        index = {(*(r[c] for c in SERIES), key(r)): r for _, r in sub.iterrows()}
        for series in series_order(sub if order is None else order):
            found = [index.get((*series, k)) for k, _ in columns]
            cells = [Cell("") if r is None else cell(r) for r in found]
            extra = tail(series, [r for r in found if r is not None]) if tail else []
            table.rows.append([*self.label(series), *cells, *extra])
        return table

    def per_size(self, sub: pd.DataFrame, section: str, title: str, slug: str,
                 cell: Callable[[Row], Cell], caption: str = "", **more: Any) -> Table:
        """A table with one column per size, five-point first."""
        columns = [(s, size_text(*s)) for s in sizes(sub)]
        return self.table(sub, section, title, slug, cell, columns,
                          lambda r: (r["problem"], int(r["n"])), caption, **more)
