"""Every figure we draw, report's and explain's alike: its record, its matplotlib setup, its files.

Figures use matplotlib's object API with no pyplot state: each gets its own Agg canvas, so
nothing depends on a display or a global backend, and matplotlib loads only when a figure is
drawn. Sizes, fonts and the legend's placement are set here once; ``save`` writes a figure as
PNG (for Markdown) and SVG (inlined by the HTML pages) with reproducible bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

WIDTH = 8.0  # inches; at 100 px per inch a README's 800 px
HEIGHT = 5.0
DPI = 150
TITLE_SIZE = 12
LEGEND_SIZE = 9
LEGEND_COLUMNS = 4  # at most, side by side below the axes
NOTE_SIZE = 8.5  # words written beside the data, such as reference labels


@dataclass(frozen=True)
class Plot:
    """A figure on disk, with the words every page shows beside it."""

    slug: str  # the files' stem and the page's anchor
    title: str
    caption: str
    png: Path
    svg: Path
    section: str  # the page section it belongs to (report: see cells.SECTION_TITLES)


def new_figure(width: float = WIDTH, height: float = HEIGHT) -> Figure:
    """An empty figure on its own Agg canvas, laid out by matplotlib's constrained layout."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def titles(ax: Axes, title: str, xlabel: str, ylabel: str, size: float = TITLE_SIZE) -> None:
    ax.set_title(title, fontsize=size)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def axes_legend(ax: Axes, loc: str = "best") -> Legend:
    """A legend inside the axes, for the few entries of a figure whose lines it names."""
    return ax.legend(fontsize=LEGEND_SIZE, loc=loc)


def figure_legend(fig: Figure, handles: list[Any] | None = None,
                  labels: list[str] | None = None) -> Legend:
    """One legend below the axes, in as many columns (up to ``LEGEND_COLUMNS``) as fit the
    figure's width: constrained layout makes room below, never beside, so a legend wider
    than the figure would be cut at both sides.

    Without ``handles``, the labelled lines of every axes.
    """
    if handles is None:
        handles, labels = [], []
        for ax in fig.axes:
            more_handles, more_labels = ax.get_legend_handles_labels()
            handles += more_handles
            labels += more_labels
    renderer = fig.canvas.get_renderer()
    ncols = max(1, min(LEGEND_COLUMNS, len(handles)))
    while True:
        legend = fig.legend(handles, labels, loc="outside lower center", ncols=ncols,
                            fontsize=LEGEND_SIZE, frameon=False)
        if ncols == 1 or legend.get_window_extent(renderer).width <= fig.bbox.width:
            return legend
        legend.remove()
        ncols -= 1


def save(fig: Figure, folder: Path, slug: str, title: str, caption: str,
         section: str) -> Plot:
    """``folder/slug.svg`` and ``.png``, with no dates or random ids: a figure drawn again from
    the same data is the same file."""
    import matplotlib

    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{slug}.png", folder / f"{slug}.svg"
    with matplotlib.rc_context({"svg.hashsalt": slug, "svg.fonttype": "path"}):
        fig.savefig(svg, metadata={"Date": None, "Creator": None})
    fig.set_layout_engine("none")  # keep the layout just computed: half the drawing time
    fig.savefig(png, dpi=DPI, metadata={"Software": None})
    return Plot(slug, title, caption, png, svg, section)
