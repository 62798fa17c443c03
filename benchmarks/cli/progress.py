"""The sweep's progress: a rich bar on a terminal, plain "k of N, time left" lines elsewhere,
nothing with --quiet; and what an interrupted sweep kept."""

from __future__ import annotations

import time

from benchmarks.measure.session import complete
from benchmarks.report.format import seconds
from benchmarks.store.config import Config, SweepOptions
from benchmarks.store.load import combine, read_parts
from benchmarks.store.record import Result
from benchmarks.store.results import RunFolder


class Progress:
    """A rich progress bar on a terminal, plain "k of N, time left" lines elsewhere (the
    sweep's ``benchmarks.measure.session.Watcher``).

    A unit is one configuration measured in one process (K units for each configuration).
    """

    def __init__(self, quiet: bool) -> None:
        from benchmarks.report.console import console

        self.console, self.total, self.quiet = console, 0, quiet
        self.done, self.started = 0, time.perf_counter()
        self.bar = None

    def start(self, units: int) -> None:
        self.total, self.started = units, time.perf_counter()
        console = self.console
        if not self.quiet:  # the first group's result waits for every worker to start
            print(f"measuring: {units} configuration × process units; starting the worker "
                  "processes (each imports its framework)", flush=True)
        if not self.quiet and console.is_terminal:
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
            self.task = self.bar.add_task("sweep", total=units)
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

    def result(self, config: Config, result: Result) -> None:
        if self.bar is None and not self.quiet:
            median = result.median_s
            shown = f"median {seconds(median)}" if median is not None else ""
            print(f"{config.key}: {result.status} {shown} {result.message}".rstrip(),
                  flush=True)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def seconds_text(value: float) -> str:
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


def kept_text(folder: RunFolder, options: SweepOptions) -> str:
    """What an interrupted run kept, counted from what is on disk (a line written as the
    interrupt came is there though the sweep never heard back from the write)."""
    parts, _ = read_parts(folder.path)
    done = sum(complete(r, options.processes) for r in combine(parts))
    return (f"{len(parts)} results (a configuration in one process each) are stored "
            f"in {folder.path}, {done} of {len(options.configs())} configurations complete"
            if parts else f"no result was stored yet in {folder.path}")
