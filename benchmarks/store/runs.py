"""Inputs of report and compare: run folders or pytest-benchmark JSON, checked and labelled.

``benchmarks.store.load`` reads the rows; this module refuses what cannot be reported (with one
line, as ``UsageError``), notes what is incomplete (a partial run is shown, not refused), and
gathers what a report shows beside the rows: metadata, check.json, the bandwidth figure.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.errors import UsageError
from benchmarks.store.format import CHECK, LINES, METADATA, RESULTS, RunError, device_checks

STATUSES = ("ok", "timeout", "crash", "nan", "error", "skipped", "unavailable")


@dataclass
class Run:
    """One input: its rows plus what describes them."""

    path: Path
    kind: str  # "sweep" or "pytest-benchmark"
    frame: pd.DataFrame
    metadata: dict[str, Any]
    check: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)  # shown as warnings in every output
    label: str = ""  # unique among the inputs of one command

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


def read(path_text: str | Path) -> Run:
    """One input, or ``UsageError`` with the reason in one line."""
    from benchmarks.store.load import load

    path = Path(path_text)
    if path.is_file() and path.name == RESULTS:
        path = path.parent
    if not path.exists():
        raise UsageError(f"{path} does not exist")
    if path.is_dir() and not (path / RESULTS).is_file() and not (path / LINES).is_file():
        raise UsageError(f"{path} is not a run folder (no {LINES} or {RESULTS})")
    folder = path.is_dir()
    run = Run(path, "sweep" if folder else "pytest-benchmark", pd.DataFrame(), {}, None)
    if folder:
        _read_folder_extras(run)  # first: load() trips over a metadata.json that is no object
    try:
        run.frame = load(path)
    except (RunError, OSError) as error:
        raise UsageError(str(error).splitlines()[0]) from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        what = (f"{path / RESULTS} has a mangled row" if folder
                else f"{path} is not pytest-benchmark JSON from updatebench")
        raise UsageError(f"{what} ({type(error).__name__}: {error})") from None
    if run.frame.attrs.get("torn"):
        run.notes.append(f"the last line of {LINES} is torn (the run was killed while "
                         "writing it): that configuration is left out; --resume measures it")
    if not folder:
        run.metadata = _pytest_metadata(path)
        _fill_throughput(run.frame)
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


def _pytest_metadata(path: Path) -> dict[str, Any]:
    """The machine as pytest-benchmark describes it, in the sweep's metadata layout."""
    document = json.loads(path.read_text())
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


def _fill_throughput(frame: pd.DataFrame) -> None:
    """pytest-benchmark stores no throughput; it follows from N, bytes read and the median."""
    calls = frame["steps"].where(frame["op"] == "train", 1).fillna(1)
    ok = frame["median_s"] > 0
    frame.loc[ok, "points_per_s"] = frame["n"] * calls / frame["median_s"]
    frame.loc[ok, "gb_per_s"] = frame["bytes_read"] * calls / frame["median_s"] / 1e9


def _validate(run: Run) -> None:
    """Refuse an empty run or a row that cannot be what the sweep wrote."""
    where = run.path / RESULTS if run.kind == "sweep" else run.path
    frame = run.frame
    if frame.empty:
        raise UsageError(f"{where} holds no measurements")
    repeated = frame["key"][frame["key"].duplicated()]
    if len(repeated):  # two writers, or a hand-merged file: which row would be the truth?
        raise UsageError(f"{where}: configuration {repeated.iloc[0]} appears more than once")
    for index, row in enumerate(frame.itertuples(index=False)):
        problem = _row_problem(row)
        if problem:
            line = f"row {index + 2}" if run.kind == "sweep" else f"benchmark {index + 1}"
            raise UsageError(f"{where}: {line} is mangled ({problem})")


def _row_problem(row: Any) -> str:
    for name in ("impl", "op", "problem", "dtype", "device", "status"):
        value = getattr(row, name)
        if not isinstance(value, str) or not value.strip():
            return f"no {name}"
    if row.status not in STATUSES:
        return f"unknown status {row.status!r}"
    for name in ("n", "d"):
        value = getattr(row, name)
        if not _finite(value) or value < 1 or not float(value).is_integer():
            return f"{name} is not a positive whole number"
    if row.status == "ok":
        if not _finite(row.median_s) or row.median_s <= 0:
            return "status ok without a positive median"
        if not all(_finite(v) and v > 0 for v in row.samples):
            return "samples that are not positive numbers"
        if row.samples and _finite(row.rounds) and len(row.samples) != row.rounds:
            return f"{len(row.samples)} samples for {row.rounds:g} rounds"
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
        from benchmarks.measure.sweep import SweepOptions

        return len(SweepOptions.from_json(options).configs())
    except (TypeError, ValueError, KeyError):
        return None
