"""``updatebench sweep``: options to a run folder, progress, signals, and the closing table."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import queue
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.cli.problem_args import check_problem, check_theta0, sweep_problem
from benchmarks.measure import limits, machine, timing
from benchmarks.measure.runner import run_sweep
from benchmarks.measure.sweep import Config, SweepOptions, settings_dict
from benchmarks.report.format import seconds
from benchmarks.store.errors import UsageError
from benchmarks.store.results import RunError, RunFolder
from impls import registry
from impls.base import OPS
from impls.problem import ProblemError, ProblemSpec, check_fits

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
                "processes": "processes"}
DEFAULT_PROCESSES = 2


def options_from(args: argparse.Namespace, spec: ProblemSpec | None = None,
                 described: dict[str, Any] | None = None) -> SweepOptions:
    if spec is not None and spec.kind == "data" and described:
        args.sizes, args.dims = (described["n"],), (described["d"],)
    check_theta0(spec, args.sizes or DEFAULT_SIZES, args.dims or (1,))
    quick = bool(args.quick)
    impls = tuple(dict.fromkeys(args.impl)) if args.impl else tuple(registry.names())
    for name in impls:
        try:
            registry.get(name)
        except registry.RegistryError as error:
            if "unknown implementation" in str(error):
                raise UsageError(str(error)) from None
    return SweepOptions(
        impls=impls,
        sizes=args.sizes or (QUICK_SIZES if quick else DEFAULT_SIZES),
        dims=args.dims or (1,),
        dtypes=args.dtype or ("float64",),
        devices=args.device or ("cpu",),
        ops=args.op or (QUICK_OPS if quick else OPS),
        threads=args.threads or 1,
        steps=args.steps or 10,
        seed=0 if args.seed is None else args.seed,
        quick=quick,
        timeout=args.timeout or 300.0,
        train_max_n=None if args.op else DEFAULT_TRAIN_MAX_N,
        problem_spec=json.dumps(spec.to_json(), sort_keys=True) if spec is not None else "",
        processes=args.processes or (1 if quick else DEFAULT_PROCESSES),
    )


def check_memory(options: SweepOptions) -> None:
    for n in options.sizes:
        for d in options.dims:
            for dtype in options.dtypes:
                try:
                    check_fits(n or 5, d, dtype, copies=2)
                except ProblemError as error:
                    raise UsageError(f"{error}; drop it from --sizes") from None


def new_folder(out: str) -> RunFolder:
    parent = Path(out)
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create output folder {parent}: {error.strerror}") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"output folder {parent} is not writable")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    host = socket.gethostname().split(".")[0] or "host"
    path = parent / f"{stamp}-{host}"
    suffix = 1
    while path.exists():
        suffix += 1
        path = parent / f"{stamp}-{host}-{suffix}"
    return RunFolder(path)


def resume_folder(args: argparse.Namespace) -> tuple[RunFolder, dict[str, Any], SweepOptions]:
    folder = RunFolder(Path(args.resume))
    try:
        metadata = folder.open_existing()
    except RunError as error:
        raise UsageError(str(error)) from None
    if metadata.get("command") != "sweep" or "options" not in metadata:
        raise UsageError(f"{args.resume} was not made by 'updatebench sweep'")
    for plugin in metadata.get("plugins", []):
        try:
            registry.load_plugin(plugin)
        except registry.RegistryError as error:
            raise UsageError(f"cannot resume {args.resume}: {error}") from None
    stored = SweepOptions.from_json(metadata["options"])
    differ = []
    for option, field in SWEEP_FIELDS.items():
        value = getattr(args, option)
        if value is None:
            continue
        value = tuple(dict.fromkeys(value)) if isinstance(value, list) else value
        if value != getattr(stored, field):
            differ.append(f"--{option}")
    if differ:
        raise UsageError(f"{args.resume} was made by a different command "
                              f"({', '.join(differ)} differ); resume it without options")
    if not os.access(folder.path, os.W_OK):
        raise UsageError(f"run folder {folder.path} is not writable")
    return folder, metadata, stored


class Progress:
    """A rich progress bar on a terminal, plain "k of N, time left" lines elsewhere.

    A unit is one configuration measured in one process (K units for each configuration).
    """

    def __init__(self, total: int, quiet: bool) -> None:
        from benchmarks.report.console import console

        self.console, self.total, self.quiet = console, total, quiet
        self.done, self.started = 0, time.perf_counter()
        self.bar = None
        if not quiet and console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(),
                                TimeRemainingColumn(), console=console)
            self.task = self.bar.add_task("sweep", total=total)
            self.bar.start()

    def left(self) -> str:
        if not self.done:
            return "time left unknown"
        spent = time.perf_counter() - self.started
        return f"about {seconds_text(spent / self.done * (self.total - self.done))} left"

    def step(self, label: str, units: int) -> None:
        self.done += units
        if self.bar is not None:
            self.bar.update(self.task, advance=units, description=label or None)
        elif label and not self.quiet:
            print(f"[{self.done} of {self.total}, {self.left()}] {label}", flush=True)

    def row(self, config: Config, row: dict[str, Any]) -> None:
        if self.bar is None and not self.quiet:
            median = row.get("median_s")
            shown = f"median {seconds(median)}" if median not in (None, "") else ""
            print(f"{config.key}: {row['status']} {shown} {row.get('message') or ''}".rstrip(),
                  flush=True)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def seconds_text(value: float) -> str:
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


CHECK = "check.json"
CHECK_STEPS = 200
QUICK_CHECK_STEPS = 50


CHECK_STARTUP_S = 120  # importing the frameworks before the first implementation is checked


def checked_in_child(command: list[str], timeout: float) -> tuple[bool, str, str | None]:
    """Run ``check`` in a child; each implementation gets ``timeout`` seconds.

    Returns (finished, why it did not, the implementation it was on).
    """
    import subprocess
    import threading

    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    current, limit = None, CHECK_STARTUP_S
    while True:
        try:
            line = lines.get(timeout=limit)
        except queue.Empty:
            child.kill()
            child.wait()
            return False, f"no result within {limit:g} s", current
        if line is None:
            code = child.wait()
            return code in (0, 1), f"exit status {code}", current
        if line.startswith("checking "):
            current, limit = line.split(" ", 1)[1], timeout


def record_check(folder: RunFolder, options: SweepOptions, plugins: list[str],
                 quiet: bool) -> None:
    """The correctness verdicts a report shows beside the timings: check on five-point.

    It runs in a child process, so an implementation that crashes or hangs cannot take the
    sweep with it; such an implementation is recorded as an error and the check is rerun
    without it.
    """
    path = folder.path / CHECK
    problem_argv, where = check_problem(options.problem_spec)
    broken: dict[str, str] = {}
    names = list(options.impls)
    if not quiet:
        print(f"checking {len(names)} implementations {where}", flush=True)
    while names:
        command = [sys.executable, "-m", "benchmarks.cli.main", "check", "--log-progress",
                   "--steps", str(QUICK_CHECK_STEPS if options.quick else CHECK_STEPS),
                   "--seed", str(options.seed),
                   "--device", options.devices[0], "--json", str(path)]
        command += [a for name in names for a in ("--impl", name)]
        command += [a for plugin in plugins for a in ("--plugin", plugin)]
        command += problem_argv
        finished, why, current = checked_in_child(command, options.timeout)
        if finished:
            break
        if current not in names:
            print(f"check failed ({why}); the run has no check.json", file=sys.stderr)
            return
        broken[current] = f"the check process died while checking it ({why})"
        names.remove(current)
    if names and not path.is_file():
        return
    report = json.loads(path.read_text()) if names else {"implementations": [], "passed": False}
    for name, why in broken.items():
        report["implementations"].append({"name": name, "status": "error", "failures": [why]})
        report["passed"] = False
    path.write_text(json.dumps(report, indent=1))


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(signum)


def run(args: argparse.Namespace) -> int:
    return execute(args)[0]


def execute(args: argparse.Namespace, summary: bool = True) -> tuple[int, Path]:
    """The sweep; returns its exit status and run folder."""
    started = time.perf_counter()  # every phase counts: probes, check and sweep
    if args.resume:
        folder, metadata, options = resume_folder(args)
        metadata.setdefault("resumed_at", []).append(dt.datetime.now().isoformat())
    else:
        spec, described = sweep_problem(args)
        options = options_from(args, spec, described)
        check_memory(options)
        folder = new_folder(args.out)
        metadata = {"command": "sweep", "argv": sys.argv, "options": options.to_json(),
                    "settings": settings_dict(timing.QUICK if options.quick
                                              else timing.DEFAULT),
                    "started_at": dt.datetime.now().isoformat(), "status": "running",
                    **({"problem": described} if described else {}),
                    "machine": machine.describe(), **limits.probes()}
        try:
            folder.create(metadata)
        except OSError as error:
            raise UsageError(f"cannot write run folder {folder.path}: {error}") from None
    plugins = list(dict.fromkeys([*metadata.get("plugins", []),
                                  *(str(Path(p).resolve()) for p in args.plugin)]))
    metadata["plugins"] = plugins
    if not args.resume and not args.no_check:
        record_check(folder, options, plugins, args.quiet)
    configs = options.configs()
    remaining = len([c for c in configs if c.key not in folder.done_keys()])
    progress = Progress(remaining * options.processes, args.quiet)
    previous = signal.signal(signal.SIGTERM, _terminate)
    settings = timing.QUICK if options.quick else timing.DEFAULT
    status, code = "complete", 0
    try:
        threads = run_sweep(configs, folder, settings, options.timeout, plugins,
                            train_max_n=options.train_max_n, processes=options.processes,
                            floor=limits.floor_of(metadata),
                            on_progress=progress.step, on_row=progress.row)
        metadata.setdefault("threads", {}).update(threads)
    except KeyboardInterrupt as interrupt:
        status = "interrupted"
        signum = interrupt.args[0] if interrupt.args else signal.SIGINT
        code = 128 + int(signum)
    finally:
        progress.stop()
        signal.signal(signal.SIGTERM, previous)
        metadata.update(status=status, finished_at=dt.datetime.now().isoformat(),
                        elapsed_s=round(time.perf_counter() - started, 3))
        folder.write_metadata(metadata)
    from benchmarks.report.console import console, show_sweep_summary

    if summary:
        show_sweep_summary(folder.path, quiet=args.quiet)
    if status != "complete":
        console.print(f"sweep {status}: finished rows are in {folder.path}; "
                      f"continue with: updatebench sweep --resume {folder.path}")
    else:
        console.print(f"results in {folder.path} ({seconds_text(metadata['elapsed_s'])}, "
                      f"every phase included); report them with: "
                      f"updatebench report {folder.path}", soft_wrap=True)
    return code, folder.path
