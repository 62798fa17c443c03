"""updatebench from Python: check, sweep, load and compare, as the commands of those names do.

Installed as ``updatebench`` (pyproject.toml maps that name onto this folder)::

    import updatebench
    result = updatebench.check(MyImplementation)           # a class defined right here
    run = updatebench.sweep(impls=["numpy-manual", MyImplementation], sizes=[None, 1000],
                            ops=["value_and_grad"], quick=True)
    run.frame(), run.speedups()
    updatebench.compare(updatebench.load(OLD_RUN), run).summary

Each function calls the command's own code (``cli.sweep.execute``, ``check.verdicts.run_check``,
``store.runs.read``, ``cli.compare.comparison``); an implementation may be a registered name,
an ``Implementation`` subclass or an instance of one. A class defined in the running
interpreter (a notebook, a script, a test) is registered under its name and sent to the
check's child processes and the sweep's workers by value. Bad input raises ``UsageError``
with a one-line message. At the command line's level: it may import every layer, and nothing
imports it.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.api.results import CheckResult, Comparison, Run
from benchmarks.check.isolate import DEFAULT_TIMEOUT_S, shipped, unshippable
from benchmarks.errors import UsageError
from benchmarks.report.change import ALPHA, REFERENCE, THRESHOLD
from impls import registry
from impls.base import DEVICES, Implementation
from impls.problem import Problem, ProblemError, ProblemSpec

__all__ = ["CheckResult", "Comparison", "Implementation", "ProblemSpec", "Run", "UsageError",
           "check", "compare", "load", "sweep"]

Implementations = str | type[Implementation] | Implementation


def implementation_name(obj: Implementations) -> str:
    """The registered name of ``obj``; a class (or an instance's class) is registered here
    under its ``name``, which must not be a built-in's."""
    if isinstance(obj, str):
        try:
            registry.get(obj)
        except registry.RegistryError as error:
            raise UsageError(str(error)) from None
        return obj
    cls = type(obj) if isinstance(obj, Implementation) else obj
    try:
        registry.validate(cls)
        if cls.name in registry.builtin_names() and not cls.__module__.startswith("impls."):
            raise UsageError(f"{cls.__name__} takes the name {cls.name!r} of a built-in "
                             "implementation: choose another name")
        registry.register(cls)
    except registry.RegistryError as error:
        raise UsageError(str(error)) from None
    return cls.name


def problem_to_check(problem: Problem | ProblemSpec | str | Path | None, dtype: str | None,
                  copies: int) -> Problem:
    """The problem to check on: five-point (None), a data file (a path), a spec or a built
    problem; ``dtype`` replaces the spec's, and must be a built problem's own."""
    from dataclasses import replace

    from impls.fits import check_fits
    from impls.problem import build

    try:
        if isinstance(problem, Problem):
            if dtype not in (None, problem.dtype):
                raise UsageError(f"the problem is {problem.dtype}, not {dtype}: build it in "
                                 f"{dtype} or leave dtype out")
            return problem
        if problem is None:
            spec = ProblemSpec()
        elif isinstance(problem, str | Path):
            spec = ProblemSpec(kind="data", data_path=str(problem))
        elif isinstance(problem, ProblemSpec):
            spec = problem
        else:
            raise UsageError(f"problem must be None (five-point), a data file's path, a "
                             f"ProblemSpec or a Problem, not {type(problem).__name__}")
        spec = replace(spec, dtype=dtype) if dtype is not None else spec
        if spec.kind == "synthetic":
            assert spec.n is not None
            check_fits(spec.n, spec.d, spec.dtype, copies)
        return build(spec)
    except ProblemError as error:
        raise UsageError(str(error)) from None


def check(obj: Implementations | Sequence[Implementations],
          problem: Problem | ProblemSpec | str | Path | None = None, dtype: str | None = None,
          *, steps: int | None = None, seed: int = 0, device: str = "cpu",
          timeout: float = DEFAULT_TIMEOUT_S) -> CheckResult:
    """``updatebench check`` on one implementation (or a list): each in a child process of its
    own, against the exact reference, on ``problem`` (default five-point) in ``dtype``
    (default float64); ``steps`` training steps are compared (default as the command)."""
    from benchmarks.check.verdicts import run_check
    from benchmarks.cli.check import default_steps
    from benchmarks.cli.values import count

    objs = as_list(obj)
    if not objs:
        raise UsageError("nothing to check: give an implementation")
    if device not in DEVICES:
        raise UsageError(f"unknown device {device!r}: choose one of {', '.join(DEVICES)}")
    names = list(dict.fromkeys(implementation_name(o) for o in objs))
    built = problem_to_check(problem, dtype, copies=len(names) + 4)
    runnable, unavailable = registry.resolve(names, device)
    steps = default_steps(built) if steps is None else parsed(steps, count("steps"))
    report = run_check(built, runnable, unavailable, steps, seed=parsed(seed, "seed"),
                       device=device, timeout=parsed(timeout, "seconds"))
    return CheckResult(report)


def parsed(value: Any, parser: str | Callable[[str], Any]) -> Any:
    """``value`` checked by the command line's parser of that option (benchmarks.cli.values),
    so the API refuses what the CLI refuses, in the same words."""
    from benchmarks.cli import values

    parse = getattr(values, parser) if isinstance(parser, str) else parser
    try:
        return parse(str(value))
    except argparse.ArgumentTypeError as error:
        raise UsageError(str(error)) from None


def as_list(items: Any) -> list[Any]:
    """One item or a list of them, as a list."""
    return list(items) if isinstance(items, Iterable) and not isinstance(items, str) \
        else [items]


def listed(items: Any, parse: str | Callable[[str], Any]) -> tuple | None:
    """A list option (one item may stand alone), each item checked; None: the default."""
    if items is None:
        return None
    if not as_list(items):
        raise UsageError("an empty list: leave the option out for its default")
    return tuple(dict.fromkeys(parsed(item, parse) for item in as_list(items)))


def sweep(impls: Sequence[Implementations] | None = None, sizes: Sequence[int | None] | None = None,
          ops: Sequence[str] | str | None = None, quick: bool = False,
          out: str | Path | None = None, *, dims: Sequence[int] | None = None,
          dtypes: Sequence[str] | str | None = None, devices: Sequence[str] | str | None = None,
          threads: Sequence[int] | int | None = None, steps: int | None = None,
          processes: int | None = None,
          seed: int | None = None, timeout: float | None = None, check: bool = True,
          quiet: bool = True, plugins: Sequence[str] = ()) -> Run:
    """``updatebench sweep``: the correctness check, then every configuration timed, into a
    new run folder under ``out`` (default: a fresh temporary folder). ``sizes`` are numbers of
    points, None standing for the five-point problem; every option defaults as the command's.
    """
    from benchmarks.cli.command import load_plugins
    from benchmarks.cli.plan import plan_options
    from benchmarks.cli.sweep import Request, execute
    from benchmarks.cli.values import choice, count
    from impls.base import OPS
    from impls.problem import DTYPES

    loaded = load_plugins(tuple(str(p) for p in plugins))
    names = None if impls is None else tuple(dict.fromkeys(implementation_name(o)
                                                           for o in as_list(impls)))
    for name in names or ():
        cls = shipped(name)
        why = unshippable(cls) if cls is not None else ""
        if why:
            raise UsageError(f"{name} cannot be measured: its class cannot be sent to a worker "
                             f"process ({why})")
    five = None if sizes is None else ["five" if s is None else s for s in as_list(sizes)]
    options = plan_options(
        impl=names, sizes=listed(five, "size"), dims=listed(dims, count("d")),
        dtype=listed(dtypes, choice("dtype", DTYPES)),
        device=listed(devices, choice("device", DEVICES)),
        op=listed(ops, choice("operation", OPS)),
        threads=listed(threads, "threads"),
        steps=None if steps is None else parsed(steps, count("steps")),
        processes=None if processes is None else parsed(processes, count("processes")),
        seed=None if seed is None else parsed(seed, "seed"),
        timeout=None if timeout is None else parsed(timeout, "seconds"), quick=quick)
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="updatebench-"))
    request = Request(options=options, out=str(folder), quiet=quiet, check=check,
                      plugins=loaded)
    code, path = execute(request, summary=False)
    if code >= 128:  # a signal (Ctrl-C in a notebook): the finished rows stay in the folder
        raise KeyboardInterrupt(f"sweep interrupted; {path} keeps every result stored "
                                f"before it (resume with: updatebench sweep --resume {path})")
    return load(path)


def load(path: str | Path) -> Run:
    """A run folder or a pytest-benchmark JSON file, read as ``updatebench report`` reads it."""
    from benchmarks.store.runs import read

    return Run(read(path))


def compare(a: str | Path | Run, b: str | Path | Run, *, alpha: float = ALPHA,
            threshold: float = 100 * THRESHOLD, reference: str | None = REFERENCE
            ) -> Comparison:
    """``updatebench compare A B``: per configuration B/A with a drift-aware test at ``alpha``;
    changes below ``threshold`` percent are not reported; each implementation is normalised
    by ``reference`` measured in the same rounds (None: absolute times)."""
    from benchmarks.cli.compare import CompareOptions, comparison, percent, probability

    paths = [str(x.path if isinstance(x, Run) else x) for x in (a, b)]
    options = CompareOptions(a=paths[0], b=paths[1], alpha=parsed(alpha, probability),
                             threshold=parsed(threshold, percent),
                             reference=reference or REFERENCE, absolute=reference is None)
    run_a, run_b, result, differ = comparison(options)
    return Comparison(Run(run_a), Run(run_b), result, options.alpha, tuple(differ))
