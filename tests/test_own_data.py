"""Your own data through the command line: explain, check and a sweep on a CSV the test
writes, and bad files, learning rates and starts refused with one line and exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.check.training import agreement
from benchmarks.cli.main import main
from benchmarks.cli.problem_args import check_problem
from benchmarks.store.load import read_results
from impls import datafile
from impls.problem import build
from tests.report_helpers import run_frame

FIGURES = ("explain-chain-rule", "explain-taylor", "explain-angle", "explain-surface",
           "explain-loss")


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory) -> Path:
    """Hours studied and the share who passed: raw features in the tens, as users have them."""
    rng = np.random.default_rng(4)
    hours = rng.uniform(0, 40, 30)
    passed = np.clip(1 / (1 + np.exp(-(hours - 20) / 4)) + 0.03 * rng.standard_normal(30), 0, 1)
    path = tmp_path_factory.mktemp("data") / "hours.csv"
    path.write_text("hours,passed\n" + "".join(f"{h:.2f},{p:.3f}\n"
                                               for h, p in zip(hours, passed, strict=True)))
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_on_a_user_csv(capsys, tmp_path, csv_file):
    out_dir, json_path = tmp_path / "explain", tmp_path / "e.json"
    code, out, err = run(capsys, "explain", "--data", str(csv_file), "--target", "passed",
                         "--standardize", "--impl", "numpy-manual", "--steps", "300",
                         "--out", str(out_dir), "--json", str(json_path))
    assert code == 0, err
    assert "Step 1." in out and "Step 4." in out and "hours.csv" in out
    for slug in FIGURES:
        assert (out_dir / f"{slug}.png").stat().st_size > 10_000
        assert (out_dir / f"{slug}.svg").read_text().lstrip().startswith("<?xml")
    page = (out_dir / "explain.html").read_text()
    assert page.count("<svg") == len(FIGURES) and "<img" not in page and "http" not in \
        page.split("<svg")[0]
    data = json.loads(json_path.read_text())
    assert data["problem"]["kind"] == "data" and data["problem"]["standardize"] is True
    assert data["problem"]["file_sha256"] and data["problem"]["n"] == 30
    assert np.allclose(np.sum(data["chain_rule"]["contributions"], axis=0), data["gradient"])


def test_explain_takes_eta_theta0_and_etas(capsys, tmp_path):
    json_path = tmp_path / "e.json"
    code, _, err = run(capsys, "explain", "--eta", "0.5", "--theta0=-1,1", "--theta=0.5,-0.5",
                       "--etas", "0.05,0.5,9", "--impl", "numpy-manual", "--steps", "50",
                       "--no-figures", "--json", str(json_path))
    assert code == 0, err
    data = json.loads(json_path.read_text())
    assert data["problem"]["eta"] == 0.5 and data["problem"]["theta0"] == [-1.0, 1.0]
    assert data["theta"] == [0.5, -0.5]
    assert [p["eta"] for p in data["paths"][:3]] == [0.05, 0.5, 9.0]
    assert data["paths"][0]["thetas"][0] == [-1.0, 1.0]


def test_check_on_a_user_csv(capsys, tmp_path, csv_file):
    json_path = tmp_path / "check.json"
    code, out, err = run(capsys, "check", "--data", str(csv_file), "--target", "passed",
                         "--standardize", "--eta", "0.05", "--impl", "numpy-manual",
                         "--steps", "20", "--json", str(json_path))
    assert code == 0, out + err
    report = json.loads(json_path.read_text())
    assert report["passed"] and report["problem"]["kind"] == "data"
    assert report["problem"]["eta"] == 0.05
    assert report["problem"]["data_path"] == str(csv_file.resolve())


def test_a_tiny_sweep_on_a_user_csv(capsys, tmp_path, csv_file):
    code, out, err = run(capsys, "sweep", "--data", str(csv_file), "--target", "passed",
                         "--standardize", "--impl", "numpy-manual", "--quick", "--no-check",
                         "--quiet", "--op", "value_and_grad,train", "--steps", "5",
                         "--out", str(tmp_path))
    assert code == 0, out + err
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    frame = run_frame(folder)
    assert set(frame["problem"]) == {"data"} and set(frame["n"]) == {30}
    assert set(frame["status"]) == {"ok"}
    metadata = json.loads((folder / "metadata.json").read_text())
    assert metadata["problem"]["file_sha256"] == datafile.file_sha256(csv_file)
    assert json.loads(metadata["options"]["problem_spec"])["target"] == "passed"
    results, _ = read_results(folder)
    (trained,) = [r for r in results if r.config.op == "train"]
    losses = trained.output["losses"]
    assert len(losses) == 5 and losses[-1] < losses[0]
    # the report's training agreement rebuilds the same (standardized) data, not a synthetic set
    rebuilt = build(trained.config.problem_at())
    assert rebuilt.kind == "data" and rebuilt.n == 30
    assert np.allclose(rebuilt.x.mean(), 0) and np.allclose(rebuilt.x.std(), 1)
    (agreed,) = agreement(results)
    assert agreed["problem"] == "data" and agreed["matches"]


def test_the_sweeps_check_runs_on_the_sweeps_data():
    spec = json.dumps({"kind": "data", "data_path": "/d.csv", "target": "t",
                       "standardize": True, "eta": 0.1, "theta0": None})
    argv, where = check_problem(spec)
    assert argv == ["--data", "/d.csv", "--target", "t", "--standardize", "--eta", "0.1"]
    assert where == "on /d.csv"
    assert check_problem("") == ([], "on the five-point problem")
    wrong_start = json.dumps({"kind": "five-point", "theta0": [1, 2, 3]})
    assert check_problem(wrong_start)[0] == []


BAD = {
    "missing.csv": None,
    "empty.csv": "",
    "text.csv": "x,y\n1,0.5\nabc,0.2\n",
    "nan.csv": "x,y\n1,0.5\nnan,0.2\n",
    "inf.csv": "x,y\n1,0.5\n-inf,0.2\n",
    "notarget.csv": "x,z\n1,0.5\n",
    "range.csv": "x,y\n1,0.5\n2,-0.1\n",
}


@pytest.mark.parametrize("command", ["check", "explain", "sweep"])
@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_exit_2_with_one_line(capsys, tmp_path, command, name):
    if BAD[name] is not None:
        (tmp_path / name).write_text(BAD[name])
    code, _, err = run(capsys, command, "--data", str(tmp_path / name), "--impl",
                       "numpy-manual", *(["--out", str(tmp_path / "runs")]
                                         if command == "sweep" else []))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("updatebench: error: ") and name in err
    assert not (tmp_path / "runs").exists()  # refused before a run folder exists


@pytest.mark.parametrize("argv,message", [
    (["--eta", "0"], "positive, finite"),
    (["--eta", "nan"], "positive, finite"),
    (["--eta", "-1"], "positive, finite"),
    (["--theta0=1,2,3"], "d \\+ 1 = 2"),
    (["--theta0", "1,a"], "comma-separated numbers"),
    (["--target", "t"], "apply to --data only"),
    (["--n", "10", "--data", "x.csv"], "brings its own N and d"),
])
@pytest.mark.parametrize("command", ["check", "explain"])
def test_bad_eta_and_theta0_exit_2(capsys, command, argv, message):
    code, _, err = run(capsys, command, "--impl", "numpy-manual", *argv)
    assert code == 2 and err.count("\n") == 1
    assert __import__("re").search(message, err), err


def test_theta0_mismatched_with_the_data(capsys, csv_file):
    code, _, err = run(capsys, "check", "--data", str(csv_file), "--target", "passed",
                       "--theta0=1,2,3", "--impl", "numpy-manual")
    assert code == 2 and "d = 1 features" in err


def test_sweep_theta0_must_fit_every_problem(capsys, tmp_path):
    code, _, err = run(capsys, "sweep", "--theta0=1,2,3", "--sizes", "five,100", "--dims", "2",
                       "--impl", "numpy-manual", "--out", str(tmp_path))
    assert code == 2 and "d + 1" in err


def test_too_large_file_exits_2_before_reading(capsys, tmp_path, csv_file, monkeypatch):
    monkeypatch.setattr(datafile, "available_bytes", lambda: 1000)
    code, _, err = run(capsys, "check", "--data", str(csv_file), "--target", "passed",
                       "--impl", "numpy-manual")
    assert code == 2 and "needs about" in err and "available here" in err


@pytest.mark.parametrize("command", ["check", "sweep", "explain"])
def test_problem_options_are_offered(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    for option in ("--data", "--target", "--standardize", "--eta", "--theta0"):
        assert option in out
