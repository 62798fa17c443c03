"""The explanation's figures: chain rule, Taylor expansion and angle sweep.

Drawn and saved with the report's figure layer (``report.figures``): the same record, sizes,
fonts and files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.explain.worked import Explanation
from benchmarks.report.figures import (
    HEIGHT,
    TITLE_SIZE,
    Plot,
    axes_legend,
    new_figure,
    save,
    titles,
)

SECTION = "explain"
BAR_POINTS = 40  # up to this many data points get one bar each
LABELS = {"too small": "#2ca02c", "good": "#1f77b4", "too large": "#d62728"}
IMPL_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def parameter_names(d: int) -> list[str]:
    return ["w" if d == 1 else f"w_{k + 1}" for k in range(d)] + ["b"]


def chain_figure(e: Explanation, folder: Path) -> Plot:
    """Each point's share of ∂L/∂θ_k and the running sum that ends at the gradient."""
    names = parameter_names(e.problem.d)
    shown = list(range(len(names))) if len(names) <= 4 else [0, len(names) - 1]
    fig = new_figure(height=3.2 * len(shown) if len(shown) > 2 else HEIGHT)
    axes = fig.subplots(len(shown), 1, squeeze=False, sharex=True)[:, 0]
    n = e.chain.z.size
    index = np.arange(1, n + 1)
    for ax, k in zip(axes, shown, strict=True):
        share = e.chain.contributions[:, k]
        if n <= BAR_POINTS:
            ax.bar(index, share, color="#9ecae1", label="point i's share (f−y)·f(1−f)·"
                   + (f"x_{names[k][2:]}" if names[k].startswith("w_") else
                      "x" if names[k] == "w" else "1"))
        ax.step(index, np.cumsum(share), where="mid", color="#08519c",
                label="running sum over points")
        ax.axhline(e.gradient[k], color="#d62728", linestyle="--",
                   label=f"∂L/∂{names[k]} = {e.gradient[k]:.6g}")
        ax.axhline(0.0, color="#999999", linewidth=0.8)
        ax.set_ylabel(f"∂L/∂{names[k]}")
        axes_legend(ax)
    axes[-1].set_xlabel("data point i")
    axes[0].set_title("Chain rule: each point's contribution sums to the gradient",
                      fontsize=TITLE_SIZE)
    return save(fig, folder, "explain-chain-rule", "Chain rule, point by point",
                "Bars: each data point's share of the gradient; line: their running sum, "
                "which ends on the gradient (dashed).", SECTION)


def taylor_figure(e: Explanation, folder: Path) -> Plot:
    eta = np.array([r.eta for r in e.taylor])
    actual = np.array([r.actual for r in e.taylor])
    first = np.array([r.first for r in e.taylor])
    second = np.array([r.second for r in e.taylor])
    fig = new_figure(10.0, 4.5)
    left, right = fig.subplots(1, 2)
    left.plot(eta, actual / eta, "o-", color="black", label="actual  [L(θ−η∇L) − L(θ)] / η")
    left.plot(eta, first / eta, "--", color="#1f77b4", label="first order  −‖∇L‖²")
    left.plot(eta, second / eta, ":", color="#d62728", linewidth=2,
              label="second order  −‖∇L‖² + ½η ∇Lᵀ H ∇L")
    left.axvline(e.problem.eta, color="#999999", linewidth=0.8)
    left.set_xscale("log", base=2)
    annotate(left, "learning rate η (grey: the problem's η)", "loss change per unit η",
             "Loss change of one step, per unit η")
    for label, errors, color, power in (("first order", [r.first_error for r in e.taylor],
                                         "#1f77b4", 2),
                                        ("second order", [r.second_error for r in e.taylor],
                                         "#d62728", 3)):
        errors = np.array(errors)
        ok = errors > 0
        right.plot(eta[ok], errors[ok], "o-", color=color, label=f"|actual − {label}|")
        anchor = int(np.argmax(ok)) + len(eta) // 3
        anchor = min(anchor, len(eta) - 1)
        if errors[anchor] > 0:
            right.plot(eta, errors[anchor] * (eta / eta[anchor]) ** power, color=color,
                       alpha=0.35, linewidth=4, label=f"slope η{'²' if power == 2 else '³'}")
    right.set_xscale("log", base=2)
    right.set_yscale("log")
    annotate(right, "learning rate η", "prediction error of the loss change",
             "Errors shrink as η² and η³")
    return save(fig, folder, "explain-taylor", "Taylor expansion of one step",
                "Left: the actual loss change of a step θ − η∇L beside the first- and "
                "second-order predictions; right: their errors against η on log axes, with "
                "η² and η³ slopes.", SECTION)


def annotate(ax: Any, xlabel: str, ylabel: str, title: str) -> None:
    """Axis labels, title and the small legend every explain figure uses."""
    titles(ax, title, xlabel, ylabel)
    axes_legend(ax)


def angle_figure(e: Explanation, folder: Path) -> Plot:
    a = e.angles
    fig = new_figure()
    ax = fig.subplots()
    ax.plot(a.betas_deg, a.actual, color="black", label="actual  L(θ + s·u(β)) − L(θ)")
    ax.plot(a.betas_deg, a.first, "--", color="#1f77b4", label="first order  s‖∇L‖ cos β")
    ax.axvline(180.0, color="#d62728", linewidth=0.8, label="β = 180°: u = −∇L/‖∇L‖")
    best = a.best_beta
    ax.plot([best], [float(np.min(a.actual))], "v", color="#d62728", markersize=9,
            label=f"lowest actual change, β = {best:.0f}°")
    ax.axhline(0.0, color="#999999", linewidth=0.8)
    ax.set_xticks(np.arange(0, 361, 45))
    ax.set_xlim(0, 360)
    annotate(ax, "angle β between the step direction u and ∇L (degrees)", "loss change",
             f"Steps of length s = η‖∇L‖ = {a.step_length:.3g} in every direction")
    return save(fig, folder, "explain-angle", "The angle argument",
                "Loss change after a step of fixed length at angle β to the gradient: "
                "largest along ∇L (0°), smallest against it (180°).", SECTION)
