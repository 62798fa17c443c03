"""``updatebench report``: tables in the terminal, report.md, report.html and plots/ on disk.

Imports here stay light (the parser is built on every command); pandas and matplotlib load
only when the command runs.
"""

from __future__ import annotations

import argparse
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="RUN",
                        help="run folders made by 'updatebench sweep' and/or pytest-benchmark "
                        "JSON files (several are shown side by side)")
    parser.add_argument("--out", metavar="DIR",
                        help="where report.md, report.html and plots/ go (default: the first "
                        "run folder; for JSON alone, a folder beside it)")
    parser.add_argument("--baseline", metavar="NAME", default=None,
                        help="implementation the speedups and crossovers refer to "
                        "(default numpy-manual)")
    parser.add_argument("--probe-bandwidth", action="store_true",
                        help="measure this machine's memory bandwidth now, for runs made here "
                        "whose metadata lacks it")
    parser.add_argument("--tables", metavar="LIST", default=None,
                        help="sections shown in the terminal, comma-separated, among runs, "
                        "check, time, speedup, ratio, crossover, compile, memory, throughput, "
                        "scaling, training, threads "
                        "(default all; the files always have all)")
    parser.add_argument("--no-plots", action="store_true", help="skip the figures (faster)")
    parser.add_argument("--quiet", action="store_true", help="no tables in the terminal")


def output_folder(args: argparse.Namespace, runs: list[Run]) -> Path:
    if args.out:
        return Path(args.out)
    folders = [r.path for r in runs if r.kind == "sweep"]
    if folders:
        return folders[0]
    first = runs[0].path
    return first.parent / f"{first.stem}-report"


def terminal_sections(text: str | None) -> set[str] | None:
    from benchmarks.report.cells import SECTIONS

    if text is None:
        return None
    chosen = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(chosen - set(SECTIONS))
    if unknown or not chosen:
        raise UsageError(f"unknown --tables section {', '.join(unknown) or repr(text)}: "
                         f"choose from {', '.join(SECTIONS)}")
    return chosen


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


def draw_figures(grid: Grid, folder: Path) -> list[Plot]:
    """The figures, and no stale ones from an earlier report of other runs or options."""
    from benchmarks.report.console import console
    from benchmarks.report.tables import draw

    with console.status("drawing figures"):
        plots = draw(grid, folder)
    drawn = {p.png for p in plots} | {p.svg for p in plots}
    for stale in [*folder.glob("*.png"), *folder.glob("*.svg")]:
        if stale not in drawn:
            stale.unlink()
    return plots


def write_files(out: Path, runs: list[Run], tables: list[Table], plots: list[Plot],
                notes: list[str]) -> None:
    """report.md and report.html: the same tables, notes and figures."""
    from benchmarks.report import html_report, render

    hosts = list(dict.fromkeys(r.label for r in runs))
    title = f"updatebench report: {', '.join(hosts)}"
    sources = [str(r.path) for r in runs]
    (out / REPORT_MD).write_text(render.markdown_document(tables, plots, notes, title, sources),
                                 encoding="utf-8")
    explain = explain_section(out / PLOTS) if plots else ""
    (out / REPORT_HTML).write_text(html_report.document(tables, plots, notes, title, sources,
                                                        explain), encoding="utf-8")


def explain_section(folder: Path) -> str:
    """The update rule worked out on the five-point problem (``updatebench explain``'s figures
    and tables) for the HTML report; NumPy only, so it adds a second or two, not a framework."""
    from benchmarks.explain.html import report_section
    from impls.problem import five_point

    return report_section(five_point(), folder / "explain", ["numpy-manual"])


def run(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from benchmarks.report.console import console, errors
    from benchmarks.report.render import print_tables
    from benchmarks.report.tables import Grid, build
    from benchmarks.store.runs import read_all
    from impls.builtins import BASELINE

    sections = terminal_sections(args.tables)
    runs = read_all(args.inputs)
    baseline = args.baseline or BASELINE
    known = set().union(*(set(r.frame["impl"]) for r in runs))
    if args.baseline and args.baseline not in known:
        raise UsageError(f"--baseline {args.baseline} is not among the implementations "
                         f"measured: {', '.join(sorted(known))}")
    if args.probe_bandwidth:
        apply_probe(runs)
    out = writable(output_folder(args, runs))
    grid = Grid.of(runs, baseline=baseline)
    tables = build(grid)
    notes = [f"{r.label}: {n}" if len(runs) > 1 else n for r in runs for n in r.notes]
    if baseline not in known:
        notes.append(f"{baseline} was not measured: no speedups or crossover sizes")
    plots = [] if args.no_plots else draw_figures(grid, out / PLOTS)
    write_files(out, runs, tables, plots, notes)
    if not args.quiet:
        print_tables([t for t in tables if sections is None or t.section in sections], console)
    console.file.flush()  # the notes on stderr come after the tables, not inside them
    for note in notes:
        errors.print(f"[bold yellow]note:[/] {escape(note)}", soft_wrap=True)
    console.print(f"wrote {out / REPORT_MD}, {out / REPORT_HTML}"
                  + (f" and {len(plots)} figures in {out / PLOTS}" if plots else ""),
                  soft_wrap=True)
    return 0
