"""Measuring one call: first call, warm-up, calibrated inner loops, rounds, statistics. No I/O.

The scheme follows pytest-benchmark and torch.utils.benchmark: the first call (which may
compile) is timed on its own; a short warm-up follows; calls under ``round_target`` seconds
are repeated ``loops`` times per round (loops doubles until a round is long enough, so the
timer's resolution and the loop overhead vanish); rounds continue until ``budget`` seconds
are spent, with at least ``min_rounds``. A call longer than ``budget / min_rounds`` gets
exactly ``min_rounds`` rounds of one call. Every per-call sample is kept.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NOISY_IQR_FRACTION = 0.10


@dataclass(frozen=True)
class Settings:
    budget: float = 0.5  # seconds of measured rounds per configuration
    # A round of fast calls lasts at least this long: 200 µs is 4000× perf_counter's
    # resolution, yet short enough that an interruption spoils few rounds, which the
    # median then ignores (long rounds would average it into every sample).
    round_target: float = 2e-4
    min_rounds: int = 5
    max_rounds: int = 400
    warmup: float = 0.05  # seconds of warm-up calls after the first call
    timer: Callable[[], float] = field(default=time.perf_counter, compare=False)


QUICK = Settings(budget=0.1, min_rounds=5, warmup=0.02)
DEFAULT = Settings()


@dataclass
class Measurement:
    samples: list[float]  # seconds per call, one per round
    loops: int  # calls per round
    first_call: float  # seconds, the very first call (compile / lazy initialisation included)
    warmup_calls: int
    last_result: Any = field(default=None, repr=False)

    def stats(self) -> dict[str, float | int | bool]:
        return summarize(self.samples) | {"loops": self.loops, "first_call_s": self.first_call}


def quartiles(samples: list[float]) -> tuple[float, float, float]:
    if len(samples) == 1:
        return samples[0], samples[0], samples[0]
    q1, median, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return q1, median, q3


def summarize(samples: list[float]) -> dict[str, float | int | bool]:
    """Median, IQR, min, max, mean, standard deviation, rounds, and the noisy flag."""
    if not samples:
        raise ValueError("no samples")
    q1, median, q3 = quartiles(samples)
    iqr = q3 - q1
    return {
        "median_s": median,
        "iqr_s": iqr,
        "q1_s": q1,
        "q3_s": q3,
        "min_s": min(samples),
        "max_s": max(samples),
        "mean_s": statistics.fmean(samples),
        "std_s": statistics.stdev(samples) if len(samples) > 1 else 0.0,
        "rounds": len(samples),
        "noisy": bool(median > 0 and iqr / median > NOISY_IQR_FRACTION),
    }


def _time_loops(fn: Callable[[], Any], loops: int, timer: Callable[[], float]) -> tuple[float, Any]:
    result = None
    start = timer()
    for _ in range(loops):
        result = fn()
    return timer() - start, result


def calibrate(fn: Callable[[], Any], round_target: float,
              timer: Callable[[], float] = time.perf_counter) -> int:
    """The smallest power-of-two loop count whose round lasts at least ``round_target``."""
    loops = 1
    while True:
        elapsed, _ = _time_loops(fn, loops, timer)
        if elapsed >= round_target or loops >= 2**24:
            return loops
        # jump close to the target, then keep a power of two
        factor = round_target / elapsed if elapsed > 0 else 1024
        loops *= 2 ** max(1, math.ceil(math.log2(min(factor, 1024))))


def measure(fn: Callable[[], Any], settings: Settings = DEFAULT) -> Measurement:
    """Time ``fn`` (which must return only once its result exists)."""
    timer = settings.timer
    gc.collect()
    first, result = _time_loops(fn, 1, timer)
    warmup_calls, spent = 0, 0.0
    while spent < settings.warmup or warmup_calls < 1:
        elapsed, result = _time_loops(fn, 1, timer)
        spent += elapsed
        warmup_calls += 1
    single = spent / warmup_calls
    long_call = single * settings.min_rounds > settings.budget
    loops = 1 if single >= settings.round_target else calibrate(fn, settings.round_target, timer)
    samples: list[float] = []
    total = 0.0
    while True:
        elapsed, result = _time_loops(fn, loops, timer)
        samples.append(elapsed / loops)
        total += elapsed
        if len(samples) >= settings.max_rounds:
            break
        if len(samples) >= settings.min_rounds and (long_call or total >= settings.budget):
            break
    return Measurement(samples, loops, first, warmup_calls, result)
