"""The sweep's progress: a rich bar on a terminal, plain lines elsewhere, nothing if quiet."""

from __future__ import annotations

from typing import Any

from benchmarks.measure.sweep import Config
from benchmarks.report.tables import seconds


class Progress:
    """A rich progress bar on a terminal, plain lines elsewhere, nothing with --quiet."""

    def __init__(self, total: int, quiet: bool) -> None:
        from benchmarks.report.console import console

        self.console, self.total, self.quiet = console, total, quiet
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

    def start(self, config: Config, index: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description=config.key)

    def row(self, config: Config, row: dict[str, Any]) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)
        elif not self.quiet:
            median = row.get("median_s")
            shown = f"median {seconds(median)}" if median not in (None, "") else ""
            print(f"{config.key}: {row['status']} {shown} {row.get('message') or ''}".rstrip(),
                  flush=True)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
