"""Beyond memory: a LazyProblem is the in-memory synthetic problem's bits without its arrays,
dask-manual takes it in the sweep's worker, the memory guard points to it, and ``check``
compares every chunk with the same sums made in one process."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from benchmarks.check.chunked import check_chunked, check_point
from benchmarks.cli.main import main
from benchmarks.cli.plan import check_memory, plan_options
from benchmarks.errors import UsageError
from benchmarks.measure.worker import Bench
from benchmarks.store.config import Config
from impls import chunks
from impls.problem import LazyProblem, Problem, ProblemSpec, build, lazy_synthetic, synthetic


@pytest.mark.parametrize("d, dtype", [(1, "float64"), (3, "float32")])
def test_a_lazy_problem_makes_the_in_memory_bits_chunk_by_chunk(d, dtype):
    n = 2 * chunks.CHUNK + 777
    whole, lazy = synthetic(n, d, seed=5, dtype=dtype), lazy_synthetic(n, d, 5, dtype)
    assert (lazy.n, lazy.d, lazy.dtype, lazy.eta) == (whole.n, whole.d, whole.dtype, whole.eta)
    assert lazy.theta0.tobytes() == whole.theta0.tobytes()
    assert np.array_equal(lazy.true_theta, whole.true_theta)
    edges = [0, 1000, chunks.CHUNK - 3, chunks.CHUNK + 5, 2 * chunks.CHUNK, n]
    for lo, hi in itertools.pairwise(edges):
        x, y = lazy.rows(lo, hi)
        assert x.tobytes() == whole.x[lo:hi].tobytes()
        assert y.tobytes() == whole.y[lo:hi].tobytes()
    assert lazy.nbytes == whole.nbytes
    assert not hasattr(lazy, "x")


def test_build_is_lazy_only_where_asked_and_only_for_synthetic_data():
    spec = ProblemSpec("synthetic", n=10**12, d=2, seed=1, eta=0.5)
    lazy = build(spec, lazy=True)  # 10^12 points: nothing is allocated
    assert isinstance(lazy, LazyProblem) and lazy.eta == 0.5 and lazy.n == 10**12
    assert isinstance(build(ProblemSpec(), lazy=True), Problem)  # five points are just built
    bench = Bench(1)
    config = Config("dask-manual", "loss", "synthetic", 10**12, 1, "float64", "cpu", 1, 1)
    assert isinstance(bench._problem(config, True), LazyProblem)


def test_the_memory_guard_lets_dask_manual_take_what_memory_cannot_hold():
    check_memory(plan_options(impl=("dask-manual",), sizes=(10**12,), quick=True))
    with pytest.raises(UsageError, match=r"dask-manual .*can take it"):
        check_memory(plan_options(impl=("numpy-manual", "dask-manual"), sizes=(10**12,)))


dask_manual = pytest.importorskip("impls.dask_manual")


@pytest.fixture
def many_chunks(monkeypatch):
    monkeypatch.setattr(dask_manual, "MIN_CHUNK_POINTS", 100)
    monkeypatch.setattr(dask_manual, "CHUNK_POINTS", 400)


def test_dask_manual_on_a_lazy_problem_is_the_in_memory_gradient(many_chunks):
    lazy, whole = lazy_synthetic(3000, 2, seed=3), synthetic(3000, 2, seed=3)
    theta = np.array([0.4, -0.2, 0.1])
    on_lazy, on_whole = dask_manual.DaskManual(), dask_manual.DaskManual()
    on_lazy.prepare(lazy)
    on_whole.prepare(whole)
    assert on_lazy.parameters()["data"].startswith("generated on the workers")
    value, grad = on_lazy.value_and_grad(theta)
    want_value, want_grad = on_whole.value_and_grad(theta)
    assert value == want_value and grad.tobytes() == want_grad.tobytes()


def test_every_chunk_matches_one_process_and_wrong_chunks_are_caught(many_chunks):
    problem = lazy_synthetic(3000, 1, seed=2)
    report = check_chunked(problem, ["dask-manual"], lambda _: dask_manual.DaskManual())
    entry = report["implementations"][0]
    assert report["passed"] and entry["status"] == "pass"
    point = entry["points"]["probe"]
    assert point["chunks"] == point["chunks_bit_identical"] > 1

    class OneChunkOff(dask_manual.DaskManual):
        def chunk_sums(self, theta):
            parts, total = super().chunk_sums(theta)
            parts[1, 2] *= 1 + 1e-9  # one chunk's gradient, far beyond its round-off
            return parts, total

    class TreeOff(dask_manual.DaskManual):
        def chunk_sums(self, theta):
            parts, total = super().chunk_sums(theta)
            return parts, total * (1 + 1e-12)

    theta = np.array([0.5, -0.25])
    for wrong, what in ((OneChunkOff, "chunk of rows"), (TreeOff, "tree's total")):
        impl = wrong()
        impl.prepare(problem)
        found = check_point(problem, impl, theta)
        assert not found["passed"] and what in found["failures"][0]


def test_data_of_another_seed_on_the_workers_fail_every_chunk(many_chunks):
    class OtherSeed(dask_manual.DaskManual):
        def prepare(self, problem):
            super().prepare(lazy_synthetic(problem.n, problem.d, problem.seed + 1))

    report = check_chunked(lazy_synthetic(2000, 1, seed=0), ["x"], lambda _: OtherSeed())
    assert not report["passed"]
    assert report["implementations"][0]["points"]["theta0"]["failed_chunks"] > 1


def test_check_chunk_by_chunk_from_the_cli(many_chunks, tmp_path, capsys):
    path = tmp_path / "chunks.json"
    assert main(["check", "--impl", "dask-manual", "--n", "2500", "--chunked",
                 "--json", str(path)]) == 0
    assert '"kind": "chunked"' in path.read_text()
    assert main(["check", "--impl", "numpy-manual", "--n", "2500", "--chunked"]) == 2
    assert "dask-manual" in capsys.readouterr().err
