"""``check`` survives hostile plugins: each is an error with its cause, the rest get verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.check import schema
from benchmarks.check.context import prepare
from benchmarks.check.single import check_one
from benchmarks.cli.main import main
from impls.numpy_manual import NumpyManual
from impls.problem import five_point

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "tests" / "plugins"
HOSTILE = str(PLUGINS / "hostile.py")
FAULTY = str(PLUGINS / "faulty.py")


def check(capsys, tmp_path, *argv):
    path = tmp_path / "check.json"
    code = main(["check", "--steps", "10", "--timeout", "20", "--json", str(path), *argv])
    out, err = capsys.readouterr()
    text = path.read_text()
    report = json.loads(text)
    return code, out, err, {r["name"]: r for r in report["implementations"]}, report, text


@pytest.mark.parametrize("name, cause", [
    ("segfaulting", "crashed with SIGSEGV (segmentation fault)"),
    ("hard-exit", "exited with status 1 without a result"),
    ("polite-exit", "called sys.exit(0) while being checked"),
])
def test_a_crashing_implementation_is_an_error_and_the_others_pass(capsys, tmp_path, name,
                                                                   cause):
    code, _, _, by_name, report, _ = check(capsys, tmp_path, "--plugin", HOSTILE,
                                           "--impl", name, "--impl", "numpy-manual")
    assert code == 1 and not report["passed"]
    assert by_name[name]["status"] == "error"
    assert cause in by_name[name]["failures"][0]
    assert by_name["numpy-manual"]["status"] == "pass"


def test_a_hanging_implementation_is_killed_at_the_timeout(capsys, tmp_path):
    path = tmp_path / "check.json"
    code = main(["check", "--steps", "10", "--timeout", "8", "--json", str(path),
                 "--plugin", FAULTY, "--impl", "hanging", "--impl", "numpy-manual"])
    capsys.readouterr()
    by_name = {r["name"]: r for r in json.loads(path.read_text())["implementations"]}
    assert code == 1
    assert "no result within 8 s" in by_name["hanging"]["failures"][0]
    assert by_name["numpy-manual"]["status"] == "pass"


@pytest.mark.parametrize("plugin, cause", [
    ("exits_at_import.py", "called sys.exit(0) while importing the plugin"),
    ("crashes_at_import.py", "exited with status 7"),
    ("hangs_at_import.py", "no result within 8 s"),
])
def test_a_plugin_that_dies_at_import_is_an_error_not_exit_0(capsys, tmp_path, plugin, cause):
    path = tmp_path / "check.json"
    code = main(["check", "--steps", "10", "--timeout", "8", "--json", str(path),
                 "--plugin", str(PLUGINS / plugin), "--impl", "numpy-manual"])
    out, _ = capsys.readouterr()
    by_name = {r["name"]: r for r in json.loads(path.read_text())["implementations"]}
    assert code == 1, out
    assert by_name[f"plugin {plugin}"]["status"] == "error"
    assert cause in by_name[f"plugin {plugin}"]["failures"][0]
    assert by_name["numpy-manual"]["status"] == "pass"


def test_mutating_theta_fails_and_cannot_touch_the_others(capsys, tmp_path):
    code, _, _, by_name, report, _ = check(capsys, tmp_path, "--plugin", HOSTILE,
                                           "--impl", "in-place-step", "--impl", "numpy-manual")
    assert code == 1
    assert by_name["in-place-step"]["status"] == "fail"
    assert any("step at θ0 mutates its input θ" in f for f in by_name["in-place-step"]["failures"])
    assert "mutation" in by_name["in-place-step"]["failed_checks"]
    assert by_name["numpy-manual"]["status"] == "pass"
    assert report["problem"]["theta0"] == [-2.0, -2.0]
    assert report["points"]["theta0"]["theta"] == [-2.0, -2.0]


def test_mutation_is_caught_in_process_too():
    """Without a child process the guards still keep the shared context intact."""
    from tests.plugins import hostile

    context = prepare(five_point(), 5)
    result = check_one(hostile.InPlaceStep, context)
    assert result.status == "fail" and "mutation" in result.failed_checks
    assert context.problem.theta0.tolist() == [-2.0, -2.0]
    assert context.points["theta0"].tolist() == [-2.0, -2.0]
    assert check_one(NumpyManual, context).status == "pass"


def test_writing_into_x_fails_and_leaves_the_shared_data_alone():
    from tests.plugins import hostile

    context = prepare(five_point(), 5)
    before = context.problem.x.copy()
    result = check_one(hostile.CentresX, context)
    assert result.status == "fail" and result.failed_checks == ["mutation"]
    assert result.failures == ["value_and_grad at θ0 mutates its input x: x was changed in "
                               "place (an in-place update such as x -= …; compute into a new "
                               "array)"]
    assert np.array_equal(context.problem.x, before)


def test_nan_from_the_loss_op_only_fails_and_json_stays_strict(capsys, tmp_path):
    code, _, _, by_name, _, text = check(capsys, tmp_path, "--plugin", HOSTILE,
                                         "--impl", "nan-loss-only", "--impl", "numpy-manual")
    assert code == 1
    entry = by_name["nan-loss-only"]
    assert entry["status"] == "fail" and "nonfinite" in entry["failed_checks"]
    assert entry["failures"][0] == "loss at θ0 returns a loss of nan"
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text, parse_constant=lambda c: pytest.fail(f"bare {c} in check.json"))
    assert entry["gradient_at_theta0"]["loss_from_loss_op"] is None


def test_strict_json_writes_no_bare_nan():
    text = schema.dumps({"a": float("nan"), "b": [np.inf, -np.inf], "c": np.float32(1.5)})
    assert json.loads(text) == {"a": None, "b": [1.7976931348623157e308,
                                                  -1.7976931348623157e308], "c": 1.5}


def test_a_plugin_that_raises_at_import_is_still_bad_input(capsys):
    code = main(["check", "--plugin", str(PLUGINS / "broken_import.py")])
    _, err = capsys.readouterr()
    assert code == 2 and "failed to import" in err and err.count("\n") == 1


def test_a_plugin_may_not_take_a_built_in_name(capsys):
    code = main(["check", "--plugin", str(PLUGINS / "takes_builtin_name.py")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1
    assert "'numpy-manual' is already registered by impls.numpy_manual" in err


def test_run_check_in_process_isolates_plugins_loaded_here():
    """The sweep calls run_check in its own process, plugins loaded: each goes to a child."""
    from benchmarks.check.verdicts import run_check
    from impls import registry

    registry.load_plugin(FAULTY)
    report = run_check(five_point(), ["crashing", "numpy-manual"], {}, 5, timeout=60)
    by_name = {r["name"]: r for r in report["implementations"]}
    assert "exited with status 3" in by_name["crashing"]["failures"][0]
    assert by_name["numpy-manual"]["status"] == "pass" and not report["passed"]
    json.dumps(report, allow_nan=False)
