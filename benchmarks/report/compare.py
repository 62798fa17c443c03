"""Two runs side by side: B/A per configuration, with a drift-aware test, as a table.

Significance comes from the variation between processes and between runs, never from
rounds treated as independent samples (``benchmarks.report.change`` says how); by default
each implementation is compared through its ratio to a reference implementation measured in
the same rounds of the same run, so a machine slower in one run than in the other does not
show as a change. ``updatebench compare`` (``benchmarks.cli.compare``) prints what these
functions return. Imports stay light: pandas loads only when they run.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from benchmarks.report.change import change_text, geometric_mean
from benchmarks.store.record import UNTRUSTED

if TYPE_CHECKING:  # annotations only: the parser must not import pandas
    import pandas as pd

    from benchmarks.report.cells import Table
    from benchmarks.store.runs import Run


QUIET = ("same", "untestable", "reference", "inconclusive")  # left out by --changes-only
KINDS = {"slower": "slower", "faster": "faster", "broken": "fail", "fixed": "good",
         "failed": "status", "same": "muted", "untestable": "muted", "reference": "muted",
         "inconclusive": "muted"}


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
        counts = [",".join(map(str, o["threads"])) if isinstance(o["threads"], list)
                  else str(o["threads"]) for o in (oa, ob)]
        out.append(f"--threads: {counts[0]} vs {counts[1]}")
    sa, sb = a.metadata.get("settings"), b.metadata.get("settings")
    if sa and sb and sa != sb:
        out.append("timing settings (--quick or not): "
                   + ", ".join(f"{k} {sa.get(k)} vs {sb.get(k)}" for k in sorted(set(sa) | set(sb))
                               if sa.get(k) != sb.get(k)))
    return out


def table(result: pd.DataFrame, alpha: float, changes_only: bool) -> Table:
    """The comparison as a table: A and B are the values compared (times, or ratios to the
    reference in the same rounds) and B/A is their ratio."""
    from benchmarks.report.cells import Cell, Table
    from benchmarks.report.change import MIN_PROCESSES
    from benchmarks.report.format import seconds, size_text

    varying = [k for k in ("d", "dtype", "device", "threads") if result[k].nunique() > 1]
    shown = result
    if changes_only:
        shown = result[~result["verdict"].isin(QUIET)]
    reference = result.attrs.get("reference")
    what = (f"ratio to {reference} in the same rounds" if reference else "time per call")
    columns = [f"A ÷ {reference}", f"B ÷ {reference}"] if reference else ["A", "B"]
    out = Table("compare", f"B/A per configuration (A, B: {what}, the median over processes "
                f"of each process's mode; noise from the spread between processes and between "
                f"runs, Student's t, two-sided, α = {alpha:g})",
                ["implementation", "operation", "size", *varying, *columns, "B/A", "p",
                 "change"], slug="compare",
                caption=f"> 1: B is slower; not significant: within the noise or below the "
                f"threshold; inconclusive: fewer than {MIN_PROCESSES} processes on a side, "
                "so nothing says how much processes differ; bimodal: the rounds fall into "
                "two clusters")
    for _, r in shown.iterrows():
        op = f"train ({r['steps_key']} steps)" if r["op"] == "train" else r["op"]
        cells = [Cell(r["impl"]), Cell(op), Cell(size_text(r["problem"], int(r["n"])))]
        cells += [Cell(f"d={r[k]}" if k == "d" else f"t{r[k]}" if k == "threads" else
                       str(r[k])) for k in varying]
        for side in ("a", "b"):
            status, value = r[f"status_{side}"], r[f"value_{side}"]
            if status != "ok":
                cells.append(Cell(status, kind="fail" if status in UNTRUSTED else "status"))
            elif math.isnan(value):
                cells.append(Cell(""))
            else:
                cells.append(Cell(f"{value:.4g}" if reference else seconds(value), value))
        ratio, p = r["ratio"], r["p"]
        cells.append(Cell("" if math.isnan(ratio) else f"{ratio:.3f}",
                          None if math.isnan(ratio) else ratio))
        cells.append(Cell("" if math.isnan(p) else f"{p:.2g}", None if math.isnan(p) else p))
        cells.append(Cell(r["text"], kind=KINDS.get(r["verdict"], "")))
        out.rows.append(cells)
    return out


def summary(result: pd.DataFrame) -> str:
    both = result[result["ratio"].notna() & (result["verdict"] != "reference")]
    counts = result["verdict"].value_counts()
    parts = [f"{counts.get(v, 0)} {label}" for v, label in (
        ("slower", "slower"), ("faster", "faster"), ("same", "not significant"),
        ("inconclusive", "inconclusive"), ("untestable", "untestable"),
        ("reference", "reference"), ("broken", "broken"), ("fixed", "fixed"),
        ("failed", "not ok in both (skipped or failed)"))
        if counts.get(v, 0)]
    mean = geometric_mean(both["ratio"])
    mode = "drift-normalised " if result.attrs.get("normalised") else ""
    text = (f"geometric mean of {mode}B/A over {len(both)} configurations: "
            f"{mean:.3f} ({change_text(mean)})" if len(both) else "no configuration ran in both")
    significant = both[both["verdict"].isin(["slower", "faster"])]
    if len(significant):
        sig = geometric_mean(significant["ratio"])
        text += f"; over the {len(significant)} significant changes: {sig:.3f}"
    bimodal = int((result["bimodal_a"].notna() | result["bimodal_b"].notna()).sum()
                  ) if "bimodal_a" in result else 0
    if bimodal:
        parts.append(f"{bimodal} with bimodal rounds")
    return text + "; " + ", ".join(parts)


def inconclusive_note(result: pd.DataFrame) -> str | None:
    """What to run when configurations were measured in too few processes to be tested."""
    from benchmarks.report.change import MIN_PROCESSES

    few = int((result["verdict"] == "inconclusive").sum())
    if not few:
        return None
    return (f"{few} configuration(s) were measured in fewer than {MIN_PROCESSES} processes on "
            "a side, so no change is claimed for them: rounds of one process cannot say how "
            f"much processes differ; sweep both runs with --processes {MIN_PROCESSES} or more "
            "(--quick sweeps use one)")


def caveats(run_a: Run, run_b: Run, result: pd.DataFrame) -> list[str]:
    """Why the two runs' times may not be comparable: machines, settings, thread counts."""
    differ = differences(run_a, run_b)
    if result.attrs.get("threads_differ"):
        differ.append("the runs used different thread counts: configurations are matched "
                      "without them, so B/A includes the effect of the threads")
    return differ


def markdown_text(run_a: Run, run_b: Run, differ: list[str], shown: Table, text: str) -> str:
    """The comparison as Markdown: the two runs, the warnings, the table and its summary."""
    from benchmarks.report.render import markdown_table

    warning = "".join(f"> **Warning:** {line}\n" for line in differ)
    return (f"A = `{run_a.path}`, B = `{run_b.path}`\n\n{warning}\n"
            f"{markdown_table(shown)}\n{text}\n")
