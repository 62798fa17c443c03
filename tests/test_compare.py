"""updatebench compare: drift-aware significance, --fail-above, warnings, bad input."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from benchmarks.cli.main import main
from benchmarks.report import change, significance
from benchmarks.report.change import compare_frames, geometric_mean, regressions
from benchmarks.store import frame as store_frame
from benchmarks.store.format import LINES
from benchmarks.store.load import read_parts
from benchmarks.store.record import Sample
from tests.report_helpers import copy_run, edit_metadata, edit_results, row, small_run, timed


def slower(factor: float, impl: str = "jax-jit"):
    """A result edit that multiplies every sample of ``impl`` by ``factor``."""
    def change(r):
        if r.config.impl != impl:
            return r
        return replace(r, samples=tuple(Sample(s.process, s.round, s.seconds * factor)
                                        for s in r.samples))

    return change


def in_processes(folder, count: int = 3, spread: float = 0.01) -> None:
    """Rewrite a one-process run as ``count`` processes: process p's rounds are process 0's,
    every implementation's times scaled by the same 1 ± ``spread`` (a faster or slower
    process), so the within-round ratios repeat exactly."""
    parts, _ = read_parts(folder)
    lines = []
    for r in parts:
        for p in range(count):
            scale = 1 + spread * (p - (count - 1) / 2)
            samples = tuple(Sample(p, s.round, s.seconds * scale) for s in r.samples)
            lines.append(replace(r, process_ids=(p,), samples=samples).to_json())
    (folder / LINES).write_text("".join(json.dumps(line) + "\n" for line in lines))


def configured(**fields):
    """A result edit that changes the configuration's ``fields``."""
    return lambda r: replace(r, config=replace(r.config, **fields))


def compare(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["compare", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_planted_twofold_slowdown_is_significant(tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    b = copy_run(small_run(), tmp_path / "b")
    edit_results(b, slower(2.0))
    in_processes(a)
    in_processes(b)
    code, out, err = compare(capsys, str(a), str(b))
    assert code == 0  # no --fail-above: report only
    # jax-jit: 2 sizes × 2 operations, and the summary's geometric mean
    assert out.count("2.00× slower") == 4 + 1 and "4 slower, 4 reference" in out
    # drift-normalised by default: numpy-manual is the yardstick, not tested
    assert out.count("reference, not tested (1.00×)") == 4
    code, out, _ = compare(capsys, str(a), str(b), "--absolute")
    assert out.count("2.00× slower") == 4
    assert out.count("not significant (1.00×)") == 4
    assert "WARNING" not in err  # same machine, same settings
    code, _, err = compare(capsys, str(a), str(b), "--fail-above", "10")
    assert code == 1
    assert err.count("regression:") == 4
    code, _, _ = compare(capsys, str(a), str(b), "--fail-above", "150")  # 100% < 150%
    assert code == 0


def test_identical_samples_are_not_significant(tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    b = copy_run(small_run(), tmp_path / "b")
    in_processes(a)
    in_processes(b)
    markdown = tmp_path / "comparison.md"
    code, out, _ = compare(capsys, str(a), str(b), "--fail-above", "5", "--markdown",
                           str(markdown))
    assert code == 0
    assert "× slower" not in out and "× faster" not in out
    assert out.count("not significant (1.00×)") == 4 and out.count("reference") >= 4
    assert "geometric mean of drift-normalised B/A over 4 configurations: 1.000" in out
    assert "| jax-jit |" in markdown.read_text()
    code, out, _ = compare(capsys, str(a), str(b), "--absolute")
    assert out.count("not significant (1.00×)") == 8
    assert "geometric mean of B/A over 8 configurations: 1.000" in out


def test_a_configuration_that_stops_working_fails_the_check(tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    b = copy_run(small_run(), tmp_path / "b")
    edit_results(b, lambda r: replace(r, status="timeout", samples=())
                 if r.config.impl == "jax-jit" and r.config.op == "loss" else r)
    code, out, err = compare(capsys, str(a), str(b), "--fail-above", "50")
    assert code == 1
    assert out.count("ok → timeout") == 2 and "regression:" in err


def test_different_machines_raise_a_warning(tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    b = copy_run(small_run(), tmp_path / "b")

    def elsewhere(metadata: dict) -> None:
        metadata["machine"].update(host="other", cpu_model="Other CPU")
        metadata["machine"]["versions"]["numpy"] = "0.0.1"

    edit_metadata(b, elsewhere)
    edit_results(b, lambda r: replace(r, threads_used={**r.threads_used,
                                                        "threadpools": ["openblas:8"]}))
    code, _, err = compare(capsys, str(a), str(b))
    assert code == 0
    assert "WARNING" in err
    assert "host: " in err and "CPU: " in err and "numpy" in err and "0.0.1" in err
    assert "thread settings" in err


def test_no_configuration_in_common_exits_2(tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    b = copy_run(small_run(), tmp_path / "b")
    edit_results(b, configured(dtype="float32"))
    code, _, err = compare(capsys, str(a), str(b))
    assert code == 2
    assert err.startswith("updatebench: error:") and "no configuration in common" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv", [["nowhere-a", "nowhere-b"], ["A", "B", "--fail-above", "x"],
                                  ["A", "B", "--alpha", "2"]])
def test_bad_arguments_exit_2(argv, tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    argv = [str(a) if v == "A" else str(a) if v == "B" else v for v in argv]
    code, _, err = compare(capsys, *argv)
    assert code == 2
    assert err.startswith("updatebench: error:") and len(err.strip().splitlines()) == 1


def test_other_thread_settings_are_compared_with_a_loud_warning(tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    b = copy_run(small_run(), tmp_path / "b")
    edit_results(b, configured(threads=2))
    edit_metadata(b, lambda m: m["options"].update(threads=2))
    in_processes(a)
    in_processes(b)
    code, out, err = compare(capsys, str(a), str(b))
    assert code == 0
    assert "WARNING" in err and "different thread counts" in err and "--threads: 1 vs 2" in err
    assert out.count("not significant (1.00×)") == 4


def measured(impl: str, median: float, n: int = 1000, processes: int = 3, rounds: int = 30,
             seed: int = 0, drift: float = 1.0) -> dict:
    """A row with per-round samples: 2 % noise per round, 1 % per process, a shared drift."""
    rng = np.random.default_rng(seed)
    machine = drift * np.exp(np.random.default_rng(99).uniform(0, 0.5, (processes, rounds)))
    times = median * machine * np.exp(0.01 * rng.standard_normal((processes, 1))
                                      + 0.02 * rng.standard_normal((processes, rounds)))
    return store_frame.row(timed(impl, times.tolist(), n=n))


def run_frame(slow: dict[str, float], seed: int, drift: float = 1.0, processes: int = 3
              ) -> pd.DataFrame:
    rows = []
    for n in (100, 1000, 10000):
        for index, impl in enumerate(["numpy-manual", "x1", "x2", "x3"]):
            rows.append(measured(impl, 1e-5 * (index + 1) * slow.get(impl, 1.0), n=n,
                                 seed=seed * 100 + index * 10 + n % 7, drift=drift,
                                 processes=processes))
    return pd.DataFrame(rows)


def test_a_real_change_is_found_and_the_rest_stay_the_same():
    result = compare_frames(run_frame({}, 1), run_frame({"x2": 1.5}, 2))
    assert result.attrs["normalised"]
    verdicts = result.groupby("impl")["verdict"].agg(set)
    assert verdicts["x2"] == {"slower"} and verdicts["x1"] == {"same"}
    assert verdicts["x3"] == {"same"} and verdicts["numpy-manual"] == {"reference"}
    assert result[result["impl"] == "x2"]["ratio"].between(1.4, 1.6).all()
    assert regressions(result, 10)["impl"].eq("x2").all()
    assert regressions(result, 60).empty  # 50 % < 60 %


def test_a_drifting_machine_is_no_change_once_normalised():
    a, b = run_frame({}, 1), run_frame({}, 2, drift=1.4)  # B's machine 40 % slower
    normalised = compare_frames(a, b)
    assert set(normalised["verdict"]) == {"same", "reference"}
    absolute = compare_frames(a, b, reference=None)
    assert not absolute.attrs["normalised"]
    assert set(absolute["verdict"]) == {"slower"}  # every configuration, the reference too


def test_one_process_a_side_claims_nothing_however_large_the_change(tmp_path, capsys):
    """The case seen: two --quick sweeps (one process each) of the same code, one process of
    B 1.46× faster at one size; rounds of one process cannot say that is not the process."""
    one = measured("x", 1e-5, processes=1, rounds=200)
    assert len(change.per_process(one)) == 1  # rounds are not stand-ins for processes
    frames = [pd.DataFrame([measured("numpy-manual", 1e-5, n=n, processes=1, seed=n),
                            measured("x", 3e-5 / (1.46 if side and n == 10000 else 1), n=n,
                                     processes=1, seed=n + 1)])
              for side in (0, 1) for n in (100, 1000, 10000)]
    a, b = pd.concat(frames[:3]), pd.concat(frames[3:])
    result = compare_frames(a, b).set_index(["impl", "n"])
    tested = result.loc["x"]
    assert (tested["verdict"] == "inconclusive").all() and tested["p"].isna().all()
    assert tested.loc[10000, "text"].startswith(
        "inconclusive: one process a side (1.46× faster?); sweep with --processes 3")
    assert regressions(result.reset_index(), 10).empty
    # a pytest-benchmark file (one value a side, no rounds) is no better
    base = [row("numpy-manual", "loss", "synthetic", 100, 10),
            row("jax-jit", "loss", "synthetic", 100, 10)]
    b_rows = [row("numpy-manual", "loss", "synthetic", 100, 10),
              row("jax-jit", "loss", "synthetic", 100, 30)]
    result = compare_frames(pd.DataFrame(base), pd.DataFrame(b_rows)).set_index("impl")
    assert result.loc["jax-jit", "verdict"] == "inconclusive"
    assert result.loc["jax-jit", "ratio"] == pytest.approx(3.0)
    assert geometric_mean([0.5, 2.0, 1.0]) == pytest.approx(1.0)


def test_quick_runs_are_inconclusive_and_say_what_to_run(tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    b = copy_run(small_run(), tmp_path / "b")
    edit_results(b, slower(2.0))
    code, out, _ = compare(capsys, str(a), str(b), "--fail-above", "10")
    assert code == 0  # nothing is claimed, so nothing fails
    assert "× slower" in out and out.count("inconclusive: one process a side") == 4
    assert "sweep both runs with --processes 3" in out.replace("\n", " ")
    assert "4 inconclusive" in out


def test_two_processes_a_side_are_not_enough_three_are():
    def frames(processes: int):
        return (run_frame({}, 1, processes=processes),
                run_frame({"x2": 1.5}, 2, processes=processes))

    two = compare_frames(*frames(2))
    assert set(two[two["impl"] != "numpy-manual"]["verdict"]) == {"inconclusive"}
    assert two["text"].str.contains("2 processes a side").any()
    three = compare_frames(*frames(3))
    assert set(three[three["impl"] == "x2"]["verdict"]) == {"slower"}


def test_b_over_a_is_the_ratio_of_the_columns_beside_it(tmp_path, capsys):
    result = compare_frames(run_frame({}, 1), run_frame({"x2": 1.5}, 2))
    tested = result[result["verdict"].isin(["same", "slower"])]
    assert (tested["ratio"] == tested["value_b"] / tested["value_a"]).all()
    # drift-normalised: the columns are ratios to the reference, not the times
    assert not np.allclose(tested["ratio"], tested["median_b"] / tested["median_a"], rtol=1e-3)
    from benchmarks.report.compare import table

    shown = table(result, 0.05, False)
    assert "A ÷ numpy-manual" in shown.columns and "B ÷ numpy-manual" in shown.columns
    at = shown.columns.index("A ÷ numpy-manual")
    for cells in shown.rows:
        if cells[at + 2].text:
            printed = float(cells[at + 1].text) / float(cells[at].text)
            assert printed == pytest.approx(float(cells[at + 2].text), rel=2e-3)
    absolute = table(compare_frames(run_frame({}, 1), run_frame({}, 2), reference=None),
                     0.05, False)
    assert {"A", "B"} <= set(absolute.columns)


def test_student_t_and_the_spread_of_processes():
    assert significance.t_p_value(2.776, 4) == pytest.approx(0.05, abs=2e-4)
    assert significance.t_p_value(12.706, 1) == pytest.approx(0.05, abs=2e-4)
    assert significance.t_p_value(1.96, math.inf) == pytest.approx(0.05, abs=1e-3)
    assert significance.t_p_value(0.0, 3) == 1.0
    # the normal claims 3 standard errors at p = 0.0027; with 4 degrees of freedom it is 0.04
    assert significance.t_p_value(3.0, 4) == pytest.approx(0.0400, abs=5e-4)
    # the own spread: one outlying process of three does not inflate it
    assert significance.spread([0.0, 0.01, 2.0]) == pytest.approx(1.4826 * 0.01)


def test_noise_estimates_and_p_values():
    wilson_hilferty = (1 - 2 / 9) ** 3  # the median of χ²₁ / 1, about 0.47
    sigma, df = significance.process_sigma([[0.0, 0.2], [1.0, 1.2], [2.0, 2.2], [3.0, 3.2]])
    assert sigma == pytest.approx(math.sqrt(0.02 / wilson_hilferty)) and df == 4
    # one configuration with an outlying process does not inflate the estimate
    sigma, _ = significance.process_sigma([[0.0, 0.2], [1.0, 1.2], [2.0, 2.2], [3.0, 9.0]])
    assert sigma == pytest.approx(math.sqrt(0.02 / wilson_hilferty))
    assert significance.process_sigma([[0.0, 0.2]]) is None  # 1 degree of freedom: too few
    assert significance.run_sigma([0.0, 0.01, -0.01, 0.02, 0.7]) == pytest.approx(1.4826 * 0.01)
    assert significance.run_sigma([0.0, 0.1]) is None
    # per implementation: a noisy one does not hide a uniform change of a quiet one
    quiet, noisy = [0.4, 0.41, 0.39, 0.4, 0.42], [0.0, 0.5, -0.6, 0.3, -0.2]
    sigmas = significance.run_sigmas(quiet + noisy, ["q"] * 5 + ["n"] * 5)
    assert sigmas["q"][0] < 0.03 < 0.4 < sigmas["n"][0] and sigmas["q"][1] == 4
    assert significance.run_sigmas([0.1, 0.2], ["q", "q"]) == {}  # too few to say anything
    assert significance.p_value(0.0, 0.1) == 1.0
    assert significance.p_value(0.196, 0.1) == pytest.approx(0.05, abs=1e-3)
    assert significance.p_value(0.196, 0.1, 4) > 0.1  # few degrees of freedom: far from 0.05
    assert significance.p_value(0.001, 0.0) > 0.3  # identical copies: no evidence at all


def test_same_code_is_claimed_changed_rarely():
    """The method's false-claim rate on runs of the same code: 3 processes a side, 1 % noise
    between processes, 2 % between rounds, a drifting machine; at most α of them claimed."""
    claims = tested = 0
    for seed in range(20):
        result = compare_frames(run_frame({}, 2 * seed + 1), run_frame({}, 2 * seed + 2))
        verdicts = result[result["impl"] != "numpy-manual"]["verdict"]
        claims += int(verdicts.isin(["slower", "faster"]).sum())
        tested += len(verdicts)
    assert tested == 20 * 9 and claims <= 0.05 * tested


def test_bimodal_rounds_are_named():
    rng = np.random.default_rng(5)
    clean = np.exp(0.01 * rng.standard_normal((3, 40)))
    assert significance.two_modes(list(np.log(clean.ravel()))) is None
    two = clean.copy()
    two[:, ::3] *= 1.4  # a third of the rounds 40 % slower
    assert significance.two_modes(list(np.log(two.ravel()))) is not None
    a = pd.DataFrame([store_frame.row(timed("numpy-manual", (1e-5 * clean).tolist())),
                      store_frame.row(timed("x", (3e-5 * clean).tolist()))])
    b = pd.DataFrame([store_frame.row(timed("numpy-manual", (1e-5 * clean).tolist())),
                      store_frame.row(timed("x", (3e-5 * two).tolist()))])
    result = compare_frames(a, b).set_index("impl")
    assert result.loc["x", "bimodal_a"] is None
    low, high = result.loc["x", "bimodal_b"]
    assert low == pytest.approx(3.0, rel=0.02) and high == pytest.approx(4.2, rel=0.02)
    assert result.loc["x", "text"].endswith("B bimodal (3 and 4.2)")
    from benchmarks.report.compare import summary

    assert "1 with bimodal rounds" in summary(result.reset_index())


def test_half_sample_mode_follows_the_tight_cluster():
    assert change.half_sample_mode([1.0, 1.0, 1.0]) == 1.0
    assert change.half_sample_mode([5.0]) == 5.0
    # 40 % of rounds undisturbed at 1.00–1.02, 60 % scattered by the scheduler at 2–4
    clean = [1.0 + 0.001 * i for i in range(20)]
    disturbed = [2.0 + 0.07 * i for i in range(30)]
    assert 1.0 <= change.half_sample_mode(clean + disturbed) <= 1.02
    assert statistics.median(clean + disturbed) > 2  # where the median goes
