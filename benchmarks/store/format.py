"""The run folder's files: their names, atomic writes, and reading the JSON-lines store.

Only the last JSON line can be torn (appends are sequential and fsync'd); ``read_lines``
tells it apart from damage. What a line holds is ``benchmarks.store.record``; written by
``benchmarks.store.results``, read by ``benchmarks.store.load``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

RESULTS = "results.csv"  # the export of the store, never read back
LINES = "results.jsonl"  # the store: one Result a line, per configuration and process
METADATA = "metadata.json"
TRAINING = "training.json"  # format version 1 kept final θ and losses here (store.migrate)
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
