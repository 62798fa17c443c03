"""A run folder on disk, as the sweep writes it: metadata.json and one JSON line per result.

Each configuration's result from each process is appended to ``results.jsonl`` and fsync'd as
soon as it exists, so a crash (Ctrl-C, SIGTERM, SIGKILL, power loss) loses at most what was
being measured; appending costs the same for the 1st and the 10,000th line. A torn last line
(the process died inside ``write``) is cut off on reopening, so ``--resume`` measures that
part again. ``results.csv`` is the tidy export, written from the lines at the end of a run
and by ``report``; it is never read back.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from benchmarks.store.format import LINES, METADATA, RESULTS, RunError, write_atomic
from benchmarks.store.frame import csv_text
from benchmarks.store.load import combine, read_metadata, read_parts
from benchmarks.store.record import Result


class RunFolder:
    """The sweep's handle on one run folder: append results, write metadata, export."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.parts: list[Result] = []  # as stored: one a configuration and process

    @property
    def lines_path(self) -> Path:
        return self.path / LINES

    @property
    def metadata_path(self) -> Path:
        return self.path / METADATA

    def create(self, metadata: dict[str, Any]) -> None:
        self.path.mkdir(parents=True, exist_ok=False)
        self.write_metadata(metadata)
        self.lines_path.touch()

    def open_existing(self) -> dict[str, Any]:
        """Metadata and stored results of an earlier run; a torn last line is cut off."""
        if not self.metadata_path.is_file():
            raise RunError(f"{self.path} is not a run folder (no {METADATA})")
        metadata = read_metadata(self.path)
        self.parts, good = read_parts(self.path)
        if good != self.lines_path.stat().st_size:
            os.truncate(self.lines_path, good)  # the torn part is measured again
        return metadata

    def write_metadata(self, metadata: dict[str, Any]) -> None:
        text = json.dumps(metadata, indent=1, default=str)
        try:
            write_atomic(self.metadata_path, text)
        except PermissionError:  # a folder made read-only mid-run: the file may still be
            with self.metadata_path.open("r+", encoding="utf-8") as f:  # writable in place
                f.write(text)
                f.truncate()

    def append(self, result: Result) -> None:
        """One result, on disk (flushed and fsync'd) before this returns."""
        line = json.dumps(result.to_json(), allow_nan=False) + "\n"
        with self.lines_path.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        self.parts.append(result)

    def results(self) -> list[Result]:
        """One result per configuration, the processes' parts joined."""
        return combine(self.parts)

    def export(self) -> None:
        """results.csv from the results, in one atomic write."""
        write_atomic(self.path / RESULTS, csv_text(self.results()))
