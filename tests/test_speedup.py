"""Speedups from within-round ratios: drift cancels, the interval rests on processes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from benchmarks.report.speedup import bootstrap_median, within_round_speedups
from benchmarks.store import frame as store_frame
from tests.report_helpers import timed


def result_row(impl: str, times: list[list[float]], n: int = 1000, indices: bool = True) -> dict:
    """A frame row; ``times[p][r]`` is round r of process p (no round indices: not paired)."""
    return store_frame.row(timed(impl, times, n=n, rounds=indices))


def drifting(base: float, rounds: int, processes: int, seed: int = 1) -> list[list[float]]:
    """A machine whose speed wanders by a factor up to 3 between rounds."""
    rng = np.random.default_rng(seed)
    return [list(base * np.exp(rng.uniform(0, math.log(3), rounds))) for _ in range(processes)]


def test_within_round_ratios_cancel_a_drifting_machine():
    speed = drifting(1.0, 60, 3)
    base = [[1e-4 * s for s in p] for p in speed]
    fast = [[0.25e-4 * s * (1 + 0.01 * ((r % 3) - 1)) for r, s in enumerate(p)] for p in speed]
    frame = pd.DataFrame([result_row("numpy-manual", base), result_row("jax-jit", fast)])
    out = within_round_speedups(frame).set_index("impl")
    jax = out.loc["jax-jit"]
    assert jax["speedup"] == pytest.approx(4.0, rel=0.01)
    assert jax["speedup_low"] <= 4.0 <= jax["speedup_high"]
    assert jax["speedup_high"] / jax["speedup_low"] < 1.05  # drift does not widen it
    assert jax["pairs"] == 180 and jax["processes"] == 3
    assert out.loc["numpy-manual", "speedup"] == 1.0


def test_rounds_pair_only_with_the_same_round_of_the_same_process():
    base = [[1.0, 2.0, 4.0], [8.0, 16.0, 32.0]]
    impl = [[0.5, 1.0, 2.0], [4.0, 8.0, 16.0]]  # exactly 2× faster in every round
    frame = pd.DataFrame([result_row("numpy-manual", base), result_row("torch-func", impl)])
    out = within_round_speedups(frame).set_index("impl")
    assert out.loc["torch-func", "speedup"] == pytest.approx(2.0)
    assert out.loc["torch-func", "speedup_low"] == pytest.approx(2.0)
    shuffled = [[0.5, 1.0, 2.0], [16.0, 8.0, 4.0]]  # the same samples, rounds mismatched
    frame = pd.DataFrame([result_row("numpy-manual", base), result_row("torch-func", shuffled)])
    assert within_round_speedups(frame).set_index("impl").loc["torch-func", "speedup_high"] > 2


def test_processes_that_disagree_widen_the_interval():
    rng = np.random.default_rng(3)
    base = [list(1e-4 * (1 + 0.01 * rng.standard_normal(40))) for _ in range(4)]
    agree = [[t / 2 for t in p] for p in base]
    disagree = [[t / (2 * (1 + 0.3 * (i % 2))) for t in p] for i, p in enumerate(base)]
    frames = [pd.DataFrame([result_row("numpy-manual", base), result_row("x", impl)])
              for impl in (agree, disagree)]
    width = [float(f.set_index("impl").loc["x", "speedup_high"]
                   - f.set_index("impl").loc["x", "speedup_low"])
             for f in (within_round_speedups(frame) for frame in frames)]
    assert width[1] > 5 * width[0]


def test_rows_without_round_indices_fall_back_to_the_ratio_of_medians():
    frame = pd.DataFrame([result_row("numpy-manual", [[2.0, 2.0, 2.0]], indices=False),
                          result_row("x", [[1.0, 1.0, 1.0]], indices=False)])
    row = within_round_speedups(frame).set_index("impl").loc["x"]
    assert row["speedup"] == 2.0 and math.isnan(row["speedup_low"]) and row["pairs"] == 0


def test_no_baseline_no_speedup_and_failed_rows_are_left_out():
    rows = [result_row("x", [[1.0, 2.0]]), {**result_row("numpy-manual", [[1.0, 2.0]], n=10),
                                              "status": "timeout"}]
    assert within_round_speedups(pd.DataFrame(rows)).empty


def test_bootstrap_interval_of_identical_ratios_is_a_point():
    assert bootstrap_median([np.full(10, 3.0), np.full(5, 3.0)]) == (3.0, 3.0)
    low, high = bootstrap_median([np.arange(1.0, 101.0)])
    assert low < 50.5 < high and high - low < 30


def test_a_gpu_row_is_not_paired_with_the_cpu_baselines_rounds():
    """GPU configurations run in rounds of their own: pairing round r with the CPU
    baseline's round r would claim a drift cancellation that never happened."""
    from benchmarks.report.analysis import speedups

    base = result_row("numpy-manual", [[4e-4, 1e-4, 4e-4, 1e-4]])
    cpu = result_row("torch-autograd", [[2e-4, 0.5e-4, 2e-4, 0.5e-4]])
    gpu = {**result_row("torch-autograd", [[1e-4, 1e-4, 1e-4, 1e-4]]), "device": "cuda"}
    frame = pd.DataFrame([{**r, "run": "a", "run_index": 0} for r in (base, cpu, gpu)])
    out = speedups(frame).set_index(["impl", "device"])
    paired = out.loc[("torch-autograd", "cpu")]
    assert paired["speedup"] == pytest.approx(2.0) and paired["speedup_low"] == pytest.approx(2.0)
    unpaired = out.loc[("torch-autograd", "cuda")]
    assert unpaired["speedup"] == pytest.approx(2.5e-4 / 1e-4)  # median over median
    assert math.isnan(unpaired["speedup_low"]) and math.isnan(unpaired["speedup_high"])


# ------------------------------------------------------------ the figure


def drawn_figure(frame: pd.DataFrame, folder) -> tuple:
    """The speedup figure of ``frame`` (loss, d=1, float64), and the Figure it saved."""
    from benchmarks.report.canvas import Canvas
    from benchmarks.report.frame import prepare
    from benchmarks.report.grid import Grid
    from benchmarks.report.sections import speedup

    grid = Grid([], prepare(frame))
    canvas = Canvas(grid, folder)
    saved = {}
    original = canvas.save

    def keep(fig, *args):
        saved["fig"] = fig
        return original(fig, *args)

    canvas.save = keep
    (plot,) = speedup.figures(grid, canvas)
    return plot, saved["fig"], grid.speed


def test_speedup_figure_draws_each_interval_from_the_data(tmp_path):
    rng = np.random.default_rng(5)
    rows = []
    for n, factor, spread in ((100, 2.0, 0.02), (1000, 4.0, 0.3), (10000, 8.0, 0.05)):
        base = [list(1e-4 * (1 + 0.01 * rng.standard_normal(30))) for _ in range(3)]
        fast = [[t / factor * (1 + spread * rng.standard_normal()) for t in p] for p in base]
        rows += [result_row("numpy-manual", base, n), result_row("x", fast, n)]
    rows.append(result_row("numpy-manual", [[2e-4] * 3], 100000, indices=False))
    rows.append(result_row("x", [[1e-5] * 3], 100000, indices=False))  # no pairs, no bar
    plot, fig, speed = drawn_figure(pd.DataFrame(rows), tmp_path)
    assert plot.slug == "speedup-loss-0-d1-float64" and plot.section == "speedup"
    assert plot.png.stat().st_size > 20_000 and plot.svg.stat().st_size > 20_000
    assert "1 point(s) have no bar" in plot.caption
    (ax,) = fig.axes
    bars = [c for c in ax.collections if len(c.get_segments()) > 0]
    (segments,) = [b.get_segments() for b in bars]
    drawn = sorted((float(s[0][0]), float(min(s[:, 1])), float(max(s[:, 1]))) for s in segments)
    x = speed[speed["impl"] == "x"].sort_values("n")
    expected = [(float(r.n), r.speedup_low, r.speedup_high) for r in x.itertuples()
                if not math.isnan(r.speedup_low)]
    assert np.array(drawn) == pytest.approx(np.array(expected))
    assert len(drawn) == 3  # the baseline is the reference line, not a series with bars
    widths = {n: math.log(high / low) for n, low, high in drawn}
    assert widths[1000] > 2 * widths[100]  # the noisy size gets the wide bar
    (line,) = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 4]
    assert list(line.get_ydata()) == pytest.approx(list(x["speedup"]))
    assert ax.get_xscale() == ax.get_yscale() == "log"


def test_no_speedup_figure_without_a_baseline(tmp_path):
    from benchmarks.report.canvas import Canvas
    from benchmarks.report.frame import prepare
    from benchmarks.report.grid import Grid
    from benchmarks.report.sections import speedup

    frame = pd.DataFrame([result_row("x", [[1.0, 2.0]], n) for n in (100, 1000)])
    grid = Grid([], prepare(frame))
    assert speedup.figures(grid, Canvas(grid, tmp_path)) == []
    assert not list(tmp_path.iterdir())
