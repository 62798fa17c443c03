"""The one loader: run folders (JSON lines or CSV) and pytest-benchmark JSON into one frame.

Report, compare and ``sweep --resume`` read runs only through here, so a row or a
metadata.json is parsed one way. A folder's ``results.jsonl`` is the store; its
``results.csv`` is read instead when it is newer (someone edited the export, or the run
predates the JSON lines) and is rewritten from the JSON lines when it is older or missing.
"""

from __future__ import annotations

import contextlib
import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.store.format import (
    COLUMNS,
    LINES,
    METADATA,
    RESULTS,
    RunError,
    csv_text,
    read_lines,
    write_atomic,
)

if TYPE_CHECKING:  # pandas is imported where a frame is built, not by the sweep
    import pandas as pd

# what a results.csv must hold to be read at all; columns added since (rounds and processes,
# floor, device memory, parameters, …) are read as missing from older files
CORE = ("impl", "op", "n", "d", "dtype", "status", "median_s")
NUMERIC = ["n", "d", "threads", "steps", "median_s", "iqr_s", "q1_s", "q3_s", "min_s", "max_s",
           "mean_s", "std_s", "rounds", "loops", "first_call_s", "prepare_s", "compile_train_s",
           "peak_rss_bytes", "device_peak_bytes", "points_per_s", "gb_per_s", "bytes_read",
           "processes", "floor_s"]


def read_metadata(folder: Path) -> dict[str, Any]:
    """A run's metadata.json as a dictionary, or ``RunError`` saying why it is not one."""
    path = folder / METADATA
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{folder} has no {METADATA}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise RunError(f"{path} is not valid JSON: {error}") from None
    except OSError as error:
        raise RunError(f"{path} cannot be read: {error.strerror or error}") from None
    if not isinstance(document, dict):
        raise RunError(f"{path} is not a JSON object")
    return document


def _samples(value: Any) -> list[float]:
    if isinstance(value, list):
        return [float(v) for v in value]
    if isinstance(value, str) and value.strip():
        return [float(v) for v in value.split()]
    return []


def frame_of(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Typed columns from rows read as text (CSV) or as JSON values alike."""
    import pandas as pd

    frame = pd.DataFrame(records, columns=COLUMNS).astype(object)
    for column in NUMERIC:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["noisy"] = frame["noisy"].astype(str).str.lower().isin(["true", "1"])
    frame["samples"] = [_samples(s) for s in frame["samples_s"]]
    frame["samples_s"] = [" ".join(f"{v:.6e}" for v in s) for s in frame["samples"]]
    for column in ("key", "impl", "method", "framework", "op", "problem", "dtype", "device",
                   "status", "message"):
        frame[column] = frame[column].map(lambda v: "" if v is None else v)
    return frame


def csv_rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as f:
            records = list(csv.reader(f))
    except (UnicodeDecodeError, csv.Error) as error:
        raise RunError(f"{path} cannot be read: {str(error).splitlines()[0]}") from None
    if not records:
        raise RunError(f"{path} is empty")
    header, body = records[0], records[1:]
    for line, record in enumerate(body, start=2):
        if len(record) != len(header):  # pandas would pad a truncated row silently
            raise RunError(f"{path} row {line} is mangled ({len(record)} fields, the header "
                           f"has {len(header)})")
    missing = [c for c in CORE if c not in header]
    if missing:
        raise RunError(f"{path} lacks the columns {', '.join(missing)}")
    later = {c: "" for c in COLUMNS if c not in header}  # added since the file was written
    return [{**later, **dict(zip(header, record, strict=True))} for record in body]


def read_rows(folder: Path, export: bool = False, lines_first: bool = False
              ) -> tuple[list[dict[str, Any]], bool]:
    """The finished rows of a run folder, and whether a torn last JSON line was left out.

    With ``export``, a missing or stale results.csv is rewritten from the JSON lines
    (quietly skipped where the folder is read-only); with ``lines_first`` the JSON lines are
    read even where results.csv is newer (resume appends to them).
    """
    lines, table = folder / LINES, folder / RESULTS
    newer = (not lines_first and table.is_file() and lines.is_file()
             and table.stat().st_mtime_ns > lines.stat().st_mtime_ns)
    if not lines.is_file() or newer:
        if not table.is_file():
            raise RunError(f"{folder} is not a run folder (no {LINES} or {RESULTS})")
        return csv_rows(table), False
    try:
        records, good = read_lines(lines)
    except OSError as error:
        raise RunError(f"{lines} cannot be read: {error.strerror or error}") from None
    torn = good != lines.stat().st_size
    if export:
        with contextlib.suppress(OSError):
            write_atomic(table, csv_text(records))
    return records, torn


def load_sweep(folder: Path) -> pd.DataFrame:
    records, torn = read_rows(folder, export=True)
    frame = frame_of(records)
    frame.attrs["torn"] = torn
    frame["source"] = str(folder)
    host = ""
    if (folder / METADATA).is_file():
        try:
            machine = read_metadata(folder).get("machine")
        except RunError:
            machine = None
        host = machine.get("host", "") if isinstance(machine, dict) else ""
    frame["host"] = host
    return frame


def load_pytest_benchmark(path: Path) -> pd.DataFrame:
    """pytest-benchmark's --benchmark-json: stats are per call already; extra_info has the rest."""
    try:
        document = json.loads(path.read_text())
        benchmarks = document["benchmarks"]
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise RunError(f"{path} is not pytest-benchmark JSON ({error})") from None
    try:
        rows = [_pytest_row(bench) for bench in benchmarks]
    except (KeyError, TypeError, AttributeError) as error:
        raise RunError(f"{path} has a malformed benchmark entry ({error!r})") from None
    frame = frame_of(rows)
    frame["source"] = str(path)
    machine_info = document.get("machine_info") if isinstance(document, dict) else None
    frame["host"] = machine_info.get("node", "") if isinstance(machine_info, dict) else ""
    return frame


def _pytest_row(bench: dict) -> dict:
    info, stats = bench.get("extra_info", {}), bench["stats"]
    return {
        "key": bench["fullname"], "impl": info.get("impl"), "method": info.get("method", ""),
        "framework": info.get("framework", ""), "op": info.get("op"),
        "problem": info.get("problem", ""), "n": info.get("n"), "d": info.get("d"),
        "dtype": info.get("dtype"), "device": info.get("device", "cpu"),
        "threads": info.get("threads"), "steps": info.get("steps", 1), "status": "ok",
        "message": "", "median_s": stats["median"], "iqr_s": stats["iqr"],
        "q1_s": stats["q1"], "q3_s": stats["q3"], "min_s": stats["min"],
        "max_s": stats["max"], "mean_s": stats["mean"], "std_s": stats["stddev"],
        "rounds": stats["rounds"], "loops": stats.get("iterations", 1),
        "noisy": stats["median"] > 0 and stats["iqr"] / stats["median"] > 0.1,
        "first_call_s": None, "prepare_s": None, "compile_train_s": None,
        "peak_rss_bytes": None, "device_peak_bytes": None, "points_per_s": None, "gb_per_s": None,
        "bytes_read": info.get("bytes_read"),
        "samples_s": [float(v) for v in stats.get("data", [])],
    }


def load(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if path.is_dir():
        return load_sweep(path)
    if path.suffix == ".json" and path.is_file():
        return load_pytest_benchmark(path)
    raise RunError(f"{path} is neither a run folder nor a pytest-benchmark JSON file")
