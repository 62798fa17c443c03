"""What a worker times: calls that return only once their result exists, on θs that vary.

Completion is the harness's job, not the implementation's: JAX dispatches asynchronously
and CUDA kernels run after their launch returns, so a call that forgot ``block`` would be
timed as its dispatch. ``waiter`` looks at a call's first result and says how to wait for
one like it (``jax.block_until_ready`` for JAX arrays anywhere in the output, a device
synchronise for torch CUDA tensors), using only frameworks the implementation imported
itself; the implementation's own ``block`` runs first and can only add to it.

θ varies across timed calls (``Pool``): every round cycles through bound calls on distinct
θs prepared before timing, the last call of each round on θ0, whose output the parent
verifies. A call that caches its answer by θ would still win on the pool, so after the
rounds ``fresh_call_s`` times calls on θs it has never seen; the parent holds that against
the median (``MEMO_FACTOR``). Nothing here may import ``benchmarks.check``: an
implementation must not be able to tell a timed call from a checked one.

Where the problem's data fit in the last-level cache, every round starts with one untimed
call (``Timed.warm``): between two rounds of one implementation the others' rounds evict its
data, so the first call of a round would pay a refill that a loop of calls (a training run)
never pays, and that refill, divided by the calibrated loop count, differs between
implementations whose loop counts differ (docs/measuring.md, "warm rounds").
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

POOL = 8  # distinct θs a round cycles through, θ0 among them (last)
FRESH_CALLS = 16  # calls on unseen θs after the rounds, at most one round's worth
FRESH_TRIES = 3  # fresh sets tried before a slow one stands (a busy machine, not a cache)
MEMO_FACTOR = 6.0  # fresh calls this many times slower than the median: answers are cached
COMPLETION_REPEATS = 5
SPREAD = 2.0**-10  # relative offset between θs of the pool: distinct in float32 too


def first_call(call: Any) -> tuple[Any, Any, float, Any]:
    """The very first call, timed until its result exists: (the call that waits, how it
    waits, seconds, result). How to wait is learnt from this result (``calls.waiter``)."""
    gc.collect()
    start = time.perf_counter()
    out = call()
    wait = waiter(out)
    if wait is not None:
        wait(out)
    return completed(call, wait), wait, time.perf_counter() - start, out


@dataclass
class Timed:
    """The configuration being timed: its call on θ0 (waiting for its result), the pool of
    other θs, the loops per round and the rounds' seconds so far."""

    config: Any
    impl: Any
    bind: Any  # θ -> a bound call
    theta0: Any
    call: Any
    wait: Any
    first_s: float
    first: Any
    loops: int = 1
    pool: Any = None
    warm: bool = False  # an untimed call starts each round (``cache_resident``)
    rounds: list[float] = field(default_factory=list)


def cache_resident(data_bytes: int, cache_bytes: int | None) -> bool:
    """Whether the problem's data fit in the last-level cache, so that a loop of calls keeps
    them there and each round must start warm; an unknown cache counts as fitting (a warm
    call costs time, never a bias)."""
    return cache_bytes is None or data_bytes <= cache_bytes


def leaves(out: Any) -> Iterator[Any]:
    """The arrays of a result: tuples, lists and dicts opened, everything else a leaf."""
    if isinstance(out, tuple | list):
        for part in out:
            yield from leaves(part)
    elif isinstance(out, dict):
        for part in out.values():
            yield from leaves(part)
    else:
        yield out


def waiter(out: Any) -> Callable[[Any], None] | None:
    """How to wait until a result shaped like ``out`` exists; None where it is host data."""
    parts = list(leaves(out))
    waits: list[Callable[[Any], None]] = []
    jax = sys.modules.get("jax")
    if jax is not None and any(isinstance(p, jax.Array) for p in parts):
        waits.append(jax.block_until_ready)
    torch = sys.modules.get("torch")
    if torch is not None:
        devices = {p.device for p in parts if isinstance(p, torch.Tensor) and p.is_cuda}
        waits += [lambda _out, d=d: torch.cuda.synchronize(d) for d in devices]
    if len(waits) <= 1:
        return waits[0] if waits else None

    def every(result: Any) -> None:
        for wait in waits:
            wait(result)

    return every


def completed(call: Callable[[], Any], wait: Callable[[Any], None] | None
              ) -> Callable[[], Any]:
    """``call`` returning only once its result exists (itself where nothing needs waiting)."""
    if wait is None:
        return call

    def done() -> Any:
        out = call()
        wait(out)
        return out

    return done


def completion_cost(wait: Callable[[Any], None] | None, out: Any) -> float:
    """Seconds one wait costs on a finished result: what completion adds to every call."""
    if wait is None:
        return 0.0
    best = float("inf")
    for _ in range(COMPLETION_REPEATS):
        start = time.perf_counter()
        wait(out)
        best = min(best, time.perf_counter() - start)
    return best


def thetas(theta0: Any, count: int, salt: int) -> list[Any]:
    """``count`` distinct θ near θ0 (``salt`` keeps the pool's and the fresh ones apart)."""
    import numpy as np  # here, not at import: the worker fixes its threads first

    base = np.asarray(theta0, dtype=np.float64)
    scale = SPREAD * np.maximum(1.0, np.abs(base))
    return [base + (salt + k + 1) * scale * (-1) ** k for k in range(count)]


class Pool:
    """Bound calls on POOL θs, θ0 last; ``round_calls`` is one round's list."""

    def __init__(self, bind: Callable[[Any], Callable[[], Any]], theta0: Any,
                 wait: Callable[[Any], None] | None, first: Callable[[], Any]) -> None:
        others = [completed(bind(t), wait) for t in thetas(theta0, POOL - 1, 0)]
        self.verified = first  # the call on θ0, whose last result is kept
        self.others = others
        self.rounds = 0

    def warm_call(self) -> Callable[[], Any]:
        """The next pool call, made untimed before a round: it leaves the rotation as it is."""
        return self.others[self.rounds % len(self.others)]

    def round_calls(self, loops: int) -> list[Callable[[], Any]]:
        """``loops`` calls, θ0 last, the others going on where the last round stopped."""
        start, self.rounds = self.rounds, self.rounds + loops - 1
        count = len(self.others)
        return [self.others[(start + j) % count] for j in range(loops - 1)] + [self.verified]


def fresh_theta(theta0: Any) -> Any:
    """The first unseen θ the probe calls: the same for every implementation of a problem,
    so the parent verifies its result against one shared reference."""
    return thetas(theta0, 1, POOL)[0]


def fresh_call_s(bind: Callable[[Any], Callable[[], Any]], theta0: Any,
                 wait: Callable[[Any], None] | None, loops: int, median: float
                 ) -> tuple[float, Any]:
    """The fastest of up to FRESH_CALLS single calls on θs never used before, tried again on
    new θs (FRESH_TRIES sets) while it stays above MEMO_FACTOR × ``median``; and the result
    of the first of them (on ``fresh_theta``): right at θ0 alone is not right."""
    best, first = float("inf"), None
    count = max(1, min(loops, FRESH_CALLS))
    for attempt in range(FRESH_TRIES):
        calls = [completed(bind(t), wait)
                 for t in thetas(theta0, count, POOL + attempt * FRESH_CALLS)]
        for call in calls:
            start = time.perf_counter()
            out = call()
            best = min(best, time.perf_counter() - start)
            first = out if first is None else first
        if best <= MEMO_FACTOR * median:
            break
    return best, first
