"""``updatebench report``: tables in the terminal, report.md, report.html and plots/ on disk.

What the report holds is computed in ``benchmarks.report`` (``files`` writes it); this module
takes the options, measures bandwidth on request, embeds ``explain``'s worked example in the
HTML page and prints. Imports stay light: pandas and matplotlib load only when it runs.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.cli.command import EXIT_OK, load_plugins
from benchmarks.errors import UsageError
from benchmarks.report.cells import EXPORT_FILES, EXPORTED, SECTIONS
from impls.builtins import BASELINE

if TYPE_CHECKING:  # annotations only: the parser must not import pandas
    from benchmarks.store.runs import Run

NAME = "report"
HELP = "Make tables, plots and an HTML report from run folders."


@dataclass(frozen=True)
class ReportOptions:
    inputs: tuple[str, ...]
    out: str | None = None
    baseline: str | None = None  # None: BASELINE, and no error if it was not measured
    probe_bandwidth: bool = False
    tables: frozenset[str] | None = None  # the sections shown or exported; None: the default
    no_plots: bool = False
    quiet: bool = False
    full: bool = False  # every table in the terminal, not the summary
    format: str | None = None  # export only: latex, csv or md (export.FORMATS)
    marks: bool = True  # keep the noise and out-of-band marks in an export


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="RUN",
                        help="Report these run folders made by 'updatebench sweep' and/or "
                        "pytest-benchmark JSON files; several are shown side by side.")
    parser.add_argument("--out", metavar="DIR",
                        help="Write report.md, report.html and plots/ into this folder "
                        "(default: the first run folder; for JSON alone, a folder beside it).")
    parser.add_argument("--baseline", metavar="NAME", help="Refer the speedups and "
                        f"crossovers to this implementation (default {BASELINE}).")
    parser.add_argument("--probe-bandwidth", action="store_true",
                        help="Measure this machine's memory bandwidth now, for runs made here "
                        "whose metadata lacks it.")
    parser.add_argument("--tables", metavar="LIST",
                        help="Show (or with --format export) these sections, comma-separated, "
                        f"among {', '.join(SECTIONS)} (default: the summary in the terminal, "
                        f"{', '.join(EXPORTED)} in an export; report.md and report.html "
                        "always have all).")
    parser.add_argument("--full", action="store_true",
                        help="Print every table in the terminal, not the summary.")
    parser.add_argument("--format", choices=tuple(EXPORT_FILES),
                        help="Write only the summary tables in this format (latex: booktabs "
                        "tabulars, csv: one tidy row per implementation and configuration, "
                        "md: pipe tables) as summary.tex, .csv or .md in the output folder.")
    parser.add_argument("--no-marks", action="store_true",
                        help="Leave the noise (!) and out-of-band marks out of an export.")
    parser.add_argument("--no-plots", action="store_true", help="Skip the figures (faster).")
    parser.add_argument("--quiet", action="store_true", help="Print no tables in the terminal.")


def terminal_sections(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    chosen = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(chosen - set(SECTIONS))
    if unknown or not chosen:
        raise UsageError(f"unknown --tables section {', '.join(unknown) or repr(text)}: "
                         f"choose from {', '.join(SECTIONS)}")
    return chosen


def options_from(namespace: argparse.Namespace) -> ReportOptions:
    load_plugins(namespace.plugin)
    return ReportOptions(inputs=tuple(namespace.inputs), out=namespace.out,
                         baseline=namespace.baseline, probe_bandwidth=namespace.probe_bandwidth,
                         tables=terminal_sections(namespace.tables),
                         no_plots=namespace.no_plots, quiet=namespace.quiet,
                         full=namespace.full, format=namespace.format,
                         marks=not namespace.no_marks)


def apply_probe(runs: list[Run]) -> None:
    """Bandwidth measured now stands in only for runs made on this same host."""
    import socket

    from benchmarks.measure import bandwidth

    missing = [r for r in runs if r.bandwidth is None]
    if not missing:
        return
    here = socket.gethostname()
    figure = bandwidth.probe()
    for run in missing:
        run.notes = [n for n in run.notes if not n.startswith("no memory-bandwidth")]
        if run.host == here:
            run.metadata["bandwidth"] = figure
            run.notes.append(f"memory bandwidth measured by report --probe-bandwidth "
                             f"({figure['read_gb_s']:.3g} GB/s), not during the sweep")
        else:
            run.notes.append(f"no memory-bandwidth figure: the run was made on {run.host}, "
                             f"and --probe-bandwidth measures only this host ({here})")


def explain_page(folder: Path) -> str:
    """The update rule worked out on the five-point problem (``updatebench explain``'s figures
    and tables), the report's explain.html; NumPy only, so it adds a second or two."""
    from benchmarks.explain.html import report_page
    from benchmarks.report.files import PLOTS, REPORT_HTML
    from impls.problem import five_point

    return report_page(five_point(), folder / PLOTS / "explain", ["numpy-manual"], REPORT_HTML)


def run(options: ReportOptions) -> int:
    from benchmarks.report import files
    from benchmarks.report.grid import Grid
    from benchmarks.store.runs import read_all

    runs = read_all(list(options.inputs))
    baseline = options.baseline or BASELINE
    known = files.measured(runs)
    if options.baseline and options.baseline not in known:
        raise UsageError(f"--baseline {options.baseline} is not among the implementations "
                         f"measured: {', '.join(sorted(known))}")
    if options.probe_bandwidth:
        apply_probe(runs)
    out = files.writable(files.output_folder(options.out, runs))
    grid = Grid.of(runs, baseline=baseline)
    if options.format:
        return export(options, grid, out)
    return write_report(options, runs, grid, out)


def export(options: ReportOptions, grid, out: Path) -> int:
    """``--format``: the summary tables alone, in one file; nothing else is written."""
    from benchmarks.report import export as formats
    from benchmarks.report.console import console
    from benchmarks.report.contents import build

    chosen = options.tables or frozenset(EXPORTED)
    tables = build(grid, chosen)
    if options.format == "csv":
        text = formats.tidy(grid, options.marks)
    elif options.format == "latex":
        text = formats.latex(tables, options.marks)
    else:
        text = formats.markdown(tables, options.marks)
    path = out / EXPORT_FILES[str(options.format)]
    path.write_text(text, encoding="utf-8")
    console.print(f"wrote {path}" + ("" if options.format == "csv" else
                                     f" ({len(tables)} tables)"), soft_wrap=True)
    return EXIT_OK


def write_report(options: ReportOptions, runs: list[Run], grid, out: Path) -> int:
    """report.md, report.html, plots/ and explain.html; the summary (or the tables asked
    for) in the terminal, then the notes and where the files are."""
    from rich.markup import escape

    from benchmarks.report import files
    from benchmarks.report.console import console, errors
    from benchmarks.report.contents import build
    from benchmarks.report.render import print_tables

    if not options.quiet:  # a large run's tables take a while: say so first
        console.print(f"report of {', '.join(options.inputs)}: tables, figures, explain.html",
                      soft_wrap=True)
    tables = build(grid)
    notes = files.report_notes(runs, grid.baseline)
    plots = []
    if not options.no_plots:
        with console.status("drawing figures"):
            plots = files.draw_figures(grid, out / files.PLOTS)
    explain = explain_page(out) if plots else ""
    files.write_files(out, runs, tables, plots, notes, explain)
    if not options.quiet:
        shown = options.tables or (frozenset(SECTIONS) if options.full
                                   else frozenset({"summary"}))
        print_tables([t for t in tables if t.section in shown], console)
    console.file.flush()  # the notes on stderr come after the tables, not inside them
    for note in notes:
        errors.print(f"[bold yellow]note:[/] {escape(note)}", soft_wrap=True)
    console.print(f"wrote {out / files.REPORT_MD}, {out / files.REPORT_HTML}"
                  + (f", {out / 'explain.html'} and {len(plots)} figures in "
                     f"{out / files.PLOTS}" if plots else ""), soft_wrap=True)
    if not (options.quiet or options.full or options.tables):
        console.print("every table: add --full (or --tables LIST); for a paper: "
                      "--format latex|csv|md", soft_wrap=True)
    return EXIT_OK
