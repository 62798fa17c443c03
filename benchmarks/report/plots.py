"""The report's figures, as PNG (Markdown, README) and SVG (inlined in the HTML report).

Figures use matplotlib's object API with no pyplot state, so nothing depends on a display or
a global backend. Each implementation keeps one colour and marker in every figure (14 and more
stay distinct); each run (host/device) keeps one line style.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from benchmarks.report.tables import (
    EXACT_CHEAP,
    GRIEWANK,
    OPS,
    SERIES,
    gradient_ratios,
    seconds,
    size_text,
)
from benchmarks.store.runs import Run

# built-in implementations first, so each keeps its colour from one report to the next
KNOWN = ("numpy-manual", "jax-jit", "jax-eager", "torch-autograd", "torch-func", "finite-diff",
         "finite-diff-forward", "complex-step", "jax-forward", "torch-forward",
         "sympy-symbolic", "autograd", "torch-compile", "python-loop")
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#000075", "#800000", "#469990",
          "#f032e6", "#808000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p", "d", "8", "H", "1")
LINESTYLES = ("-", "--", ":", "-.")
WIDTH = 8.0  # inches; at 100 px per inch a README's 800 px
DPI = 150


@dataclass
class Plot:
    slug: str
    title: str
    caption: str
    png: Path
    svg: Path
    section: str  # the report section it belongs to (see tables.SECTIONS)


class Style:
    """Colour and marker per implementation, line style per run variant."""

    def __init__(self, impls: list[str], variants: list[tuple]) -> None:
        ordered = [n for n in KNOWN if n in impls] + [n for n in impls if n not in KNOWN]
        self.index = {name: i for i, name in enumerate(ordered)}
        self.variants = {v: i for i, v in enumerate(variants)}

    def impl(self, name: str) -> dict[str, Any]:
        i = self.index.get(name, 0)
        return {"color": COLORS[i % len(COLORS)], "marker": MARKERS[i % len(MARKERS)]}

    def line(self, variant: tuple) -> str:
        return LINESTYLES[self.variants.get(variant, 0) % len(LINESTYLES)]


def time_formatter(value: float, _position: Any = None) -> str:
    return seconds(value) if value > 0 else ""


class Plotter:
    """Writes every figure a set of runs supports into ``folder`` and lists them."""

    def __init__(self, runs: list[Run], frame: pd.DataFrame, folder: Path) -> None:
        self.runs, self.frame, self.folder = runs, frame, folder
        impls = list(dict.fromkeys(frame["impl"]))
        for run in runs:
            for entry in (run.check or {}).get("implementations", []):
                impls.append(str(entry.get("name")))
        variants = list(dict.fromkeys(
            (r, d, t) for r, d, t in frame[["run", "device", "threads"]].itertuples(index=False)))
        self.style = Style(list(dict.fromkeys(impls)), variants)
        self.multi = len(variants) > 1
        self.multi_runs = len(runs) > 1
        self.plots: list[Plot] = []

    # plumbing

    def variant_text(self, variant: tuple) -> str:
        run, device, threads = variant
        return f"{run}/{device}" + (f" t{threads}" if self.frame["threads"].nunique() > 1
                                    else "")

    def figure(self, height: float = 5.0) -> tuple[Figure, Axes]:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(WIDTH, height), layout="constrained")
        return fig, fig.add_subplot()

    def legends(self, fig: Figure, ax: Axes, impls: list[str], variants: list[tuple],
                extra: list[tuple[Any, str]] | None = None) -> None:
        """Implementations by colour and marker, runs by line style, references last."""
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], linestyle="-", linewidth=1.6, markersize=6,
                          **self.style.impl(name)) for name in impls]
        labels = list(impls)
        if self.multi:
            for variant in variants:
                handles.append(Line2D([], [], color="0.2", linestyle=self.style.line(variant)))
                labels.append(self.variant_text(variant))
        for handle, label in extra or []:
            handles.append(handle)
            labels.append(label)
        ncols = 3 if max((len(label) for label in labels), default=0) > 24 else 4
        fig.legend(handles, labels, loc="outside lower center", ncols=ncols, fontsize=9,
                   frameon=False)

    def save(self, fig: Figure, slug: str, title: str, caption: str, section: str) -> None:
        import matplotlib

        self.folder.mkdir(parents=True, exist_ok=True)
        png, svg = self.folder / f"{slug}.png", self.folder / f"{slug}.svg"
        with matplotlib.rc_context({"svg.hashsalt": slug, "svg.fonttype": "path"}):
            fig.savefig(svg, metadata={"Date": None, "Creator": None})
        fig.set_layout_engine("none")  # keep the layout just computed: half the drawing time
        fig.savefig(png, dpi=DPI, metadata={"Software": None})
        self.plots.append(Plot(slug, title, caption, png, svg, section))

    def axes_text(self, fig: Figure, ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
        ax.set_title(title, fontsize=12)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(True, which="major", alpha=0.35)
        ax.grid(True, which="minor", alpha=0.12)

    def series_lines(self, ax: Axes, data: pd.DataFrame, x: str, y: str,
                     band: tuple[str, str] | None = None) -> tuple[list[str], list[tuple]]:
        """One line per series (x ascending), with an optional shaded band; returns legends."""
        impls, variants = [], []
        for key, group in data.groupby(SERIES, sort=False):
            run, device, threads, impl = key
            group = group.sort_values(x)
            style = self.style.impl(impl)
            variant = (run, device, threads)
            ax.plot(group[x], group[y], linestyle=self.style.line(variant), linewidth=1.6,
                    markersize=5, **style)
            if band is not None:
                ax.fill_between(group[x], group[band[0]], group[band[1]], color=style["color"],
                                alpha=0.15, linewidth=0)
            impls.append(impl)
            variants.append(variant)
        return list(dict.fromkeys(impls)), list(dict.fromkeys(variants))

    def ordered(self, data: pd.DataFrame) -> pd.DataFrame:
        """Rows in the tables' order, so legends list implementations as tables do."""
        return data.sort_values(["impl_order", "run_index", "device", "threads"], kind="stable")

    def groups(self) -> list[tuple[int, str]]:
        pairs = self.frame[["d", "dtype"]].drop_duplicates()
        return sorted((int(d), str(t)) for d, t in pairs.itertuples(index=False))

    def ops(self, data: pd.DataFrame) -> list[tuple[str, int]]:
        pairs = {(str(o), int(s)) for o, s in data[["op", "steps_key"]].itertuples(index=False)}
        order = {op: i for i, op in enumerate(OPS)}
        return sorted(pairs, key=lambda p: (order.get(p[0], 9), p))

    @staticmethod
    def op_text(op: str, steps: int) -> str:
        return f"train ({steps} steps)" if op == "train" else op

    @staticmethod
    def x_note(data: pd.DataFrame) -> str:
        return " (five-point problem at N = 5)" if (data["problem"] == "five-point").any() \
            else ""

    def failures_note(self, data: pd.DataFrame) -> str:
        failed = data[data["status"] != "ok"]
        if failed.empty:
            return ""
        parts = sorted({f"{i} {s} at {size_text(p, int(n))}" for i, s, p, n in
                        failed[["impl", "status", "problem", "n"]].itertuples(index=False)})
        return " Missing points: " + "; ".join(parts) + "."

    # the figures

    def all(self) -> list[Plot]:
        for d, dtype in self.groups():
            sub = self.frame[(self.frame["d"] == d) & (self.frame["dtype"] == dtype)]
            if sub[["problem", "n"]].drop_duplicates().shape[0] < 2:
                continue  # one size: a curve against N would be a column of dots
            for op, steps in self.ops(sub):
                self.time_vs_n(sub, op, steps, d, dtype)
            self.ratio_vs_n(d, dtype)
            for op, steps in self.ops(sub):
                self.throughput_vs_n(sub, op, steps, d, dtype)
        for dtype in sorted(set(self.frame["dtype"])):
            sub = self.frame[self.frame["dtype"] == dtype]
            if sub["d"].nunique() > 1:
                for op, steps in self.ops(sub):
                    self.time_vs_d(sub, op, steps, dtype)
        self.training_loss()
        self.taylor()
        return self.plots

    def time_vs_n(self, sub: pd.DataFrame, op: str, steps: int, d: int, dtype: str) -> None:
        from matplotlib.ticker import FuncFormatter

        part = sub[(sub["op"] == op) & (sub["steps_key"] == steps)]
        ok = self.ordered(part[part["status"] == "ok"])
        if ok.empty:
            return
        fig, ax = self.figure()
        impls, variants = self.series_lines(ax, ok, "n", "median_s", ("q1_s", "q3_s"))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(time_formatter))
        per = "training run" if op == "train" else "call"
        title = f"{self.op_text(op, steps)}: time per {per} vs N (d={d}, {dtype})"
        self.axes_text(fig, ax, title, f"N, points{self.x_note(ok)}",
                       f"median time per {per} (log scale)")
        self.legends(fig, ax, impls, variants)
        self.save(fig, f"time-{op}-{steps}-d{d}-{dtype}", title,
                  "Median over rounds; the shaded band spans the interquartile range "
                  "(q1 to q3)." + self.failures_note(part), "time")

    def ratio_vs_n(self, d: int, dtype: str) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        ratios = gradient_ratios(self.frame)
        part = self.ordered(ratios[(ratios["d"] == d) & (ratios["dtype"] == dtype)])
        if part.empty:
            return
        fig, ax = self.figure()
        low, high = GRIEWANK
        central, forward = 1 + 2 * (d + 1), d + 2
        # references are wide grey bands and lines labelled in place, so that no line style
        # is shared with the runs' series
        ax.axhspan(low, high, color="0.55", alpha=0.25, zorder=0, linewidth=0)
        for value in (central, forward):
            ax.axhline(value, color="0.45", alpha=0.45, linewidth=3.5, zorder=0)
        ax.axhline(1, color="0.4", linewidth=0.8, zorder=1)
        impls, variants = self.series_lines(ax, part, "n", "ratio")
        ax.set_xscale("log")
        ax.set_yscale("log")
        from matplotlib.ticker import FuncFormatter

        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
        ax.yaxis.set_minor_formatter(FuncFormatter(
            lambda v, _: f"{v:g}×" if v in (2, 3, 4, 5, 20, 30, 50) else ""))
        bottom, top = ax.get_ylim()
        ax.set_ylim(min(bottom, 0.8), max(top, central * 1.5))
        self.reference_labels(ax, [(math.sqrt(low * high), f"Griewank {low:g}–{high:g}×"),
                                   (central, f"central diff. {central}×"),
                                   (forward, f"forward diff. {forward}×")])
        title = f"gradient cost: time(value_and_grad) / time(loss) (d={d}, {dtype})"
        self.axes_text(fig, ax, title, f"N, points{self.x_note(part)}",
                       "ratio of median times (log scale)")
        extra = [(Patch(color="0.55", alpha=0.4), f"Griewank bound {low:g}–{high:g}× "
                  "(reverse mode)"),
                 (Line2D([], [], color="0.45", alpha=0.45, linewidth=3.5),
                  f"finite differences: 1+2(d+1) = {central} central, d+2 = {forward} forward")]
        self.legends(fig, ax, impls, variants, extra)
        exact = part[part["method"].isin(EXACT_CHEAP)]
        caption = ("The cheap-gradient principle: reverse mode (and a hand-written gradient) "
                   f"costs at most a small constant, about {low:g}–{high:g}, times the loss; "
                   "finite differences need a loss evaluation per perturbed coordinate. At small"
                   " N fixed per-call overheads dominate both times.")
        if not exact.empty:
            worst = exact.loc[exact["ratio"].idxmax()]
            caption += (f" Largest ratio of an exact method: {worst['ratio']:.3g}× "
                        f"({worst['impl']}, {size_text(worst['problem'], int(worst['n']))}).")
        self.save(fig, f"ratio-d{d}-{dtype}", title, caption, "ratio")

    @staticmethod
    def reference_labels(ax: Axes, items: list[tuple[float, str]]) -> None:
        """Short labels right of the axes at reference values; close ones share a label."""
        groups: list[list[tuple[float, str]]] = []
        for value, text in sorted(items):
            if groups and value / groups[-1][-1][0] < 1.25:
                groups[-1].append((value, text))
            else:
                groups.append([(value, text)])
        for group in groups:
            y = math.exp(sum(math.log(v) for v, _ in group) / len(group))
            ax.text(1.01, y, "\n".join(t for _, t in reversed(group)), ha="left", va="center",
                    transform=ax.get_yaxis_transform(), fontsize=8.5, color="0.3")

    def throughput_vs_n(self, sub: pd.DataFrame, op: str, steps: int, d: int,
                        dtype: str) -> None:
        from matplotlib.lines import Line2D

        part = sub[(sub["op"] == op) & (sub["steps_key"] == steps)]
        ok = self.ordered(part[(part["status"] == "ok") & (part["gb_per_s"] > 0)])
        if ok.empty:
            return
        fig, ax = self.figure()
        impls, variants = self.series_lines(ax, ok, "n", "gb_per_s")
        extra = []
        ceilings = [r for r in self.runs if r.bandwidth and
                    (ok["run"] == (r.label or r.host)).any()]
        for i, run in enumerate(ceilings):
            assert run.bandwidth is not None
            value = float(run.bandwidth["read_gb_s"])
            style = LINESTYLES[i % len(LINESTYLES)]
            ax.axhline(value, color="black", linestyle=style, linewidth=2.4, alpha=0.8)
            label = f"CPU memory bandwidth (read) {value:.3g} GB/s" + (
                f", {run.label}" if self.multi_runs else "")
            extra.append((Line2D([], [], color="black", linestyle=style, linewidth=2.4,
                                 alpha=0.8), label))
        ax.set_xscale("log")
        ax.set_yscale("log")
        title = f"{self.op_text(op, steps)}: memory throughput vs N (d={d}, {dtype})"
        self.axes_text(fig, ax, title, f"N, points{self.x_note(ok)}",
                       "GB/s of x and y read (log scale)")
        self.legends(fig, ax, impls, variants, extra)
        caption = ("Bytes of x and y, read once per evaluation, per second (a lower bound on "
                   "the memory traffic).")
        caption += (" The black line is the machine's single-thread CPU read bandwidth "
                    "(STREAM-style sum over arrays far larger than the caches); it bounds CPU "
                    "lines only." if extra else
                    " No bandwidth was measured for this run, so no ceiling is drawn.")
        self.save(fig, f"gbs-{op}-{steps}-d{d}-{dtype}", title, caption, "throughput")

    def time_vs_d(self, sub: pd.DataFrame, op: str, steps: int, dtype: str) -> None:
        from matplotlib.ticker import FuncFormatter

        part = sub[(sub["op"] == op) & (sub["steps_key"] == steps) & (sub["status"] == "ok")
                   & (sub["problem"] != "five-point")]
        per_n = part.groupby("n")["d"].nunique()
        candidates = per_n[per_n > 1]
        if candidates.empty:
            return
        n = int(candidates.index.max())
        data = self.ordered(part[part["n"] == n])
        fig, ax = self.figure()
        impls, variants = self.series_lines(ax, data, "d", "median_s", ("q1_s", "q3_s"))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(time_formatter))
        ds = sorted(set(data["d"]))
        ax.set_xticks(ds, [str(v) for v in ds])
        ax.minorticks_off()
        ax.yaxis.set_major_formatter(FuncFormatter(time_formatter))
        per = "training run" if op == "train" else "call"
        title = f"{self.op_text(op, steps)}: time per {per} vs d ({size_text('', n)}, {dtype})"
        self.axes_text(fig, ax, title, "d, features per point (log scale)",
                       f"median time per {per} (log scale)")
        self.legends(fig, ax, impls, variants)
        self.save(fig, f"time-vs-d-{op}-{steps}-{dtype}", title,
                  f"At the largest N measured for several d ({size_text('', n)}); the band is "
                  "the interquartile range. Finite differences and forward mode grow with d, "
                  "reverse mode should not.", "time")

    def check_runs(self) -> list[Run]:
        return [r for r in self.runs if r.check]

    def training_loss(self) -> None:
        from matplotlib.lines import Line2D

        runs = self.check_runs()
        if not runs:
            return
        fig, ax = self.figure()
        impls, variants, extra = [], [], []
        count = 0
        for run_i, run in enumerate(runs):
            assert run.check is not None
            style = LINESTYLES[run_i % len(LINESTYLES)]
            reference = (run.check.get("reference_trajectory") or {}).get("losses") or []
            if reference:
                ax.plot(range(len(reference)), reference, color="0.6", linewidth=5,
                        alpha=0.6, linestyle=style, zorder=1)
                if run_i == 0:
                    extra.append((Line2D([], [], color="0.6", linewidth=5, alpha=0.6),
                                  "exact-gradient descent (mpmath)"))
            entries = [e for e in run.check["implementations"]
                       if (e.get("train") or {}).get("losses")]
            for i, entry in enumerate(entries):
                losses = [v for v in entry["train"]["losses"]]
                every = max(1, len(losses) // 8)
                name = str(entry["name"])
                ax.plot(range(len(losses)), losses, linestyle=style, linewidth=1.3,
                        markevery=(int(i * every / max(1, len(entries))), every), markersize=6,
                        zorder=2, **self.style.impl(name))
                impls.append(name)
                count += 1
            variants.append((run.label or run.host, "", 0))
        if not count:
            return
        ax.set_yscale("log")
        problem = (runs[0].check or {}).get("problem", {})
        eta = problem.get("eta")
        title = f"training loss vs step, {problem.get('name', 'five-point')} problem" + (
            f" (η = {eta:g})" if isinstance(eta, int | float) else "")
        self.axes_text(fig, ax, title, "gradient-descent step", "loss L(θ) (log scale)")
        self.legends_runs(fig, ax, list(dict.fromkeys(impls)), runs, extra)
        self.save(fig, "training-loss", title,
                  "Every implementation's losses from the same start θ0 should lie on the "
                  "exact-gradient trajectory (grey); markers are staggered so overlaid lines "
                  "stay visible.", "check")

    def legends_runs(self, fig: Figure, ax: Axes, impls: list[str], runs: list[Run],
                     extra: list[tuple[Any, str]]) -> None:
        from matplotlib.lines import Line2D

        if len(runs) > 1:
            for i, run in enumerate(runs):
                extra.append((Line2D([], [], color="0.2",
                                     linestyle=LINESTYLES[i % len(LINESTYLES)]),
                              run.label or run.host))
        multi, self.multi = self.multi, False
        try:
            self.legends(fig, ax, impls, [], extra)
        finally:
            self.multi = multi

    def taylor(self) -> None:
        from matplotlib.lines import Line2D

        runs = self.check_runs()
        fig, ax = self.figure()
        impls: list[str] = []
        anchor: tuple[float, float] | None = None
        hs_all: list[float] = []
        for run_i, run in enumerate(runs):
            assert run.check is not None
            style = LINESTYLES[run_i % len(LINESTYLES)]
            for entry in run.check["implementations"]:
                taylor = entry.get("taylor") or {}
                points = [(h, r, bool(u)) for h, r, u in zip(
                    taylor.get("h", []), taylor.get("remainder", []),
                    taylor.get("usable", [True] * len(taylor.get("h", []))), strict=False)
                    if h and r and h > 0 and r > 0]
                if not points:
                    continue
                name = str(entry["name"])
                look = self.style.impl(name)
                hs, rs = [p[0] for p in points], [p[1] for p in points]
                ax.plot(hs, rs, linestyle=style, linewidth=1.3, markersize=5,
                        markerfacecolor="none", **look)
                usable = [(h, r) for h, r, u in points if u]
                if usable:
                    ax.plot([p[0] for p in usable], [p[1] for p in usable], linestyle="none",
                            markersize=5, **look)
                    if anchor is None and taylor.get("conclusive"):
                        anchor = usable[0]
                hs_all.extend(hs)
                impls.append(name)
        if not impls:
            return
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
        self.axes_text(fig, ax, title, "step h (log scale)", "remainder r(h) (log scale)")
        self.legends_runs(fig, ax, list(dict.fromkeys(impls)), runs, extra)
        self.save(fig, "taylor", title,
                  "With a correct gradient g the remainder falls as h² (slope 2, dashed, drawn "
                  "above the data); a wrong gradient leaves an O(h) term (slope 1). Filled "
                  "markers are the points the observed order is computed from; where gradients "
                  "agree the lines lie on top of each other.", "check")


def make_all(runs: list[Run], frame: pd.DataFrame, folder: Path) -> list[Plot]:
    """Every figure the runs support, written as PNG and SVG into ``folder``."""
    return Plotter(runs, frame, folder).all()
