"""The report flags configurations that several threads made more than 1.2x slower."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.report.contents import build
from benchmarks.report.frame import prepare
from benchmarks.report.grid import Grid
from benchmarks.report.render import markdown_sections
from benchmarks.report.threadcost import thread_ratios
from tests.report_helpers import row


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
    summary, flagged = tables
    assert summary.cell("2", "configurations").value == 4
    assert summary.cell("2", "slower by > 1.2×").value == 2
    assert summary.cell("2", "geometric mean ratio").value == pytest.approx(
        (3.0 * 1.5 * 1.1 * 0.6) ** 0.25)
    assert [(r[0].text, r[1].text, r[-1].value) for r in flagged.rows] == [
        ("numba-fused", "value_and_grad", pytest.approx(3.0)),
        ("numba-fused", "loss", pytest.approx(1.5))]
    text = markdown_sections(tables)
    assert "## Threads that cost time" in text and "python-loop" not in text.split(
        "Threads that cost time: more")[1]


def test_no_section_without_both_thread_counts():
    one = frame()
    assert not [t for t in build(Grid([], one[one["threads"] == 1])) if t.section == "threads"]
    assert not [t for t in build(Grid([], one[one["threads"] == 2])) if t.section == "threads"]
