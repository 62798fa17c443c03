"""What the Python API returns: a check's verdicts, a run, and a comparison of two runs.

Each holds what the command of the same name computes, made by the command's own functions:
``CheckResult`` the report check.json holds, ``Run`` the store's reading of a run folder (or
pytest-benchmark JSON) with its frame and the report's speedups, ``Comparison`` the frame
and summary ``compare`` prints. ``show()`` prints each as the command does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.errors import UsageError
from impls.builtins import BASELINE

if TYPE_CHECKING:  # pandas is imported where a frame is made
    import pandas as pd

    from benchmarks.store import runs

# the speedup table's columns: the configuration, its median and the speedup with its interval
SPEEDUP_COLUMNS = ["impl", "op", "problem", "n", "d", "dtype", "device", "threads", "steps",
                   "median_s", "speedup", "speedup_low", "speedup_high"]


@dataclass(frozen=True)
class CheckResult:
    """One check: ``report`` is the data check.json holds (``to_json`` writes it as such)."""

    report: dict[str, Any]

    @property
    def passed(self) -> bool:
        return self.report.get("passed") is True

    @property
    def implementations(self) -> dict[str, dict[str, Any]]:
        """Name -> its entry: status, failures, failed_checks and the numbers behind them."""
        return {entry["name"]: entry for entry in self.report.get("implementations", [])}

    def __getitem__(self, name: str) -> dict[str, Any]:
        entries = self.implementations
        if name not in entries:
            raise KeyError(f"{name!r} was not checked; checked: {', '.join(entries)}")
        return entries[name]

    @property
    def verdicts(self) -> dict[str, str]:
        """Name -> pass, fail, error or unavailable."""
        return {name: entry["status"] for name, entry in self.implementations.items()}

    @property
    def failures(self) -> dict[str, list[str]]:
        """Name -> what failed, for every implementation that did not pass."""
        return {name: entry["failures"] for name, entry in self.implementations.items()
                if entry.get("failures")}

    @property
    def in_process(self) -> dict[str, str]:
        """Name -> why it was checked in this process, not in a child of its own."""
        return {name: entry["in_process"] for name, entry in self.implementations.items()
                if entry.get("in_process")}

    def to_json(self) -> str:
        from benchmarks.check.schema import dumps

        return dumps(self.report)

    def show(self) -> None:
        """The verdicts as ``updatebench check`` prints them."""
        from benchmarks.report.console import show_check

        show_check(self.report)

    def __repr__(self) -> str:
        lines = [f"CheckResult: {'passed' if self.passed else 'failed'}"]
        for name, status in self.verdicts.items():
            lines.append(f"  {name}: {status}")
            lines += [f"    {text}" for text in self.failures.get(name, [])]
            if name in self.in_process:
                lines.append(f"    ({self.in_process[name]})")
        return "\n".join(lines)


@dataclass(frozen=True)
class Run:
    """A run as ``report`` reads it: ``record`` is the store's ``Run`` (results, metadata,
    check.json, notes)."""

    record: runs.Run

    @property
    def path(self) -> Path:
        return self.record.path

    @property
    def metadata(self) -> dict[str, Any]:
        return self.record.metadata

    @property
    def status(self) -> str:
        """complete, running, interrupted or failed, as metadata.json says."""
        return str(self.metadata.get("status", "unknown"))

    @property
    def notes(self) -> list[str]:
        """What the report warns about: a partial run, a missing check.json, …"""
        return list(self.record.notes)

    @property
    def check(self) -> CheckResult | None:
        """The run's correctness check (check.json), or None where it has none."""
        return CheckResult(self.record.check) if self.record.check is not None else None

    def frame(self) -> pd.DataFrame:
        """One row per configuration (``benchmarks.store.frame.results_frame``): its keys,
        median, IQR, samples, throughput, memory and the last timed call's output."""
        return self.record.frame.copy()

    def speedups(self, baseline: str = BASELINE) -> pd.DataFrame:
        """Speedup over ``baseline`` per configuration, as the report computes it (the median
        of within-round ratios with a 95% bootstrap interval); NaN where either did not run."""
        from benchmarks.report.analysis import speedups

        frame = self.record.frame
        if baseline not in set(frame["impl"]):
            raise UsageError(f"{baseline} is not in this run: speedups need it as the baseline "
                             f"(measured: {', '.join(dict.fromkeys(frame['impl']))})")
        return speedups(frame, baseline)[SPEEDUP_COLUMNS].reset_index(drop=True)

    def show(self) -> None:
        """The median-time tables a sweep prints when it ends."""
        from benchmarks.report import render, tables
        from benchmarks.report.console import console

        render.print_tables(tables.time_tables([self.record]), console)

    def __repr__(self) -> str:
        impls = ", ".join(dict.fromkeys(self.record.frame["impl"]))
        notes = "".join(f"\n  note: {note}" for note in self.notes)
        return (f"Run({self.path}: {len(self.record.frame)} configurations of {impls}; "
                f"{self.status}){notes}")


@dataclass(frozen=True)
class Comparison:
    """Two runs compared as ``updatebench compare`` does: per configuration B/A, its
    p-value and verdict (``frame``), and why the times may not be comparable (``caveats``)."""

    a: Run
    b: Run
    result: pd.DataFrame
    alpha: float
    caveats: tuple[str, ...]

    def frame(self) -> pd.DataFrame:
        return self.result.copy()

    @property
    def summary(self) -> str:
        """The geometric mean of B/A and the count of each verdict, in one line."""
        from benchmarks.report.compare import summary

        return summary(self.result)

    def show(self, changes_only: bool = False) -> None:
        """The table ``compare`` prints."""
        from benchmarks.report import compare
        from benchmarks.report.console import console
        from benchmarks.report.render import rich_table

        console.print(rich_table(compare.table(self.result, self.alpha, changes_only)))
        console.print(self.summary, soft_wrap=True)
        note = compare.inconclusive_note(self.result)
        if note:
            console.print(f"inconclusive: {note}", soft_wrap=True)

    def __repr__(self) -> str:
        caveats = "".join(f"\n  caveat: {line}" for line in self.caveats)
        return f"Comparison(A = {self.a.path}, B = {self.b.path}): {self.summary}{caveats}"
