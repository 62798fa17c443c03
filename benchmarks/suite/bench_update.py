"""The update rule's operations, timed by pytest-benchmark through the same interface.

    pytest benchmarks --benchmark-only [--benchmark-json out.json]

Sizes come from UPDATEBENCH_BENCH_SIZES (comma-separated, 'five' for the five-point problem;
default five,1000,100000); results are grouped by size, with the configuration in extra_info.
Your own data instead: UPDATEBENCH_BENCH_DATA=FILE (CSV, .npz or Parquet), with
UPDATEBENCH_BENCH_TARGET (default y), UPDATEBENCH_BENCH_STANDARDIZE=1, and for any problem
UPDATEBENCH_BENCH_ETA and UPDATEBENCH_BENCH_THETA0 (comma-separated w_1..w_d,b).
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from benchmarks.measure.machine import versions
from benchmarks.suite.conftest import DATA, THREADS, bench_spec
from impls import registry
from impls.problem import build

SIZES = ["data"] if DATA else os.environ.get("UPDATEBENCH_BENCH_SIZES",
                                             "five,1000,100000").split(",")
OPS = os.environ.get("UPDATEBENCH_BENCH_OPS", "value_and_grad").split(",")
NAMES = [e.name for e in registry.entries() if e.available]


def problem_for(size: str):
    return build(bench_spec(size))


@pytest.fixture(scope="module", params=SIZES,
                ids=lambda s: s if s in ("five", "data") else f"n{s}")
def problem(request):
    return problem_for(request.param)


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("name", NAMES)
def test_update_rule(benchmark, problem, name, op):
    cls = registry.get(name)
    if cls.max_n is not None and problem.n > cls.max_n:
        pytest.skip(f"{name} is skipped above N = {cls.max_n}")
    impl = cls()
    impl.prepare(problem)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(THREADS)
    call = impl.bind(op, problem.theta0, steps=10)
    benchmark.group = f"{op} {problem.name}"
    benchmark.extra_info.update(
        impl=name, method=cls.method, framework=cls.framework, op=op,
        problem=problem.kind, problem_spec=problem.describe().get("spec"),
        data_path=problem.describe().get("data_path"),
        data_sha256=problem.describe().get("file_sha256"), eta=problem.eta,
        theta0=problem.theta0.tolist(),
        n=problem.n, d=problem.d, dtype=problem.dtype, device="cpu", threads=THREADS,
        steps=10 if op == "train" else 1, bytes_read=problem.nbytes,
        versions={k: v for k, v in versions().items() if v},
    )
    result = benchmark(call)
    flat = result if isinstance(result, tuple) else (result,)
    assert all(np.all(np.isfinite(impl.to_numpy(part))) for part in flat
               if not isinstance(part, list))
