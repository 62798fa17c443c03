"""Section "scaling": the fitted exponent p in time ∝ d^p, where a run has three or more d."""

from __future__ import annotations

from benchmarks.report.analysis import EXACT_CHEAP
from benchmarks.report.cells import Cell, Table
from benchmarks.report.format import size_text
from benchmarks.report.grid import Grid
from benchmarks.report.scaling import growth_exponents


def tables(grid: Grid) -> list[Table]:
    fits = growth_exponents(grid.frame)
    if fits.empty:
        return []
    table = Table("scaling", "value_and_grad: growth exponent p in time ∝ d^p",
                  grid.headers(["method", "N", "dtype", "d measured", "p", "fit rms (log)",
                             "theory"]), slug="scaling",
                  caption="least-squares slope of log time against log d; reverse mode "
                  "and the manual gradient stay near flat while one pass per parameter "
                  "(forward mode, finite differences, complex step) adds about 1")
    methods = dict(zip(grid.frame["impl"], grid.frame["method"], strict=False))
    for r in fits.itertuples(index=False):
        method = str(methods.get(r.impl, ""))
        theory = "≈ flat" if method in EXACT_CHEAP else "≈ 1 more"
        series = (r.run, r.device, r.threads, r.impl)
        table.rows.append([*grid.label(series), Cell(method, kind="muted"),
                           Cell(size_text("synthetic", r.n)), Cell(r.dtype),
                           Cell(r.dims), Cell(f"{r.exponent:.2f}", r.exponent),
                           Cell(f"{r.fit_rms:.2f}", r.fit_rms), Cell(theory)])
    return [table]
