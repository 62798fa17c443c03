"""The terminal: a summary read at a glance, every table on request, and no number folded
over two lines at 80 columns (a wide table is split into parts that fit)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from rich.console import Console

from benchmarks.cli.main import main
from benchmarks.report.cells import Table
from benchmarks.report.contents import build
from benchmarks.report.correctness import check_tables
from benchmarks.report.grid import Grid
from benchmarks.report.render import LEFT, WRAP, print_tables, rich_table
from benchmarks.report.sections.ratio import OVER
from benchmarks.store.runs import Run
from tests.report_helpers import copy_run, row, small_run

CHECK = (Path(__file__).resolve().parents[1] / "results" / "reference" / "20261126-173411-vm"
         / "check.json")
WIDTH = 80


def numbers(tables: list[Table]) -> set[str]:
    """The text of every cell in a column that must not wrap (numbers, short verdicts)."""
    return {cell.text for t in tables if not t.left for row_ in t.rows
            for cell, column in zip(row_, t.columns, strict=True)
            if cell.text and column not in WRAP and column not in LEFT}


def folded(tables: list[Table], draw) -> tuple[list[str], int]:
    """(numbers that do not appear whole on one line, the widest line) at 80 columns."""
    out = io.StringIO()
    console = Console(file=out, width=WIDTH, highlight=False, color_system=None)
    draw(tables, console)
    text = out.getvalue()
    return sorted(n for n in numbers(tables) if n not in text), \
        max(len(line) for line in text.splitlines())


def wide_tables() -> list[Table]:
    """The 17 × 17 agreement matrix and verdicts of a real check, and a run's timings."""
    check = json.loads(CHECK.read_text())
    sizes = [("five-point", 5), *(("synthetic", 10**k) for k in range(2, 8))]
    frame = pd.DataFrame([row(impl, op, problem, n, 1234.5 * (i + 1))
                          for i, impl in enumerate(("numpy-manual", "jax-jit", "finite-diff"))
                          for op in ("loss", "value_and_grad") for problem, n in sizes])
    grid = Grid.of([Run(Path("box"), "sweep", [], {}, check, label="box", frame=frame)])
    return check_tables([("", check)]) + build(grid)


def test_no_number_folds_at_80_columns():
    tables = wide_tables()
    assert numbers(tables) >= {"5.4e-16", "1.3e-10"}
    missing, widest = folded(tables, print_tables)
    assert missing == [] and widest <= WIDTH


def test_the_check_catches_a_table_drawn_whole_at_80_columns():
    """Drawn unsplit (as before), the matrix folds its numbers: "5.4e-1" over "6"."""
    def whole(tables: list[Table], console: Console) -> None:
        for table in tables:
            console.print(rich_table(table))

    missing, _ = folded(wide_tables(), whole)
    assert "5.4e-16" in missing


def test_report_prints_a_summary_and_every_table_with_full(tmp_path, capsys):
    folder = copy_run(small_run(), tmp_path / "run")
    capsys.readouterr()
    assert main(["report", str(folder), "--no-plots"]) == 0
    out = capsys.readouterr().out
    assert "Summary" in out and "headline" in out and "pass" in out
    assert "Time per call" not in out and "Runs" not in out
    assert f"wrote {folder / 'report.md'}" in out.replace("\n", "") and "--full" in out
    assert len(out.splitlines()) < 40
    assert main(["report", str(folder), "--no-plots", "--full"]) == 0
    full = capsys.readouterr().out
    for heading in ("Summary", "Speedup", "Time per call", "Correctness", "Runs"):
        assert heading in full
    assert len(full.splitlines()) > 2 * len(out.splitlines())


def test_a_gradient_cost_above_the_griewank_bound_is_marked():
    frame = pd.DataFrame([row(impl, op, "synthetic", 1000, us) for impl, op, us in (
        ("jax-jit", "loss", 10), ("jax-jit", "value_and_grad", 96),  # reverse mode: 9.6
        ("finite-diff", "loss", 10), ("finite-diff", "value_and_grad", 50),  # its 5 expected
        ("numpy-manual", "loss", 10), ("numpy-manual", "value_and_grad", 20))])
    grid = Grid.of([Run(Path("box"), "sweep", [], {}, None, label="box", frame=frame)])
    (ratio,) = build(grid, ["ratio"])
    over = ratio.cell("jax-jit", "N=1e3")
    assert over.text == f"9.6 {OVER}" and over.kind == "warn" and over.unmarked() == "9.6"
    assert ratio.cell("finite-diff", "N=1e3").text == "5"  # its bound is 1+2(d+1) = 5
    assert ratio.cell("numpy-manual", "N=1e3").text == "2"
    assert OVER in ratio.caption
