"""``updatebench check`` and ``list``: verdicts, exit codes, JSON, and one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from benchmarks.check import reference, tolerance
from benchmarks.cli.main import main
from impls import registry
from tests.conftest import AVAILABLE

ROOT = Path(__file__).resolve().parents[1]
WRONG = str(ROOT / "examples" / "plugin_wrong_gradient.py")
GOOD_PLUGIN = str(ROOT / "examples" / "plugin_numpy_float.py")
PLUGINS = ROOT / "tests" / "plugins"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_passes_every_implementation_and_writes_json(capsys, tmp_path):
    path = tmp_path / "check.json"
    code, out, _ = run(capsys, "check", "--steps", "30", "--json", str(path))
    assert code == 0, out
    report = json.loads(path.read_text())
    assert report["passed"]
    assert report["problem"]["x"] == [[0.5], [1.0], [1.5], [2.0], [2.5]]
    assert report["problem"]["theta0"] == [-2.0, -2.0] and report["problem"]["eta"] == 1.0
    by_name = {r["name"]: r for r in report["implementations"]}
    assert set(AVAILABLE) <= set(by_name)
    for name in AVAILABLE:
        r = by_name[name]
        assert r["status"] == "pass", r["failures"]
        assert len(r["train"]["losses"]) == 30
        if registry.get(name).error_model != "forward-difference":
            assert r["taylor"]["conclusive"]
            assert 1.8 <= r["taylor"]["observed_order"] <= 2.3
    # every number in the table can be recomputed from the JSON
    probe = by_name["numpy-manual"]["gradient_at_probe"]
    scale = np.array(report["reference"]["probe"]["grad_scale"])
    err = np.max(np.abs(np.array(probe["grad"]) - np.array(probe["reference_grad"])) / scale)
    assert err == pytest.approx(probe["grad_error"])


def test_wrong_gradient_plugin_fails_with_exit_1(capsys, tmp_path):
    path = tmp_path / "check.json"
    code, out, _ = run(capsys, "check", "--plugin", WRONG, "--impl", "wrong-gradient",
                       "--impl", "numpy-manual", "--steps", "20", "--json", str(path))
    assert code == 1
    assert "wrong-gradient" in out and "FAILED" in out
    by_name = {r["name"]: r for r in json.loads(path.read_text())["implementations"]}
    wrong = by_name["wrong-gradient"]
    assert wrong["status"] == "fail"
    assert wrong["taylor"]["conclusive"] and wrong["taylor"]["observed_order"] < 1.2
    assert by_name["numpy-manual"]["status"] == "pass"


def test_plugin_from_the_readme_passes(capsys):
    code, out, _ = run(capsys, "check", "--plugin", GOOD_PLUGIN, "--impl", "numpy-textbook",
                       "--steps", "20")
    assert code == 0, out


def test_list_shows_availability_and_reasons(capsys, monkeypatch):
    code, out, _ = run(capsys, "list", "--plugin", GOOD_PLUGIN)
    assert code == 0
    for name in [*AVAILABLE, "numpy-textbook"]:
        assert name in out
    monkeypatch.setitem(registry.BUILTIN_MODULES, "tests.plugins.ghost_builtin", ("ghost",))
    code, out, _ = run(capsys, "list")
    assert "ghostlib is not installed" in out


def test_unavailable_implementation_is_reported_and_the_rest_runs(capsys, monkeypatch):
    monkeypatch.setitem(registry.BUILTIN_MODULES, "tests.plugins.ghost_builtin", ("ghost",))
    code, out, _ = run(capsys, "check", "--impl", "ghost", "--impl", "numpy-manual",
                       "--steps", "5")
    assert code == 0 and "ghostlib is not installed" in out


@pytest.mark.skipif(shutil.which("nvidia-smi") is not None, reason="this machine has a GPU")
def test_cuda_is_reported_unavailable_without_a_gpu(capsys):
    code, out, _ = run(capsys, "list", "--device", "cuda")
    assert code == 0
    cells = {row[0]: row for row in (
        [c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines()
        if line.startswith("│"))}
    for name in AVAILABLE:
        available_here = cells[name][4]
        assert available_here.startswith("no: ") and len(available_here) > 8, cells[name]


@pytest.mark.parametrize("argv, message", [
    (["check", "--impl", "nope"], "unknown implementation 'nope': choose from numpy-manual"),
    (["check", "--n", "0"], "N must be at least 1"),
    (["check", "--n", "-3"], "N must be at least 1"),
    (["check", "--n", "2.5"], "N must be a whole number"),
    (["check", "--n", "10", "--d", "0"], "d must be at least 1"),
    (["check", "--n", "10", "--d", "x"], "d must be a whole number"),
    (["check", "--dtype", "float16"], "unknown dtype 'float16'"),
    (["check", "--n", "3", "--dtype", "0"], "unknown dtype '0'"),  # before the memory guard
    (["check", "--device", "tpu"], "unknown device 'tpu'"),
    (["check", "--plugin", "/no/such/plugin.py"], "does not exist"),
    (["check", "--plugin", str(PLUGINS / "broken_import.py")], "failed to import"),
    (["check", "--plugin", str(PLUGINS / "not_an_implementation.py")], "not a subclass"),
    (["check", "--plugin", str(PLUGINS / "missing_method.py")], "does not implement"),
    (["check", "--plugin", str(PLUGINS / "registers_nothing.py")], "registers no implementation"),
    (["check", "--n", "10**11"], "GiB, more than the"),
    (["check", "--json", "/no/such/folder/out.json"], "does not exist"),
    (["check", "--json", "/"], "it is a folder"),
    (["check", "--seed", "-1"], "seed must be between 0 and 2**63 - 1"),
    (["check", "--timeout", "0"], "timeout must be a positive, finite number"),
    (["check", "--timeout", "nan"], "timeout must be a positive, finite number"),
    (["check", "--timeout", "inf"], "timeout must be a positive, finite number"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_gives_one_line_and_exit_2(capsys, argv, message):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_memory_refusal_happens_before_allocating(capsys):
    code, _, err = run(capsys, "check", "--n", "1e10", "--d", "1000")
    assert code == 2 and "GiB" in err


def test_tolerances_are_tight_enough_to_catch_a_small_error(small):
    theta = np.array([0.3, -0.7, 1.1, 0.2])
    exact = reference.reference(small, theta)
    tol = tolerance.grad_tolerance(small, theta, "exact")
    assert np.all(tol < 1e-6 * np.abs(exact.grad).max())  # a 1e-6 relative error is caught


