"""Options that say which problem to use beyond its size: a data file and its columns, eta
and theta0.

Shared by ``check``, ``sweep`` and ``explain``; they become one ``ProblemSpec``, and
``spec_argv`` writes a spec back as options for a child ``check`` process.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from benchmarks.cli.values import positive_float
from benchmarks.errors import UsageError
from impls.problem import ProblemSpec, build


def theta_list(text: str) -> tuple[float, ...]:
    """θ0 as comma-separated numbers w_1, ..., w_d, b."""
    try:
        values = tuple(float(item) for item in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"theta0 must be comma-separated numbers "
                                         f"w_1,...,w_d,b, got {text!r}") from None
    if not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"theta0 must be finite numbers, got {text!r}")
    return values


def column_list(text: str) -> tuple[str, ...]:
    """Columns as comma-separated names or 0-based positions."""
    names = tuple(item.strip() for item in text.split(","))
    if not all(names):
        raise argparse.ArgumentTypeError(f"columns must be comma-separated names or 0-based "
                                         f"positions, got {text!r}")
    return names


def add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="FILE", help="Use your own data: a table with a "
                        "header (comma, semicolon, tab or space separated; feature columns and "
                        "a target column), .npz (arrays x, y) or Parquet.")
    parser.add_argument("--target", default="y", metavar="NAME",
                        help="Take this column of --data as the target, with values in [0, 1] "
                        "(default y).")
    parser.add_argument("--features", type=column_list, metavar="COLS",
                        help="Take these columns of --data as the features, by name or 0-based "
                        "position (default: every column but the target).")
    parser.add_argument("--drop", type=column_list, metavar="COLS",
                        help="Leave these columns of --data out of the features (an ID, a text "
                        "label).")
    parser.add_argument("--standardize", action="store_true",
                        help="Scale each feature of --data to mean 0 and standard deviation 1 "
                        "(the means and deviations are recorded).")
    parser.add_argument("--eta", type=positive_float("eta"), metavar="ETA",
                        help="Use this learning rate (default: 1 on the five-point problem, "
                        "4/N on synthetic data, 1/L on --data, where L = c·λ_max([X 1]ᵀ[X 1]) "
                        "bounds the loss's curvature).")
    parser.add_argument("--theta0", type=theta_list, metavar="W1,...,B",
                        help="Start from these parameters w_1..w_d, b; write --theta0=-2,-2 "
                        "when the first is negative (default: -2,-2 on the five-point problem, "
                        "zeros otherwise).")


def refuse_file_options(args: argparse.Namespace) -> None:
    if args.target != "y" or args.standardize or args.features is not None \
            or args.drop is not None:
        raise UsageError("--target, --features, --drop and --standardize apply to --data only")


def spec_from(args: argparse.Namespace, n: int | None, d: int | None, seed: int,
              dtype: str) -> ProblemSpec:
    """The spec these options name; a data file brings its own N and d."""
    data = getattr(args, "data", None)
    if data is None:
        refuse_file_options(args)
        kind = "five-point" if n is None else "synthetic"
        if n is None and d not in (None, 1):
            raise UsageError("--d needs --n: the five-point problem has one feature")
        return ProblemSpec(kind=kind, n=n, d=d or 1, seed=seed, dtype=dtype, eta=args.eta,
                           theta0=args.theta0)
    if n is not None or d is not None:
        raise UsageError("--data brings its own N and d: leave out --n/--d (--sizes/--dims)")
    return ProblemSpec(kind="data", seed=seed, dtype=dtype, data_path=data, target=args.target,
                       standardize=args.standardize, eta=args.eta, theta0=args.theta0,
                       features=args.features, drop=args.drop)


def spec_argv(spec: ProblemSpec, with_start: bool = True) -> list[str]:
    """The options that rebuild ``spec``'s data, eta and theta0 in a child command."""
    argv: list[str] = []
    if spec.kind == "data":
        assert spec.data_path is not None
        argv += ["--data", spec.data_path, "--target", spec.target]
        argv += ["--standardize"] if spec.standardize else []
        for option, chosen in (("--features", spec.features), ("--drop", spec.drop)):
            argv += [option, ",".join(chosen)] if chosen is not None else []
    if with_start and spec.eta is not None:
        argv += ["--eta", repr(spec.eta)]
    if with_start and spec.theta0 is not None:
        argv += ["--theta0=" + ",".join(repr(v) for v in spec.theta0)]  # "-2,..." is no flag
    return argv


def sweep_problem(args: argparse.Namespace) -> tuple[ProblemSpec | None, dict[str, Any]]:
    """--data, --eta and --theta0 as the spec every worker rebuilds, and its description
    for metadata.json (a data file is read here once, so a bad one stops the sweep now)."""
    if args.data is None:
        refuse_file_options(args)
        if args.eta is None and args.theta0 is None:
            return None, {}
        spec = ProblemSpec(eta=args.eta, theta0=args.theta0)
        return spec, spec.to_json()
    if args.sizes or args.dims:
        raise UsageError("--data brings its own N and d: leave out --sizes and --dims")
    spec = ProblemSpec(kind="data", data_path=str(Path(args.data).resolve()), target=args.target,
                       standardize=args.standardize, eta=args.eta, theta0=args.theta0,
                       features=args.features, drop=args.drop)
    return spec, build(spec).describe()


def check_theta0(spec: ProblemSpec | None, sizes: tuple, dims: tuple) -> None:
    """--theta0 in a sweep must fit every problem of it: d + 1 values (five-point: 2)."""
    if spec is None or spec.theta0 is None or spec.kind == "data":
        return
    wrong = [d for d in dims if d + 1 != len(spec.theta0)]
    if wrong or (None in sizes and len(spec.theta0) != 2):
        raise UsageError(f"--theta0 has {len(spec.theta0)} values; every problem of the "
                         "sweep needs d + 1 (five-point: 2)")


def check_problem(problem_spec: str) -> tuple[list[str], str]:
    """The check's problem options and where it runs: the sweep's data file if it has one,
    else five-point with the sweep's eta and theta0 where they fit it."""
    if not problem_spec:
        return [], "on the five-point problem"
    spec = ProblemSpec.from_json(problem_spec)
    if spec.kind == "data":
        return spec_argv(spec), f"on {spec.data_path}"
    fits = spec.theta0 is None or len(spec.theta0) == 2
    return spec_argv(spec, with_start=True) if fits else [], "on the five-point problem"
