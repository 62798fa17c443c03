"""``updatebench check``: gradient correctness against an exact reference, and ``--self-test``.

Plugins are never imported in this process: a child imports each one first to learn what
it registers (``benchmarks.check.isolate``), so a plugin that hangs, crashes or calls
``sys.exit`` at import is recorded as an error with its cause while everything else is
checked. A plugin that fails to import with an exception is still bad input (exit 2).

Exit status: 0 every implementation passed; 1 some implementation failed or broke (whatever
the problem); 2 bad input; 3 every implementation passed, but the problem is flagged: its
step size η is above 2/L, the curvature bound's limit, so exact descent itself may rise
(``check.json``'s ``problem_warnings`` says why, the output names the fix).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.check import schema
from benchmarks.check.isolate import DEFAULT_TIMEOUT_S, ChildFailed, run_child
from benchmarks.cli import check_chunked, dask_options
from benchmarks.cli.command import EXIT_FAILED, EXIT_OK, from_namespace
from benchmarks.cli.problem_options import ProblemOptions, add_problem, make_problem
from benchmarks.cli.values import count, seconds, writable_file
from benchmarks.errors import UsageError
from impls import registry
from impls.base import DEVICES
from impls.problem import FIVE_POINT_STEPS, Problem

NAME = "check"
HELP = "Check each implementation's gradient, loss and training against an exact reference."


@dataclass(frozen=True)
class CheckOptions(ProblemOptions):
    steps: int | None
    json: str | None
    timeout: float
    self_test: bool
    log_progress: bool
    chunked: bool
    dask: dask_options.DaskOptions

    def __post_init__(self) -> None:
        writable_file(self.json, "--json")  # refused now, not after the check


EXIT_PROBLEM = 3  # every implementation passed; the problem's step size is flagged
EXIT_STATUS = ("exit status: 0 every implementation passed; 1 an implementation failed; 2 bad "
               "input; 3 every implementation passed, but the problem's step size η is above "
               "2/L (exact descent itself may rise)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXIT_STATUS
    add_problem(parser, "every one available")
    parser.add_argument("--steps", type=count("steps"), default=None,
                        help="Compare this many training steps (default 1000 on the five-point "
                        "problem, 100 otherwise).")
    parser.add_argument("--json", metavar="PATH", help="Write every number to this JSON file.")
    parser.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT_S,
                        help="Give each implementation's check this many seconds in its child "
                        f"process (default {DEFAULT_TIMEOUT_S:g}).")
    parser.add_argument("--self-test", action="store_true",
                        help="Check the checker: a gallery of wrong implementations, which "
                        "checks catch each, and the smallest gradient error it detects.")
    parser.add_argument("--chunked", action="store_true",
                        help="Check chunk by chunk against the same sums made in one process, "
                        "as at an N memory cannot hold (implementations that generate their "
                        "data, dask-manual; default: only where the problem does not fit).")
    parser.add_argument("--log-progress", action="store_true", help=argparse.SUPPRESS)
    dask_options.add_arguments(parser)


def options_from(namespace: argparse.Namespace) -> CheckOptions:
    """Plugins are not imported here: ``discover`` imports each in a child process."""
    return from_namespace(CheckOptions, namespace, dask=dask_options.from_namespace(namespace))


def discover(paths: list[str], device: str, timeout: float
             ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(name -> plugin file, unavailable name -> why, broken plugin -> cause), in children."""
    found: dict[str, str] = {}
    unavailable: dict[str, str] = {}
    broken: dict[str, str] = {}
    for path in paths:
        file = Path(path).expanduser()
        if not file.is_file():
            raise UsageError(f"plugin {path} does not exist")
        try:
            result = run_child({"kind": "discover", "plugin": str(file), "device": device},
                               timeout)
        except ChildFailed as failure:
            broken[f"plugin {file.name}"] = f"plugin {path}: {failure}"
            continue
        if "registry_error" in result:
            raise UsageError(result["registry_error"])
        builtin = registry.builtin_names()
        for name in result["names"]:
            if name in builtin:
                raise UsageError(f"plugin {path} registers {name!r}, the name of a built-in "
                                 "implementation: choose another name")
            if name in found:
                raise UsageError(f"implementation name {name!r} is registered by two plugins")
            found[name] = str(file.resolve())
        unavailable.update(result["unavailable"])
    return found, unavailable, broken


def choose(args: CheckOptions, found: dict[str, str], unavailable: dict[str, str],
           broken: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The implementations to check (built-ins, then plugins) and the unavailable ones."""
    if args.device not in DEVICES:
        raise UsageError(f"unknown device {args.device!r}: choose one of {', '.join(DEVICES)}")
    wanted = list(dict.fromkeys(args.impl or []))
    plugin_names = [n for n in wanted if n in found] if wanted else list(found)
    builtins = [n for n in wanted if n not in found]
    reasons: dict[str, str] = {}
    if broken:  # a name a dead plugin would have registered: unavailable, and why
        for name in [n for n in builtins if n not in registry.names()]:
            reasons[name] = "not registered: a plugin failed to load (see its error)"
            builtins.remove(name)
    try:
        names, more = registry.resolve(builtins, args.device) if builtins or not wanted \
            else ([], {})
    except registry.RegistryError as error:
        raise UsageError(str(error)) from None
    if not wanted:  # built-ins only: plugins loaded into this process earlier do not count
        builtin = registry.builtin_names()
        names = [n for n in names if n in builtin]
        more = {n: why for n, why in more.items() if n in builtin}
    reasons.update(more)
    reasons.update({n: unavailable[n] for n in plugin_names if n in unavailable})
    return names + [n for n in plugin_names if n not in unavailable], reasons


def default_steps(problem: Problem) -> int:
    """Training steps compared when none are asked for: the five-point problem's known path
    is long, a larger problem's steps cost more."""
    return FIVE_POINT_STEPS if problem.kind == "five-point" else 100


def run(args: CheckOptions) -> int:
    from benchmarks.report.console import console, show_check

    dask_options.apply(args.dask)

    if args.self_test:
        from benchmarks.cli.selftest import run_self_test

        return run_self_test()
    json_path = writable_file(args.json, "--json")
    found, unavailable, broken = discover(args.plugin, args.device, args.timeout)
    names, unavailable = choose(args, found, unavailable, broken)
    copies = max(1, len(names)) + 4
    if args.data is None and check_chunked.wanted(args.n, args.d or 1, args.dtype, names,
                                                  copies, args.chunked):
        assert args.n is not None
        return check_chunked.run_chunked(args.n, args.d or 1, args.seed, args.dtype,
                                         args.device, names, json_path)
    problem = make_problem(args, copies=copies)
    steps = args.steps or default_steps(problem)
    from benchmarks.check.verdicts import run_check

    def progress(name: str) -> None:
        status.update(f"checking {name}")
        if args.log_progress:  # the sweep reads this to tell which implementation crashed
            print(f"checking {name}", file=sys.stderr, flush=True)

    with console.status("checking") as status:
        report = run_check(problem, names, unavailable, steps, seed=args.seed,
                           device=args.device, progress=progress, timeout=args.timeout,
                           plugins=found, broken=broken,
                           jobs=1 if args.log_progress else 2)  # the log names one at a time
    if json_path is not None:
        json_path.write_text(schema.dumps(report))
    show_check(report, None if json_path is None else str(json_path))
    if json_path is not None:
        console.print(f"wrote {json_path}")
    return exit_status(report)


def exit_status(report: dict) -> int:
    """Implementations first: a failure is 1 whatever the problem; then the problem's flag."""
    if not report["passed"]:
        return EXIT_FAILED
    return EXIT_PROBLEM if report.get("problem_warnings") else EXIT_OK
