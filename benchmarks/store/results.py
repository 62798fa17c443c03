"""A run folder on disk: results.csv written row by row, atomically, and metadata.json.

Each new row rewrites results.csv through a temporary file and ``os.replace``, so at any
instant (Ctrl-C, SIGTERM, SIGKILL) the file on disk is a complete CSV of every finished
measurement. Raw per-round samples go in the ``samples_s`` column, space-separated.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

COLUMNS = [
    "key", "impl", "method", "framework", "op", "problem", "n", "d", "dtype", "device",
    "threads", "steps", "status", "message", "median_s", "iqr_s", "q1_s", "q3_s", "min_s",
    "max_s", "mean_s", "std_s", "rounds", "processes", "loops", "noisy", "first_call_s",
    "prepare_s", "compile_train_s", "peak_rss_bytes", "points_per_s", "gb_per_s", "bytes_read",
    "floor_s", "samples_s", "sample_rounds", "sample_processes",
]
RESULTS = "results.csv"
METADATA = "metadata.json"
TRAINING = "training.json"  # per train configuration: final θ and the loss curve


class RunError(ValueError):
    """A folder that is not a usable run."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _umask()


def write_atomic(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(handle, 0o666 & ~UMASK)  # mkstemp's 0600 would hide results from others
        with os.fdopen(handle, "w", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class RunFolder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[dict[str, Any]] = []
        self.training: dict[str, Any] = {}

    @property
    def csv_path(self) -> Path:
        return self.path / RESULTS

    @property
    def metadata_path(self) -> Path:
        return self.path / METADATA

    def create(self, metadata: dict[str, Any]) -> None:
        self.path.mkdir(parents=True, exist_ok=False)
        self.write_metadata(metadata)
        self._flush()

    def open_existing(self) -> dict[str, Any]:
        if not self.metadata_path.is_file() or not self.csv_path.is_file():
            raise RunError(f"{self.path} is not a run folder (no {METADATA} and {RESULTS})")
        try:
            metadata = json.loads(self.metadata_path.read_text())
        except json.JSONDecodeError as error:
            raise RunError(f"{self.metadata_path} is not valid JSON: {error}") from None
        with self.csv_path.open(newline="") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames != COLUMNS:
                raise RunError(f"{self.csv_path} does not have the sweep's columns")
            self.rows = list(reader)
        training = self.path / TRAINING
        if training.is_file():
            self.training = json.loads(training.read_text())
        return metadata

    def write_metadata(self, metadata: dict[str, Any]) -> None:
        write_atomic(self.metadata_path, json.dumps(metadata, indent=1, default=str))

    def append(self, row: dict[str, Any]) -> None:
        self.rows.append({column: row.get(column, "") for column in COLUMNS})
        self._flush()

    def record_training(self, key: str, record: dict[str, Any]) -> None:
        self.training[key] = record
        write_atomic(self.path / TRAINING, json.dumps(self.training))

    def done_keys(self) -> set[str]:
        return {row["key"] for row in self.rows}

    def _flush(self) -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        write_atomic(self.csv_path, buffer.getvalue())
