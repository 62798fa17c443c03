"""Section "check": the stored check.json verdicts, the training losses and the Taylor test."""

from __future__ import annotations

from typing import Any

from benchmarks.report.canvas import LINESTYLES, Canvas
from benchmarks.report.cells import Table
from benchmarks.report.correctness import check_tables
from benchmarks.report.figures import Plot
from benchmarks.report.grid import Grid
from benchmarks.store.runs import Run


def checked(grid: Grid) -> list[Run]:
    return [r for r in grid.runs if r.check]


def tables(grid: Grid) -> list[Table]:
    return check_tables([(r.label, r.check or {}) for r in checked(grid)])


def figures(grid: Grid, canvas: Canvas) -> list[Plot]:
    return [p for p in (training_loss(grid, canvas), taylor(grid, canvas)) if p is not None]


def _entries(run: Run) -> list[dict[str, Any]]:
    return [e for e in (run.check or {}).get("implementations", []) if isinstance(e, dict)]


def training_loss(grid: Grid, canvas: Canvas) -> Plot | None:
    from matplotlib.lines import Line2D

    runs = checked(grid)
    if not runs:
        return None
    fig, ax = canvas.figure()
    impls, extra = [], []
    for run_i, run in enumerate(runs):
        style = LINESTYLES[run_i % len(LINESTYLES)]
        reference = ((run.check or {}).get("reference_trajectory") or {}).get("losses") or []
        if reference:
            ax.plot(range(len(reference)), reference, color="0.6", linewidth=5,
                    alpha=0.6, linestyle=style, zorder=1)
            if run_i == 0:
                extra.append((Line2D([], [], color="0.6", linewidth=5, alpha=0.6),
                              "exact-gradient descent (mpmath)"))
        entries = [e for e in _entries(run) if (e.get("train") or {}).get("losses")]
        for i, entry in enumerate(entries):
            losses = list(entry["train"]["losses"])
            every = max(1, len(losses) // 8)
            name = str(entry.get("name"))
            ax.plot(range(len(losses)), losses, linestyle=style, linewidth=1.3,
                    markevery=(int(i * every / max(1, len(entries))), every), markersize=6,
                    zorder=2, **canvas.style.impl(name))
            impls.append(name)
    if not impls:
        return None
    ax.set_yscale("log")
    problem = (runs[0].check or {}).get("problem", {})
    eta = problem.get("eta")
    title = f"training loss vs step, {problem.get('name', 'five-point')} problem" + (
        f" (η = {eta:g})" if isinstance(eta, int | float) else "")
    canvas.axes_text(ax, title, "gradient-descent step", "loss L(θ) (log scale)")
    canvas.run_legends(fig, list(dict.fromkeys(impls)), extra)
    return canvas.save(fig, "training-loss", title,
                       "Every implementation's losses from the same start θ0 should lie on the "
                       "exact-gradient trajectory (grey); markers are staggered so overlaid "
                       "lines stay visible.", "check")


def _taylor_points(entry: dict[str, Any]) -> list[tuple[float, float, bool]]:
    taylor = entry.get("taylor") or {}
    hs = taylor.get("h", []) or []
    return [(h, r, bool(u)) for h, r, u in zip(
        hs, taylor.get("remainder", []) or [], taylor.get("usable", [True] * len(hs)),
        strict=False) if h and r and h > 0 and r > 0]


def taylor(grid: Grid, canvas: Canvas) -> Plot | None:
    from matplotlib.lines import Line2D

    fig, ax = canvas.figure()
    impls: list[str] = []
    anchor: tuple[float, float] | None = None
    hs_all: list[float] = []
    for run_i, run in enumerate(checked(grid)):
        style = LINESTYLES[run_i % len(LINESTYLES)]
        for entry in _entries(run):
            points = _taylor_points(entry)
            if not points:
                continue
            name = str(entry.get("name"))
            look = canvas.style.impl(name)
            hs, rs = [p[0] for p in points], [p[1] for p in points]
            ax.plot(hs, rs, linestyle=style, linewidth=1.3, markersize=5,
                    markerfacecolor="none", **look)
            usable = [(h, r) for h, r, u in points if u]
            if usable:
                ax.plot([p[0] for p in usable], [p[1] for p in usable], linestyle="none",
                        markersize=5, **look)
                if anchor is None and (entry.get("taylor") or {}).get("conclusive"):
                    anchor = usable[0]
            hs_all.extend(hs)
            impls.append(name)
    if not impls:
        return None
    extra = []
    if anchor is not None:
        h0, r0 = anchor
        lo, hi = min(hs_all), max(hs_all)
        ax.plot([lo, hi], [r0 * 4 * (lo / h0) ** 2, r0 * 4 * (hi / h0) ** 2], color="0.1",
                linestyle=(0, (4, 2)), linewidth=1.4, zorder=3)
        extra.append((Line2D([], [], color="0.1", linestyle=(0, (4, 2))),
                      "slope 2 (a correct gradient)"))
    extra.append((Line2D([], [], color="0.3", marker="o", markerfacecolor="none",
                         linestyle="none"),
                  "hollow: beyond the method's error (left out of the order)"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    title = "Taylor test: remainder |L(θ+hv) − L(θ) − h vᵀg| vs h"
    canvas.axes_text(ax, title, "step h (log scale)", "remainder r(h) (log scale)")
    canvas.run_legends(fig, list(dict.fromkeys(impls)), extra)
    return canvas.save(fig, "taylor", title,
                       "With a correct gradient g the remainder falls as h² (slope 2, dashed, "
                       "drawn above the data); a wrong gradient leaves an O(h) term (slope 1). "
                       "Filled markers are the points the observed order is computed from; "
                       "where gradients agree the lines lie on top of each other.", "check")
