"""The sweep's progress: a rich bar on a terminal, plain "k of N, time left" lines elsewhere,
nothing with --quiet."""

from __future__ import annotations

import time
from typing import Any

from benchmarks.measure.sweep import Config
from benchmarks.report.format import seconds


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
