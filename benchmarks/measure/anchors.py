"""The harness against the anchors: one call timed by the sweep, timeit and pytest-benchmark.

All three run in the same invocation, each in a fresh process with the same thread settings
and CPU pinning, interleaved over ``--repeats`` passes so that drift of a shared machine hits
all three alike. The answer is the median of each tool's medians and, more robust on a
shared machine whose speed drifts between passes, the median over passes of each tool's
ratio to the sweep measured within the same pass.
"""

from __future__ import annotations

import argparse
from pathlib import Path

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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--impl", default="numpy-manual")
    parser.add_argument("--op", default="value_and_grad")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved passes (default 3)")
    parser.add_argument("--json", metavar="PATH", help="write the samples and medians here")


def sweep_median(impl: str, op: str) -> float:
    """The median of the sweep's own engine: one worker, its rounds, as a sweep runs them."""
    from benchmarks.measure.session import Session, result_of
    from benchmarks.measure.timing import DEFAULT
    from benchmarks.store.config import plan

    (config,) = plan([impl], [None], [1], ["float64"], ["cpu"], [op], 1, 1)
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


def run(args: argparse.Namespace) -> int:
    import json
    import statistics
    import tempfile

    from benchmarks.errors import UsageError
    from benchmarks.report.console import console
    from benchmarks.report.format import number, time_unit
    from impls import registry

    try:
        registry.get(args.impl)
    except registry.RegistryError as error:
        raise UsageError(str(error)) from None
    samples: dict[str, list[float]] = {"sweep": [], "timeit": [], "pytest-benchmark": []}
    with tempfile.TemporaryDirectory() as workdir:
        for index in range(args.repeats):
            console.print(f"pass {index + 1}/{args.repeats}")
            samples["sweep"].append(sweep_median(args.impl, args.op))
            samples["timeit"].append(timeit_median(args.impl, args.op))
            samples["pytest-benchmark"].append(
                pytest_benchmark_median(args.impl, args.op, Path(workdir)))
    medians = {tool: statistics.median(values) for tool, values in samples.items()}
    ratios = {tool: statistics.median(v / s for v, s in zip(values, samples["sweep"],
                                                              strict=True))
              for tool, values in samples.items()}
    unit, scale = time_unit(min(medians.values()))
    console.print(f"{args.impl} {args.op} on the five-point problem, 1 thread, "
                  f"{args.repeats} interleaved passes:")
    for tool, value in medians.items():
        passes = ", ".join(number(v / scale) for v in samples[tool])
        console.print(f"  {tool:17s} median {number(value / scale):>6s} {unit}   "
                      f"median ratio to the sweep within a pass {ratios[tool]:.3f}   "
                      f"(passes: {passes})")
    spread = max(ratios.values()) / min(ratios.values()) - 1
    verdict = "agree within 10%" if spread <= 0.10 else "DIFFER by more than 10%"
    console.print(f"the three {verdict} (within-pass ratios, largest/smallest − 1 = "
                  f"{spread:.1%})")
    if args.json:
        Path(args.json).write_text(json.dumps({"impl": args.impl, "op": args.op,
                                               "samples_s": samples, "medians_s": medians,
                                               "ratios": ratios, "spread": spread},
                                              indent=1))
    return 0
