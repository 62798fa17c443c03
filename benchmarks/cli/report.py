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
from benchmarks.report.cells import SECTIONS
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
    tables: frozenset[str] | None = None  # the sections shown in the terminal; None: all
    no_plots: bool = False
    quiet: bool = False


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
                        help="Show these sections in the terminal, comma-separated, among "
                        f"{', '.join(SECTIONS)} (default all; the files always have all).")
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
                         no_plots=namespace.no_plots, quiet=namespace.quiet)


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


def explain_section(folder: Path) -> str:
    """The update rule worked out on the five-point problem (``updatebench explain``'s figures
    and tables) for the HTML report; NumPy only, so it adds a second or two, not a framework."""
    from benchmarks.explain.html import report_section
    from impls.problem import five_point

    return report_section(five_point(), folder / "explain", ["numpy-manual"])


def run(options: ReportOptions) -> int:
    from rich.markup import escape

    from benchmarks.report import files
    from benchmarks.report.console import console, errors
    from benchmarks.report.contents import build
    from benchmarks.report.grid import Grid
    from benchmarks.report.render import print_tables
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
    tables = build(grid)
    notes = files.report_notes(runs, baseline)
    plots = []
    if not options.no_plots:
        with console.status("drawing figures"):
            plots = files.draw_figures(grid, out / files.PLOTS)
    explain = explain_section(out / files.PLOTS) if plots else ""
    files.write_files(out, runs, tables, plots, notes, explain)
    if not options.quiet:
        print_tables([t for t in tables if options.tables is None or t.section in options.tables],
                     console)
    console.file.flush()  # the notes on stderr come after the tables, not inside them
    for note in notes:
        errors.print(f"[bold yellow]note:[/] {escape(note)}", soft_wrap=True)
    console.print(f"wrote {out / files.REPORT_MD}, {out / files.REPORT_HTML}"
                  + (f" and {len(plots)} figures in {out / files.PLOTS}" if plots else ""),
                  soft_wrap=True)
    return EXIT_OK
