"""``updatebench explain``: the update rule's derivation worked out on a problem.

Prints the chain rule point by point, the Taylor expansion over η, the angle sweep and three
descent runs; writes PNG and SVG figures, a standalone ``explain.html`` and, with ``--json``,
every number. The problem options (``--data``, ``--eta``, ``--theta0``, …) are ``check``'s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path

from benchmarks.cli.command import EXIT_OK, from_namespace, load_plugins
from benchmarks.cli.problem_args import positive_float, theta_list
from benchmarks.cli.problem_options import ProblemOptions, add_problem, make_problem, selected
from benchmarks.errors import UsageError
from impls.problem import FIVE_POINT_STEPS, Problem

NAME = "explain"
HELP = ("Work out why the update rule works: the chain rule, the Taylor expansion, angles and "
        "descent paths.")
DEFAULT_IMPLS = ("numpy-manual", "finite-diff", "torch-autograd")
DEFAULT_STEPS = FIVE_POINT_STEPS  # enough for the good run to settle and show λ_max


@dataclass(frozen=True)
class ExplainOptions(ProblemOptions):
    theta: tuple[float, ...] | None
    steps: int | None
    etas: str | None
    out: str | None
    json: str | None
    no_figures: bool


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_problem(parser, f"{', '.join(DEFAULT_IMPLS)}, those available here")
    parser.add_argument("--theta", type=theta_list, metavar="W1,...,B",
                        help="Evaluate the tables at these parameters (default θ0); write "
                        "--theta=-1,2 when the first is negative.")
    parser.add_argument("--steps", type=int, default=None,
                        help=f"Take this many descent steps (default {DEFAULT_STEPS}).")
    parser.add_argument("--etas", metavar="SMALL,GOOD,LARGE",
                        help="Use these three learning rates for the descent runs (default: "
                        "η/10, η and one above 2/λ_max of the Hessian).")
    parser.add_argument("--out", metavar="DIR", help="Write the figures and explain.html "
                        "into this folder (default results/explain-PROBLEM).")
    parser.add_argument("--json", metavar="PATH", help="Write every number to this JSON file.")
    parser.add_argument("--no-figures", action="store_true",
                        help="Print the tables only, without figures or explain.html.")


def options_from(namespace: argparse.Namespace) -> ExplainOptions:
    load_plugins(namespace.plugin)
    return from_namespace(ExplainOptions, namespace)


def default_impls() -> list[str]:
    from impls import registry

    available = {e.name for e in registry.entries() if e.available}
    return [name for name in DEFAULT_IMPLS if name in available]


def descent_etas(text: str | None) -> dict[str, float] | None:
    if text is None:
        return None
    parse = positive_float("each of --etas")
    try:
        values = [parse(item.strip()) for item in text.split(",")]
    except argparse.ArgumentTypeError as error:
        raise UsageError(str(error)) from None
    if len(values) != 3:
        raise UsageError(f"--etas takes three learning rates SMALL,GOOD,LARGE, got {text!r}")
    return dict(zip(("too small", "good", "too large"), values, strict=True))


def output_folder(args: ExplainOptions, problem: Problem) -> Path:
    folder = Path(args.out) if args.out else Path("results") / (
        "explain-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", problem.name))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create output folder {folder}: {error.strerror}") from None
    return folder


def checked(args: ExplainOptions, problem: Problem) -> tuple[int, Path | None]:
    """Steps and JSON path, refused before any work when they cannot be used."""
    if args.theta is not None and len(args.theta) != problem.d + 1:
        raise UsageError(f"--theta has {len(args.theta)} values but the problem has d = "
                         f"{problem.d}: give d + 1 = {problem.d + 1} (w_1..w_d, b)")
    steps = DEFAULT_STEPS if args.steps is None else args.steps
    if steps < 1:
        raise UsageError(f"--steps must be at least 1, got {steps}")
    json_path = Path(args.json) if args.json else None
    if json_path is not None and not json_path.parent.is_dir():
        raise UsageError(f"cannot write {json_path}: folder {json_path.parent} does not exist")
    return steps, json_path


def run(options: ExplainOptions) -> int:
    if options.impl is None:
        options = dataclasses.replace(options, impl=tuple(default_impls()))
    names, _ = selected(options)
    return work_out(options, make_problem(options, copies=len(names) + 4), names)


def work_out(args: ExplainOptions, problem: Problem, names: list[str]) -> int:
    """The worked explanation of ``problem`` with ``names``: printed, drawn and written."""
    from benchmarks.explain import html, text
    from benchmarks.explain.figures_descent import all_figures
    from benchmarks.explain.worked import explain
    from benchmarks.report.console import console

    steps, json_path = checked(args, problem)
    etas = descent_etas(args.etas)
    with console.status("working it out"):
        e = explain(problem, names, theta=args.theta, steps=steps, etas=etas)
    drawn = []
    if not args.no_figures:
        folder = output_folder(args, problem)
        with console.status("drawing"):
            drawn = all_figures(e, folder)
        (folder / "explain.html").write_text(html.standalone_page(e, drawn))
    text.show(e, drawn, console)
    if not args.no_figures:
        console.print(f"page: {folder / 'explain.html'}")
    if json_path is not None:
        json_path.write_text(json.dumps(e.to_json(), indent=1, allow_nan=False))
        console.print(f"wrote {json_path}")
    return EXIT_OK
