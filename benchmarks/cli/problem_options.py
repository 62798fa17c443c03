"""The options ``check`` and ``explain`` share: which problem, which implementations, where.

They are one frozen record, ``ProblemOptions``, which each command's own options extend; the
problem is built from it once its values are checked. The data-file, eta and theta0 options
themselves are ``benchmarks.cli.problem_args``'s (the sweep takes them too).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from benchmarks.cli.problem_args import add_data_options, spec_from
from benchmarks.cli.values import Accumulate, choice, count, implementations, seed
from benchmarks.errors import UsageError
from impls import registry
from impls.base import DEVICES
from impls.fits import check_fits
from impls.problem import DTYPES, Problem, build


@dataclass(frozen=True)
class ProblemOptions:
    """The problem (five-point, synthetic or a data file), the implementations and device."""

    plugin: tuple[str, ...]
    impl: tuple[str, ...] | None  # None: the command's default
    device: str
    n: int | None
    d: int | None
    dtype: str
    seed: int
    data: str | None
    target: str
    features: tuple[str, ...] | None
    drop: tuple[str, ...] | None
    standardize: bool
    eta: float | None
    theta0: tuple[float, ...] | None


def add_problem(parser: argparse.ArgumentParser, default_impls: str) -> None:
    """The options of ``ProblemOptions``; ``default_impls`` says which run without --impl."""
    parser.add_argument("--n", type=count("N"), help="Use a synthetic problem with N points "
                        "(default: the five-point problem).")
    parser.add_argument("--d", type=count("d"), default=None,
                        help="Give the synthetic problem d features (default 1).")
    parser.add_argument("--dtype", default="float64", type=choice("dtype", DTYPES),
                        help="Compute in this floating-point "
                        f"type, one of {', '.join(DTYPES)} (default float64).")
    parser.add_argument("--seed", type=seed, default=0,
                        help="Seed the synthetic problem's random data (default 0).")
    parser.add_argument("--impl", action=Accumulate, type=implementations,
                        metavar="NAME[,NAME...]",
                        help="Include these implementations, comma-separated or with the "
                        f"option repeated (default: {default_impls}).")
    parser.add_argument("--device", default="cpu",
                        help=f"Run on this device, one of {', '.join(DEVICES)} (default cpu).")
    add_data_options(parser)


def make_problem(options: ProblemOptions, copies: int) -> Problem:
    """The problem, refused in one line if it is unknown or ``copies`` of it do not fit (the
    parser has refused an unknown dtype)."""
    spec = spec_from(options, options.n, options.d, options.seed, options.dtype)
    if spec.kind == "synthetic":
        assert spec.n is not None
        check_fits(spec.n, spec.d, spec.dtype, copies)
    return build(spec)


def selected(options: ProblemOptions) -> tuple[list[str], dict[str, str]]:
    """The implementations to run here, and the unavailable ones with the reason."""
    if options.device not in DEVICES:
        raise UsageError(f"unknown device {options.device!r}: choose one of "
                         f"{', '.join(DEVICES)}")
    try:
        return registry.resolve(None if options.impl is None else list(options.impl),
                                options.device)
    except registry.RegistryError as error:
        raise UsageError(str(error)) from None
