"""The run folder's file formats: names, columns, one JSON line per row, the CSV export.

Only the last JSON line can be torn (appends are sequential and fsync'd); ``read_lines``
tells it apart from damage. Written by ``benchmarks.store.results``, read by
``benchmarks.store.load``.
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
    "prepare_s", "compile_train_s", "peak_rss_bytes", "device_peak_bytes", "parameters",
    "points_per_s", "gb_per_s", "bytes_read",
    "floor_s", "samples_s", "sample_rounds", "sample_processes",
]
RESULTS = "results.csv"
LINES = "results.jsonl"  # the store: one finished configuration a line
METADATA = "metadata.json"
TRAINING = "training.json"  # per train configuration: final θ and the loss curve
CHECK = "check.json"  # the check on the run's first device


def device_check(device: str) -> str:
    """The check of a sweep's second or later device: check-<device>.json."""
    return f"{Path(CHECK).stem}-{device}.json"


def device_checks(folder: Path) -> list[tuple[str, Path]]:
    """(device, path) of every check-<device>.json in a run folder, by name."""
    stem = Path(CHECK).stem
    return [(p.stem[len(stem) + 1:], p) for p in sorted(folder.glob(device_check("*")))]


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


def record(row: dict[str, Any]) -> dict[str, Any]:
    """A row restricted to COLUMNS, with the samples as a list of numbers (not a string)."""
    out = {column: row.get(column) for column in COLUMNS}
    samples = out["samples_s"]
    if isinstance(samples, str):
        out["samples_s"] = [float(v) for v in samples.split()]
    elif samples is None:
        out["samples_s"] = []
    return out


def csv_text(records: list[dict[str, Any]]) -> str:
    """The tidy export: one row per configuration, samples space-joined, None as empty."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for each in records:
        flat = {k: ("" if v is None else v) for k, v in each.items() if k in COLUMNS}
        samples = each.get("samples_s")
        if isinstance(samples, list):
            flat["samples_s"] = " ".join(f"{float(v):.6e}" for v in samples)
        writer.writerow(flat)
    return buffer.getvalue()


def read_lines(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The records of a results.jsonl and the byte length of its intact part.

    Only the last line can be torn (appends are sequential and fsync'd), so a last line
    without its newline or that is not a JSON object is left out; a bad line before it is
    damage, not a crash, and refused.
    """
    data = path.read_bytes()
    records, good = [], 0
    lines = data.split(b"\n")
    for index, raw in enumerate(lines):
        last = index == len(lines) - 1
        if last and not raw:
            break
        try:
            value = json.loads(raw)
            if not isinstance(value, dict) or not isinstance(value.get("key"), str):
                raise ValueError("not a record")
        except (ValueError, UnicodeDecodeError):
            if last or (index == len(lines) - 2 and not lines[-1]):
                break  # torn: the process died while writing it
            raise RunError(f"{path} line {index + 1} is not a result record") from None
        if last:
            break  # no newline yet: the write did not finish
        records.append(value)
        good += len(raw) + 1
    return records, good


def plain(value: Any) -> Any:
    """NumPy scalars and the like as plain numbers; anything else as text."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)
