"""Growth with d (the cheap-gradient principle) and training-run agreement."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from benchmarks.check import training
from benchmarks.cli.main import main
from benchmarks.report.scaling import growth_exponents
from benchmarks.store.load import load_sweep


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


def test_measured_exponents_are_ordered_as_theory_says(tmp_path, capsys):
    code = main(["sweep", "--quiet", "--quick", "--no-check", "--impl", "numpy-manual",
                 "--impl", "finite-diff", "--sizes", "200", "--dims", "1,16,256",
                 "--op", "value_and_grad", "--out", str(tmp_path)])
    capsys.readouterr()
    assert code == 0
    (run,) = list(tmp_path.iterdir())
    fits = growth_exponents(load_sweep(run))
    exponents = dict(zip(fits["impl"], fits["exponent"], strict=True))
    # finite differences: 2(d+1) perturbed losses, each O(N) once z = x·w + b is shared
    # (impls/finite_diff.py moves z by h·x_j), so O(N·d) with a large constant, the slope
    # flattened at small d by per-call overhead; the manual gradient: one O(N·d) pass whose
    # cost at N = 200 is mostly that overhead
    assert exponents["finite-diff"] > exponents["numpy-manual"] + 0.5
    assert 0.6 < exponents["finite-diff"] < 1.3


def test_training_runs_agree_and_a_planted_difference_is_caught(tmp_path, capsys):
    code = main(["sweep", "--quiet", "--quick", "--no-check", "--impl", "numpy-manual",
                 "--impl", "jax-jit", "--impl", "finite-diff", "--sizes", "five,300",
                 "--op", "train", "--steps", "25", "--out", str(tmp_path)])
    capsys.readouterr()
    assert code == 0
    (run,) = list(tmp_path.iterdir())
    rows = load_sweep(run).to_dict("records")
    records = training.agreement(run, rows)
    assert len(records) == 6 and all(r["matches"] for r in records)
    five = [r for r in records if r["problem"] == "five-point"]
    assert all(len(json.loads((run / "training.json").read_text())[key]["losses"]) == 25
               for key in json.loads((run / "training.json").read_text()))
    assert all(r["final_loss"] < r["initial_loss"] for r in five)
    path = run / "training.json"
    runs = json.loads(path.read_text())
    key = next(k for k in runs if k.startswith("jax-jit/train/k25/nfive"))
    runs[key]["final_theta"][0] += 1e-6  # a small, real divergence
    path.write_text(json.dumps(runs))
    planted = {(r["impl"], r["problem"]): r for r in training.agreement(run, rows)}
    assert not planted[("jax-jit", "five-point")]["matches"]
    assert planted[("finite-diff", "five-point")]["matches"]
