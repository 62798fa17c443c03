"""The report flags configurations that several threads made more than 1.2x slower."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.report.contents import build
from benchmarks.report.frame import prepare
from benchmarks.report.grid import Grid
from benchmarks.report.render import markdown_sections
from benchmarks.report.threadcost import thread_ratios
from benchmarks.store.frame import results_frame
from tests.report_helpers import row, timed


def threaded(impl: str, op: str, problem: str, n: int, median_us: float | None, threads: int,
             run: str) -> dict:
    return {**row(impl, op, problem, n, median_us), "threads": threads, "run": run}


def frame() -> pd.DataFrame:
    rows = [
        # 1.5x slower with two threads: flagged
        threaded("numba-fused", "loss", "five-point", 5, 2.0, 1, "t1"),
        threaded("numba-fused", "loss", "five-point", 5, 3.0, 2, "t2"),
        # 1.1x: within the limit, not flagged
        threaded("python-loop", "loss", "five-point", 5, 10.0, 1, "t1"),
        threaded("python-loop", "loss", "five-point", 5, 11.0, 2, "t2"),
        # faster with two threads: not flagged
        threaded("torch-autograd", "loss", "synthetic", 10**6, 1000.0, 1, "t1"),
        threaded("torch-autograd", "loss", "synthetic", 10**6, 600.0, 2, "t2"),
        # no one-thread row of this configuration (another size): not compared
        threaded("jax-jit", "loss", "synthetic", 1000, 90.0, 2, "t2"),
        threaded("jax-jit", "loss", "synthetic", 100, 10.0, 1, "t1"),
        # a failed one-thread row: nothing to compare with
        threaded("numpy-manual", "loss", "synthetic", 1000, None, 1, "t1"),
        threaded("numpy-manual", "loss", "synthetic", 1000, 50.0, 2, "t2"),
        # 3x slower at value_and_grad, but its loss is fine: only value_and_grad flagged
        threaded("numba-fused", "value_and_grad", "five-point", 5, 2.0, 1, "t1"),
        threaded("numba-fused", "value_and_grad", "five-point", 5, 6.0, 2, "t2"),
    ]
    return prepare(pd.DataFrame(rows))


def test_ratios_pair_each_configuration_with_its_one_thread_run():
    out = thread_ratios(frame())
    assert list(out["impl"]) == ["numba-fused", "numba-fused", "python-loop", "torch-autograd"]
    assert list(out["ratio"]) == pytest.approx([3.0, 1.5, 1.1, 0.6])
    assert list(out["flagged"]) == [True, True, False, False]
    assert list(out["op"][:2]) == ["value_and_grad", "loss"]


def test_one_thread_from_several_runs_is_their_median():
    extra = threaded("python-loop", "loss", "five-point", 5, 6.0, 1, "t1b")
    more = threaded("python-loop", "loss", "five-point", 5, 8.0, 1, "t1c")
    out = thread_ratios(prepare(pd.concat([frame(), pd.DataFrame([extra, more])])))
    loop = out[out["impl"] == "python-loop"].iloc[0]
    assert loop["one_s"] == pytest.approx(8e-6) and loop["flagged"]  # 11 / 8 = 1.375


def test_the_report_shows_the_flagged_configurations_and_not_the_others():
    tables = [t for t in build(Grid([], frame())) if t.section == "threads"]
    summary, speedups, flagged = tables
    assert speedups.cell("python-loop", "from").text == "across runs: ratio of medians"
    assert summary.cell("2", "configurations").value == 4
    assert summary.cell("2", "slower by > 1.2×").value == 2
    assert summary.cell("2", "geometric mean ratio").value == pytest.approx(
        (3.0 * 1.5 * 1.1 * 0.6) ** 0.25)
    assert [(r[0].text, r[1].text, r[-2].value) for r in flagged.rows] == [
        ("numba-fused", "value_and_grad", pytest.approx(3.0)),
        ("numba-fused", "loss", pytest.approx(1.5))]
    text = markdown_sections(tables)
    assert "## Threads that cost time" in text and "python-loop" not in text.split(
        "Threads that cost time: more")[1]


def test_no_section_without_both_thread_counts():
    one = frame()
    assert not [t for t in build(Grid([], one[one["threads"] == 1])) if t.section == "threads"]
    assert not [t for t in build(Grid([], one[one["threads"] == 2])) if t.section == "threads"]


def one_run(drift: float, cost: float) -> pd.DataFrame:
    """One run of --threads 1,2: round r of both counts ran side by side, the machine
    ``drift``× slower in the second half of the rounds, two threads ``cost``× one thread."""
    speeds = [1.0, 1.01, 0.99, 1.0, drift, drift * 1.01, drift * 0.99, drift]
    one = timed("numba-fused", [[1e-5 * s for s in speeds]] * 2)
    two = timed("numba-fused", [[1e-5 * s * cost for s in speeds]] * 2, threads=2)
    frame = results_frame([one, two])
    frame["run"] = "r"
    return prepare(frame)


def test_within_one_run_the_ratio_pairs_rounds_and_the_drift_cancels():
    """1.8× drift between rounds does not hide a 1.25× thread cost, nor make one up."""
    found = thread_ratios(one_run(drift=1.8, cost=1.25)).iloc[0]
    assert found["paired"] and found["pairs"] == 16
    assert found["ratio"] == pytest.approx(1.25) and found["flagged"]
    assert found["ratio_low"] == pytest.approx(1.25) == found["ratio_high"]
    assert found["speedup"] == pytest.approx(0.8) and found["efficiency"] == pytest.approx(0.4)
    fine = thread_ratios(one_run(drift=1.8, cost=0.55)).iloc[0]  # 2 threads help: 1.82×
    assert not fine["flagged"] and fine["speedup"] == pytest.approx(1 / 0.55)
    assert fine["efficiency_low"] <= fine["efficiency"] <= fine["efficiency_high"]
    tables = [t for t in build(Grid([], one_run(1.8, 0.55))) if t.section == "threads"]
    speedups = next(t for t in tables if t.slug == "threads-speedup")
    assert speedups.cell("numba-fused", "speedup").text.startswith("1.82× [")
    assert speedups.cell("numba-fused", "from").text == "within the run, 16 round pairs"


def test_a_ratio_of_medians_of_the_same_rows_would_be_fooled():
    """The program the within-run ratio must beat: one-thread rounds in the slow half only
    against two-thread rounds in the fast half look 1.8× apart although they cost the same."""
    frame = one_run(drift=1.8, cost=1.0)
    two = frame[frame["threads"] == 2].iloc[0]
    one = frame[frame["threads"] == 1].iloc[0]
    slow_one = [s.seconds for s in one["samples"] if s.round >= 4]
    fast_two = [s.seconds for s in two["samples"] if s.round < 4]
    assert sorted(slow_one)[2] / sorted(fast_two)[2] == pytest.approx(1.8, rel=0.02)
    assert thread_ratios(frame).iloc[0]["ratio"] == pytest.approx(1.0)
