"""``updatebench anchors``: one call timed by the sweep, timeit and pytest-benchmark in
interleaved passes (``benchmarks.measure.anchors``), and whether the three agree."""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.cli.command import EXIT_OK, load_plugins
from benchmarks.cli.values import Accumulate, implementations, writable_file
from benchmarks.errors import UsageError
from impls import registry
from impls.base import OPS
from impls.builtins import BASELINE

NAME = "anchors"
HELP = "Time one call with the sweep, timeit and pytest-benchmark, and say whether they agree."
DEFAULT_OP = "value_and_grad"


@dataclass(frozen=True)
class AnchorsOptions:
    impl: str = BASELINE
    op: str = DEFAULT_OP
    repeats: int = 3
    json: str | None = None

    def __post_init__(self) -> None:
        if self.repeats < 1:
            raise UsageError(f"--repeats must be at least 1, got {self.repeats}")
        if self.op not in OPS:
            raise UsageError(f"unknown operation {self.op!r}: choose from {', '.join(OPS)}")
        writable_file(self.json, "--json")  # refused now, not after minutes of timing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--impl", action=Accumulate, type=implementations, metavar="NAME",
                        help=f"Time this implementation, one only (default {BASELINE}).")
    parser.add_argument("--op", default=DEFAULT_OP, help="Time this operation, one of "
                        f"{', '.join(OPS)} (default {DEFAULT_OP}).")
    parser.add_argument("--repeats", type=int, default=3,
                        help="Interleave this many passes of the three tools (default 3).")
    parser.add_argument("--json", metavar="PATH",
                        help="Write the samples and medians to this JSON file.")


def options_from(namespace: argparse.Namespace) -> AnchorsOptions:
    load_plugins(namespace.plugin)
    names = namespace.impl or (BASELINE,)
    if len(names) > 1:
        raise UsageError(f"anchors times one implementation: give one --impl, got "
                         f"{', '.join(names)}")
    try:
        registry.get(names[0])
    except registry.RegistryError as error:
        raise UsageError(str(error)) from None
    return AnchorsOptions(impl=names[0], op=namespace.op, repeats=namespace.repeats,
                          json=namespace.json)


def run(options: AnchorsOptions) -> int:
    from benchmarks.measure import anchors
    from benchmarks.report.console import console
    from benchmarks.report.format import number, time_unit

    samples: dict[str, list[float]] = {tool: [] for tool in anchors.TOOLS}
    with tempfile.TemporaryDirectory() as workdir:
        for index in range(options.repeats):
            console.print(f"pass {index + 1}/{options.repeats}")
            samples["sweep"].append(anchors.sweep_median(options.impl, options.op))
            samples["timeit"].append(anchors.timeit_median(options.impl, options.op))
            samples["pytest-benchmark"].append(
                anchors.pytest_benchmark_median(options.impl, options.op, Path(workdir)))
    found = anchors.agreement(samples)
    unit, scale = time_unit(min(found.medians.values()))
    console.print(f"{options.impl} {options.op} on the five-point problem, 1 thread, "
                  f"{options.repeats} interleaved passes:")
    for tool, value in found.medians.items():
        passes = ", ".join(number(v / scale) for v in samples[tool])
        console.print(f"  {tool:17s} median {number(value / scale):>6s} {unit}   "
                      f"median ratio to the sweep within a pass {found.ratios[tool]:.3f}   "
                      f"(passes: {passes})")
    within = f"{anchors.AGREE_WITHIN:.0%}"
    verdict = f"agree within {within}" if found.agree else f"DIFFER by more than {within}"
    console.print(f"the three {verdict} (within-pass ratios, largest/smallest − 1 = "
                  f"{found.spread:.1%})")
    if options.json:
        Path(options.json).write_text(json.dumps({
            "impl": options.impl, "op": options.op, "samples_s": samples,
            "medians_s": found.medians, "ratios": found.ratios, "spread": found.spread},
            indent=1))
    return EXIT_OK
