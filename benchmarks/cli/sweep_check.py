"""The sweep's correctness step: the five-point check, written to check.json whatever happens.

``run_check`` is called in-process with the sweep's options (the check package keeps each
implementation in a child of its own); whatever comes back, or the reason nothing did, is
written to check.json, so a run never lacks its verdicts without saying why.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.check import schema
from benchmarks.store.config import SweepOptions
from benchmarks.store.format import CHECK, device_check, device_checks, write_atomic
from benchmarks.store.record import UNTRUSTED
from benchmarks.store.results import RunFolder
from impls import registry
from impls.problem import Problem, ProblemSpec, build

CHECK_STEPS = 200
CHECK_JOBS = 2  # implementations checked at once, each in its own child process
QUICK_CHECK_STEPS = 50


def check_files(options: SweepOptions) -> list[tuple[str, str]]:
    """(device, file name) for every device the sweep measures on: each gets its own check."""
    return [(device, CHECK if index == 0 else device_check(device))
            for index, device in enumerate(options.devices)]


def selection(options: SweepOptions, device: str) -> tuple[list[str], dict[str, str]]:
    """Implementations to check, and the unavailable ones with the reason (never raises)."""
    names, unavailable = [], {}
    for name in options.impls:
        try:
            runnable, reasons = registry.resolve([name], device)
        except registry.RegistryError as error:
            unavailable[name] = str(error)
            continue
        names += runnable
        unavailable.update(reasons)
    return names, unavailable


def unfinished(names: list[str], unavailable: dict[str, str], why: str) -> dict[str, Any]:
    """The check.json of a check that stopped before its verdicts: every name an error."""
    entries = [{"name": n, "method": "", "status": "error",
                "failures": [f"the correctness step stopped before a verdict: {why}"]}
               for n in names]
    entries += [{"name": n, "method": "", "status": "unavailable", "failures": [reason]}
                for n, reason in unavailable.items()]
    return {"implementations": entries, "passed": False, "error": why}


def check_problem(options: SweepOptions) -> tuple[Problem, str]:
    """The problem the sweep's check runs on, and where: the sweep's data file if it has one,
    else five-point, with the sweep's eta and theta0 where they fit it."""
    if not options.problem_spec:
        return build(ProblemSpec()), "on the five-point problem"
    spec = ProblemSpec.from_json(options.problem_spec)
    if spec.kind == "data":
        return build(spec), f"on {spec.data_path}"
    fits = spec.theta0 is None or len(spec.theta0) == 2
    start = ProblemSpec(eta=spec.eta, theta0=spec.theta0 if fits else None)
    return build(start), "on the five-point problem"


def record_checks(folder: Path, options: SweepOptions, quiet: bool) -> None:
    """The check on every device of the sweep not yet checked in ``folder``."""
    for device, name in check_files(options):
        if not (folder / name).is_file():
            record_check(folder / name, options, device, quiet)


def record_check(path: Path, options: SweepOptions, device: str, quiet: bool
                 ) -> dict[str, Any]:
    """Check on the sweep's problem on ``device`` and write ``path``; returns the report."""
    from benchmarks.check.verdicts import run_check

    names, unavailable = selection(options, device)
    steps = QUICK_CHECK_STEPS if options.quick else CHECK_STEPS
    problem, where = check_problem(options)
    if not quiet:
        on = f" on {device}" if len(options.devices) > 1 else ""
        print(f"checking {len(names)} implementations {where}{on}", flush=True)
    started, begun, lock = time.perf_counter(), [0], threading.Lock()

    def progress(name: str) -> None:  # "k of N, time left", as the sweep shows its own
        with lock:  # called from the check's threads, one per child process
            begun[0] += 1
            finished = begun[0] - CHECK_JOBS  # about: the others are still running
            spent = time.perf_counter() - started
            left = (f"about {spent / finished * (len(names) - finished):.0f} s left"
                    if finished > 0 else "time left unknown")
            print(f"[check {begun[0]} of {len(names)}, {left}] {name}", flush=True)

    try:
        report = run_check(problem, names, unavailable, steps, seed=options.seed,
                           device=device, timeout=options.timeout,
                           progress=None if quiet else progress, jobs=CHECK_JOBS)
    except KeyboardInterrupt:
        raise  # no check.json: the run is interrupted and --resume checks again
    except BaseException as error:  # a plugin's sys.exit included
        text = str(error).splitlines()[0] if str(error) else ""
        report = unfinished(names, unavailable, f"{type(error).__name__}: {text}".rstrip(": "))
    write_atomic(path, schema.dumps(report))
    return report


def check_passed(folder: Path) -> bool:
    """Whether the run's check.json, and the check of every other device, say every
    implementation passed (False if one is unreadable)."""
    for path in [folder / CHECK, *(p for _, p in device_checks(folder))]:
        try:
            report = json.loads(path.read_text())
        except (OSError, ValueError):
            return False
        if not (isinstance(report, dict) and report.get("passed") is True):
            return False
    return True


def untrusted(folder: RunFolder) -> int:
    """1, with each named on stderr, where a result is wrong or implausible; else 0."""
    bad = [r for r in folder.results() if r.status in UNTRUSTED]
    for result in bad:
        print(f"updatebench: error: {result.key} is {result.status}: {result.message}",
              file=sys.stderr)
    return 1 if bad else 0
