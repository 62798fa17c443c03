"""Drawing plumbing shared by every section's figures: styles, axes, legends, files.

Figures use matplotlib's object API with no pyplot state, so nothing depends on a display or
a global backend (matplotlib loads only when a figure is drawn). Each implementation keeps
one colour and marker in every figure, derived from its name (no list of names to keep in
step with the registry); each run (host/device) keeps one line style.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

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
WIDTH = 8.0  # inches; at 100 px per inch a README's 800 px
DPI = 150


@dataclass(frozen=True)
class Plot:
    slug: str
    title: str
    caption: str
    png: Path
    svg: Path
    section: str  # the report section it belongs to (see cells.SECTION_TITLES)


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
    return " (five-point problem at N = 5)" if (data["problem"] == "five-point").any() else ""


def failures_note(data: pd.DataFrame) -> str:
    failed = data[data["status"] != "ok"]
    if failed.empty:
        return ""
    parts = sorted({f"{i} {s} at {size_text(p, int(n))}" for i, s, p, n in
                    failed[["impl", "status", "problem", "n"]].itertuples(index=False)})
    return " Missing points: " + "; ".join(parts) + "."


class Canvas:
    """Draws figures of one report into ``folder``, every implementation in its own style."""

    def __init__(self, grid: Grid, folder: Path) -> None:
        self.grid, self.folder = grid, folder
        impls = list(dict.fromkeys(grid.frame["impl"]))
        for run in grid.runs:
            for entry in (run.check or {}).get("implementations", []):
                impls.append(str(entry.get("name")))
        self.style = Style(impls, grid.variants)

    def figure(self, height: float = 5.0) -> tuple[Figure, Axes]:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(WIDTH, height), layout="constrained")
        return fig, fig.add_subplot()

    def legends(self, fig: Figure, impls: list[str], variants: list[tuple],
                extra: list[tuple[Any, str]] | None = None, runs: bool | None = None) -> None:
        """Implementations by colour and marker, runs by line style, references last."""
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], linestyle="-", linewidth=1.6, markersize=6,
                          **self.style.impl(name)) for name in impls]
        labels = list(impls)
        if self.grid.multi if runs is None else runs:
            for variant in variants:
                handles.append(Line2D([], [], color="0.2", linestyle=self.style.line(variant)))
                labels.append(self.grid.variant_text(variant))
        for handle, label in extra or []:
            handles.append(handle)
            labels.append(label)
        ncols = 3 if max((len(label) for label in labels), default=0) > 24 else 4
        fig.legend(handles, labels, loc="outside lower center", ncols=ncols, fontsize=9,
                   frameon=False)

    def save(self, fig: Figure, slug: str, title: str, caption: str, section: str) -> Plot:
        import matplotlib

        self.folder.mkdir(parents=True, exist_ok=True)
        png, svg = self.folder / f"{slug}.png", self.folder / f"{slug}.svg"
        with matplotlib.rc_context({"svg.hashsalt": slug, "svg.fonttype": "path"}):
            fig.savefig(svg, metadata={"Date": None, "Creator": None})
        fig.set_layout_engine("none")  # keep the layout just computed: half the drawing time
        fig.savefig(png, dpi=DPI, metadata={"Software": None})
        return Plot(slug, title, caption, png, svg, section)

    @staticmethod
    def axes_text(ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
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
