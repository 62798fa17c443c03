"""The terminal: the consoles, the implementation list, the check and the sweep's summary.

Tables are built by the sections and ``correctness`` and drawn by ``render.print_table``, so
the terminal shows what report.md and report.html show. Number formatters live in
``report.format``, which loads no rich.
"""

from __future__ import annotations

import os
from typing import Any

from rich.console import Console
from rich.table import Table

from impls.registry import Entry

console = Console(highlight=False, soft_wrap=False)
if not console.is_terminal and "COLUMNS" not in os.environ:
    console.width = 160  # a log or a pipe: wide; a terminal (or COLUMNS): its own width
errors = Console(stderr=True, highlight=False)


def show_entries(entries: list[Entry]) -> None:
    table = Table(title="Implementations")
    for column in ("name", "method", "framework", "source", "available here"):
        table.add_column(column)
    for e in entries:
        status = "[green]yes[/]" if e.available else f"[red]no[/]: {e.reason}"
        table.add_row(e.name, e.method, e.framework, e.source, status)
    console.print(table)


def show_check(report: dict[str, Any], where: str | None = "check.json") -> None:
    """The check's verdicts as every output shows them, with the problem and the verdict;
    ``where`` names the file that holds every failure (None: none was written)."""
    from rich.markup import escape

    from benchmarks.report.correctness import check_tables, details_below, summary
    from benchmarks.report.render import print_table

    head, tail = summary(report)
    console.print(f"[bold]{escape(head)}[/]", soft_wrap=True)
    verdicts, *matrices = check_tables([("", report)], where)
    verdicts, details = details_below(verdicts)
    print_table(verdicts, console)
    for line in details:
        console.print(escape(line), soft_wrap=True)
    for table in matrices:
        print_table(table, console)
    for line in tail:
        console.print(escape(line), soft_wrap=True)
    if not report.get("passed"):
        console.print("[red]FAILED[/]")
    elif report.get("problem_warnings"):
        console.print("[yellow]all implementations pass; the problem is flagged above[/]")
    else:
        console.print("[green]all implementations pass[/]")


def show_sweep_summary(folder, quiet: bool = False) -> None:
    """The closing tables of a sweep: the report's summary (verdicts, headline speedups),
    or the median times where no baseline was measured to give speedups."""
    from benchmarks.errors import UsageError
    from benchmarks.report import contents, render
    from benchmarks.report.grid import Grid
    from benchmarks.report.sections.summary import HEADLINE
    from benchmarks.store import runs

    try:
        run = runs.read_all([str(folder)])
    except UsageError as error:  # an interrupted run with no rows yet
        console.print(f"no measurements to show: {error}")
        return
    shown = contents.build(Grid.of(run), ["summary"])
    if not any(t.slug == HEADLINE for t in shown):
        shown += contents.time_tables(run)
    render.print_tables(shown, console)
    if not quiet:
        show_training(run)


def show_training(runs: list) -> None:
    """Training runs in the sweep: time per step, final loss, and whether paths agree."""
    from benchmarks.report.render import print_table
    from benchmarks.report.sections.training import training_tables

    for table in training_tables(runs):
        if table.rows:
            print_table(table, console)
