"""The ``updatebench`` command: argument parsing and one-line error messages, nothing else."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from benchmarks.cli import dask_options, guards
from benchmarks.cli import explain as explain_command
from benchmarks.cli.problem_args import add_data_options, spec_from
from benchmarks.cli.values import (
    choice,
    count,
    listing,
    seconds,
    seed,
    size,
    threads,
)
from benchmarks.errors import UsageError
from impls import registry
from impls.base import DEVICES, OPS
from impls.problem import DTYPES, ProblemError, build, check_fits

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage + error; we print one line
        raise UsageError(message)


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plugin", action="append", default=[], metavar="FILE",
                        help="a Python file that registers implementations (repeatable)")


def add_problem(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=count("N"), help="synthetic problem with N points "
                        "(default: the five-point problem)")
    parser.add_argument("--d", type=count("d"), default=None, help="features (default 1)")
    parser.add_argument("--dtype", default="float64", help=f"one of {', '.join(DTYPES)}")
    parser.add_argument("--seed", type=seed, default=0)
    parser.add_argument("--impl", action="append", metavar="NAME",
                        help="implementation to include (repeatable; default: all available)")
    parser.add_argument("--device", default="cpu", help=f"one of {', '.join(DEVICES)}")
    add_data_options(parser)


def add_sweep_options(parser: argparse.ArgumentParser) -> None:
    # None means "not given", so --resume can tell an explicit option from a default
    parser.add_argument("--impl", action="append", metavar="NAME",
                        help="implementation (repeatable; default: all available)")
    parser.add_argument("--sizes", type=listing("size", size), metavar="LIST",
                        help="comma-separated N; 'five' is the five-point problem "
                        "(default five,1e2,1e3,1e4,1e5,1e6,1e7)")
    parser.add_argument("--dims", type=listing("dimension", count("d")), metavar="LIST",
                        help="comma-separated d (default 1)")
    parser.add_argument("--dtype", type=listing("dtype", choice("dtype", DTYPES)),
                        metavar="LIST", help="float64 and/or float32 (default float64)")
    parser.add_argument("--device", type=listing("device", choice("device", DEVICES)),
                        metavar="LIST", help="cpu and/or cuda (default cpu)")
    parser.add_argument("--op", type=listing("operation", choice("operation", OPS)),
                        metavar="LIST", help=f"operations among {', '.join(OPS)} (default all)")
    parser.add_argument("--threads", type=threads, help="threads per worker (default 1)")
    parser.add_argument("--steps", type=count("steps"), help="steps per training run (default 10)")
    parser.add_argument("--processes", type=count("processes"),
                        help="worker processes per configuration, one after another "
                        "(default 2; 1 with --quick)")
    parser.add_argument("--seed", type=seed)
    parser.add_argument("--timeout", type=seconds,
                        help="seconds per configuration (default 300)")
    parser.add_argument("--quick", action="store_true", default=None,
                        help="a first impression in under a minute")
    parser.add_argument("--out", metavar="DIR", default="results",
                        help="parent folder of the run folder (default results)")
    parser.add_argument("--resume", metavar="RUN_DIR", help="finish an interrupted run")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument("--no-check", action="store_true",
                        help="skip the five-point correctness check stored as check.json")


# commands that live in their own module: add_arguments(parser) and run(args) -> exit status
EXTENSIONS = {
    "check": ("benchmarks.cli.check", "gradient correctness against a reference"),
    "report": ("benchmarks.report.command", "tables, plots and an HTML report from run folders"),
    "compare": ("benchmarks.report.compare", "two runs side by side, with significance"),
    "derive": ("benchmarks.check.derive", "the gradient derived symbolically by SymPy"),
    "anchors": ("benchmarks.measure.anchors",
                "the sweep's timing against timeit and pytest-benchmark"),
}


def build_parser() -> Parser:
    parser = Parser(prog="updatebench", description="Correctness checks and benchmarks of "
                    "automatic-differentiation implementations of one gradient-descent update.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listed = commands.add_parser("list", help="implementations and whether they run here")
    add_common(listed)
    listed.add_argument("--device", default="cpu", type=choice("device", DEVICES))
    sweep = commands.add_parser("sweep", help="time implementations over sizes and operations")
    add_common(sweep)
    add_sweep_options(sweep)
    add_data_options(sweep)
    dask_options.add_arguments(sweep)
    explain = commands.add_parser("explain", help="why the update rule works: chain rule, "
                                  "Taylor expansion, angles and descent paths, worked out")
    add_common(explain)
    add_problem(explain)
    explain_command.add_arguments(explain)
    default_job = commands.add_parser("main", help="the default job: a quick sweep with its "
                                      "correctness check, then its report")
    add_common(default_job)
    default_job.add_argument("--out", default="results", metavar="DIR",
                             help="parent folder of the sweep's run folder (default results)")
    dask_options.add_arguments(default_job)
    for name, (module_name, text) in EXTENSIONS.items():
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        if hasattr(module, "add_arguments"):  # tests/test_cli.py checks that all are here
            sub = commands.add_parser(name, help=text)
            add_common(sub)
            module.add_arguments(sub)
    return parser


def load_plugins(paths: list[str]) -> None:
    """Import each plugin; refuse one that exits or takes a built-in's name, before any work."""
    builtin = registry.builtin_names()
    for path in paths:
        try:
            added = registry.load_plugin(path)
        except registry.RegistryError as error:
            raise UsageError(str(error)) from None
        except SystemExit as stop:
            raise UsageError(f"plugin {path} called sys.exit({stop.code!r}) while being "
                             "imported") from None
        taken = sorted(name for name in set(added) & builtin  # not the built-in it imported
                       if not registry.get(name).__module__.startswith("impls."))
        if taken:
            raise UsageError(f"plugin {path} registers {', '.join(map(repr, taken))}, the "
                             "name of a built-in implementation: give it a name of its own")


def make_problem(args: argparse.Namespace, copies: int):
    if args.dtype not in DTYPES:
        raise UsageError(f"unsupported dtype {args.dtype!r}: choose one of {', '.join(DTYPES)}")
    spec = spec_from(args, args.n, args.d, args.seed, args.dtype)
    if spec.kind == "synthetic":
        assert spec.n is not None
        check_fits(spec.n, spec.d, spec.dtype, copies)
    return build(spec)


def selected(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    if args.device not in DEVICES:
        raise UsageError(f"unknown device {args.device!r}: choose one of {', '.join(DEVICES)}")
    try:
        return registry.resolve(args.impl, args.device)
    except registry.RegistryError as error:
        raise UsageError(str(error)) from None


def cmd_list(args: argparse.Namespace) -> int:
    from benchmarks.report.console import show_entries

    show_entries(registry.entries(args.device))
    return EXIT_OK


def cmd_main(args: argparse.Namespace) -> int:
    """A quick sweep (with its five-point check), then its report; plugins are loaded."""
    from benchmarks.cli import sweep as sweep_command
    from benchmarks.report import command as report

    request = sweep_command.Request(options=sweep_command.quick_options(), out=args.out,
                                    plugins=tuple(args.plugin))
    code, folder = sweep_command.execute(request, summary=False)
    if code != EXIT_OK:
        return code
    shown = report.run(argparse.Namespace(
        inputs=[str(folder)], out=None, baseline=None, probe_bandwidth=False,
        tables="check,time,speedup,ratio", no_plots=False, quiet=False, plugin=[]))
    passed = sweep_command.check_passed(folder)
    if not passed:
        print("updatebench: some implementation failed the check (see the table above)",
              file=sys.stderr)
    return max(shown, EXIT_OK if passed else EXIT_FAILED)


def cmd_explain(args: argparse.Namespace) -> int:
    if args.impl is None:
        args.impl = explain_command.default_impls()
    names, _ = selected(args)
    return explain_command.run(args, make_problem(args, copies=len(names) + 4), names)


def cmd_sweep(args: argparse.Namespace) -> int:
    from benchmarks.cli import sweep as sweep_command

    return sweep_command.execute(sweep_command.request_from(args))[0]


COMMANDS = {"list": cmd_list, "sweep": cmd_sweep, "main": cmd_main,
            "explain": cmd_explain}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command != "check":  # check loads plugins in child processes only
            load_plugins(args.plugin)
        guards.check(args)
        dask_options.apply(args)
        if args.command in EXTENSIONS:
            return importlib.import_module(EXTENSIONS[args.command][0]).run(args)
        return COMMANDS[args.command](args)
    except (UsageError, ProblemError, registry.RegistryError) as error:
        print(f"updatebench: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # a file or folder the command needs: one line, not a traceback
        where = f" {error.filename}" if error.filename else ""
        print(f"updatebench: error: cannot use{where}: {error.strerror or error}",
              file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("updatebench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
