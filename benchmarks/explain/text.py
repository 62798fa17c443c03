"""The explanation as a worked example in the terminal: prose, then the numbers in tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.console import Console
from rich.table import Table

from benchmarks.explain import descent, taylor
from benchmarks.explain.figures import parameter_names
from benchmarks.explain.worked import Explanation
from benchmarks.report.figures import Plot

SHOWN_POINTS = 10  # chain-rule rows printed; the rest are summed into one row
SHOWN_FEATURES = 3
ANGLE_STEP_DEG = 30


def num(value: float | None) -> str:
    return "—" if value is None or not np.isfinite(value) else f"{value:.6g}"


def vector(values: Sequence[float]) -> str:
    return "(" + ", ".join(num(float(v)) for v in values) + ")"


def table(title: str, columns: Sequence[str]) -> Table:
    t = Table(title=title, title_justify="left", title_style="bold")
    for column in columns:
        t.add_column(column, justify="right")
    return t


def chain_table(e: Explanation) -> Table:
    c, d = e.chain, e.problem.d
    names = parameter_names(d)
    features = list(range(min(d, SHOWN_FEATURES)))
    parts = list(range(d + 1)) if d <= SHOWN_FEATURES else [*features, d]
    shares = [f"∂L_i/∂{names[k]}" for k in parts]
    t = table("The chain rule, point by point",
              ["i", *[("x_i" if d == 1 else f"x_i{k + 1}") for k in features], "y_i", "z_i",
               "f_i = σ(z_i)", "f_i − y_i", "f_i(1 − f_i)", *shares])
    n = c.z.size
    for i in range(min(n, SHOWN_POINTS)):
        t.add_row(str(i + 1), *[num(c.x[i, k]) for k in features], num(c.y[i]), num(c.z[i]),
                  num(c.f[i]), num(c.residual[i]), num(c.slope[i]),
                  *[num(c.contributions[i, k]) for k in parts])
    if n > SHOWN_POINTS:
        rest = c.contributions[SHOWN_POINTS:].sum(axis=0)
        t.add_row(f"{SHOWN_POINTS + 1}…{n}", *[""] * (len(features) + 5),
                  *[num(rest[k]) for k in parts])
    t.add_row("sum", *[""] * (len(features) + 5), *[f"[bold]{num(c.total[k])}[/]" for k in parts],
              end_section=True)
    return t


def implementations_table(e: Explanation) -> Table:
    names = parameter_names(e.problem.d)
    t = table("…beside what each implementation returns",
              ["implementation", "L(θ)", *[f"∂L/∂{n}" for n in names][:SHOWN_FEATURES + 1],
               "max |difference|"])
    t.add_row("chain-rule sum", num(e.loss), *[num(v) for v in e.chain.total[:SHOWN_FEATURES + 1]],
              "")
    for impl in e.implementations:
        if impl.grad is None:
            t.add_row(impl.name, f"[red]{impl.error}[/]", *[""] * (min(len(names),
                                                                       SHOWN_FEATURES + 1) + 1))
            continue
        t.add_row(impl.name, num(impl.loss), *[num(v) for v in impl.grad[:SHOWN_FEATURES + 1]],
                  f"{np.max(np.abs(impl.grad - e.gradient)):.2e}")
    return t


def taylor_table(e: Explanation) -> Table:
    t = table("One step θ − η∇L: the actual loss change and its Taylor predictions",
              ["η", "actual ΔL", "first order −η‖∇L‖²", "second order (+½η²∇LᵀH∇L)",
               "first-order error", "ratio", "second-order error", "ratio"])
    ratios = {r["eta"]: r for r in taylor.order_ratios(e.taylor)}
    for row in e.taylor:
        ratio = ratios.get(row.eta, {})
        mark = " [dim](η of the problem)[/]" if np.isclose(row.eta, e.problem.eta) else ""
        t.add_row(num(row.eta) + mark, num(row.actual), num(row.first), num(row.second),
                  f"{row.first_error:.2e}", num(ratio.get("first")),
                  f"{row.second_error:.2e}", num(ratio.get("second")))
    return t


def angle_table(e: Explanation) -> Table:
    a = e.angles
    t = table(f"Steps of length s = {num(a.step_length)} at angle β to ∇L",
              ["β (degrees)", "cos β", "actual ΔL", "first order s‖∇L‖cos β"])
    for beta in range(0, 361, ANGLE_STEP_DEG):
        i = int(np.argmin(np.abs(a.betas_deg - beta)))
        style = "[bold]" if beta == 180 else ""
        cosine = round(float(np.cos(np.deg2rad(beta))), 12) + 0.0  # no -0 or 6e-17
        t.add_row(f"{style}{beta}", num(cosine), num(a.actual[i]), num(a.first[i]))
    return t


def paths_table(e: Explanation) -> Table:
    names = parameter_names(e.problem.d)
    t = table("Gradient descent from θ0 with three learning rates",
              ["η", "", "the curvature bound", "L(θ0)", "L(θ_k) at the end",
               f"θ_k = {vector_names(names)}", "the loss…"])
    for p in e.paths:
        t.add_row(num(p.eta), p.label, descent.against_bound(e.bound, p.eta),
                  num(p.losses[0]), num(p.losses[-1]),
                  vector(p.thetas[-1][:SHOWN_FEATURES + 1]), descent.behaviour(p))
    return t


def vector_names(names: list[str]) -> str:
    return "(" + ", ".join(names[:SHOWN_FEATURES + 1]) + ")"


def impl_paths_table(e: Explanation) -> Table | None:
    if not e.impl_paths:
        return None
    exact = {p.label: p for p in e.paths}
    t = table("…and each implementation's own steps beside exact descent",
              ["implementation", "η", "", "max |θ_k − exact θ_k| over all k", "final loss"])
    for p in e.impl_paths:
        gap = np.max(np.abs(p.thetas - exact[p.label].thetas))
        t.add_row(p.source, num(p.eta), p.label, f"{gap:.2e}", num(p.losses[-1]))
    return t


def show(e: Explanation, drawn: list[Plot], console: Console) -> None:
    """Prose, then its table, step by step; figures listed at the end."""
    from benchmarks.explain import prose

    steps = [(prose.intro(e), []),
             (prose.chain(e), [chain_table(e), implementations_table(e)]),
             (prose.taylor(e), [taylor_table(e)]),
             (prose.angle(e), [angle_table(e)]),
             (prose.paths(e), [paths_table(e), impl_paths_table(e)]),
             (prose.outro(e, drawn), [])]
    for text, tables in steps:
        console.print(text)
        for part in tables:
            if part is not None:
                console.print(part)
