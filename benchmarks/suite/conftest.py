"""pytest-benchmark suites: threads fixed before any framework loads; skipped unless asked for.

`pytest benchmarks --benchmark-only` runs them; a plain `pytest` collects and skips them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

THREADS = int(os.environ.get("UPDATEBENCH_THREADS", "1"))
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, str(THREADS))
if THREADS == 1:
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                          "intra_op_parallelism_threads=1")

HERE = Path(__file__).resolve().parent
DATA = os.environ.get("UPDATEBENCH_BENCH_DATA")


def bench_spec(size: str):
    """The problem of one benchmark size ('five', N or 'data'), with the environment's data
    file, eta and theta0 (UPDATEBENCH_BENCH_*)."""
    from impls.problem import ProblemSpec

    env = os.environ.get
    eta = float(env("UPDATEBENCH_BENCH_ETA")) if env("UPDATEBENCH_BENCH_ETA") else None
    theta0 = tuple(float(v) for v in env("UPDATEBENCH_BENCH_THETA0", "").split(",")) \
        if env("UPDATEBENCH_BENCH_THETA0") else None
    if size == "data":
        return ProblemSpec(kind="data", data_path=DATA, eta=eta, theta0=theta0,
                           target=env("UPDATEBENCH_BENCH_TARGET", "y"),
                           standardize=env("UPDATEBENCH_BENCH_STANDARDIZE", "") in ("1", "yes"))
    if size == "five":
        return ProblemSpec(eta=eta, theta0=theta0)
    return ProblemSpec(kind="synthetic", n=int(float(size)), eta=eta, theta0=theta0)


def pytest_configure(config: pytest.Config) -> None:
    """A bad data file, eta or theta0 stops the run with one line, before any benchmark."""
    if not config.getoption("benchmark_only", False):
        return
    from impls.problem import ProblemError, build

    sizes = ["data"] if DATA else os.environ.get("UPDATEBENCH_BENCH_SIZES", "five").split(",")
    try:
        for size in sizes:
            build(bench_spec(size))
    except (ProblemError, ValueError) as error:
        raise pytest.UsageError(f"updatebench benchmarks: {error}") from None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("benchmark_only", False):
        return
    skip = pytest.mark.skip(reason="benchmark: run with pytest benchmarks --benchmark-only")
    for item in items:
        if HERE in Path(item.fspath).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def fixed_threads():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(THREADS):
        import sys

        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(THREADS)
        yield
