"""The step size is the problem's, the verdicts are the implementations': real unstandardised
data with the default η pass every built-in; a too-large η flags the problem (exit status 3)
and still passes correct implementations; an implementation failure stays exit status 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.cli.main import main
from benchmarks.cli.problem_args import spec_argv
from impls.problem import ProblemSpec
from tests.conftest import AVAILABLE

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "examples" / "data"
WRONG = str(ROOT / "examples" / "plugin_wrong_gradient.py")
REAL = {"iris": ["--data", str(DATA / "iris.csv"), "--target", "virginica", "--drop",
                 "species"],
        "breast-cancer": ["--data", str(DATA / "breast_cancer.csv"), "--target", "malignant"]}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_unstandardised_data_pass_every_built_in_with_the_default_eta(capsys, tmp_path,
                                                                           name):
    path = tmp_path / "check.json"
    code, out, err = run(capsys, "check", *REAL[name], "--json", str(path))
    assert code == 0, out + err
    report = json.loads(path.read_text())
    assert report["passed"] and report["problem_warnings"] == []
    assert {e["name"] for e in report["implementations"] if e["status"] == "pass"} \
        >= set(AVAILABLE)
    step = report["step_size"]
    assert report["problem"]["eta_rule"] == "1/L" and step["eta"] == step["eta_descent"]
    assert "(1/L)" in out and "1/L = " in out
    assert report["reference_trajectory"]["losses"][-1] < report["reference_trajectory"][
        "losses"][0]
    problem = report["problem"]  # the data are the file's: path, shape and hash, not values
    assert "x" not in problem and "y" not in problem
    assert problem["data_path"].endswith(REAL[name][1].split("/")[-1])
    assert len(problem["file_sha256"]) == 64 and problem["shape"] == [problem["n"],
                                                                     problem["d"]]


def test_a_too_large_eta_flags_the_problem_and_passes_the_implementations(capsys, tmp_path):
    path = tmp_path / "check.json"
    code, out, err = run(capsys, "check", *REAL["iris"], "--eta", "0.02", "--impl",
                         "numpy-manual", "--impl", "finite-diff", "--json", str(path))
    assert code == 3, out + err
    report = json.loads(path.read_text())
    assert report["passed"] and all(e["status"] == "pass" for e in report["implementations"])
    (warning,) = report["problem_warnings"]
    assert "η = 0.02 is above 2/L = 0.002776" in warning and "--standardize" in warning
    assert report["step_size"]["too_large"]
    assert "WARNING about the problem, not the implementations" in out
    assert "the problem is flagged above" in out and "FAILED" not in out
    # the whole run cannot be compared: the check says over how many steps it was
    assert report["trajectory"]["compared_steps"] < report["steps"]
    assert "compared with exact descent over its first" in report["notes"][0]
    assert "path-end" in report["points"]


def test_exact_descent_rising_is_not_blamed_on_the_implementations(capsys, tmp_path):
    """η = 4/N (the old default) makes exact descent rise on raw iris: still a pass."""
    path = tmp_path / "check.json"
    code, _, _ = run(capsys, "check", *REAL["iris"], "--eta", str(4 / 150), "--impl",
                       "numpy-manual", "--json", str(path))
    report = json.loads(path.read_text())
    assert code == 3 and report["step_size"]["rises"] and report["passed"]
    assert "it rose from 18.75" in report["problem_warnings"][0]


def test_an_implementation_failure_stays_exit_1_whatever_the_problem(capsys, tmp_path):
    path = tmp_path / "check.json"
    code, out, _ = run(capsys, "check", *REAL["iris"], "--eta", "0.02", "--plugin", WRONG,
                       "--impl", "wrong-gradient", "--steps", "10", "--json", str(path))
    assert code == 1 and "FAILED" in out
    entry = json.loads(path.read_text())["implementations"][0]
    assert entry["more_failures"] > 0
    assert len(entry["all_failures"]) == len(entry["failures"]) + entry["more_failures"]
    assert f"more failures, every one in {path}" in out


def test_more_failures_without_json_say_how_to_get_them(capsys):
    code, out, _ = run(capsys, "check", "--plugin", WRONG, "--impl", "wrong-gradient",
                       "--steps", "10")
    assert code == 1 and "more failures (--json PATH writes every one)" in out


def test_exit_status_is_documented_in_help(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "3 every implementation passed, but the problem's step size" in out


def test_column_choices_travel_to_a_child_command():
    spec = ProblemSpec(kind="data", data_path="/d.csv", features=("h", "2"))
    assert spec_argv(spec)[-2:] == ["--features", "h,2"]
    assert spec_argv(ProblemSpec(kind="data", data_path="/d.csv", drop=("id",)))[-2:] == [
        "--drop", "id"]


def test_features_and_drop_from_the_command_line(capsys, tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text("id;name;height;weight;y\n1;ann;160;60;0\n2;bob;180;80;1\n3;cy;170;75;1\n")
    path = tmp_path / "check.json"
    code, out, err = run(capsys, "check", "--data", str(csv), "--features", "height,3",
                         "--impl", "numpy-manual", "--steps", "5", "--json", str(path))
    assert code == 0, out + err
    problem = json.loads(path.read_text())["problem"]
    assert problem["features"] == ["height", "weight"] and problem["delimiter"] == "semicolon"
    code, _, err = run(capsys, "check", "--data", str(csv), "--impl", "numpy-manual")
    assert code == 2 and "a non-numeric cell 'ann' in column 'name', data row 1" in err
    code, _, err = run(capsys, "check", "--features", "a", "--impl", "numpy-manual")
    assert code == 2 and "apply to --data only" in err
