"""Read sweep CSVs and pytest-benchmark JSON into one pandas table with the same columns."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from benchmarks.store.results import COLUMNS, METADATA, RESULTS, RunError

NUMERIC = ["n", "d", "threads", "steps", "median_s", "iqr_s", "q1_s", "q3_s", "min_s", "max_s",
           "mean_s", "std_s", "rounds", "loops", "first_call_s", "prepare_s", "compile_train_s",
           "peak_rss_bytes", "points_per_s", "gb_per_s", "bytes_read", "processes", "floor_s"]


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in NUMERIC:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["noisy"] = frame["noisy"].astype(str).str.lower().isin(["true", "1"])
    frame["samples"] = [
        [float(v) for v in str(s).split()] if isinstance(s, str) and s.strip() else []
        for s in frame["samples_s"]
    ]
    return frame


def load_sweep(folder: Path) -> pd.DataFrame:
    path = folder / RESULTS
    if not path.is_file():
        raise RunError(f"{folder} is not a run folder (no {RESULTS})")
    try:
        with path.open(newline="") as f:
            records = list(csv.reader(f))
    except (UnicodeDecodeError, csv.Error) as error:
        raise RunError(f"{path} cannot be read: {str(error).splitlines()[0]}") from None
    if not records:
        raise RunError(f"{path} is empty")
    header, body = records[0], records[1:]
    for line, record in enumerate(body, start=2):
        if len(record) != len(header):  # pandas would pad a truncated row silently
            raise RunError(f"{path} line {line} has {len(record)} fields, "
                           f"expected {len(header)}")
    frame = pd.DataFrame(body, columns=header, dtype=str)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise RunError(f"{path} lacks the columns {', '.join(missing)}")
    frame = _typed(frame)
    frame["source"] = str(folder)
    metadata = folder / METADATA
    host = ""
    if metadata.is_file():
        try:
            document = json.loads(metadata.read_text())
        except json.JSONDecodeError:
            document = None
        machine = document.get("machine") if isinstance(document, dict) else None
        host = machine.get("host", "") if isinstance(machine, dict) else ""
    frame["host"] = host
    return frame


def load_pytest_benchmark(path: Path) -> pd.DataFrame:
    """pytest-benchmark's --benchmark-json: stats are per call already; extra_info has the rest."""
    try:
        document = json.loads(path.read_text())
        benchmarks = document["benchmarks"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise RunError(f"{path} is not pytest-benchmark JSON ({error})") from None
    try:
        rows = [_pytest_row(bench) for bench in benchmarks]
    except (KeyError, TypeError, AttributeError) as error:
        raise RunError(f"{path} has a malformed benchmark entry ({error!r})") from None
    frame = _typed(pd.DataFrame(rows, columns=COLUMNS))
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
        "peak_rss_bytes": None, "points_per_s": None, "gb_per_s": None,
        "bytes_read": info.get("bytes_read"),
        "samples_s": " ".join(str(v) for v in stats.get("data", [])),
    }


def load(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if path.is_dir():
        return load_sweep(path)
    if path.suffix == ".json" and path.is_file():
        return load_pytest_benchmark(path)
    raise RunError(f"{path} is neither a run folder nor a pytest-benchmark JSON file")
