"""Rounds start warm where the data fit in the last-level cache: one untimed call before the
timed ones, which leaves the pool's rotation (and so θ0's place, last) as it was."""

from __future__ import annotations

import numpy as np

from benchmarks.measure import calls
from benchmarks.measure.protocol import Finish, Prepare, Round
from benchmarks.measure.timing import QUICK
from benchmarks.measure.worker import Bench
from benchmarks.store.config import Config
from impls import NumpyImplementation, register
from impls.numpy_manual import value_and_grad


@register
class Counting(NumpyImplementation):
    """numpy-manual's gradient, counting its calls (class-wide: the bound calls are many)."""

    name = "counting-calls"
    method = "manual"
    made = 0

    def loss_native(self, theta):
        return self.value_and_grad_native(theta)[0]

    def value_and_grad_native(self, theta):
        type(self).made += 1
        return value_and_grad(theta, self.x, self.y)


def calls_per_round(monkeypatch, cache_bytes: int | None) -> tuple[int, int]:
    """(calls one round made, its calibrated loops) with the cache said to be this large."""
    monkeypatch.setattr("benchmarks.measure.bandwidth.last_level_cache", lambda: cache_bytes)
    bench = Bench(1)
    prepared = bench.answer(Prepare(Config("counting-calls", "value_and_grad", "synthetic",
                                           100, 1, "float64", "cpu", 1, 1), QUICK,
                                    classes=(Counting,)))
    before = Counting.made
    bench.answer(Round())
    made = Counting.made - before
    assert bench.answer(Finish()).status == "ok"
    return made, prepared.loops


def test_a_round_whose_data_fit_the_cache_starts_with_one_untimed_call(monkeypatch):
    made, loops = calls_per_round(monkeypatch, 2**25)
    assert made == loops + 1


def test_a_round_whose_data_exceed_the_cache_times_every_call_it_makes(monkeypatch):
    made, loops = calls_per_round(monkeypatch, 1024)  # 1.6 kB of data: more than the cache
    assert made == loops


def test_residency_counts_an_unknown_cache_as_fitting():
    assert calls.cache_resident(10, 100) and not calls.cache_resident(101, 100)
    assert calls.cache_resident(10**12, None)


def test_the_warm_call_leaves_the_rotation_and_theta0_last():
    made: list[float] = []

    def bind(theta):
        return lambda: made.append(float(theta[0]))

    theta0 = np.array([0.5, 0.0])
    pool = calls.Pool(bind, theta0, None, lambda: made.append(0.5))
    first = pool.round_calls(4)
    pool.warm_call()()
    pool.warm_call()()
    second = pool.round_calls(4)
    for call in first + second:
        call()
    timed = made[2:]  # the two warm calls came first
    assert timed[3] == timed[7] == 0.5  # θ0 closes each round
    assert len(set(timed[:3] + timed[4:7])) == 6  # the rotation went on past the warm calls
    assert made[0] == made[1] == timed[4]  # the warm call is the round's next θ, untimed
