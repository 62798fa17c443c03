"""Measuring one call: first call, warm-up, calibrated inner loops, rounds, statistics. No I/O.

The scheme follows pytest-benchmark and torch.utils.benchmark: the first call (which may
compile) is timed on its own; a short warm-up follows; calls under ``round_target`` seconds
are repeated ``loops`` times per round (loops doubles until a round is long enough, so the
timer's resolution and the loop overhead vanish); rounds continue until ``budget`` seconds
are spent, with at least ``min_rounds``. A call longer than ``budget / min_rounds`` gets
exactly ``min_rounds`` rounds of one call. Every per-call sample is kept.

A sweep does not time one implementation after another: ``interleave`` runs round r of every
implementation of a configuration before round r + 1 of any (A B C A B C …), each round
timed by ``time_calls`` (the calls of one round, over a pool of θs) in that
implementation's own worker, so a machine whose speed drifts
moves them all together and their within-round ratios stay clean.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

Clock = Callable[[], float]


@dataclass(frozen=True)
class Settings:
    """How long and how often a configuration is timed; stored in metadata.json."""

    budget: float = 0.5  # seconds of measured rounds per configuration
    # A round of fast calls lasts at least this long: 1 ms is 20,000× perf_counter's
    # resolution and 10× the pipe round trip that starts each interleaved round, yet short
    # enough that an interruption spoils few rounds, which the median then ignores.
    round_target: float = 1e-3
    min_rounds: int = 5
    max_rounds: int = 400
    warmup: float = 0.05  # seconds of warm-up calls after the first call

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


QUICK = Settings(budget=0.1, min_rounds=5, warmup=0.02)
DEFAULT = Settings()


@dataclass
class Measurement:
    samples: list[float]  # seconds per call, one per round
    loops: int  # calls per round
    first_call: float  # seconds, the very first call (compile / lazy initialisation included)
    warmup_calls: int
    last_result: Any = field(default=None, repr=False)


class RoundFailed(Exception):
    """A round that could not be timed (the worker timed out, crashed or raised)."""


@dataclass(frozen=True)
class Warm:
    """A call after its first call and warm-up: how many loops a round of it takes."""

    loops: int
    first_call: float
    warmup_calls: int
    call_s: float  # mean seconds per call during the warm-up
    last_result: Any = field(default=None, repr=False, compare=False)


def _time_loops(fn: Callable[[], Any], loops: int, clock: Clock) -> tuple[float, Any]:
    result = None
    start = clock()
    for _ in range(loops):
        result = fn()
    return clock() - start, result


def time_round(fn: Callable[[], Any], loops: int,
               clock: Clock = time.perf_counter) -> tuple[float, Any]:
    """One round: seconds per call over ``loops`` calls, and the last result."""
    elapsed, result = _time_loops(fn, loops, clock)
    return elapsed / loops, result


def time_calls(calls: Sequence[Callable[[], Any]],
               clock: Clock = time.perf_counter) -> tuple[float, Any]:
    """One round of distinct calls (a pool of θs): seconds per call, and the last result."""
    result = None
    start = clock()
    for fn in calls:
        result = fn()
    return (clock() - start) / len(calls), result


def calibrate(fn: Callable[[], Any], round_target: float,
              clock: Clock = time.perf_counter) -> int:
    """The smallest power-of-two loop count whose round lasts at least ``round_target``."""
    loops = 1
    while True:
        elapsed, _ = _time_loops(fn, loops, clock)
        if elapsed >= round_target or loops >= 2**24:
            return loops
        # jump close to the target, then keep a power of two
        factor = round_target / elapsed if elapsed > 0 else 1024
        loops *= 2 ** max(1, math.ceil(math.log2(min(factor, 1024))))


def warm_up(fn: Callable[[], Any], settings: Settings = DEFAULT,
            clock: Clock = time.perf_counter,
            first_call: tuple[float, Any] | None = None) -> Warm:
    """The first call timed on its own (or ``first_call``: its seconds and result, where the
    caller made it), the warm-up, then the loop count of a round."""
    gc.collect()
    first, result = first_call if first_call is not None else _time_loops(fn, 1, clock)
    times: list[float] = []
    while sum(times) < settings.warmup or not times:
        elapsed, result = _time_loops(fn, 1, clock)
        times.append(elapsed)
    warmup_calls = len(times)
    # the median, not the mean: a few slow calls right after the first one must not make a
    # fast call look long enough for one call per round (two runs would then differ)
    single = sorted(times)[len(times) // 2]
    if single >= settings.round_target:
        return Warm(1, first, warmup_calls, single, result)
    loops = calibrate(fn, settings.round_target, clock)
    # one round at the final loop count sizes the rounds: the warm-up's mean still holds
    # the slow calls right after the first one
    per_call, result = time_round(fn, loops, clock)
    return Warm(loops, first, warmup_calls, per_call, result)


def rounds_wanted(round_s: float, settings: Settings = DEFAULT) -> int:
    """Rounds that fill ``budget`` seconds, between ``min_rounds`` and ``max_rounds``."""
    if round_s <= 0:
        return settings.max_rounds
    wanted = math.ceil(settings.budget / round_s)
    return max(settings.min_rounds, min(settings.max_rounds, wanted))


def schedule(wanted: Mapping[str, int]) -> list[tuple[int, str]]:
    """(round, name) in the order rounds run: A B C A B C …, each name for its own count.

    Every name's round r runs next to the others' round r, so a machine that drifts moves
    them together; a name that wants fewer rounds drops out once it has them.
    """
    order = []
    for index in range(max(wanted.values(), default=0)):
        order += [(index, name) for name, count in wanted.items() if index < count]
    return order


def interleave(runners: Mapping[str, Callable[[int], float]], wanted: Mapping[str, int]
               ) -> tuple[dict[str, list[tuple[int, float]]], dict[str, str]]:
    """Run every runner's rounds in ``schedule`` order; ``runner(r)`` times round r.

    Returns each name's (round, seconds per call) samples and, for a runner that raised
    ``RoundFailed``, its message: it runs no further round, and the others go on.
    """
    samples: dict[str, list[tuple[int, float]]] = {name: [] for name in runners}
    failed: dict[str, str] = {}
    for index, name in schedule({n: wanted[n] for n in runners}):
        if name in failed:
            continue
        try:
            samples[name].append((index, runners[name](index)))
        except RoundFailed as error:
            failed[name] = str(error)
    return samples, failed


def measure(fn: Callable[[], Any], settings: Settings = DEFAULT,
            clock: Clock = time.perf_counter) -> Measurement:
    """Time ``fn`` on its own, in one process (which must return only once its result exists)."""
    warm = warm_up(fn, settings, clock)
    long_call = warm.call_s * settings.min_rounds > settings.budget
    result = warm.last_result
    samples: list[float] = []
    total = 0.0
    while True:
        per_call, result = time_round(fn, warm.loops, clock)
        samples.append(per_call)
        total += per_call * warm.loops
        if len(samples) >= settings.max_rounds:
            break
        if len(samples) >= settings.min_rounds and (long_call or total >= settings.budget):
            break
    return Measurement(samples, warm.loops, warm.first_call, warm.warmup_calls, result)
