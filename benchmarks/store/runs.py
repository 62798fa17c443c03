"""Inputs of report and compare: run folders or pytest-benchmark JSON, checked and labelled.

``benchmarks.store.load`` reads the results; this module refuses what cannot be reported (with
one line, as ``UsageError``), notes what is incomplete (a partial run is shown, not refused),
and gathers what a report shows beside the results: metadata, check.json, the bandwidth
figure. ``Run.frame`` is the results as one table (``benchmarks.store.frame``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.errors import UsageError
from benchmarks.store.config import SweepOptions
from benchmarks.store.format import CHECK, LINES, METADATA, RESULTS, RunError, device_checks
from benchmarks.store.frame import results_frame
from benchmarks.store.record import Result


@dataclass
class Run:
    """One input: its results plus what describes them."""

    path: Path
    kind: str  # "sweep" or "pytest-benchmark"
    results: list[Result]
    metadata: dict[str, Any]
    check: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)  # shown as warnings in every output
    label: str = ""  # unique among the inputs of one command
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)  # the results, one row each

    @property
    def machine(self) -> dict[str, Any]:
        return self.metadata.get("machine", {}) or {}

    @property
    def host(self) -> str:
        return str(self.machine.get("host") or "unknown host")

    @property
    def bandwidth(self) -> dict[str, Any] | None:
        value = self.metadata.get("bandwidth")
        return value if isinstance(value, dict) and value.get("read_gb_s") else None

    @property
    def partial(self) -> bool:
        return any(note.startswith("partial") for note in self.notes)

    def threads_used(self) -> dict[str, dict[str, Any]]:
        """What each implementation ran with (thread pools, affinity, XLA flags)."""
        out: dict[str, dict[str, Any]] = {}
        for result in self.results:
            if result.threads_used:
                out.setdefault(result.config.impl, result.threads_used)
        return out


def read(path_text: str | Path) -> Run:
    """One input, or ``UsageError`` with the reason in one line."""
    from benchmarks.store.load import read_pytest_benchmark, read_results

    path = Path(path_text)
    if path.is_file() and path.name in (RESULTS, LINES):
        path = path.parent
    if not path.exists():
        raise UsageError(f"{path} does not exist")
    if path.is_dir() and not (path / LINES).is_file():
        raise UsageError(f"{path} is not a run folder (no {LINES})")
    folder = path.is_dir()
    run = Run(path, "sweep" if folder else "pytest-benchmark", [], {}, None)
    try:
        if folder:
            _read_folder_extras(run)  # first: a metadata.json that is no object is refused
            run.results, torn = read_results(path)
        elif path.suffix == ".json":
            run.results, document = read_pytest_benchmark(path)
            run.metadata, torn = _pytest_metadata(document, path), False
        else:
            raise RunError(f"{path} is neither a run folder nor a pytest-benchmark JSON file")
    except (RunError, OSError) as error:
        raise UsageError(str(error).splitlines()[0]) from None
    if torn:
        run.notes.append(f"the last line of {LINES} is torn (the run was killed while "
                         "writing it): that configuration is left out; --resume measures it")
    run.frame = results_frame(run.results)
    run.frame["source"] = str(path)
    run.frame["host"] = run.host if run.machine else ""
    _validate(run)
    _note_partial(run)
    if run.bandwidth is None:
        run.notes.append("no memory-bandwidth figure in the metadata: GB/s are not shown as a "
                         "fraction of the machine's bandwidth (report --probe-bandwidth "
                         "measures it here)")
    return run


def read_all(paths: list[str]) -> list[Run]:
    """Several inputs, each labelled by its host, or by its folder name where hosts repeat."""
    runs = [read(p) for p in paths]
    resolved = [r.path.resolve() for r in runs]
    if len(set(resolved)) != len(resolved):
        raise UsageError("the same input is given twice")
    hosts = [r.host for r in runs]
    for run in runs:
        run.label = run.host if hosts.count(run.host) == 1 else run.path.name
        if [r.path.name for r in runs].count(run.path.name) > 1:
            run.label = str(run.path)
    return runs


def _read_folder_extras(run: Run) -> None:
    from benchmarks.store.load import read_metadata

    if (run.path / METADATA).is_file():
        try:
            run.metadata = read_metadata(run.path)
        except RunError as error:
            raise UsageError(str(error)) from None
    else:
        run.notes.append(f"no {METADATA}: machine, versions and command unknown")
    check_path = run.path / CHECK
    if check_path.is_file():
        try:
            check = json.loads(check_path.read_text())
            if not isinstance(check, dict) or not isinstance(check.get("implementations"),
                                                             list):
                raise ValueError("no implementations list")
            run.check = check
        except (ValueError, UnicodeDecodeError) as error:
            run.notes.append(f"{CHECK} is unreadable ({error}); no correctness verdicts")
    else:
        run.notes.append(f"no {CHECK}: no correctness verdicts, training curves or Taylor "
                         "tests for this run")
    if run.check is not None:
        _merge_device_checks(run)


def _merge_device_checks(run: Run) -> None:
    """A sweep over several devices checks each (check-<device>.json): its verdicts join the
    run's as "<name> (<device>)", and the run passes only if every device's check passed."""
    assert run.check is not None
    for device, path in device_checks(run.path):
        try:
            other = json.loads(path.read_text())
            entries = other["implementations"]
            if not isinstance(entries, list):
                raise ValueError("no implementations list")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
            run.notes.append(f"{path.name} is unreadable ({error}); no verdicts on {device}")
            continue
        run.check["implementations"] = [
            *run.check["implementations"],
            *({**e, "name": f"{e.get('name')} ({device})", "device": device}
              for e in entries if isinstance(e, dict))]
        run.check["passed"] = bool(run.check.get("passed")) and other.get("passed") is True


def _pytest_metadata(document: dict[str, Any], path: Path) -> dict[str, Any]:
    """The machine as pytest-benchmark describes it, in the sweep's metadata layout."""
    info = document.get("machine_info", {}) or {}
    commit = document.get("commit_info", {}) or {}
    versions: dict[str, Any] = {}
    for bench in document.get("benchmarks", []):
        versions = (bench.get("extra_info") or {}).get("versions") or versions
    return {
        "command": "pytest-benchmark",
        "argv": ["pytest", "benchmarks", "--benchmark-only", "--benchmark-json", str(path)],
        "started_at": document.get("datetime", ""),
        "status": "complete",
        "machine": {
            "host": info.get("node", ""),
            "cpu_model": (info.get("cpu") or {}).get("brand_raw", info.get("processor", "")),
            "cores_logical": (info.get("cpu") or {}).get("count"),
            "os": f"{info.get('system', '')} {info.get('release', '')}".strip(),
            "python": info.get("python_version", ""),
            "versions": versions,
            "git": {"commit": commit.get("id"), "dirty": commit.get("dirty")},
        },
    }


def _validate(run: Run) -> None:
    """Refuse an empty run or a row that cannot be what the sweep wrote."""
    where = run.path / LINES if run.kind == "sweep" else run.path
    frame = run.frame
    if frame.empty:
        raise UsageError(f"{where} holds no measurements")
    repeated = frame["key"][frame["key"].duplicated()]
    if len(repeated):  # two writers, or a hand-merged file: which row would be the truth?
        raise UsageError(f"{where}: configuration {repeated.iloc[0]} appears more than once")
    for index, result in enumerate(run.results):
        problem = _result_problem(result)
        if problem:
            line = f"result {index + 1}" if run.kind == "sweep" else f"benchmark {index + 1}"
            raise UsageError(f"{where}: {line} ({result.key}) is mangled ({problem})")


def _result_problem(result: Result) -> str:
    config = result.config
    for name in ("impl", "op", "problem", "dtype", "device"):
        if not str(getattr(config, name)).strip():
            return f"no {name}"
    if config.n < 1 or config.d < 1:
        return "n and d must be positive"
    if result.status == "ok":
        if not result.measured:
            return "status ok without a positive median"
        if not all(_finite(s.seconds) and s.seconds > 0 for s in result.samples):
            return "samples that are not positive numbers"
    return ""


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _note_partial(run: Run) -> None:
    status = run.metadata.get("status")
    if run.kind == "sweep" and status not in (None, "complete"):
        run.notes.append(f"partial run: its status is {status!r}, not 'complete'")
    planned = planned_count(run.metadata)
    done = len(run.frame)
    if planned is not None and done < planned:
        message = f"partial run: {done} of {planned} planned configurations were measured"
        if run.notes and run.notes[-1].startswith("partial run: its status"):
            run.notes[-1] += f"; {done} of {planned} planned configurations were measured"
        else:
            run.notes.append(message)


def planned_count(metadata: dict[str, Any]) -> int | None:
    """How many rows the sweep's options plan, or None when the metadata cannot say."""
    options = metadata.get("options")
    if not isinstance(options, dict):
        return None
    try:
        return len(SweepOptions.from_json(options).configs())
    except (TypeError, ValueError, KeyError):
        return None
