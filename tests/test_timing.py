"""The measuring engine on synthetic samples and fake clocks: no wall-clock assertions."""

from __future__ import annotations

import pytest

from benchmarks.measure import timing
from benchmarks.store.config import Config
from benchmarks.store.record import Result, Sample, Stats


def test_summary_statistics_on_known_samples():
    stats = Stats.from_samples([1.0, 2.0, 3.0, 4.0, 5.0])
    assert stats.median_s == 3.0 and stats.min_s == 1.0 and stats.max_s == 5.0
    assert stats.q1_s == 2.0 and stats.q3_s == 4.0 and stats.iqr_s == 2.0
    assert stats.mean_s == 3.0 and stats.std_s == pytest.approx(1.5811388, rel=1e-6)
    assert stats.rounds == 5 and stats.noisy


def test_quiet_samples_are_not_noisy():
    assert not Stats.from_samples([1.00, 1.01, 0.99, 1.02, 1.00, 0.98]).noisy


def test_single_sample():
    stats = Stats.from_samples([2.5])
    assert stats.median_s == 2.5 and stats.iqr_s == 0 and stats.std_s == 0


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
    settings = timing.Settings(budget=0.1, round_target=0.01, min_rounds=5, warmup=0.001)
    m = timing.measure(clock.function, settings, clock.timer)
    assert all(s == pytest.approx(2e-6) for s in m.samples)
    assert m.loops >= 0.01 / 2e-6
    assert 0.1 <= sum(s * m.loops for s in m.samples) < 0.2
    assert m.first_call == pytest.approx(2e-6)


def test_long_calls_get_the_minimum_number_of_single_call_rounds():
    clock = FakeClock(1.0)
    settings = timing.Settings(budget=0.5, round_target=0.01, min_rounds=5)
    m = timing.measure(clock.function, settings, clock.timer)
    assert m.loops == 1 and len(m.samples) == 5


def test_first_call_is_kept_apart_from_the_steady_state():
    costs = iter([5.0] + [1e-3] * 10_000)
    now = [0.0]

    def function():
        now[0] += next(costs)

    settings = timing.Settings(budget=0.05, round_target=0.005, min_rounds=5, warmup=0.01)
    m = timing.measure(function, settings, lambda: now[0])
    assert m.first_call == pytest.approx(5.0)
    assert max(m.samples) == pytest.approx(1e-3)


class DriftingMachine:
    """A shared fake clock whose speed halves over time: every call costs more later on."""

    def __init__(self) -> None:
        self.now = 0.0
        self.log: list[tuple[str, int]] = []

    def runner(self, name: str, cost: float, loops: int = 4):
        def run(index: int) -> float:
            self.log.append((name, index))
            start = self.now
            for _ in range(loops):
                self.now += cost * (1 + self.now)  # the machine slows down as time passes
            return (self.now - start) / loops

        return run


def test_rounds_alternate_across_implementations():
    machine = DriftingMachine()
    runners = {name: machine.runner(name, cost) for name, cost in
               (("A", 1e-3), ("B", 2e-3), ("C", 4e-3))}
    samples, failed = timing.interleave(runners, {"A": 3, "B": 3, "C": 3})
    assert failed == {}
    assert machine.log == [(n, r) for r in range(3) for n in "ABC"]
    assert [r for r, _ in samples["B"]] == [0, 1, 2]


def test_within_round_ratios_survive_drift():
    machine = DriftingMachine()
    runners = {"A": machine.runner("A", 0.01), "B": machine.runner("B", 0.02)}
    samples, _ = timing.interleave(runners, {"A": 40, "B": 40})
    a = [s for _, s in samples["A"]]
    b = [s for _, s in samples["B"]]
    assert b[-1] / b[0] > 2  # the machine drifted a lot over the run
    ratios = [y / x for x, y in zip(a, b, strict=True)]
    assert all(1.9 < r < 2.3 for r in ratios)  # next to each other, the ratio stays ≈ 2


def test_a_name_wanting_fewer_rounds_drops_out_and_the_others_go_on():
    assert timing.schedule({"A": 3, "B": 1, "C": 2}) == [
        (0, "A"), (0, "B"), (0, "C"), (1, "A"), (1, "C"), (2, "A")]
    assert timing.schedule({}) == []


def test_a_failed_runner_is_recorded_and_the_rest_go_on():
    machine = DriftingMachine()
    calls = []

    def broken(index: int) -> float:
        calls.append(index)
        if index == 2:
            raise timing.RoundFailed("worker exited with status -9")
        return 1.0

    runners = {"A": machine.runner("A", 1e-3), "B": broken, "C": machine.runner("C", 1e-3)}
    samples, failed = timing.interleave(runners, {"A": 5, "B": 5, "C": 5})
    assert failed == {"B": "worker exited with status -9"}
    assert calls == [0, 1, 2]  # never asked again once it failed
    assert [r for r, _ in samples["B"]] == [0, 1]
    assert len(samples["A"]) == len(samples["C"]) == 5


def test_rounds_wanted_fills_the_budget_within_bounds():
    settings = timing.Settings(budget=0.5, min_rounds=5, max_rounds=400)
    assert timing.rounds_wanted(0.01, settings) == 50
    assert timing.rounds_wanted(1.0, settings) == 5  # long calls: the minimum
    assert timing.rounds_wanted(1e-6, settings) == 400  # fast calls: the maximum
    assert timing.rounds_wanted(0.0, settings) == 400


def test_warm_up_times_the_first_call_apart_and_sizes_rounds():
    costs = iter([3.0] + [1e-4] * 100_000)
    now = [0.0]

    def function():
        now[0] += next(costs)
        return now[0]

    settings = timing.Settings(round_target=1e-3, warmup=1e-3)
    warm = timing.warm_up(function, settings, lambda: now[0])
    assert warm.first_call == pytest.approx(3.0)
    assert warm.call_s == pytest.approx(1e-4)
    assert warm.loops == 16  # the smallest power of two with 16 × 100 µs ≥ 1 ms
    per_call, _ = timing.time_round(function, warm.loops, lambda: now[0])
    assert per_call == pytest.approx(1e-4)


def test_stats_say_how_many_rounds_and_processes():
    config = Config("x", "loss", "synthetic", 100, 1, "float64", "cpu", 1, 10)
    samples = tuple(Sample(p, r, 1.0 + p) for p in range(3) for r in range(4))
    result = Result(config, "ok", samples=samples, process_ids=(0, 1, 2))
    stats = result.stats
    assert stats is not None
    assert stats.rounds == 12 and stats.processes == 3 and stats.median_s == 2.0
    assert result.paired_rounds()[(2, 3)] == 3.0
    assert Result(config, "timeout", "no result within 5 s").stats is None


def test_a_few_slow_calls_after_the_first_do_not_decide_the_loop_count():
    costs = iter([5.0, 7.5e-3] + [1e-4] * 100_000)  # one slow call opens the warm-up
    now = [0.0]

    def function():
        now[0] += next(costs)

    settings = timing.Settings(round_target=1e-3, warmup=8e-3)
    warm = timing.warm_up(function, settings, lambda: now[0])
    assert warm.warmup_calls <= 7  # so their mean is above the 1 ms round target
    assert warm.loops == 16 and warm.call_s == pytest.approx(1e-4)
