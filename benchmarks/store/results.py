"""A run folder on disk: one JSON line per finished configuration, metadata.json, results.csv.

Each finished configuration is appended to ``results.jsonl`` and fsync'd before the sweep
moves on, so a crash (Ctrl-C, SIGTERM, SIGKILL, power loss) loses at most the configuration
being written; appending costs the same for the 1st and the 10,000th row. A torn last line
(the process died inside ``write``) is cut off on reopening, so ``--resume`` measures that
configuration again. ``results.csv`` is the tidy export, written from the JSON lines at the
end of a run, on resume and by ``report``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from benchmarks.store.format import (  # noqa: F401 (the store's names, imported from here)
    CHECK,
    COLUMNS,
    LINES,
    METADATA,
    RESULTS,
    TRAINING,
    RunError,
    csv_text,
    read_lines,
    record,
    write_atomic,
)
from benchmarks.store.format import plain as _plain
from benchmarks.store.load import read_metadata, read_rows


class RunFolder:
    """The sweep's handle on one run folder: append rows, record training, write metadata."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[dict[str, Any]] = []
        self.training: dict[str, Any] = {}

    @property
    def csv_path(self) -> Path:
        return self.path / RESULTS

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
        """Metadata and finished rows of an earlier run; a torn last row is cut off."""
        if not self.metadata_path.is_file():
            raise RunError(f"{self.path} is not a run folder (no {METADATA})")
        metadata = read_metadata(self.path)
        self.rows, _ = read_rows(self.path, lines_first=True)
        if self.lines_path.is_file():
            _, good = read_lines(self.lines_path)
            if good != self.lines_path.stat().st_size:
                os.truncate(self.lines_path, good)  # the torn row is measured again
        else:  # a run from before the JSON-lines store: carry its rows over
            write_atomic(self.lines_path, "".join(json.dumps(record(r)) + "\n" for r in self.rows))
        training = self.path / TRAINING
        if training.is_file():
            try:
                self.training = json.loads(training.read_text())
            except (ValueError, UnicodeDecodeError):
                raise RunError(f"{training} is not valid JSON") from None
        return metadata

    def write_metadata(self, metadata: dict[str, Any]) -> None:
        text = json.dumps(metadata, indent=1, default=str)
        try:
            write_atomic(self.metadata_path, text)
        except PermissionError:  # a folder made read-only mid-run: the file may still be
            with self.metadata_path.open("r+", encoding="utf-8") as f:  # writable in place
                f.write(text)
                f.truncate()

    def append(self, row: dict[str, Any]) -> None:
        """One finished configuration, on disk (flushed and fsync'd) before this returns."""
        each = record(row)
        line = json.dumps(each, default=_plain) + "\n"
        with self.lines_path.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        self.rows.append(each)

    def export(self) -> None:
        """results.csv from the rows, in one atomic write."""
        write_atomic(self.csv_path, csv_text(self.rows))

    def record_training(self, key: str, record: dict[str, Any]) -> None:
        self.training[key] = record
        write_atomic(self.path / TRAINING, json.dumps(self.training))

    def done_keys(self) -> set[str]:
        return {row["key"] for row in self.rows}


