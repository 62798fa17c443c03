"""updatebench compare: drift-aware significance, --fail-above, warnings, bad input."""

from __future__ import annotations

import math
import statistics
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from benchmarks.cli.main import main
from benchmarks.report import change
from benchmarks.report.change import compare_frames, geometric_mean, regressions
from benchmarks.store import frame as store_frame
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


def run_frame(slow: dict[str, float], seed: int, drift: float = 1.0) -> pd.DataFrame:
    rows = []
    for n in (100, 1000, 10000):
        for index, impl in enumerate(["numpy-manual", "x1", "x2", "x3"]):
            rows.append(measured(impl, 1e-5 * (index + 1) * slow.get(impl, 1.0), n=n,
                                 seed=seed * 100 + index * 10 + n % 7, drift=drift))
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


def test_without_a_noise_estimate_a_change_is_untestable():
    base = [row("numpy-manual", "loss", "synthetic", 100, 10),
            row("jax-jit", "loss", "synthetic", 100, 10)]
    b_rows = [row("numpy-manual", "loss", "synthetic", 100, 10),
              row("jax-jit", "loss", "synthetic", 100, 30)]
    result = compare_frames(pd.DataFrame(base), pd.DataFrame(b_rows)).set_index("impl")
    assert result.loc["jax-jit", "verdict"] == "untestable"  # one value a side, one config
    assert result.loc["jax-jit", "text"].startswith("3.00× slower?")
    assert result.loc["jax-jit", "ratio"] == pytest.approx(3.0)
    assert regressions(result.reset_index(), 10).empty  # nothing testable got slower
    assert geometric_mean([0.5, 2.0, 1.0]) == pytest.approx(1.0)


def test_noise_estimates_and_p_values():
    wilson_hilferty = (1 - 2 / 9) ** 3  # the median of χ²₁ / 1, about 0.47
    assert change.process_sigma([[0.0, 0.2], [1.0, 1.2], [2.0, 2.2], [3.0, 3.2]]) == \
        pytest.approx(math.sqrt(0.02 / wilson_hilferty))
    # one configuration with an outlying process does not inflate the estimate
    assert change.process_sigma([[0.0, 0.2], [1.0, 1.2], [2.0, 2.2], [3.0, 9.0]]) == \
        pytest.approx(math.sqrt(0.02 / wilson_hilferty))
    assert change.process_sigma([[0.0, 0.2]]) is None  # 1 degree of freedom: too few
    assert change.run_sigma([0.0, 0.01, -0.01, 0.02, 0.7]) == pytest.approx(1.4826 * 0.01)
    assert change.run_sigma([0.0, 0.1]) is None
    assert change.p_value(0.0, 0.1) == 1.0
    assert change.p_value(0.196, 0.1) == pytest.approx(0.05, abs=1e-3)
    assert change.p_value(0.001, 0.0) > 0.3  # identical copies: no evidence at all


def test_one_process_rows_use_batches_of_rounds():
    one = measured("x", 1e-5, processes=1, rounds=40)
    values = change.per_process(one)
    assert len(values) == change.BATCHES
    assert len(change.per_process(measured("x", 1e-5, processes=3))) == 3


def test_half_sample_mode_follows_the_tight_cluster():
    assert change.half_sample_mode([1.0, 1.0, 1.0]) == 1.0
    assert change.half_sample_mode([5.0]) == 5.0
    # 40 % of rounds undisturbed at 1.00–1.02, 60 % scattered by the scheduler at 2–4
    clean = [1.0 + 0.001 * i for i in range(20)]
    disturbed = [2.0 + 0.07 * i for i in range(30)]
    assert 1.0 <= change.half_sample_mode(clean + disturbed) <= 1.02
    assert statistics.median(clean + disturbed) > 2  # where the median goes
