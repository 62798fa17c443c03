"""The report of a set of runs on disk: report.md, report.html and plots/, and where they go.

Plain functions that the ``report`` command (``benchmarks.cli.report``) calls in turn; they
print nothing. Imports here stay light: pandas and matplotlib load only when a report is
made.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.errors import UsageError

if TYPE_CHECKING:  # annotations only: the parser must not import pandas
    from benchmarks.report.cells import Table
    from benchmarks.report.figures import Plot
    from benchmarks.report.grid import Grid
    from benchmarks.store.runs import Run

REPORT_MD = "report.md"
REPORT_HTML = "report.html"
PLOTS = "plots"


def output_folder(out: str | None, runs: list[Run]) -> Path:
    """``out`` if given, else the first run folder; for JSON alone, a folder beside it."""
    if out:
        return Path(out)
    folders = [r.path for r in runs if r.kind == "sweep"]
    if folders:
        return folders[0]
    first = runs[0].path
    return first.parent / f"{first.stem}-report"


def writable(out: Path) -> Path:
    """``out``, created; a folder the report cannot write to is a usage error, not a trace."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".report-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        raise UsageError(f"cannot write the report into {out}: "
                         f"{error.strerror or error}; choose another folder with --out") \
            from None
    return out


def measured(runs: list[Run]) -> set[str]:
    """The implementations the runs measured."""
    return set().union(*(set(r.frame["impl"]) for r in runs))


def report_notes(runs: list[Run], baseline: str) -> list[str]:
    """The runs' notes (each named by its run when there are several), and a missing baseline."""
    notes = [f"{r.label}: {n}" if len(runs) > 1 else n for r in runs for n in r.notes]
    if baseline not in measured(runs):
        notes.append(f"{baseline} was not measured: no speedups or crossover sizes")
    return notes


def draw_figures(grid: Grid, folder: Path) -> list[Plot]:
    """The figures, and no stale ones from an earlier report of other runs or options."""
    from benchmarks.report.contents import draw

    plots = draw(grid, folder)
    drawn = {p.png for p in plots} | {p.svg for p in plots}
    for stale in [*folder.glob("*.png"), *folder.glob("*.svg")]:
        if stale not in drawn:
            stale.unlink()
    return plots


def write_files(out: Path, runs: list[Run], tables: list[Table], plots: list[Plot],
                notes: list[str], explain: str = "") -> None:
    """report.md and report.html: the same tables, notes and figures; ``explain`` is the
    page written as explain.html beside them, linked from both ("": none, and no link)."""
    from benchmarks.report import html_report, render

    page = out / html_report.EXPLAIN_PAGE
    if explain:
        page.write_text(explain, encoding="utf-8")
    elif page.is_file():  # no stale page from an earlier report
        page.unlink()
    hosts = list(dict.fromkeys(r.label for r in runs))
    title = f"updatebench report: {', '.join(hosts)}"
    sources = [str(r.path) for r in runs]
    (out / REPORT_MD).write_text(render.markdown_document(tables, plots, notes, title, sources,
                                                          bool(explain)), encoding="utf-8")
    (out / REPORT_HTML).write_text(html_report.document(tables, plots, notes, title, sources,
                                                        bool(explain)), encoding="utf-8")
