"""Growth with d (the cheap-gradient principle) and training-run agreement."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from benchmarks.check import training
from benchmarks.cli.main import main
from benchmarks.report.scaling import growth_exponents
from benchmarks.store.load import read_results
from benchmarks.store.record import Result
from tests.report_helpers import run_frame


def frame_of(times: dict[str, dict[int, float]]) -> pd.DataFrame:
    rows = [{"impl": impl, "op": "value_and_grad", "n": 1000, "d": d, "dtype": "float64",
             "device": "cpu", "status": "ok", "median_s": t}
            for impl, by_d in times.items() for d, t in by_d.items()]
    return pd.DataFrame(rows)


def test_exponent_is_the_log_log_slope():
    dims = [1, 10, 100, 1000]
    fits = growth_exponents(frame_of({"flat": {d: 2e-3 for d in dims},
                                      "linear": {d: 1e-4 * d for d in dims},
                                      "steep": {d: 1e-6 * d**1.5 for d in dims}}))
    exponents = dict(zip(fits["impl"], fits["exponent"], strict=True))
    assert exponents["flat"] == pytest.approx(0.0, abs=1e-12)
    assert exponents["linear"] == pytest.approx(1.0)
    assert exponents["steep"] == pytest.approx(1.5)
    assert (fits["fit_rms"] < 1e-9).all() and set(fits["dims"]) == {"1,10,100,1000"}


def test_fewer_than_three_dimensions_give_no_fit():
    assert growth_exponents(frame_of({"a": {1: 1.0, 10: 2.0}})).empty


def test_finite_differences_cost_more_per_parameter_than_the_manual_gradient(tmp_path,
                                                                            capsys):
    """Within one run, rounds interleaved: finite differences evaluate 2(d + 1) perturbed
    losses, the manual gradient one pass, so their cost ratio grows with d (a ratio measured
    side by side, not two exponents fitted apart, which the machine's noise moves)."""
    code = main(["sweep", "--quiet", "--quick", "--no-check", "--impl", "numpy-manual",
                 "--impl", "finite-diff", "--sizes", "200", "--dims", "1,16,256",
                 "--op", "value_and_grad", "--out", str(tmp_path)])
    capsys.readouterr()
    assert code == 0
    (run,) = list(tmp_path.iterdir())
    frame = run_frame(run).set_index(["impl", "d"])["median_s"]
    ratio = {d: frame[("finite-diff", d)] / frame[("numpy-manual", d)] for d in (1, 16, 256)}
    assert ratio[256] > 8 * ratio[1], ratio
    assert ratio[16] > ratio[1], ratio


def test_training_runs_agree_and_a_planted_difference_is_caught(tmp_path, capsys):
    code = main(["sweep", "--quiet", "--quick", "--no-check", "--impl", "numpy-manual",
                 "--impl", "jax-jit", "--impl", "finite-diff", "--sizes", "five,300",
                 "--op", "train", "--steps", "25", "--out", str(tmp_path)])
    capsys.readouterr()
    assert code == 0
    (run,) = list(tmp_path.iterdir())
    results, _ = read_results(run)
    records = training.agreement(results)
    assert len(records) == 6 and all(r["matches"] for r in records)
    five = [r for r in records if r["problem"] == "five-point"]
    assert all(len(r.output["losses"]) == 25 for r in results)
    assert all(r["final_loss"] < r["initial_loss"] for r in five)

    def diverged(result: Result) -> Result:  # a small, real divergence
        if not result.key.startswith("jax-jit/train/k25/nfive"):
            return result
        theta = [result.output["theta"][0] + 1e-6, *result.output["theta"][1:]]
        return replace(result, output={**result.output, "theta": theta})

    planted = {(r["impl"], r["problem"]): r
               for r in training.agreement([diverged(r) for r in results])}
    assert not planted[("jax-jit", "five-point")]["matches"]
    assert planted[("finite-diff", "five-point")]["matches"]
