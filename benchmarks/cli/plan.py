"""What a sweep measures: the sweep command's options, with their defaults, as SweepOptions."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from benchmarks.cli.problem_args import check_theta0
from benchmarks.cli.values import (
    Accumulate,
    choice,
    count,
    implementations,
    listing,
    seconds,
    seed,
    size,
    threads,
)
from benchmarks.errors import UsageError
from benchmarks.measure import timing
from benchmarks.report.change import MIN_PROCESSES
from benchmarks.store.config import SweepOptions
from impls import registry
from impls.base import DEVICES, OPS
from impls.fits import check_fits
from impls.problem import DTYPES, ProblemError, ProblemSpec

DEFAULT_SIZES = (None, 10**2, 10**3, 10**4, 10**5, 10**6, 10**7)
QUICK_SIZES = (None, 10**3, 10**4)
QUICK_OPS = ("loss", "value_and_grad")
# Above this, a k-step training run costs k × the step op, which the sweep already times;
# the default plan records those rows as skipped. An explicit --op train measures them all.
DEFAULT_TRAIN_MAX_N = 10**5
# command-line option -> SweepOptions field
SWEEP_FIELDS = {"impl": "impls", "sizes": "sizes", "dims": "dims", "dtype": "dtypes",
                "device": "devices", "op": "ops", "threads": "threads", "steps": "steps",
                "seed": "seed", "timeout": "timeout", "quick": "quick",
                "processes": "processes", "rounds": "rounds"}
# compare claims a change only from this many processes a side, so default sweeps can be compared
DEFAULT_PROCESSES = MIN_PROCESSES


def add_plan_options(parser: argparse.ArgumentParser) -> None:
    """The options of SWEEP_FIELDS; None means "not given", so --resume can tell an explicit
    option from a default."""
    parser.add_argument("--impl", action=Accumulate, type=implementations,
                        metavar="NAME[,NAME...]",
                        help="Measure these implementations, comma-separated or with the "
                        "option repeated (default: every one available).")
    parser.add_argument("--sizes", type=listing("size", size), metavar="LIST",
                        help="Measure these sizes N, comma-separated; 'five' is the five-point "
                        "problem (default five,1e2,1e3,1e4,1e5,1e6,1e7).")
    parser.add_argument("--dims", type=listing("dimension", count("d")), metavar="LIST",
                        help="Give the problems these numbers of features d, comma-separated "
                        "(default 1).")
    parser.add_argument("--dtype", type=listing("dtype", choice("dtype", DTYPES)),
                        metavar="LIST", help="Compute in float64 and/or float32, "
                        "comma-separated (default float64).")
    parser.add_argument("--device", type=listing("device", choice("device", DEVICES)),
                        metavar="LIST", help="Measure on cpu and/or cuda, comma-separated "
                        "(default cpu).")
    parser.add_argument("--op", type=listing("operation", choice("operation", OPS)),
                        metavar="LIST", help="Time these operations, comma-separated, among "
                        f"{', '.join(OPS)} (default all).")
    counts = listing("threads", threads)
    parser.add_argument("--threads", type=lambda text: tuple(sorted(counts(text))),
                        metavar="LIST",
                        help="Let each worker use this many threads, comma-separated: each "
                        "count is a configuration, timed in the same interleaved rounds as "
                        "the others (default 1).")
    parser.add_argument("--steps", type=count("steps"),
                        help="Take this many steps per training run (default 10).")
    parser.add_argument("--processes", type=count("processes"),
                        help="Measure each configuration in this many worker processes, one "
                        f"after another (default {DEFAULT_PROCESSES}; 1 with --quick).")
    parser.add_argument("--rounds", type=count("rounds"), metavar="K",
                        help="Time exactly K rounds of each configuration, after its first "
                        "call and one warm-up call (for calls of minutes, as at N = 1e9 on "
                        "dask-manual; default: as many as the time budget asks, at least 5).")
    parser.add_argument("--seed", type=seed,
                        help="Seed the synthetic problems' random data (default 0).")
    parser.add_argument("--timeout", type=seconds,
                        help="Give each configuration at most this many seconds (default 300).")
    parser.add_argument("--quick", action="store_true", default=None,
                        help="Measure a first impression: sizes five,1e3,1e4, loss and "
                        "value_and_grad, shorter rounds, one process. Every implementation "
                        "with its check takes about 4 minutes on 2 busy cores; compare "
                        "claims no change between one-process runs.")


def plan_options(impl: tuple[str, ...] | None = None, sizes: tuple | None = None,
                 dims: tuple | None = None, dtype: tuple | None = None,
                 device: tuple | None = None, op: tuple | None = None,
                 threads: tuple[int, ...] | None = None, steps: int | None = None,
                 seed: int | None = None,
                 timeout: float | None = None, quick: bool | None = None,
                 processes: int | None = None, rounds: int | None = None,
                 spec: ProblemSpec | None = None,
                 described: dict[str, Any] | None = None) -> SweepOptions:
    """What to measure, from the command's options (None: the default); ``spec`` carries
    --data, --eta and --theta0 (a data file brings its own N and d)."""
    if spec is not None and spec.kind == "data" and described:
        sizes, dims = (described["n"],), (described["d"],)
    check_theta0(spec, sizes or DEFAULT_SIZES, dims or (1,))
    quick = bool(quick)
    impls = tuple(dict.fromkeys(impl)) if impl else tuple(registry.names())
    for name in impls:
        try:
            registry.get(name)
        except registry.RegistryError as error:
            if "unknown implementation" in str(error):
                raise UsageError(str(error)) from None
    return SweepOptions(
        impls=impls, sizes=sizes or (QUICK_SIZES if quick else DEFAULT_SIZES),
        dims=dims or (1,), dtypes=dtype or ("float64",), devices=device or ("cpu",),
        ops=op or (QUICK_OPS if quick else OPS), threads=tuple(sorted(threads or (1,))),
        steps=steps or 10,
        seed=0 if seed is None else seed, quick=quick,
        timeout=300.0 if timeout is None else timeout,
        train_max_n=None if op else DEFAULT_TRAIN_MAX_N,
        problem_spec=json.dumps(spec.to_json(), sort_keys=True) if spec is not None else "",
        processes=processes or (1 if quick else DEFAULT_PROCESSES), rounds=rounds)


def timing_settings(options: SweepOptions) -> timing.Settings:
    """How each configuration is timed: quick or not, and --rounds K where given."""
    settings = timing.QUICK if options.quick else timing.DEFAULT
    if options.rounds is None:
        return settings
    return replace(settings, min_rounds=options.rounds, max_rounds=options.rounds)


def quick_options() -> SweepOptions:
    """The default job's plan: every implementation, quick sizes and operations."""
    return plan_options(quick=True)


def in_memory(names: Sequence[str]) -> list[str]:
    """The implementations among ``names`` that hold the problem in memory (not
    ``lazy_data``); a name the registry does not know counts as holding it."""
    out = []
    for name in names:
        try:
            lazy = getattr(registry.get(name), "lazy_data", False)
        except registry.RegistryError:
            lazy = False
        if not lazy:
            out.append(name)
    return out


def check_memory(options: SweepOptions) -> None:
    """Refuse a size an implementation that holds its data in memory cannot hold here."""
    held = in_memory(options.impls)
    if not held:
        return
    for n in options.sizes:
        for d in options.dims:
            for dtype in options.dtypes:
                try:
                    check_fits(n or 5, d, dtype, copies=2)
                except ProblemError as error:
                    names = ", ".join(held[:3]) + (", …" if len(held) > 3 else "")
                    raise UsageError(f"{error}; or drop it from --sizes (held in memory by "
                                     f"{names})") from None
