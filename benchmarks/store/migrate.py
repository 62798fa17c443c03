"""Stored lines of older format versions, read into today's ``Result``: once, at load.

Version 1 (no ``format_version``) is the flat row the sweep wrote before the record: one line
per configuration with its statistics as columns, the samples as a list or a space-joined
string, their rounds and processes as space-joined strings (or absent before interleaving),
``parameters`` as a JSON string, the training runs' final θ and losses in training.json and
the threads each implementation ran with in metadata.json. The key each line carries must be
the key its configuration gives, or the line is refused.

metadata.json's sweep options stored one thread count (``"threads": 1``) before the thread
count became an axis of the plan (``"threads": [1, 2]``); ``options`` reads the old one.
"""

from __future__ import annotations

import json
import math
from typing import Any

from benchmarks.store.config import Config
from benchmarks.store.record import FormatError, Result, Sample


def _numbers(value: Any, kind: type = float) -> list:
    if isinstance(value, str):
        return [kind(float(v)) for v in value.split()]
    if isinstance(value, list | tuple):
        return [kind(v) for v in value]
    return []


def _optional(value: Any, kind: type) -> Any:
    if value is None or value == "":
        return None
    number = float(value)
    return None if math.isnan(number) else kind(number)


def _samples(row: dict[str, Any]) -> tuple[Sample, ...]:
    seconds = _numbers(row.get("samples_s"))
    rounds = _numbers(row.get("sample_rounds"), int)
    processes = _numbers(row.get("sample_processes"), int)
    if len(rounds) != len(seconds):
        rounds = [None] * len(seconds)
    if len(processes) != len(seconds):
        processes = [0] * len(seconds)
    return tuple(Sample(p, r, s) for p, r, s in zip(processes, rounds, seconds, strict=True))


def from_v1(row: dict[str, Any], options: dict[str, Any], training: dict[str, Any],
            threads: dict[str, Any]) -> Result:
    """A version-1 row as a Result; ``options``, ``training`` and ``threads`` are the run's
    metadata options, training.json and metadata threads (empty where absent)."""
    try:
        config = Config(impl=str(row["impl"]), op=str(row["op"]), problem=str(row["problem"]),
                        n=int(float(row["n"])), d=int(float(row["d"])), dtype=str(row["dtype"]),
                        device=str(row.get("device") or "cpu"),
                        threads=int(float(row.get("threads") or 1)),
                        steps=int(float(row.get("steps") or 1)),
                        seed=int(options.get("seed") or 0),
                        problem_spec=str(options.get("problem_spec") or ""))
    except (KeyError, TypeError, ValueError) as error:
        raise FormatError(f"a version-1 row without a usable configuration ({error})") from None
    if row.get("key") not in (None, config.key):
        raise FormatError(f"a version-1 row keyed {row['key']!r} describes {config.key!r}")
    samples = _samples(row)
    parameters = row.get("parameters")
    if isinstance(parameters, str) and parameters:
        parameters = json.loads(parameters)
    run = training.get(config.key) or {}
    output = ({"theta": run["final_theta"], "losses": run["losses"]}
              if "final_theta" in run else None)
    return Result(
        config=config, status=str(row["status"]), message=str(row.get("message") or ""),
        method=str(row.get("method") or ""), framework=str(row.get("framework") or ""),
        process_ids=tuple(sorted({s.process for s in samples})), samples=samples,
        loops=_optional(row.get("loops"), int),
        first_call_s=_optional(row.get("first_call_s"), float),
        prepare_s=_optional(row.get("prepare_s"), float),
        compile_train_s=_optional(row.get("compile_train_s"), float),
        peak_rss_bytes=_optional(row.get("peak_rss_bytes"), int),
        device_peak_bytes=_optional(row.get("device_peak_bytes"), int),
        floor_s=_optional(row.get("floor_s"), float),
        parameters=dict(parameters or {}), threads_used=dict(threads.get(config.impl) or {}),
        output=output)


def options(stored: dict[str, Any]) -> dict[str, Any]:
    """Stored sweep options as today's: one thread count (an int) becomes a list of one."""
    threads = stored.get("threads")
    if isinstance(threads, int) and not isinstance(threads, bool):
        return {**stored, "threads": [threads]}
    return stored
