"""Every figure the report and explain draw, as a reader sees it: no legend cut off, and no
line from the five-point problem (N = 5, other data) into the synthetic sizes.

The figures come from the committed reference runs (real sweeps, 17 implementations, a
check.json), from one of them cut to three implementations (few, long legend entries), from
two side by side (legends for runs too) and from ``explain`` on the five-point problem. Each
figure is caught as it is saved, then measured with matplotlib's renderer.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from benchmarks.explain.figures_descent import all_figures
from benchmarks.explain.worked import explain
from benchmarks.report import figures
from benchmarks.report.contents import draw
from benchmarks.report.frame import combine
from benchmarks.report.grid import Grid
from benchmarks.store.runs import Run, read_all
from impls.problem import FIVE_POINT_STEPS, five_point
from tests.report_helpers import copy_run, row

RESULTS = Path(__file__).resolve().parents[1] / "results"
REFERENCE = RESULTS / "reference"
RUNS = ("20261126-173411-vm", "20261126-144025-vm")
THREE = ("numpy-manual", "jax-jit", "finite-diff")
# the committed runs each case draws from, and the kinds of figure (slug prefix) it must draw:
# together every kind the report's sections save (a test holds this against their source)
CASES = {
    "reference": ([REFERENCE / RUNS[0]], {"time", "speedup", "ratio", "gbs", "training-loss",
                                          "taylor"}),
    "three implementations": ([REFERENCE / RUNS[0]], {"time", "speedup", "ratio"}),
    "two runs": ([REFERENCE / r for r in RUNS], {"time", "speedup", "ratio"}),
    "several d": ([RESULTS / "reference-d" / "20261125-145700-vm"], {"time-vs-d"}),
    "workers": (sorted((RESULTS / "reference-dask").glob("sweep-workers*/*-vm")), {"parallel"}),
    "gpu": ([RESULTS / "reference-gpu" / "20261126-161139-vm"], {"time", "speedup"}),
}


def outside_legends(fig: Figure) -> list[str]:
    """The first label of every legend whose box is not inside the figure's."""
    fig.canvas.draw()
    page = fig.bbox.padded(1)  # a pixel of rounding
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    return [legend.texts[0].get_text() for legend in legends
            if not page.contains(*legend.get_window_extent().p0)
            or not page.contains(*legend.get_window_extent().p1)]


@pytest.fixture
def saved(monkeypatch) -> list[Figure]:
    """Every figure saved while the test runs, once each."""
    seen: list[Figure] = []
    original = Figure.savefig

    def keep(fig: Figure, *args, **kwargs) -> None:
        original(fig, *args, **kwargs)
        if not any(fig is f for f in seen):
            seen.append(fig)

    monkeypatch.setattr(Figure, "savefig", keep)
    return seen


def reference_runs(tmp_path: Path, folders: list[Path]) -> list:
    """The committed runs, read from copies (reading may rewrite a run's export)."""
    return read_all([str(copy_run(folder, tmp_path / f"{i}-{folder.name}"))
                     for i, folder in enumerate(folders)])


def kind(slug: str) -> str:
    """A figure's kind: its slug without the operation, steps, d and dtype."""
    return re.sub(r"(-(loss|value_and_grad|step|train))?(-\d+)?(-d\d+)?-(float\d+)$", "", slug)


def test_the_cases_draw_every_kind_of_figure_the_report_saves():
    sections = Path(__file__).resolve().parents[1] / "benchmarks" / "report" / "sections"
    prefixes = [m for f in sections.glob("*.py")
                for m in re.findall(r'canvas\.save\(fig, f?"([^"{]*)', f.read_text())]
    # "ratio-d{d}-…" is ratio, "time-vs-d-{op}-…" is time-vs-d
    saved = {p[:-2] if p.endswith("-d") else p.rstrip("-") for p in prefixes}
    assert saved >= {"time", "time-vs-d", "speedup", "taylor", "parallel"}
    assert set().union(*(kinds for _, kinds in CASES.values())) == saved


def report_figures(runs: list, folder: Path) -> list:
    return draw(Grid.of(runs, combine(runs) if len(runs) > 1 else None), folder)


def test_the_check_finds_a_legend_wider_than_its_figure():
    fig = figures.new_figure()
    fig.add_subplot().plot([1, 2], [1, 2])
    labels = ["numpy-manual", "Griewank bound 4–5× (reverse mode)",
              "finite differences: 1+2(d+1) = 5 central, d+2 = 3 forward"] * 2
    fig.legend([Line2D([], [])] * len(labels), labels, loc="outside lower center", ncols=3)
    assert outside_legends(fig) == ["numpy-manual"]
    fitted = figures.new_figure()
    fitted.add_subplot().plot([1, 2], [1, 2])
    figures.figure_legend(fitted, [Line2D([], [])] * len(labels), labels)
    assert outside_legends(fitted) == []


@pytest.mark.parametrize("case", list(CASES))
def test_every_report_legend_lies_inside_its_figure(case, saved, tmp_path):
    folders, kinds = CASES[case]
    runs = reference_runs(tmp_path, folders)
    if case != "reference":  # step's and train's figures have the same legends: left out
        for run in runs:
            keep = run.frame["op"].isin(("loss", "value_and_grad"))
            if case == "three implementations":
                keep &= run.frame["impl"].isin(THREE)
            elif case == "gpu":  # its devices side by side; a few names are enough
                keep &= run.frame["impl"].isin((*THREE, "torch-autograd"))
            run.frame = run.frame[keep]
    plots = report_figures(runs, tmp_path / "plots")
    assert {kind(p.slug) for p in plots} >= kinds and len(saved) == len(plots)
    clipped = {plot.slug: outside_legends(fig) for plot, fig in zip(plots, saved, strict=True)}
    assert not {slug: labels for slug, labels in clipped.items() if labels}
    # and in the real runs too, no line runs from the five-point problem into the curve
    over_n = [(p, fig) for p, fig in zip(plots, saved, strict=True)
              if fig.axes[0].get_xlabel().startswith("N, points")]
    assert not [p.slug for p, fig in over_n if through_five_point(fig)[0]]


def test_every_explain_legend_lies_inside_its_figure(saved, tmp_path):
    worked = explain(five_point(), ["numpy-manual", "finite-diff"], steps=FIVE_POINT_STEPS)
    plots = all_figures(worked, tmp_path)
    assert len(plots) == len(saved) == 5
    assert not {p.slug: outside_legends(f) for p, f in zip(plots, saved, strict=True)
                if outside_legends(f)}


def through_five_point(fig: Figure) -> tuple[int, int]:
    """(lines joining x = 5 to another x, points drawn alone at x = 5) in a figure over N."""
    joined = alone = 0
    for ax in fig.axes:
        for line in ax.get_lines():
            xs = set(np.asarray(line.get_xdata(), float).tolist())
            if 5.0 in xs and len(xs) > 1 and line.get_linestyle() != "None":
                joined += 1
            elif xs == {5.0} and line.get_linestyle() == "None":
                alone += 1
    return joined, alone


def test_no_line_joins_the_five_point_problem_to_the_synthetic_sizes(saved, tmp_path):
    sizes = [("five-point", 5, 10.0), ("synthetic", 100, 20.0), ("synthetic", 1000, 90.0)]
    frame = pd.DataFrame([row(impl, op, problem, n, median * scale)
                          for impl, scale in (("numpy-manual", 1.0), ("jax-jit", 0.5))
                          for op in ("loss", "value_and_grad") for problem, n, median in sizes])
    grid = Grid.of([Run(Path("box"), "sweep", [], {}, None, label="box", frame=frame)])
    plots = draw(grid, tmp_path)
    over_n = [(p.slug, fig) for p, fig in zip(plots, saved, strict=True)
              if fig.axes[0].get_xlabel().startswith("N, points")]
    assert {slug.split("-")[0] for slug, _ in over_n} == {"time", "speedup", "ratio", "gbs"}
    for slug, fig in over_n:
        joined, alone = through_five_point(fig)
        assert joined == 0, slug
        assert alone >= 1, slug  # drawn, as a point of its own
        assert "hollow: the five-point problem" in fig.axes[0].get_xlabel()
