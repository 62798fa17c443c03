"""The measuring engine on synthetic samples and fake clocks: no wall-clock assertions."""

from __future__ import annotations

import pytest

from benchmarks.measure import timing


def test_summary_statistics_on_known_samples():
    stats = timing.summarize([1.0, 2.0, 3.0, 4.0, 5.0])
    assert stats["median_s"] == 3.0 and stats["min_s"] == 1.0 and stats["max_s"] == 5.0
    assert stats["q1_s"] == 2.0 and stats["q3_s"] == 4.0 and stats["iqr_s"] == 2.0
    assert stats["mean_s"] == 3.0 and stats["std_s"] == pytest.approx(1.5811388, rel=1e-6)
    assert stats["rounds"] == 5 and stats["noisy"]


def test_quiet_samples_are_not_noisy():
    stats = timing.summarize([1.00, 1.01, 0.99, 1.02, 1.00, 0.98])
    assert not stats["noisy"]


def test_single_sample():
    stats = timing.summarize([2.5])
    assert stats["median_s"] == 2.5 and stats["iqr_s"] == 0 and stats["std_s"] == 0


class FakeClock:
    """Each call of the measured function advances time by ``cost`` seconds."""

    def __init__(self, cost: float) -> None:
        self.now, self.cost, self.calls = 0.0, cost, 0

    def timer(self) -> float:
        return self.now

    def function(self) -> int:
        self.now += self.cost
        self.calls += 1
        return self.calls


def test_calibration_picks_more_loops_for_faster_functions():
    fast, slow = FakeClock(1e-6), FakeClock(1e-4)
    fast_loops = timing.calibrate(fast.function, 0.01, fast.timer)
    slow_loops = timing.calibrate(slow.function, 0.01, slow.timer)
    assert fast_loops > slow_loops >= 1
    assert fast_loops * 1e-6 >= 0.01 and slow_loops * 1e-4 >= 0.01
    assert fast_loops & (fast_loops - 1) == 0  # a power of two


def test_measure_reports_per_call_time_and_respects_budget():
    clock = FakeClock(2e-6)
    settings = timing.Settings(budget=0.1, round_target=0.01, min_rounds=5, warmup=0.001,
                               timer=clock.timer)
    m = timing.measure(clock.function, settings)
    assert all(s == pytest.approx(2e-6) for s in m.samples)
    assert m.loops >= 0.01 / 2e-6
    assert 0.1 <= sum(s * m.loops for s in m.samples) < 0.2
    assert m.first_call == pytest.approx(2e-6)


def test_long_calls_get_the_minimum_number_of_single_call_rounds():
    clock = FakeClock(1.0)
    settings = timing.Settings(budget=0.5, round_target=0.01, min_rounds=5, timer=clock.timer)
    m = timing.measure(clock.function, settings)
    assert m.loops == 1 and len(m.samples) == 5


def test_first_call_is_kept_apart_from_the_steady_state():
    costs = iter([5.0] + [1e-3] * 10_000)
    now = [0.0]

    def function():
        now[0] += next(costs)

    settings = timing.Settings(budget=0.05, round_target=0.005, min_rounds=5, warmup=0.01,
                               timer=lambda: now[0])
    m = timing.measure(function, settings)
    assert m.first_call == pytest.approx(5.0)
    assert max(m.samples) == pytest.approx(1e-3)
