"""The sweep's correctness step: the five-point check, written to check.json whatever happens.

``run_check`` is called in-process with the sweep's options (the check package keeps each
implementation in a child of its own); whatever comes back, or the reason nothing did, is
written to check.json, so a run never lacks its verdicts without saying why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.measure.sweep import SweepOptions
from benchmarks.store.format import CHECK, write_atomic
from impls import registry
from impls.problem import five_point

CHECK_STEPS = 200
QUICK_CHECK_STEPS = 50


def selection(options: SweepOptions) -> tuple[list[str], dict[str, str]]:
    """Implementations to check, and the unavailable ones with the reason (never raises)."""
    names, unavailable = [], {}
    for name in options.impls:
        try:
            runnable, reasons = registry.resolve([name], options.devices[0])
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


def record_check(folder: Path, options: SweepOptions, quiet: bool) -> dict[str, Any]:
    """Check on the five-point problem and write ``folder/check.json``; returns the report."""
    from benchmarks.check.verdicts import run_check

    names, unavailable = selection(options)
    steps = QUICK_CHECK_STEPS if options.quick else CHECK_STEPS
    if not quiet:
        print(f"checking {len(names)} implementations on the five-point problem", flush=True)
    try:
        report = run_check(five_point(), names, unavailable, steps, seed=options.seed,
                           device=options.devices[0])
    except KeyboardInterrupt:
        raise  # no check.json: the run is interrupted and --resume checks again
    except BaseException as error:  # a plugin's sys.exit included
        text = str(error).splitlines()[0] if str(error) else ""
        report = unfinished(names, unavailable, f"{type(error).__name__}: {text}".rstrip(": "))
    write_atomic(folder / CHECK, json.dumps(report, indent=1, default=str))
    return report


def check_passed(folder: Path) -> bool:
    """Whether the run's check.json says every implementation passed (False if unreadable)."""
    try:
        report = json.loads((folder / CHECK).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(report, dict) and report.get("passed") is True
