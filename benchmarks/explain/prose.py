"""The sentences between the tables of ``updatebench explain``: the derivation, with this
problem's numbers filled in. Plain text with rich markup."""

from __future__ import annotations

import numpy as np

from benchmarks.explain import descent
from benchmarks.explain.figures import parameter_names
from benchmarks.explain.worked import Explanation
from benchmarks.report.figures import Plot


def num(value: float) -> str:
    return f"{value:.4g}"


def intro(e: Explanation) -> str:
    p = e.problem
    theta = ", ".join(f"{n} = {num(v)}" for n, v in list(zip(parameter_names(p.d), e.theta,
                                                               strict=True))[:6])
    source = p.describe().get("data_path")
    return (f"\n[bold]Why the update rule works[/], worked out on the {p.name} problem"
            f"{f' ({source})' if source else ''}: N = {p.n} points, d = {p.d} feature"
            f"{'s' if p.d > 1 else ''}, {p.dtype}, η = {num(p.eta)}.\n"
            "A sigmoid neuron predicts f = σ(z) with z = w·x + b, and the loss is "
            "L(θ) = Σ ½(f_i − y_i)² over the points, θ = (w, b).\n"
            f"We stand at θ = ({theta}{', …' if p.d > 5 else ''}), where L(θ) = "
            f"{num(e.loss)} and ‖∇L‖ = {num(float(np.linalg.norm(e.gradient)))}.\n")


def chain(e: Explanation) -> str:
    return ("[bold]Step 1.[/] The chain rule takes the derivative through each link: "
            "∂L/∂f_i = f_i − y_i, ∂f_i/∂z_i = σ'(z_i) = f_i(1 − f_i), ∂z_i/∂w = x_i and "
            "∂z_i/∂b = 1. So\n  ∂L/∂w = Σ (f_i − y_i)·f_i(1 − f_i)·x_i    and    "
            "∂L/∂b = Σ (f_i − y_i)·f_i(1 − f_i).\nEach row below is one point's share; the "
            "last row adds them up, and every implementation must return that sum.")


def taylor(e: Explanation) -> str:
    g2 = float(e.gradient @ e.gradient)
    return ("\n[bold]Step 2.[/] Why step along −∇L? Taylor: L(θ + ηu) ≈ L(θ) + η uᵀ∇L(θ) "
            "for small η. With u = −∇L the change is −η‖∇L‖², negative whenever ∇L ≠ 0 "
            f"(here ‖∇L‖² = {num(g2)}). The next term, ½η² ∇Lᵀ H ∇L with the exact Hessian "
            "H, says how far that holds: the first-order error shrinks as η² (each halving "
            "of η divides it by 4) and the second-order error as η³ (by 8), until η is so "
            "large that neither picture holds.")


def angle(e: Explanation) -> str:
    return ("\n[bold]Step 3.[/] Among all directions u of one length s, the first-order "
            "change s‖∇L‖cos β (β the angle between u and ∇L) is lowest at cos β = −1, "
            "β = 180°: straight against the gradient. Steepest descent, measured: the "
            f"lowest actual change below is at β = {e.angles.best_beta:.0f}°.")


def paths(e: Explanation) -> str:
    small, good, large = e.paths
    text = ("\n[bold]Step 4.[/] Hence θ ← θ − η∇L, repeated. η sets the step: "
            f"η = {num(small.eta)} {descent.behaviour(small)}; η = {num(good.eta)} "
            f"{descent.behaviour(good)}; η = {num(large.eta)} overshoots where the valley "
            f"curves (beyond 2/λ_max of the Hessian) and {descent.behaviour(large)}.")
    return text + bound(e)


def bound(e: Explanation) -> str:
    """Which η are safe before any run, from the Taylor remainder and a curvature bound."""
    b = e.bound
    if b is None:
        return ""
    return ("\nBefore any run, the remainder of Step 2's expansion says which η are safe: "
            f"ℓ″(z) = σ′² + (σ − y)σ″ never exceeds c = {b.curvature:.4f} for any z and y in "
            f"[0, 1], so the Hessian is at most L = c·λ_max([X 1]ᵀ[X 1]) = {b.curvature:.4f} × "
            f"{num(b.lambda_max)} = {num(b.smoothness)} anywhere, and L(θ − η∇L) ≤ L(θ) − "
            f"η(1 − ηL/2)‖∇L‖². So η ≤ 1/L = {num(b.eta_descent)} lowers the loss by at least "
            f"η/2·‖∇L‖² at every step, and any η < 2/L = {num(b.eta_stable)} still lowers it; "
            "above 2/L nothing is promised. The three runs: "
            + "; ".join(f"η = {num(p.eta)} {descent.against_bound(b, p.eta)}"
                        for p in e.paths) + ".")


def outro(e: Explanation, drawn: list[Plot]) -> str:
    lines = [f"[yellow]note:[/] {n}" for n in e.notes]
    lines += [f"figure: {d.png} (and .svg) — {d.title}" for d in drawn]
    return "\n" + "\n".join(lines)
