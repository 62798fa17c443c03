"""The Python API (``import updatebench``): check, sweep, load and compare, classes defined here.

Each implementation class below is defined inside its test function, as a notebook cell
defines one: the check's child processes and the sweep's workers cannot import it, so it
travels by value. The wrong ones must fail, or the passing ones prove nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import numpy as np
import pytest
import updatebench

from benchmarks.check.isolate import sent_by_value, shipped
from benchmarks.errors import UsageError
from impls import registry
from impls.base import Implementation
from impls.numpy_manual import sigmoid
from tests.registry_guard import isolated_registry  # noqa: F401 (autouse fixture)

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "results" / "reference"
RUN_A, RUN_B = REFERENCE / "20261126-144025-vm", REFERENCE / "20261126-173411-vm"
TEXTBOOK = ROOT / "examples" / "plugin_numpy_float.py"


class Textbook(Implementation):
    """A correct implementation in a few lines: the base of the classes the tests define."""

    name = "inline-textbook"
    method = "manual"

    def asarray(self, a):
        return np.asarray(a)

    def loss_native(self, theta):
        return self.value_and_grad_native(theta)[0]

    def value_and_grad_native(self, theta):
        f = sigmoid(self.x @ theta[:-1] + theta[-1])
        delta = (f - self.y) * f * (1.0 - f)
        return 0.5 * np.sum((f - self.y) ** 2), np.append(self.x.T @ delta, delta.sum())


# ------------------------------------------------------------ import updatebench


def test_updatebench_is_the_facade_in_a_child_process_from_anywhere(tmp_path):
    """The installed name works outside the checkout, as a notebook's kernel would use it."""
    code = ("import updatebench, benchmarks.api; "
            "print(updatebench.__file__ == benchmarks.api.__file__, updatebench.check.__name__)")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "check"]


def test_every_package_is_installed():
    """pyproject.toml lists the packages (the mapping of updatebench needs a list): a new
    package folder that is not in it would be missing from an install."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    folders = {".".join(p.parent.relative_to(ROOT).parts)
               for top in ("benchmarks", "impls") for p in (ROOT / top).rglob("__init__.py")}
    assert folders | {"updatebench"} == listed


# ------------------------------------------------------------ check


def test_check_passes_a_class_defined_inline_and_fails_a_wrong_one():
    class Right(Textbook):
        name = "inline-right"

    class HalfMissing(Textbook):  # the loss without its ½: value and gradient twice too big
        name = "inline-no-half"

        def value_and_grad_native(self, theta):
            value, grad = super().value_and_grad_native(theta)
            return 2 * value, 2 * grad

    assert shipped("inline-right") is None  # not registered until the check registers it
    right = updatebench.check(Right, steps=20)
    assert right.passed and right.verdicts == {"inline-right": "pass"}
    assert not right.in_process  # it was checked in a child process of its own
    wrong = updatebench.check(HalfMissing, steps=20)
    assert not wrong.passed and wrong.verdicts == {"inline-no-half": "fail"}
    assert "gradient" in wrong["inline-no-half"]["failed_checks"]
    assert json.loads(wrong.to_json())["passed"] is False
    assert "inline-no-half: fail" in repr(wrong)


def test_check_takes_an_instance_a_name_and_a_list():
    class Doubled(Textbook):
        name = "inline-doubled"

        def value_and_grad_native(self, theta):
            value, grad = super().value_and_grad_native(theta)
            return value, 2 * grad

    result = updatebench.check([Doubled(), "numpy-manual"], steps=10)
    assert result.verdicts == {"inline-doubled": "fail", "numpy-manual": "pass"}
    assert not result.passed and list(result.failures) == ["inline-doubled"]


def test_check_on_a_synthetic_problem_in_float32():
    class Right(Textbook):
        name = "inline-f32"

    spec = updatebench.ProblemSpec(kind="synthetic", n=200, d=3)
    result = updatebench.check(Right, problem=spec, dtype="float32", steps=10)
    assert result.passed
    assert result.report["problem"]["dtype"] == "float32"
    assert result.report["problem"]["d"] == 3


def test_a_class_that_cannot_be_pickled_is_checked_here_and_says_so():
    class Locked(Textbook):
        name = "inline-locked"
        guard = threading.Lock()  # no pickle can carry a lock

    class LockedWrong(Locked):
        name = "inline-locked-wrong"

        def value_and_grad_native(self, theta):
            value, grad = super().value_and_grad_native(theta)
            return value, -grad

    result = updatebench.check([Locked, LockedWrong], steps=10)
    assert result.verdicts == {"inline-locked": "pass", "inline-locked-wrong": "fail"}
    assert "checked in this process" in result.in_process["inline-locked"]
    assert "lock" in result.in_process["inline-locked"]


def test_a_class_from_a_module_only_this_process_can_import_travels_with_its_module(
        tmp_path, monkeypatch):
    (tmp_path / "my_impl.py").write_text(
        "from tests.test_api import Textbook\n\n"
        "class Mine(Textbook):\n    name = 'from-my-module'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import my_impl

    assert sent_by_value(my_impl) and not sent_by_value(np)
    result = updatebench.check(my_impl.Mine, steps=10)
    assert result.passed and not result.in_process


def test_shipped_is_none_for_what_a_child_finds_by_name():
    registry.load_plugin(TEXTBOOK)
    assert shipped("numpy-manual") is None
    assert shipped("numpy-textbook") is None  # a plugin: the child loads its file again
    assert shipped("no-such-thing") is None


@pytest.mark.parametrize(("call", "message"), [
    (lambda: updatebench.check("no-such-impl"), "unknown implementation 'no-such-impl'"),
    (lambda: updatebench.check(42), "is not a subclass of impls.base.Implementation"),
    (lambda: updatebench.check([]), "nothing to check"),
    (lambda: updatebench.check("numpy-manual", dtype="float16"), "unsupported dtype"),
    (lambda: updatebench.check("numpy-manual", device="tpu"), "unknown device 'tpu'"),
    (lambda: updatebench.check("numpy-manual", steps=0), "steps must be at least 1"),
    (lambda: updatebench.check("numpy-manual", problem=3.5), "problem must be None"),
    (lambda: updatebench.check("numpy-manual", problem="/nonexistent.csv"), "nonexistent"),
])
def test_bad_check_input_is_one_usage_error(call, message):
    with pytest.raises(UsageError) as raised:
        call()
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_a_class_taking_a_builtin_name_is_refused():
    class Impostor(Textbook):
        name = "numpy-manual"

    with pytest.raises(UsageError, match="of a built-in implementation"):
        updatebench.check(Impostor)
    assert registry.get("numpy-manual") is not Impostor


# ------------------------------------------------------------ sweep


def test_sweep_measures_a_class_defined_inline_and_checks_it_first(tmp_path):
    class Inline(Textbook):
        name = "inline-swept"
        method = "manual-inline"

    class Swapped(Textbook):
        name = "inline-swept-wrong"

        def value_and_grad_native(self, theta):
            value, grad = super().value_and_grad_native(theta)
            return value, grad[::-1]  # ∂L/∂w and ∂L/∂b swapped

    run = updatebench.sweep(impls=["numpy-manual", Inline, Swapped], sizes=[None],
                            ops="value_and_grad", quick=True, out=tmp_path)
    assert run.path.parent == tmp_path and run.status == "complete"
    frame = run.frame().set_index("impl")
    assert frame.loc["inline-swept", "status"] == "ok"
    assert frame.loc["inline-swept", "method"] == "manual-inline"  # the class, not a stand-in
    assert frame.loc["inline-swept", "median_s"] > 0
    # the worker computed with the class sent: the last timed call's gradient
    assert np.allclose(frame.loc["inline-swept", "output"]["grad"],
                       frame.loc["numpy-manual", "output"]["grad"], rtol=1e-12)
    assert not np.allclose(frame.loc["inline-swept-wrong", "output"]["grad"],
                           frame.loc["numpy-manual", "output"]["grad"], rtol=1e-3)
    assert run.check is not None and not run.check.passed  # the sweep's check, in children
    assert run.check.verdicts == {"numpy-manual": "pass", "inline-swept": "pass",
                                  "inline-swept-wrong": "fail"}
    speedups = run.speedups().set_index("impl")
    assert speedups.loc["numpy-manual", "speedup"] == 1.0
    assert speedups.loc["inline-swept", "speedup"] > 0
    with pytest.raises(UsageError, match="numpy-mnaual is not in this run"):
        run.speedups(baseline="numpy-mnaual")


@pytest.mark.parametrize(("options", "message"), [
    ({"sizes": [0]}, "size must be at least 1"),
    ({"sizes": []}, "an empty list"),
    ({"ops": ["nope"]}, "unknown operation 'nope'"),
    ({"dtypes": "float16"}, "unknown dtype 'float16'"),
    ({"impls": ["no-such-impl"]}, "unknown implementation 'no-such-impl'"),
    ({"threads": 10**6}, "threads must be at most"),
    ({"timeout": float("nan")}, "timeout must be a positive, finite number"),
    ({"plugins": ["/nonexistent.py"]}, "does not exist"),
])
def test_bad_sweep_input_is_one_usage_error_before_anything_runs(tmp_path, options, message):
    with pytest.raises(UsageError) as raised:
        updatebench.sweep(**{"impls": ["numpy-manual"], **options}, out=tmp_path)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert not any(tmp_path.iterdir())  # refused before a run folder was made


def test_a_class_that_cannot_be_pickled_is_not_swept(tmp_path):
    class Locked(Textbook):
        name = "inline-locked-sweep"
        guard = threading.Lock()

    with pytest.raises(UsageError, match="cannot be sent to a worker process"):
        updatebench.sweep(impls=[Locked], out=tmp_path)


# ------------------------------------------------------------ load and compare


def test_load_reads_a_committed_run_with_its_check_and_speedups():
    run = updatebench.load(RUN_A)
    assert run.status == "complete" and run.check is not None and run.check.passed
    frame = run.frame()
    assert len(frame) == len(run.record.results) and "median_s" in frame.columns
    speedups = run.speedups()
    grad = speedups[(speedups["op"] == "value_and_grad") & (speedups["n"] == 10**6)]
    assert (grad.set_index("impl").loc["numpy-manual", "speedup"]) == 1.0
    assert grad["speedup"].notna().sum() > 5


def test_compare_returns_the_frame_and_summary_compare_prints():
    comparison = updatebench.compare(RUN_A, updatebench.load(RUN_B))
    frame = comparison.frame()
    assert {"ratio", "p", "verdict"} <= set(frame.columns) and len(frame) > 100
    assert comparison.summary.startswith("geometric mean of drift-normalised B/A")
    # two processes a side: as the command, the API claims no change, however large
    tested = frame[~frame["verdict"].isin(["reference", "failed"])]
    assert set(tested["verdict"]) == {"inconclusive"} and tested["p"].isna().all()
    assert "inconclusive" in comparison.summary
    assert any("versions" in line for line in comparison.caveats)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: updatebench.load("/nonexistent"), "does not exist"),
    (lambda: updatebench.load(ROOT / "examples"), "is not a run folder"),
    (lambda: updatebench.compare(RUN_A, RUN_A), "the same input is given twice"),
    (lambda: updatebench.compare(RUN_A, RUN_B, alpha=2), "alpha must lie between 0 and 1"),
])
def test_bad_load_and_compare_input_is_one_usage_error(call, message):
    with pytest.raises(UsageError) as raised:
        call()
    assert message in str(raised.value) and "\n" not in str(raised.value)
