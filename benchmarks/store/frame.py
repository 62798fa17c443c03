"""Results as one table: the report's frame and the results.csv export, from one column list.

The columns follow from the record: the configuration's fields, the result's own fields, the
statistics' fields and the properties listed in ``DERIVED``. The frame keeps the samples as
``Sample`` records; the CSV export writes them as three space-joined columns (seconds, round,
process) and is never read back.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from benchmarks.store.config import Config
from benchmarks.store.record import Result, Stats

if TYPE_CHECKING:  # pandas is imported where a frame is built, not by the sweep
    import pandas as pd

CONFIG_DERIVED = ("steps_key", "calls", "bytes_read")
RESULT_DERIVED = ("points_per_s", "gb_per_s")
NESTED = ("config", "samples", "output", "threads_used", "process_ids")  # not one a cell
COLUMNS = (
    "key", *(f.name for f in fields(Config)), *CONFIG_DERIVED,
    *(f.name for f in fields(Result) if f.name not in NESTED), *(f.name for f in fields(Stats)),
    *RESULT_DERIVED,
)
CSV_SAMPLES = ("samples_s", "sample_rounds", "sample_processes")


def row(result: Result) -> dict[str, Any]:
    """The frame's row of one result: every column, then its samples and output."""
    config = result.config
    values: dict[str, Any] = {"key": result.key}
    values.update({f.name: getattr(config, f.name) for f in fields(Config)})
    values.update({name: getattr(config, name) for name in CONFIG_DERIVED})
    values.update({f.name: getattr(result, f.name) for f in fields(Result)
                   if f.name not in NESTED})
    stats = result.stats
    values.update({f.name: getattr(stats, f.name) if stats else None for f in fields(Stats)})
    values["noisy"] = bool(stats and stats.noisy)
    values.update({name: getattr(result, name) for name in RESULT_DERIVED})
    values["samples"] = result.samples
    values["output"] = result.output
    return values


def results_frame(results: list[Result]) -> pd.DataFrame:
    """One row per result, numeric columns as floats (None as NaN)."""
    import pandas as pd

    frame = pd.DataFrame([row(r) for r in results], columns=[*COLUMNS, "samples", "output"])
    numeric = [f.name for f in fields(Stats) if f.name != "noisy"]
    numeric += ["loops", "first_call_s", "prepare_s", "compile_train_s", "peak_rss_bytes",
                "device_peak_bytes", "floor_s", *RESULT_DERIVED]
    for column in numeric:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def csv_text(results: list[Result]) -> str:
    """The tidy export: one row per configuration, samples space-joined, None as empty."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*COLUMNS, *CSV_SAMPLES], lineterminator="\n")
    writer.writeheader()
    for result in results:
        values = row(result)
        flat = {k: ("" if values[k] is None else values[k]) for k in COLUMNS}
        flat["parameters"] = json.dumps(result.parameters, sort_keys=True)
        samples = result.samples
        flat["samples_s"] = " ".join(f"{s.seconds:.6e}" for s in samples)
        known = all(s.round is not None for s in samples)
        flat["sample_rounds"] = " ".join(str(s.round) for s in samples) if known else ""
        flat["sample_processes"] = " ".join(str(s.process) for s in samples)
        writer.writerow(flat)
    return buffer.getvalue()
