"""Terminal rendering with rich: the implementation list and the check tables."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from impls.registry import Entry

console = Console(highlight=False, soft_wrap=False, width=160)
errors = Console(stderr=True, highlight=False)


def show_entries(entries: list[Entry]) -> None:
    table = Table(title="Implementations")
    for column in ("name", "method", "framework", "source", "available here"):
        table.add_column(column)
    for e in entries:
        status = "[green]yes[/]" if e.available else f"[red]no[/]: {e.reason}"
        table.add_row(e.name, e.method, e.framework, e.source, status)
    console.print(table)


def _fmt(value: Any, spec: str = ".1e") -> str:
    if value is None:
        return "–"
    return format(value, spec)


def show_check(report: dict[str, Any]) -> None:
    p = report["problem"]
    console.print(f"[bold]check[/] {p['name']}: n={p['n']} d={p['d']} {p['dtype']} "
                  f"η={p['eta']:g}, θ0={p['theta0']}, {report['steps']} training steps; "
                  f"reference {report['reference']['probe']['method']}")
    table = Table(caption="errors are scaled: |g − ∇L| / S (see tolerance rule); "
                  "ρ = |a − b| / max(1, |a| + |b|) as in ADBench")
    for column in ("implementation", "method", "loss err", "grad err", "tolerance", "ρ",
                   "Taylor order", "descent", "step", "train", "final loss", "verdict"):
        table.add_column(column, justify="right" if column not in ("implementation", "method",
                                                                   "verdict") else "left")
    skipped = []
    for r in report["implementations"]:
        if r["status"] == "unavailable":
            skipped.append(f"[yellow]unavailable[/] {r['name']}: {'; '.join(r['failures'])}")
            continue
        if "gradient_at_probe" not in r:
            table.add_row(r["name"], r.get("method", ""), *["–"] * 9,
                          f"[red]{r['status']}[/]: {'; '.join(r['failures'])}")
            continue
        grads = [r[k] for k in ("gradient_at_theta0", "gradient_at_probe")]
        worst = max(grads, key=lambda g: g["error_over_tolerance"])
        taylor = r.get("taylor", {})
        train = r.get("train", {})
        verdict = ("[green]pass[/]" if r["status"] == "pass"
                   else f"[red]{r['status']}[/]: {'; '.join(r['failures'])}")
        table.add_row(
            r["name"], r["method"],
            _fmt(max(g["loss_error"] for g in grads)),
            _fmt(worst["grad_error"]), _fmt(worst["grad_tolerance"]), _fmt(worst["grad_rho"]),
            _fmt(taylor.get("observed_order"), ".2f") if taylor.get("conclusive") else "n/a",
            _ok(r.get("descent", {}).get("passed")), _ok(r.get("step", {}).get("passed")),
            _ok(train.get("passed")), _fmt(train.get("final_loss"), ".3g"), verdict)
    console.print(table)
    for line in skipped:
        console.print(line)
    agree = report["agreement"]["probe"]
    if agree["names"]:
        matrix = Table(title="pairwise gradient differences at the probe point (scaled; "
                       "* = beyond the two tolerances combined)")
        matrix.add_column("")
        for name in agree["names"]:
            matrix.add_column(name, justify="right")
        for name, row, ok in zip(agree["names"], agree["scaled_difference"],
                                 agree["within_tolerance"], strict=True):
            matrix.add_row(name, *[f"{v:.1e}" + ("" if good else "*")
                                   for v, good in zip(row, ok, strict=True)])
        console.print(matrix)
    trajectory = report["reference_trajectory"]
    console.print(f"exact descent: loss {trajectory['losses'][0]:.4g} → "
                  f"{trajectory['losses'][-1]:.4g} after {report['steps']} steps, "
                  f"θ = {[round(t, 4) for t in trajectory['final_theta']]}")
    if any(not r.get("taylor", {"conclusive": True})["conclusive"]
           for r in report["implementations"]):
        console.print("Taylor order n/a: the dtype's round-off or the method's truncation error "
                      "swamps the remainder at every step size; the reference comparison "
                      "decides.")
    verdict = "[green]all implementations pass[/]" if report["passed"] else "[red]FAILED[/]"
    console.print(verdict)


def _ok(flag: bool | None) -> str:
    return "–" if flag is None else ("[green]ok[/]" if flag else "[red]no[/]")


def show_sweep_summary(folder, quiet: bool = False) -> None:
    """The closing table of a sweep: median time per implementation × N, per operation."""
    from benchmarks.report import render, tables
    from benchmarks.store import runs
    from benchmarks.store.errors import UsageError

    try:
        run = runs.read_all([str(folder)])
    except UsageError as error:  # an interrupted run with no rows yet
        console.print(f"no measurements to show: {error}")
        return
    render.print_tables(tables.time_tables(run), console)
    if not quiet:
        show_training(folder)


def show_training(folder) -> None:
    """Training runs in the sweep: time per step, final loss, and whether paths agree."""
    from benchmarks.check import training
    from benchmarks.report.tables import size_text
    from benchmarks.store.load import load_sweep

    rows = load_sweep(folder).to_dict("records")
    records = training.agreement(folder, rows)
    if not records:
        return
    table = Table(title="training runs: same start, same path? (θ_k against "
                  f"{training.BASELINE}, in units of the propagated tolerance)")
    for column in ("implementation", "problem", "steps", "time per step", "initial loss",
                   "final loss", "|Δθ_k| / bound", "matches"):
        table.add_column(column, justify="left" if column in ("implementation", "problem")
                         else "right")
    for r in records:
        unit, scale = time_unit(r["time_per_step_s"])
        problem = size_text(r["problem"], r["n"]) + (f" d={r['d']}" if r["d"] > 1 else "")
        table.add_row(r["impl"], problem, str(r["steps"]),
                      f"{number(r['time_per_step_s'] / scale)} {unit}",
                      f"{r['initial_loss']:.6g}", f"{r['final_loss']:.6g}",
                      f"{r['theta_distance_over_bound']:.2g}", _ok(r["matches"]))
    console.print(table)


def time_unit(seconds: float) -> tuple[str, float]:
    """One unit per table, as pytest-benchmark does: the one that suits the smallest value."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return unit, scale
    return "ns", 1e-9


def number(value: float) -> str:
    """Three significant digits without exponents: 7.92, 20.9, 535, 3,710."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
