"""``updatebench compare RUN_A RUN_B``: per configuration, B/A with a drift-aware test.

Significance comes from the variation between processes and between runs, never from
rounds treated as independent samples (``benchmarks.report.change`` says how); by default
each implementation is compared through its ratio to a reference implementation measured in
the same rounds of the same run, so a machine slower in one run than in the other does not
show as a change. ``--fail-above PCT`` turns a significant slowdown beyond PCT percent (or a
configuration that stopped working) into exit status 1, for CI. Imports stay light: pandas
loads only when the command runs.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.errors import UsageError
from benchmarks.report.change import (
    ALPHA,
    REFERENCE,
    THRESHOLD,
    change_text,
    compare_frames,
    geometric_mean,
    regressions,
)

if TYPE_CHECKING:  # annotations only: the parser must not import pandas
    import pandas as pd

    from benchmarks.report.tables import Table
    from benchmarks.store.runs import Run

EXIT_REGRESSION = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", metavar="RUN_A", help="the reference: run folder or "
                        "pytest-benchmark JSON")
    parser.add_argument("b", metavar="RUN_B", help="the run compared with it")
    parser.add_argument("--alpha", type=_probability, default=ALPHA,
                        help=f"significance level of the two-sided test (default {ALPHA})")
    parser.add_argument("--threshold", type=_percent, default=100 * THRESHOLD, metavar="PCT",
                        help="smallest change reported, however significant (default "
                        f"{100 * THRESHOLD:g} percent)")
    parser.add_argument("--reference", default=REFERENCE, metavar="NAME",
                        help="implementation each is normalised by, measured in the same "
                        f"rounds of the same run (default {REFERENCE})")
    parser.add_argument("--absolute", action="store_true",
                        help="compare absolute times: no normalisation by the reference")
    parser.add_argument("--fail-above", type=_percent, metavar="PCT",
                        help="exit with status 1 if a configuration is significantly slower by "
                        "more than PCT percent, or stopped working (for CI)")
    parser.add_argument("--markdown", metavar="FILE", help="also write the comparison as "
                        "Markdown to FILE")
    parser.add_argument("--changes-only", action="store_true",
                        help="list only significant changes and status changes")


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"alpha must lie between 0 and 1, got {text}")
    return value


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"a percentage must be ≥ 0, got {text}")
    return value


def differences(a: Run, b: Run) -> list[str]:
    """What about the two runs' machines and settings makes their times hard to compare."""
    out = []
    ma, mb = a.machine, b.machine
    for key, label in (("host", "host"), ("cpu_model", "CPU"), ("cores_logical", "cores"),
                       ("python", "Python"), ("gpus", "GPU")):
        if ma.get(key) and mb.get(key) and ma.get(key) != mb.get(key):
            out.append(f"{label}: {ma.get(key)} vs {mb.get(key)}")
    va, vb = ma.get("versions") or {}, mb.get("versions") or {}
    changed = [f"{k} {va.get(k)} → {vb.get(k)}" for k in sorted(set(va) | set(vb))
               if va.get(k) != vb.get(k) and (va.get(k) or vb.get(k))]
    if changed and va and vb:
        out.append("versions: " + ", ".join(changed))
    ta, tb = a.threads_used(), b.threads_used()
    keys = ("requested", "threadpools", "xla_flags", "torch_threads")
    thread_changes = sorted(
        impl for impl in set(ta) & set(tb)
        if isinstance(ta[impl], dict) and isinstance(tb[impl], dict)
        and any(ta[impl].get(k) != tb[impl].get(k) for k in keys))
    if thread_changes:
        out.append("thread settings (threads, thread pools, XLA flags) of "
                   + ", ".join(thread_changes))
    oa, ob = a.metadata.get("options") or {}, b.metadata.get("options") or {}
    if oa.get("threads") and ob.get("threads") and oa.get("threads") != ob.get("threads"):
        out.append(f"--threads: {oa.get('threads')} vs {ob.get('threads')}")
    sa, sb = a.metadata.get("settings"), b.metadata.get("settings")
    if sa and sb and sa != sb:
        out.append("timing settings (--quick or not): "
                   + ", ".join(f"{k} {sa.get(k)} vs {sb.get(k)}" for k in sorted(set(sa) | set(sb))
                               if sa.get(k) != sb.get(k)))
    return out


def table(result: pd.DataFrame, alpha: float, changes_only: bool) -> Table:
    from benchmarks.report.tables import Cell, Table, seconds, size_text

    varying = [k for k in ("d", "dtype", "device", "threads") if result[k].nunique() > 1]
    shown = result
    if changes_only:
        shown = result[~result["verdict"].isin(["same", "untestable", "reference"])]
    normalised = bool(result.attrs.get("normalised"))
    what = ("ratio to the reference in the same rounds" if normalised else "median time")
    out = Table("compare", f"B/A per configuration ({what}; noise from the spread between "
                f"processes and between runs, two-sided, α = {alpha:g})",
                ["implementation", "operation", "size", *varying, "A", "B", "B/A", "p",
                 "change"], slug="compare",
                caption="> 1: B is slower; not significant: within the noise or below the "
                "threshold; ?: no noise estimate (one process a side, few configurations)")
    kinds = {"slower": "slower", "faster": "faster", "broken": "fail", "fixed": "good",
             "failed": "status", "same": "muted", "untestable": "muted", "reference": "muted"}
    for _, r in shown.iterrows():
        op = f"train ({r['steps_key']} steps)" if r["op"] == "train" else r["op"]
        cells = [Cell(r["impl"]), Cell(op), Cell(size_text(r["problem"], int(r["n"])))]
        cells += [Cell(f"d={r[k]}" if k == "d" else f"t{r[k]}" if k == "threads" else
                       str(r[k])) for k in varying]
        for side in ("a", "b"):
            status = r[f"status_{side}"]
            cells.append(Cell(seconds(r[f"median_{side}"]), r[f"median_{side}"]) if status == "ok"
                         else Cell(status, kind="status"))
        ratio, p = r["ratio"], r["p"]
        cells.append(Cell("" if math.isnan(ratio) else f"{ratio:.3f}",
                          None if math.isnan(ratio) else ratio))
        cells.append(Cell("" if math.isnan(p) else f"{p:.2g}", None if math.isnan(p) else p))
        cells.append(Cell(r["text"], kind=kinds.get(r["verdict"], "")))
        out.rows.append(cells)
    return out


def summary(result: pd.DataFrame) -> str:
    both = result[result["ratio"].notna() & (result["verdict"] != "reference")]
    counts = result["verdict"].value_counts()
    parts = [f"{counts.get(v, 0)} {label}" for v, label in (
        ("slower", "slower"), ("faster", "faster"), ("same", "not significant"),
        ("untestable", "untestable"), ("reference", "reference"), ("broken", "broken"),
        ("fixed", "fixed"), ("failed", "not ok in both (skipped or failed)"))
        if counts.get(v, 0)]
    mean = geometric_mean(both["ratio"])
    mode = "drift-normalised " if result.attrs.get("normalised") else ""
    text = (f"geometric mean of {mode}B/A over {len(both)} configurations: "
            f"{mean:.3f} ({change_text(mean)})" if len(both) else "no configuration ran in both")
    significant = both[both["verdict"].isin(["slower", "faster"])]
    if len(significant):
        sig = geometric_mean(significant["ratio"])
        text += f"; over the {len(significant)} significant changes: {sig:.3f}"
    return text + "; " + ", ".join(parts)


def warn(run_a: Run, run_b: Run, result: pd.DataFrame, reference: str | None) -> list[str]:
    """The loud warnings: machines or settings differ; say so before the table."""
    from rich.markup import escape

    from benchmarks.report.console import errors

    differ = differences(run_a, run_b)
    if result.attrs.get("threads_differ"):
        differ.append("the runs used different thread counts: configurations are matched "
                      "without them, so B/A includes the effect of the threads")
    if differ:
        errors.print("[bold white on red] WARNING [/] [bold red]the two runs differ in "
                     "machine or settings; their times may not be comparable:[/]", soft_wrap=True)
        for line in differ:
            errors.print(f"[red]  - {escape(line)}[/]", soft_wrap=True)
    if reference and not result.attrs.get("normalised"):
        errors.print(f"[bold yellow]note:[/] {escape(reference)} is not in both runs: absolute "
                     "times are compared, so a drift of the machine shows as a change",
                     soft_wrap=True)
    for label, each in (("A", run_a), ("B", run_b)):
        for note in each.notes:
            if not note.startswith("no memory-bandwidth"):
                errors.print(f"[bold yellow]note:[/] {label} ({escape(str(each.path))}): "
                             f"{escape(note)}", soft_wrap=True)
    return differ


def run(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from benchmarks.report.console import console, errors
    from benchmarks.report.render import markdown_table, rich_table
    from benchmarks.store.runs import read_all

    run_a, run_b = read_all([args.a, args.b])  # the same run twice: refused, as by report
    run_a.label, run_b.label = "A", "B"
    reference = None if args.absolute else args.reference
    result = compare_frames(run_a.frame, run_b.frame, args.alpha, args.threshold / 100,
                            reference)
    if result.empty:
        raise UsageError(f"{args.a} and {args.b} have no configuration in common "
                         "(implementation, operation, size, d, dtype, device, steps)")
    differ = warn(run_a, run_b, result, reference)
    only_a = len(run_a.frame) - len(result)
    only_b = len(run_b.frame) - len(result)
    console.print(f"A = {run_a.path} ({run_a.host})\nB = {run_b.path} ({run_b.host})",
                  soft_wrap=True)
    shown = table(result, args.alpha, args.changes_only)
    console.print(rich_table(shown))
    text = summary(result)
    if only_a or only_b:
        text += f"; not compared: {only_a} configurations only in A, {only_b} only in B"
    console.print(text, soft_wrap=True)
    if args.markdown:
        path = Path(args.markdown)
        warning = "".join(f"> **Warning:** {line}\n" for line in differ)
        try:
            path.write_text(f"A = `{run_a.path}`, B = `{run_b.path}`\n\n{warning}\n"
                            f"{markdown_table(shown)}\n{text}\n", encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    if args.fail_above is not None:
        bad = regressions(result, args.fail_above)
        if len(bad):
            for _, r in bad.iterrows():
                errors.print(f"[bold red]regression:[/] {r['impl']} {r['op']} "
                             f"N={int(r['n'])} d={int(r['d'])} {r['dtype']} {r['device']}: "
                             f"{escape(r['text'])}", soft_wrap=True)
            errors.print(f"[bold red]{len(bad)} configuration(s) beyond --fail-above "
                         f"{args.fail_above:g}%[/]", soft_wrap=True)
            return EXIT_REGRESSION
    return 0
