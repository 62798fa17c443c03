"""The harness against the anchors: one call timed by the sweep, timeit and pytest-benchmark.

All three run in the same invocation, each in a fresh process with the same thread settings
and CPU pinning, interleaved over ``--repeats`` passes so that drift of a shared machine hits
all three alike. The answer is the median of each tool's medians and, more robust on a
shared machine whose speed drifts between passes, the median over passes of each tool's
ratio to the sweep measured within the same pass. ``updatebench anchors``
(``benchmarks.cli.anchors``) runs the passes and prints.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

TOOLS = ("sweep", "timeit", "pytest-benchmark")
AGREE_WITHIN = 0.10  # the within-pass ratios' spread that still counts as agreement

TIMEIT_SCRIPT = """
import json, statistics, sys, timeit
from benchmarks.measure.worker import pin_cpus
pin_cpus()
from threadpoolctl import threadpool_limits
threadpool_limits(1)
from impls import five_point, registry
problem = five_point()
impl = registry.get(sys.argv[1])()
impl.prepare(problem)
call = impl.bind(sys.argv[2], problem.theta0)
timer = timeit.Timer(call)
number, _ = timer.autorange()
runs = timer.repeat(repeat=int(sys.argv[3]), number=number)
print(json.dumps([r / number for r in runs]))
"""


def sweep_median(impl: str, op: str) -> float:
    """The median of the sweep's own engine: one worker, its rounds, as a sweep runs them."""
    from benchmarks.measure.session import Session, result_of
    from benchmarks.measure.timing import DEFAULT
    from benchmarks.store.config import plan

    (config,) = plan([impl], [None], [1], ["float64"], ["cpu"], [op], [1], 1)
    session = Session(DEFAULT, timeout=300, plugins=[], threads=1)
    try:
        outcome = session.measure_group([config], process=0)[config.key]
    finally:
        session.stop()
    result = result_of(config, 0, outcome)
    if result.status != "ok" or result.median_s is None:
        raise RuntimeError(f"sweep worker: {result.status} {result.message}")
    return result.median_s


def timeit_median(impl: str, op: str) -> float:
    import json
    import sys

    from benchmarks.child.start import environment, run_command
    from benchmarks.measure.supervisor import worker_environment

    done = run_command([sys.executable, "-c", TIMEIT_SCRIPT, impl, op, "10"], timeout=300,
                       env=environment(worker_environment(1)))
    if done.returncode != 0:
        raise RuntimeError(f"timeit failed: {done.stderr[-500:]}")
    # timeit's documented statistic: the best of its repeats (each the mean of ≥ 0.2 s of calls)
    return min(json.loads(done.stdout.strip().splitlines()[-1]))


def pytest_benchmark_median(impl: str, op: str, workdir: Path) -> float:
    import json
    import sys

    from benchmarks.child.start import environment, run_command
    from benchmarks.measure.machine import REPO
    from benchmarks.measure.supervisor import worker_environment

    out = workdir / "pytest-benchmark.json"
    env = worker_environment(1) | {"UPDATEBENCH_BENCH_SIZES": "five",
                                   "UPDATEBENCH_BENCH_OPS": op}
    suite = REPO / "benchmarks" / "suite" / "bench_update.py"
    command = [sys.executable, "-m", "pytest", str(suite),
               "-q", "-p", "no:cacheprovider", "--benchmark-only", "-k", impl,
               "--benchmark-max-time=0.5",
               f"--benchmark-json={out}"]
    prefix = ["taskset", "-c", env["UPDATEBENCH_CPUS"]] if "UPDATEBENCH_CPUS" in env else []
    done = run_command(prefix + command, timeout=600, env=environment(env), cwd=REPO)
    if done.returncode != 0:
        raise RuntimeError(f"pytest-benchmark failed: {done.stdout[-500:]}")
    benches = [b for b in json.loads(out.read_text())["benchmarks"]
               if b["extra_info"]["impl"] == impl]
    return float(benches[0]["stats"]["median"])


@dataclass(frozen=True)
class Agreement:
    """How the three tools agree over the passes."""

    medians: dict[str, float]  # tool -> median of its per-pass medians
    ratios: dict[str, float]  # tool -> median over passes of its ratio to the sweep
    spread: float  # largest / smallest within-pass ratio − 1

    @property
    def agree(self) -> bool:
        return self.spread <= AGREE_WITHIN


def agreement(samples: dict[str, list[float]]) -> Agreement:
    """``samples`` holds each tool's median per pass, the sweep's under "sweep"."""
    medians = {tool: statistics.median(values) for tool, values in samples.items()}
    ratios = {tool: statistics.median(v / s for v, s in zip(values, samples["sweep"],
                                                              strict=True))
              for tool, values in samples.items()}
    return Agreement(medians, ratios, max(ratios.values()) / min(ratios.values()) - 1)
