"""What the supervisor and a worker say to each other, one configuration at a time.

The supervisor sends ``Prepare`` (a configuration to bind and warm up), then one ``Round`` per
interleaved round (the worker answers with seconds per call), then ``Finish``. The worker
answers ``Prepare`` with ``Prepared`` and ``Finish`` with ``Finished``; the session builds one
``benchmarks.store.record.Result`` from them. They travel pickled (``benchmarks.child``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchmarks.measure.timing import Settings
from benchmarks.store.config import Config


@dataclass(frozen=True)
class Prepare:
    config: Config
    settings: Settings
    plugins: tuple[str, ...] = ()  # plugin files to import first (they register names)
    classes: tuple[type, ...] = ()  # classes to register first, sent by value (a notebook's)


@dataclass(frozen=True)
class Round:
    """Time one round of the prepared call."""


@dataclass(frozen=True)
class Finish:
    """Check the last result and say what ran."""


@dataclass(frozen=True)
class Prepared:
    """What a worker learned before the timed rounds of one configuration."""

    loops: int  # calls per round
    first_call_s: float  # the very first call, compilation or lazy set-up included
    warmup_calls: int
    call_s: float  # seconds per call over the warm-up: sizes the rounds
    prepare_s: float
    compile_train_s: float  # a fused step or loop compiled at bind time
    completion_s: float = 0.0  # one harness wait on a finished result (measure.calls)

    @property
    def round_s(self) -> float:
        return self.call_s * self.loops


@dataclass(frozen=True)
class Finished:
    """What a worker reports after the last round of one configuration."""

    status: str  # ok, nan or error (a result of the wrong shape)
    message: str
    peak_rss_bytes: int
    threads: dict[str, Any] = field(default_factory=dict)
    output: dict[str, Any] | None = None  # the last timed call's result, float64 lists
    device_peak_bytes: int | None = None  # GPU memory at peak; None on the CPU
    parameters: dict[str, Any] = field(default_factory=dict)  # Implementation.parameters()
    fresh_call_s: float | None = None  # fastest call on a θ never seen (measure.calls)
