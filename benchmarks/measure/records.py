"""The records a measurement travels in, from the worker to the run folder. No I/O.

A worker answers with a ``Prepared`` (first call, loops per round, prepare and compile time),
then one ``RoundSample`` per interleaved round, then a ``Finished`` (status, peak memory,
threads actually used). The supervisor gathers them over rounds and processes into one
``Measured``, whose statistics come from ``Stats.from_samples``: the one place they are
derived. Each record crosses the pipe as ``asdict`` JSON and comes back with ``from_json``.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

NOISY_IQR_FRACTION = 0.10


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
class RoundSample:
    """Seconds per call in one round; ``round`` counts interleaved rounds within a process."""

    round: int
    process: int
    seconds: float


@dataclass(frozen=True)
class Prepared:
    """What a worker learned before the timed rounds of one configuration."""

    loops: int  # calls per round
    first_call_s: float  # the very first call, compilation or lazy set-up included
    warmup_calls: int
    call_s: float  # mean seconds per call over the warm-up: sizes the rounds
    prepare_s: float
    compile_train_s: float  # a fused step or loop compiled at bind time

    @property
    def round_s(self) -> float:
        return self.call_s * self.loops


@dataclass(frozen=True)
class Finished:
    """What a worker reports after the last round of one configuration."""

    status: str  # ok, nan
    message: str
    peak_rss_bytes: int
    threads: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] | None = None
    device_peak_bytes: int | None = None  # GPU memory at peak; None on the CPU
    parameters: dict[str, Any] = field(default_factory=dict)  # Implementation.parameters()


@dataclass(frozen=True)
class Measured:
    """One configuration's result over every round and process: the row a run stores.

    ``status`` is ok, nan, error, timeout, crash, unavailable or skipped; only ok and nan
    carry samples.
    """

    status: str
    message: str = ""
    samples: tuple[RoundSample, ...] = ()
    prepared: Prepared | None = None
    finished: Finished | None = None

    @property
    def processes(self) -> int:
        return len({s.process for s in self.samples})

    @property
    def stats(self) -> Stats | None:
        if not self.samples:
            return None
        return Stats.from_samples([s.seconds for s in self.samples], self.processes)

    def columns(self) -> dict[str, Any]:
        """The flat values a results row holds (samples, rounds and processes space-joined)."""
        row: dict[str, Any] = {"status": self.status, "message": self.message}
        stats = self.stats
        if stats is not None:
            row.update(asdict(stats))
            row["samples_s"] = " ".join(f"{s.seconds:.6e}" for s in self.samples)
            row["sample_rounds"] = " ".join(str(s.round) for s in self.samples)
            row["sample_processes"] = " ".join(str(s.process) for s in self.samples)
        if self.prepared is not None:
            row.update(loops=self.prepared.loops, first_call_s=self.prepared.first_call_s,
                       prepare_s=self.prepared.prepare_s,
                       compile_train_s=self.prepared.compile_train_s)
        if self.finished is not None:
            row["peak_rss_bytes"] = self.finished.peak_rss_bytes
            row["device_peak_bytes"] = self.finished.device_peak_bytes
            if self.finished.parameters:
                row["parameters"] = json.dumps(self.finished.parameters, sort_keys=True)
        return row


def to_json(record: Any) -> dict[str, Any]:
    return {k: _finite(v) for k, v in asdict(record).items()}


def from_json(kind: type, data: dict[str, Any]) -> Any:
    names = {f.name for f in fields(kind)}
    return kind(**{k: v for k, v in data.items() if k in names})


def _finite(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value
