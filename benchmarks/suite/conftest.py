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
