"""Descent figures: the loss surface over (w, b) with the paths, and loss against step."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.explain.figures import IMPL_MARKERS, LABELS, SECTION, annotate
from benchmarks.explain.worked import Explanation
from benchmarks.report.figures import Plot, figure_legend, new_figure, save, titles

MARKS = 25  # implementation markers per path


def every(path_len: int, marks: int = MARKS) -> np.ndarray:
    """About ``marks`` indices spread over a path, denser at its start where it moves most."""
    return np.unique(np.round(np.geomspace(1, path_len, marks)).astype(int) - 1)


def label_text(path) -> str:
    return f"η = {path.eta:.3g} ({path.label})"


def contour_figure(e: Explanation, folder: Path) -> Plot | None:
    if e.surface is None:
        return None
    from matplotlib.colors import LogNorm

    s = e.surface
    fig = new_figure(8.0, 7.0)
    ax = fig.subplots()
    low, high = max(float(s.loss.min()), 1e-12), float(s.loss.max())
    levels = np.geomspace(low, high, 22)
    lines = ax.contour(s.w, s.b, np.clip(s.loss, low, high), levels=levels,
                       norm=LogNorm(low, high), cmap="viridis", linewidths=0.9)
    fig.colorbar(lines, ax=ax, label="loss L(w, b) (contours on a log scale)", format="%.0e")
    outside = []
    for path in e.paths:
        color = LABELS.get(path.label, "black")
        ax.plot(path.thetas[:, 0], path.thetas[:, 1], "-", color=color, linewidth=1.4,
                label=label_text(path))
        ax.plot(path.thetas[-1, 0], path.thetas[-1, 1], "o", color=color, markersize=5,
                markeredgecolor="white")
        if not inside(path.thetas, s):
            outside.append(path.label)
    names = sorted({p.source for p in e.impl_paths})
    for path in e.impl_paths:
        marker = IMPL_MARKERS[names.index(path.source) % len(IMPL_MARKERS)]
        idx = every(len(path.thetas), MARKS // 2)
        ax.plot(path.thetas[idx, 0], path.thetas[idx, 1], marker, linestyle="none",
                markerfacecolor="none", color=LABELS.get(path.label, "black"),
                markersize=5 + 3 * names.index(path.source),
                label=f"{path.source} (markers)" if path.label == "good" else None)
    best = min(e.paths, key=lambda p: float(np.nanmin(p.losses)))
    low_theta = best.thetas[int(np.nanargmin(best.losses))]
    ax.plot(*low_theta, "X", color="black", markersize=10, markeredgecolor="white",
            label=f"lowest loss reached, ({low_theta[0]:.3g}, {low_theta[1]:.3g})")
    start = e.paths[0].thetas[0]
    ax.plot(*start, "*", color="#ff7f0e", markersize=14, markeredgecolor="black",
            label=f"start θ0 = ({start[0]:.3g}, {start[1]:.3g})")
    ax.set_xlim(s.w[0], s.w[-1])
    ax.set_ylim(s.b[0], s.b[-1])
    note = f" (leaves the window: {', '.join(outside)})" if outside else ""
    titles(ax, "Loss surface and gradient-descent paths" + note, "w", "b")
    figure_legend(fig)
    return save(fig, folder, "explain-surface", "Loss surface and descent paths",
                "Contours of L over (w, b) on a log scale; lines: exact descent for a "
                "too-small, a good and a too-large η (dots: where each ends); hollow markers: "
                "each implementation's own steps.", SECTION)


def inside(thetas: np.ndarray, s) -> bool:
    finite = thetas[np.all(np.isfinite(thetas), axis=1)]
    return bool(len(finite) == len(thetas) and finite[:, 0].min() >= s.w[0]
                and finite[:, 0].max() <= s.w[-1] and finite[:, 1].min() >= s.b[0]
                and finite[:, 1].max() <= s.b[-1])


def loss_figure(e: Explanation, folder: Path) -> Plot:
    fig = new_figure()
    ax = fig.subplots()
    for path in e.paths:
        steps = np.arange(len(path.losses))
        ax.plot(steps, path.losses, color=LABELS.get(path.label, "black"),
                label=label_text(path))
    names = sorted({p.source for p in e.impl_paths})
    for path in e.impl_paths:
        marker = IMPL_MARKERS[names.index(path.source) % len(IMPL_MARKERS)]
        idx = every(len(path.losses))
        ax.plot(idx, path.losses[idx], marker, linestyle="none", markerfacecolor="none",
                color=LABELS.get(path.label, "black"), markersize=5 + 3 * names.index(path.source),
                label=f"{path.source} (markers)" if path.label == "good" else None)
    ax.set_yscale("log")
    ax.set_xscale("symlog", linthresh=10)
    ax.set_xlim(0, len(e.paths[0].losses))
    annotate(ax, "step k (linear to 10, then log)", "loss L(θ_k) (log scale)", "Loss against step")
    return save(fig, folder, "explain-loss", "Loss against step",
                "Loss of exact descent for each η (lines) and each implementation's own "
                "training run (hollow markers).", SECTION)


def all_figures(e: Explanation, folder: Path) -> list[Plot]:
    from benchmarks.explain.figures import angle_figure, chain_figure, taylor_figure

    drawn = [chain_figure(e, folder), taylor_figure(e, folder), angle_figure(e, folder),
             contour_figure(e, folder), loss_figure(e, folder)]
    return [d for d in drawn if d is not None]
