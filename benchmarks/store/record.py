"""The one record of a measurement, from the worker's reply to the report's frame.

A ``Result`` holds one configuration's outcome: its status, every sample with its round and
process, what was learnt before and after the rounds (loops, first call, memory peaks,
threads, the implementation's parameters) and the output of the last timed call. It is built
once from what the worker returns (``benchmarks.measure.session``), stored as one JSON line
(``to_json``) and read back with ``from_json``; a configuration measured by several processes
is stored as one line per process and joined with ``combine``. What follows from it
(statistics, noisy, calls, throughput) is a property, defined here only.

Format versions (``format_version`` in every line):
- 1: the rows written before this record (no version field): flat columns, samples as a list
  or a space-joined string; read through ``benchmarks.store.migrate``.
- 2: this record.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property
from typing import Any

from benchmarks.store.config import Config

FORMAT_VERSION = 2
NOISY_IQR_FRACTION = 0.10  # a time whose IQR exceeds this share of its median is noisy
# ok: measured and verified; nan: measured, but the result holds NaN or inf; wrong: measured,
# but the last timed call's result is off its reference by more than the check's tolerance;
# implausible: measured faster than this machine can compute it (cached, skipped or not
# waited for; docs/verification.md); the others carry no samples
STATUSES = ("ok", "nan", "wrong", "implausible", "error", "timeout", "crash", "skipped",
            "unavailable")
UNTRUSTED = ("wrong", "implausible")  # timed, but the time is no measurement of the rule


class FormatError(ValueError):
    """A stored record this version cannot read."""


@dataclass(frozen=True)
class Sample:
    """Seconds per call in one round; ``round`` counts interleaved rounds within a process
    (None where the rounds were not interleaved: pytest-benchmark, the oldest runs)."""

    process: int
    round: int | None
    seconds: float


@dataclass(frozen=True)
class Stats:
    """Order statistics of per-call seconds, and how many rounds and processes they rest on."""

    median_s: float
    iqr_s: float
    q1_s: float
    q3_s: float
    min_s: float
    max_s: float
    mean_s: float
    std_s: float
    rounds: int
    processes: int
    noisy: bool

    @classmethod
    def from_samples(cls, samples: Sequence[float], processes: int = 1) -> Stats:
        if not samples:
            raise ValueError("no samples")
        if len(samples) == 1:
            q1 = median = q3 = samples[0]
        else:
            q1, median, q3 = statistics.quantiles(samples, n=4, method="inclusive")
        iqr = q3 - q1
        return cls(median_s=median, iqr_s=iqr, q1_s=q1, q3_s=q3, min_s=min(samples),
                   max_s=max(samples), mean_s=statistics.fmean(samples),
                   std_s=statistics.stdev(samples) if len(samples) > 1 else 0.0,
                   rounds=len(samples), processes=processes,
                   noisy=bool(median > 0 and iqr / median > NOISY_IQR_FRACTION))


@dataclass(frozen=True)
class Result:
    """One configuration's outcome over the processes in ``process_ids``."""

    config: Config
    status: str
    message: str = ""
    method: str = ""
    framework: str = ""
    process_ids: tuple[int, ...] = ()  # the processes that measured it or failed on it
    samples: tuple[Sample, ...] = ()
    loops: int | None = None  # calls per round (of the first process)
    first_call_s: float | None = None  # the very first call: compilation, lazy set-up
    prepare_s: float | None = None  # data conversion and ahead-of-time compilation
    compile_train_s: float | None = None  # a fused step or loop compiled when bound
    peak_rss_bytes: int | None = None
    device_peak_bytes: int | None = None  # GPU memory at peak; None on the CPU
    floor_s: float | None = None  # what this machine cannot beat (benchmarks.measure.limits)
    completion_s: float | None = None  # the harness's wait for a call's result, once
    fresh_call_s: float | None = None  # fastest call on a θ never seen before (memoisation)
    parameters: dict[str, Any] = field(default_factory=dict)  # Implementation.parameters()
    threads_used: dict[str, Any] = field(default_factory=dict)  # pools, affinity, flags
    # the last timed call's result in float64: value, grad, theta, losses (by operation)
    output: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise FormatError(f"unknown status {self.status!r}")

    # ---- what follows from it ------------------------------------------------------------
    @property
    def key(self) -> str:
        return self.config.key

    @cached_property
    def stats(self) -> Stats | None:
        if not self.samples:
            return None
        return Stats.from_samples([s.seconds for s in self.samples],
                                  len({s.process for s in self.samples}))

    @property
    def median_s(self) -> float | None:
        return self.stats.median_s if self.stats else None

    @property
    def measured(self) -> bool:
        """Timed, with samples and a positive median (status ok or nan)."""
        return self.stats is not None and self.stats.median_s > 0

    @property
    def points_per_s(self) -> float | None:
        if self.status != "ok" or not self.measured:
            return None
        return self.config.n * self.config.calls / self.stats.median_s

    @property
    def gb_per_s(self) -> float | None:
        if self.status != "ok" or not self.measured:
            return None
        return self.config.bytes_read * self.config.calls / self.stats.median_s / 1e9

    def paired_rounds(self) -> dict[tuple[int, int], float]:
        """{(process, round): seconds per call}; empty where rounds were not interleaved."""
        if any(s.round is None for s in self.samples):
            return {}
        return {(s.process, s.round): s.seconds for s in self.samples}

    # ---- several processes ----------------------------------------------------------------
    @classmethod
    def combine(cls, parts: Iterable[Result]) -> Result:
        """One configuration measured by several processes, in the order they ran: samples
        joined, the first failure's status and message, the first process's warm-up, the
        highest memory peaks, the last process's output."""
        parts = list(parts)
        if len({p.key for p in parts}) != 1:
            raise ValueError("combine takes parts of one configuration")
        first, last = parts[0], parts[-1]
        failed = next((p for p in parts if p.status != "ok"), first)
        return replace(
            first, status=failed.status, message=failed.message,
            process_ids=tuple(sorted({i for p in parts for i in p.process_ids})),
            samples=tuple(s for p in parts for s in p.samples),
            peak_rss_bytes=_largest(p.peak_rss_bytes for p in parts),
            device_peak_bytes=_largest(p.device_peak_bytes for p in parts),
            parameters=first.parameters or last.parameters,
            threads_used=first.threads_used or last.threads_used,
            output=next((p.output for p in reversed(parts) if p.output is not None), None))

    # ---- the stored line ------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format_version": FORMAT_VERSION, "key": self.key}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "config":
                value = asdict(value)
            elif item.name == "samples":
                value = [[s.process, s.round, s.seconds] for s in value]
            elif item.name == "process_ids":
                value = list(value)
            out[item.name] = _finite(value)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise FormatError(f"format version {version!r}; this updatebench reads "
                              f"{FORMAT_VERSION} (older lines go through store.migrate)")
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        values["config"] = Config(**data["config"])
        values["samples"] = tuple(Sample(int(p), None if r is None else int(r), float(s))
                                  for p, r, s in data.get("samples") or [])
        values["process_ids"] = tuple(int(p) for p in data.get("process_ids") or [])
        for name in ("parameters", "threads_used"):
            values[name] = dict(values.get(name) or {})
        return cls(**values)


def _largest(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: they are stored as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value
