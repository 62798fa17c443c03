"""``updatebench compare RUN_A RUN_B``: per configuration, B/A with a drift-aware test.

``--fail-above PCT`` turns a significant slowdown beyond PCT percent (or a configuration that
stopped working) into exit status 1, for CI. The comparison itself is
``benchmarks.report.change`` and ``benchmarks.report.compare``; this module prints it.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.cli.command import EXIT_FAILED, EXIT_OK, from_namespace, load_plugins
from benchmarks.errors import UsageError
from benchmarks.report.change import ALPHA, REFERENCE, THRESHOLD

if TYPE_CHECKING:  # annotations only: the parser must not import pandas
    import pandas as pd

    from benchmarks.store.runs import Run

NAME = "compare"
HELP = "Compare two runs side by side, configuration by configuration, with significance."
EXIT_REGRESSION = EXIT_FAILED


@dataclass(frozen=True)
class CompareOptions:
    a: str
    b: str
    alpha: float = ALPHA
    threshold: float = 100 * THRESHOLD  # percent
    reference: str = REFERENCE
    absolute: bool = False
    fail_above: float | None = None  # percent
    markdown: str | None = None
    changes_only: bool = False


def probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"alpha must lie between 0 and 1, got {text}")
    return value


def percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"a percentage must be ≥ 0, got {text}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", metavar="RUN_A", help="Compare against this run, the reference: "
                        "a run folder or a pytest-benchmark JSON file.")
    parser.add_argument("b", metavar="RUN_B", help="Compare this run with RUN_A.")
    parser.add_argument("--alpha", type=probability, default=ALPHA,
                        help=f"Test at this significance level, two-sided (default {ALPHA}).")
    parser.add_argument("--threshold", type=percent, default=100 * THRESHOLD, metavar="PCT",
                        help="Report no change smaller than PCT percent, however significant "
                        f"(default {100 * THRESHOLD:g} percent).")
    parser.add_argument("--reference", default=REFERENCE, metavar="NAME",
                        help="Normalise each implementation by this one, measured in the same "
                        f"rounds of the same run (default {REFERENCE}).")
    parser.add_argument("--absolute", action="store_true",
                        help="Compare absolute times, without normalising by the reference.")
    parser.add_argument("--fail-above", type=percent, metavar="PCT",
                        help="Exit with status 1 if a configuration is significantly slower by "
                        "more than PCT percent, or stopped working (for CI).")
    parser.add_argument("--markdown", metavar="FILE",
                        help="Also write the comparison as Markdown to FILE.")
    parser.add_argument("--changes-only", action="store_true",
                        help="List only significant changes and changes of status.")


def options_from(namespace: argparse.Namespace) -> CompareOptions:
    load_plugins(namespace.plugin)
    return from_namespace(CompareOptions, namespace)


def warn(run_a: Run, run_b: Run, differ: list[str], normalised: bool,
         reference: str | None) -> None:
    """The loud warnings (machines or settings differ) and the runs' notes, before the table."""
    from rich.markup import escape

    from benchmarks.report.console import errors

    if differ:
        errors.print("[bold white on red] WARNING [/] [bold red]the two runs differ in "
                     "machine or settings; their times may not be comparable:[/]", soft_wrap=True)
        for line in differ:
            errors.print(f"[red]  - {escape(line)}[/]", soft_wrap=True)
    if reference and not normalised:
        errors.print(f"[bold yellow]note:[/] {escape(reference)} is not in both runs: absolute "
                     "times are compared, so a drift of the machine shows as a change",
                     soft_wrap=True)
    for label, each in (("A", run_a), ("B", run_b)):
        for note in each.notes:
            if not note.startswith("no memory-bandwidth"):
                errors.print(f"[bold yellow]note:[/] {label} ({escape(str(each.path))}): "
                             f"{escape(note)}", soft_wrap=True)


def failed(result: pd.DataFrame, fail_above: float) -> bool:
    """Whether a configuration regressed beyond ``fail_above`` percent; each is said."""
    from rich.markup import escape

    from benchmarks.report.change import regressions
    from benchmarks.report.console import errors

    bad = regressions(result, fail_above)
    for _, r in bad.iterrows():
        errors.print(f"[bold red]regression:[/] {r['impl']} {r['op']} "
                     f"N={int(r['n'])} d={int(r['d'])} {r['dtype']} {r['device']}: "
                     f"{escape(r['text'])}", soft_wrap=True)
    if len(bad):
        errors.print(f"[bold red]{len(bad)} configuration(s) beyond --fail-above "
                     f"{fail_above:g}%[/]", soft_wrap=True)
    return bool(len(bad))


def comparison(options: CompareOptions) -> tuple[Run, Run, pd.DataFrame, list[str]]:
    """Runs A and B, their comparison (``change.compare_frames``) and why their times may not
    be comparable; two runs with no configuration in common are refused in one line."""
    from benchmarks.report import compare
    from benchmarks.report.change import compare_frames
    from benchmarks.store.runs import read_all

    run_a, run_b = read_all([options.a, options.b])  # the same run twice: refused, as by report
    run_a.label, run_b.label = "A", "B"
    reference = None if options.absolute else options.reference
    result = compare_frames(run_a.frame, run_b.frame, options.alpha, options.threshold / 100,
                            reference)
    if result.empty:
        raise UsageError(f"{options.a} and {options.b} have no configuration in common "
                         "(implementation, operation, size, d, dtype, device, steps)")
    return run_a, run_b, result, compare.caveats(run_a, run_b, result)


def run(options: CompareOptions) -> int:
    from benchmarks.report import compare
    from benchmarks.report.console import console
    from benchmarks.report.render import rich_table

    run_a, run_b, result, differ = comparison(options)
    reference = None if options.absolute else options.reference
    warn(run_a, run_b, differ, bool(result.attrs.get("normalised")), reference)
    console.print(f"A = {run_a.path} ({run_a.host})\nB = {run_b.path} ({run_b.host})",
                  soft_wrap=True)
    shown = compare.table(result, options.alpha, options.changes_only)
    console.print(rich_table(shown))
    text = compare.summary(result)
    only_a, only_b = len(run_a.frame) - len(result), len(run_b.frame) - len(result)
    if only_a or only_b:
        text += f"; not compared: {only_a} configurations only in A, {only_b} only in B"
    console.print(text, soft_wrap=True)
    note = compare.inconclusive_note(result)
    if note:
        console.print(f"[bold yellow]inconclusive:[/] {note}", soft_wrap=True)
        text += f"\n\n{note}"
    if options.markdown:
        path = Path(options.markdown)
        try:
            path.write_text(compare.markdown_text(run_a, run_b, differ, shown, text),
                            encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    if options.fail_above is not None and failed(result, options.fail_above):
        return EXIT_REGRESSION
    return EXIT_OK
