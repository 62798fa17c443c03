"""The report's figures: one style per implementation and run, and the series drawn over N.

Each implementation keeps one colour and marker in every figure, derived from its name (no
list of names to keep in step with the registry); each run (host/device) keeps one line
style. A line joins only the sizes of one problem: the five-point problem (N = 5, other data)
is a hollow marker of its own, never the first point of the synthetic sizes' curve.
Figure files and their record are ``report.figures``'.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from benchmarks.report import figures
from benchmarks.report.figures import Plot
from benchmarks.report.format import seconds, size_text
from benchmarks.report.frame import SERIES
from benchmarks.report.grid import Grid

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#000075", "#800000", "#469990",
          "#f032e6", "#808000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p", "d", "8", "H", "1")
LINESTYLES = ("-", "--", ":", "-.")
CURVE = "synthetic"  # the problem whose sizes make the curves; any other is points alone
LINE_WIDTH = 1.6


def slots(names: list[str]) -> dict[str, int]:
    """A style slot per name: the one its name hashes to, or the next free one.

    The hash (CRC-32, not Python's salted ``hash``) makes a name's slot the same in every
    report and on every machine; names are placed in sorted order so the result depends
    only on which names are present, never on their order.
    """
    size = len(COLORS)
    taken: set[int] = set()
    out = {}
    for name in sorted(set(names)):
        home = zlib.crc32(name.encode()) % size
        # the palette first (from the home slot on, wrapping), then its next rounds
        slot = next(r * size + (home + k) % size for r in range(len(names) // size + 1)
                    for k in range(size) if r * size + (home + k) % size not in taken)
        taken.add(slot)
        out[name] = slot
    return out


class Style:
    """Colour and marker per implementation, line style per run variant."""

    def __init__(self, impls: list[str], variants: list[tuple]) -> None:
        self.index = slots(impls)
        self.variants = {v: i for i, v in enumerate(variants)}

    def impl(self, name: str) -> dict[str, Any]:
        i = self.index.get(name, zlib.crc32(name.encode()))
        # beyond the palette, later rounds shift the marker so colour and marker stay a pair
        return {"color": COLORS[i % len(COLORS)],
                "marker": MARKERS[(i + i // len(COLORS)) % len(MARKERS)]}

    def line(self, variant: tuple) -> str:
        return LINESTYLES[self.variants.get(variant, 0) % len(LINESTYLES)]


def time_formatter(value: float, _position: Any = None) -> str:
    return seconds(value) if value > 0 else ""


def x_note(data: pd.DataFrame) -> str:
    return (" (hollow: the five-point problem at N = 5)"
            if (data["problem"] == "five-point").any() else "")


def failures_note(data: pd.DataFrame) -> str:
    """The points not drawn, one clause per status and set of implementations: "skipped at
    N=1e6, N=1e7: every implementation", not a clause per implementation and size."""
    failed = data[data["status"] != "ok"]
    if failed.empty:
        return ""
    everyone = set(data["impl"])
    by_size = failed.groupby(["status", "problem", "n"], sort=False)["impl"].agg(frozenset)
    clauses: dict[tuple[str, frozenset], list[str]] = {}
    for (status, problem, n), impls in sorted(by_size.items(), key=lambda kv: (
            kv[0][0], kv[0][1] != "five-point", kv[0][2])):
        clauses.setdefault((str(status), impls), []).append(size_text(problem, int(n)))
    parts = [f"{status} at {', '.join(sizes)}: " + ("every implementation" if impls >= everyone
                                                   else ", ".join(sorted(impls)))
             for (status, impls), sizes in clauses.items()]
    return " Missing points: " + "; ".join(parts) + "."


def pieces(group: pd.DataFrame, x: str) -> list[tuple[bool, pd.DataFrame]]:
    """A series' rows split by problem, x ascending: (is the curve, rows) each."""
    return [(problem == CURVE, part.sort_values(x))
            for problem, part in group.groupby("problem", sort=False)]


class Canvas:
    """Draws figures of one report into ``folder``, every implementation in its own style."""

    def __init__(self, grid: Grid, folder: Path) -> None:
        self.grid, self.folder = grid, folder
        impls = list(dict.fromkeys(grid.frame["impl"]))
        for run in grid.runs:
            for entry in (run.check or {}).get("implementations", []):
                impls.append(str(entry.get("name")))
        self.style = Style(impls, grid.variants)

    def figure(self, height: float = figures.HEIGHT) -> tuple[Figure, Axes]:
        fig = figures.new_figure(figures.WIDTH, height)
        return fig, fig.add_subplot()

    def legends(self, fig: Figure, impls: list[str], variants: list[tuple],
                extra: list[tuple[Any, str]] | None = None, runs: bool | None = None) -> None:
        """Implementations by colour and marker, runs by line style, references last."""
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], linestyle="-", linewidth=LINE_WIDTH, markersize=6,
                          **self.style.impl(name)) for name in impls]
        labels = list(impls)
        if self.grid.multi if runs is None else runs:
            for variant in variants:
                handles.append(Line2D([], [], color="0.2", linestyle=self.style.line(variant)))
                labels.append(self.grid.variant_text(variant))
        for handle, label in extra or []:
            handles.append(handle)
            labels.append(label)
        figures.figure_legend(fig, handles, labels)

    def save(self, fig: Figure, slug: str, title: str, caption: str, section: str) -> Plot:
        return figures.save(fig, self.folder, slug, title, caption, section)

    @staticmethod
    def axes_text(ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
        figures.titles(ax, title, xlabel, ylabel)
        ax.grid(True, which="major", alpha=0.35)
        ax.grid(True, which="minor", alpha=0.12)

    def series_lines(self, ax: Axes, data: pd.DataFrame, x: str, y: str,
                     band: tuple[str, str] | None = None,
                     bars: tuple[str, str] | None = None) -> tuple[list[str], list[tuple]]:
        """One line per series and problem (x ascending), with an optional shaded band or
        error bars from two columns; returns the legends' implementations and variants."""
        impls, variants = [], []
        for key, group in data.groupby(SERIES, sort=False):
            run, device, threads, impl = key
            style, variant = self.style.impl(impl), (run, device, threads)
            for curve, part in pieces(group, x):
                look = {"linestyle": self.style.line(variant), "markersize": 5} if curve else {
                    "linestyle": "none", "markersize": 6.5, "markerfacecolor": "none",
                    "markeredgewidth": 1.4}
                ax.plot(part[x], part[y], linewidth=LINE_WIDTH, **style, **look)
                if band is not None and curve:
                    ax.fill_between(part[x], part[band[0]], part[band[1]],
                                    color=style["color"], alpha=0.15, linewidth=0)
                if bars is not None:
                    error_bars(ax, part, x, y, bars, style["color"])
            impls.append(impl)
            variants.append(variant)
        return list(dict.fromkeys(impls)), list(dict.fromkeys(variants))

    def run_legends(self, fig: Figure, impls: list[str], extra: list[tuple[Any, str]]) -> None:
        """Legends of the check's figures: one line style per run that has a check.json."""
        from matplotlib.lines import Line2D

        runs = [r for r in self.grid.runs if r.check]
        if len(runs) > 1:
            for i, run in enumerate(runs):
                extra.append((Line2D([], [], color="0.2",
                                     linestyle=LINESTYLES[i % len(LINESTYLES)]),
                              run.label or run.host))
        self.legends(fig, impls, [], extra, runs=False)


def error_bars(ax: Axes, part: pd.DataFrame, x: str, y: str, bars: tuple[str, str],
               color: str) -> None:
    """Bars from ``bars``' low to high column where both are known; an interval that sits
    off its median is clipped there, never drawn as a negative bar."""
    value = part[y].to_numpy(float)
    low, high = part[bars[0]].to_numpy(float), part[bars[1]].to_numpy(float)
    has = np.isfinite(low) & np.isfinite(high)
    if has.any():
        ax.errorbar(part[x].to_numpy()[has], value[has],
                    yerr=[np.maximum(value - low, 0)[has], np.maximum(high - value, 0)[has]],
                    fmt="none", ecolor=color, elinewidth=1.3, capsize=3.5, alpha=0.85)
