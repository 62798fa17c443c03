"""updatebench compare: significance on raw samples, --fail-above, warnings, bad input."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from benchmarks.cli.main import main
from benchmarks.report.compare import compare_frames, geometric_mean, mann_whitney, regressions
from tests.report_helpers import copy_run, edit_metadata, edit_rows, row, small_run

TIMES = ("median_s", "q1_s", "q3_s", "min_s", "max_s", "mean_s")


def slower(factor: float, impl: str = "jax-jit"):
    """A row edit that multiplies every time and sample of ``impl`` by ``factor``."""
    def change(r: dict) -> dict:
        if r["impl"] != impl:
            return r
        times = {c: repr(float(r[c]) * factor) for c in TIMES if r[c]}
        samples = " ".join(repr(float(v) * factor) for v in r["samples_s"].split())
        return {**r, **times, "samples_s": samples}

    return change


def compare(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["compare", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_planted_twofold_slowdown_is_significant(tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    b = copy_run(small_run(), tmp_path / "b")
    edit_rows(b, slower(2.0))
    code, out, err = compare(capsys, str(a), str(b))
    assert code == 0  # no --fail-above: report only
    assert out.count("2.00× slower") == 4  # jax-jit: 2 sizes × 2 operations
    assert "numpy-manual" in out and "not significant (1.00×)" in out
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
    assert out.count("not significant (1.00×)") == 8
    assert "geometric mean of B/A over 8 configurations: 1.000" in out
    assert "| jax-jit |" in markdown.read_text()


def test_a_configuration_that_stops_working_fails_the_check(tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    b = copy_run(small_run(), tmp_path / "b")
    edit_rows(b, lambda r: {**r, "status": "timeout", "median_s": "", "samples_s": ""}
              if r["impl"] == "jax-jit" and r["op"] == "loss" else r)
    code, out, err = compare(capsys, str(a), str(b), "--fail-above", "50")
    assert code == 1
    assert out.count("ok → timeout") == 2 and "regression:" in err


def test_different_machines_raise_a_warning(tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    b = copy_run(small_run(), tmp_path / "b")

    def elsewhere(metadata: dict) -> None:
        metadata["machine"].update(host="other", cpu_model="Other CPU")
        metadata["machine"]["versions"]["numpy"] = "0.0.1"
        for info in metadata.get("threads", {}).values():
            info["threadpools"] = ["openblas:8"]

    edit_metadata(b, elsewhere)
    code, _, err = compare(capsys, str(a), str(b))
    assert code == 0
    assert "WARNING" in err
    assert "host: " in err and "CPU: " in err and "numpy" in err and "0.0.1" in err
    assert "thread settings" in err


def test_no_configuration_in_common_exits_2(tmp_path, capsys):
    a = copy_run(small_run(), tmp_path / "a")
    b = copy_run(small_run(), tmp_path / "b")
    edit_rows(b, lambda r: {**r, "dtype": "float32"})
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


def frame(rows: list[dict], samples: dict[str, list[float]]) -> pd.DataFrame:
    data = pd.DataFrame(rows)
    data["samples"] = [samples.get(impl, s) for impl, s in
                       zip(data["impl"], data["samples"], strict=True)]
    return data


def test_compare_frames_verdicts():
    base = [row("numpy-manual", "loss", "synthetic", 100, 10), row("jax-jit", "loss",
                                                                    "synthetic", 100, 10),
            row("torch-func", "loss", "synthetic", 100, 10)]
    a = frame(base, {"jax-jit": [1e-5, 1.1e-5, 0.9e-5, 1e-5, 1.05e-5],
                     "torch-func": [1e-5, 1e-5]})
    b_rows = [row("numpy-manual", "loss", "synthetic", 100, 5),
              row("jax-jit", "loss", "synthetic", 100, 10.5),
              row("torch-func", "loss", "synthetic", 100, 30)]
    b = frame(b_rows, {"jax-jit": [1.05e-5, 0.95e-5, 1.1e-5, 1e-5, 1.02e-5],
                       "torch-func": [3e-5, 3e-5]})
    result = compare_frames(a, b).set_index("impl")
    assert result.loc["numpy-manual", "verdict"] == "faster"
    assert result.loc["numpy-manual", "text"] == "2.00× faster"
    assert result.loc["numpy-manual", "ratio"] == pytest.approx(0.5)
    assert result.loc["jax-jit", "verdict"] == "same"  # overlapping samples
    assert result.loc["torch-func", "verdict"] == "untestable"  # 2 samples a side
    assert result.loc["torch-func", "text"].startswith("3.00× slower?")
    assert regressions(result.reset_index(), 10).empty  # nothing testable got slower
    assert geometric_mean([0.5, 2.0, 1.0]) == pytest.approx(1.0)


def test_mann_whitney_edge_cases():
    assert mann_whitney([1.0] * 5, [1.0] * 5) == 1.0
    p = mann_whitney([1.0, 1.1, 1.2, 1.3, 1.4], [2.0, 2.1, 2.2, 2.3, 2.4])
    assert p == pytest.approx(2 / math.comb(10, 5))  # exact: the most extreme ordering
