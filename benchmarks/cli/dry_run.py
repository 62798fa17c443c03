"""``sweep --dry-run`` and ``main --dry-run``: the plan, its size and a rough time, nothing
measured, nothing written.

The estimate is arithmetic over the timing settings, not a measurement: the probes, the
check's children, each worker's start and each configuration's budget, warm-up and the
minimum rounds of a call whose cost grows with N. Slow frameworks take longer; it says so.
"""

from __future__ import annotations

from benchmarks.cli.command import EXIT_OK
from benchmarks.cli.progress import seconds_text
from benchmarks.cli.sweep_check import CHECK_JOBS
from benchmarks.measure import timing
from benchmarks.measure.session import skip_reason
from benchmarks.report.format import size_text
from benchmarks.store.config import SweepOptions

PROBES_S = 10.0  # machine description, the bandwidth probe and the floors
CHECK_S = 4.0  # one implementation's check in its own child, imports included
WORKER_START_S = 3.0  # one worker process: the framework's import and first compile
CONFIG_OVERHEAD_S = 0.2  # preparing the data, the pipe, storing the result
SECONDS_PER_POINT = 6e-9  # one pass over the data per call, memory-bound


def measured(options: SweepOptions) -> tuple[int, int]:
    """(configurations measured, configurations recorded as skipped or unavailable)."""
    configs = options.configs()
    skipped = sum(skip_reason(c, options.train_max_n) is not None for c in configs)
    return len(configs) - skipped, skipped


def estimate_s(options: SweepOptions, check: bool = True) -> float:
    """A rough wall time for the whole sweep, every phase included."""
    settings = timing.QUICK if options.quick else timing.DEFAULT
    configs = [c for c in options.configs() if skip_reason(c, options.train_max_n) is None]
    per_process = len({c.impl for c in configs}) * WORKER_START_S + sum(
        settings.budget + settings.warmup + CONFIG_OVERHEAD_S
        + (settings.min_rounds + 2) * c.n * SECONDS_PER_POINT * (c.steps if c.op == "train"
                                                                  else 1)
        for c in configs)
    checks = len(options.impls) * len(options.devices) * CHECK_S / CHECK_JOBS if check else 0
    return PROBES_S + checks + options.processes * per_process


def plan_lines(options: SweepOptions, check: bool = True) -> list[str]:
    """What a person reads before starting: what, how many, about how long."""
    sizes = ", ".join(size_text("five-point" if n is None else "synthetic", n or 5)
                      for n in options.sizes)
    count, skipped = measured(options)
    return [
        f"implementations ({len(options.impls)}): {', '.join(options.impls)}",
        f"sizes: {sizes}; d: {', '.join(map(str, options.dims))}; dtype: "
        f"{', '.join(options.dtypes)}; device: {', '.join(options.devices)}",
        f"operations: {', '.join(options.ops)}; {options.threads} thread(s) per worker; "
        f"{options.steps} steps per training run; timeout {options.timeout:g} s",
        f"configurations: {count} measured" + (f", {skipped} recorded as skipped"
                                               if skipped else "")
        + f", each in {options.processes} process(es)"
        + ("; the five-point correctness check first" if check else ""),
        f"estimated time: about {seconds_text(estimate_s(options, check))} (a rough guess "
        "from the timing budget; slow frameworks and large N take longer)",
    ]


def show(options: SweepOptions, check: bool = True, command: str = "sweep") -> None:
    for line in [f"{command} --dry-run: nothing is measured or written", *plan_lines(
            options, check)]:
        print(line, flush=True)


def run(options: SweepOptions | None, resume: str | None, check: bool) -> int:
    """``sweep --dry-run``: a new sweep's plan, or the plan of the run ``resume`` names."""
    show(options or stored_plan(str(resume)), check)
    return EXIT_OK


def stored_plan(folder: str) -> SweepOptions:
    """The plan a run folder holds, for ``sweep --resume RUN --dry-run``."""
    import json
    from pathlib import Path

    from benchmarks.errors import UsageError
    from benchmarks.store.format import METADATA

    try:
        metadata = json.loads((Path(folder) / METADATA).read_text())
        return SweepOptions.from_json(metadata["options"])
    except (OSError, ValueError, KeyError, TypeError):
        raise UsageError(f"{folder} is not a run folder made by 'updatebench sweep'") from None
