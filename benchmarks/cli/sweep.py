"""``updatebench sweep``: options to a locked run folder, the correctness step, the
measurements, and a status that says how the run ended.

metadata.json is written before anything is measured, with the options, the plugins and
their SHA-256, so any interruption (even SIGKILL) can be resumed exactly. Its ``status`` is
``running`` while the sweep runs, then ``complete``, ``interrupted`` (a signal) or
``failed`` (with its ``cause``), never ``complete`` after an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.child import lifeline, start
from benchmarks.cli import dask_options, dry_run
from benchmarks.cli.command import load_plugins
from benchmarks.cli.plan import (
    SWEEP_FIELDS,
    add_plan_options,
    check_memory,
    plan_options,
    quick_options,
    timing_settings,
)
from benchmarks.cli.problem_args import add_data_options, sweep_problem
from benchmarks.cli.progress import Progress, kept_text, seconds_text
from benchmarks.cli.sweep_check import record_checks, untrusted
from benchmarks.cli.sweep_folder import lock, new_folder, reopen
from benchmarks.errors import UsageError
from benchmarks.measure import limits, machine
from benchmarks.measure.session import run_sweep
from benchmarks.measure.verify import Verifier
from benchmarks.store import plugins as plugin_files
from benchmarks.store.config import SweepOptions
from benchmarks.store.format import METADATA
from benchmarks.store.results import RunFolder

NAME = "sweep"
HELP = "Time implementations over sizes and operations, with a correctness check first."


@dataclass(frozen=True)
class Request:
    """One sweep, as typed values: a new run (``options``) or the resume of one (``resume``);
    the sweep command's options."""

    options: SweepOptions | None = None
    out: str = "results"
    resume: str | None = None
    given: dict[str, Any] = field(default_factory=dict)  # explicit options, checked on resume
    quiet: bool = False
    check: bool = True
    plugins: tuple[str, ...] = ()
    problem: dict[str, Any] = field(default_factory=dict)  # a data file's description
    dask: dask_options.DaskOptions = field(default_factory=dask_options.DaskOptions)
    dry_run: bool = False  # print the plan and an estimate, measure nothing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_plan_options(parser)
    parser.add_argument("--out", metavar="DIR", default="results",
                        help="Make the run folder in this folder (default results).")
    parser.add_argument("--resume", metavar="RUN_DIR", help="Finish an interrupted run.")
    parser.add_argument("--quiet", action="store_true", help="Print no progress.")
    parser.add_argument("--dry-run", action="store_true", help="Print the plan, the number "
                        "of configurations and an estimated time; measure nothing.")
    parser.add_argument("--no-check", action="store_true",
                        help="Skip the five-point correctness check stored as check.json.")
    add_data_options(parser)
    dask_options.add_arguments(parser)


def options_from(args: argparse.Namespace) -> Request:
    """The plan, checked (plugins loaded first: they add names) and nothing measured."""
    plugins = load_plugins(args.plugin)
    dask = dask_options.from_namespace(args)
    given = {option: getattr(args, option) for option in SWEEP_FIELDS
             if getattr(args, option) is not None}
    plan, described = None, {}
    if not args.resume:
        spec, described = sweep_problem(args)
        plan = plan_options(**given, spec=spec, described=described)
    return Request(options=plan, out=args.out, resume=args.resume, given=given,
                   quiet=args.quiet, check=not args.no_check, plugins=plugins,
                   problem=described, dask=dask, dry_run=args.dry_run)


def run(request: Request) -> int:
    if request.dry_run:
        return dry_run.run(request.options, request.resume, request.check)
    return execute(request)[0]


def start_metadata(options: SweepOptions, request: Request) -> dict[str, Any]:
    try:
        plugins = plugin_files.record(list(request.plugins))
    except OSError as error:
        raise UsageError(f"cannot read plugin {error.filename}: {error.strerror}") from None
    return {"command": "sweep", "argv": sys.argv, "options": options.to_json(),
            "check": request.check, "plugins": plugins,
            "settings": timing_settings(options).to_json(),
            "started_at": dt.datetime.now().isoformat(), "status": "running",
            **({"problem": request.problem} if request.problem else {}),
            # the probes run before any worker starts, so nothing of ours runs beside them
            "machine": machine.describe(), **limits.probes()}


def resuming_machine() -> dict[str, Any]:
    """Where a resumed run goes on: rows after this point may come from another machine."""
    return {"host": socket.gethostname(), "cpu_model": machine.cpu_model(), **machine.gpus()}


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(signum)


def execute(request: Request, summary: bool = True) -> tuple[int, Path]:
    """The sweep; returns its exit status and run folder."""
    dask_options.apply(request.dask)
    started = time.perf_counter()  # every phase counts: probes, check and sweep
    if request.resume:
        folder, metadata, options, held = reopen(str(request.resume), request.given,
                                                 request.plugins)
        metadata.setdefault("resumed_at", []).append(dt.datetime.now().isoformat())
        metadata.setdefault("resumed_on", []).append(resuming_machine())
        metadata.update(status="running")
        metadata.pop("cause", None)
    else:
        options = request.options or quick_options()
        check_memory(options)
        if not request.quiet:  # the probes take seconds and print nothing themselves
            print("probing the machine: CPU, GPUs, memory bandwidth, timing floors", flush=True)
        metadata = start_metadata(options, request)
        folder = new_folder(request.out, metadata)
        held = lock(folder.path)
    try:
        if request.resume:
            folder.write_metadata(metadata)
        code = measure(folder, metadata, options, request.quiet, started)
    finally:
        held.release()
    from benchmarks.report.console import console, show_sweep_summary

    status = metadata["status"]
    if summary and status != "failed":
        show_sweep_summary(folder.path, quiet=request.quiet)
    if status == "interrupted":
        console.print(f"sweep interrupted: {kept_text(folder, options)}; continue with: "
                      f"updatebench sweep --resume {folder.path}", soft_wrap=True)
    elif status == "complete":
        console.print(f"results in {folder.path} ({seconds_text(metadata['elapsed_s'])}, "
                      "every phase included); report them with: "
                      f"updatebench report {folder.path}", soft_wrap=True)
    return code, folder.path


def measure(folder: RunFolder, metadata: dict[str, Any], options: SweepOptions,
            quiet: bool, started: float) -> int:
    """The correctness step (unless done) and every configuration not yet in the folder."""
    plugins = [str(e["path"]) for e in plugin_files.recorded(metadata)]
    configs = options.configs()
    progress = None
    previous = signal.signal(signal.SIGTERM, _terminate)
    status, cause, code = "complete", "", 0
    try:
        if metadata.get("check"):
            record_checks(folder.path, options, quiet)
        progress = Progress(quiet)
        settings = timing_settings(options)
        verifier = Verifier(limits.plausible_of(metadata))
        try:
            run_sweep(configs, folder, settings, options.timeout, plugins,
                      train_max_n=options.train_max_n, processes=options.processes,
                      floor=limits.floor_of(metadata), watcher=progress, verify=verifier)
        finally:
            for name, spent in (("verification_s", verifier.seconds),
                                ("verification_cpu_s", verifier.cpu_seconds)):
                metadata[name] = round(metadata.get(name, 0.0) + spent, 3)
        folder.export()
        code = untrusted(folder)
    except KeyboardInterrupt as interrupt:
        start.stop_all()  # a child started by the check or a worker: none outlives us
        lifeline.kill_children()  # nor what they started (a Dask cluster's processes)
        signum = interrupt.args[0] if interrupt.args else signal.SIGINT
        status, code = "interrupted", 128 + int(signum)
    except OSError as error:
        where = error.filename or folder.path
        status, code = "failed", 1
        cause = f"cannot write {where}: {error.strerror or error}"
    except BaseException as error:
        status, cause = "failed", f"{type(error).__name__}: {error}".splitlines()[0]
        finish(folder, metadata, status, cause, started)
        raise
    finally:
        if progress is not None:
            progress.stop()
        signal.signal(signal.SIGTERM, previous)
    finish(folder, metadata, status, cause, started)
    return code


def finish(folder: RunFolder, metadata: dict[str, Any], status: str, cause: str,
           started: float) -> None:
    """Record how the run ended; a failure is also said in one line on stderr."""
    metadata.update(status=status, finished_at=dt.datetime.now().isoformat(),
                    elapsed_s=round(time.perf_counter() - started, 3))
    if cause:
        metadata["cause"] = cause
    recorded = True
    try:
        folder.write_metadata(metadata)
    except OSError:
        recorded = False
    if status == "failed":
        note = "" if recorded else f" (and its status could not be written to {METADATA})"
        print(f"updatebench: error: sweep failed: {cause}{note}; finished rows are in "
              f"{folder.path}", file=sys.stderr)
