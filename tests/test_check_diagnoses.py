"""Every diagnosis named by a wrong program that produces it, and none on correct code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.check import diagnose, gallery, gallery_calls, selftest, taylor
from benchmarks.check.context import prepare
from benchmarks.check.single import check_one
from impls import registry
from impls.base import NumpyImplementation
from impls.problem import five_point, synthetic
from tests.conftest import AVAILABLE

ROOT = Path(__file__).resolve().parents[1]

# (program, words its failures must contain); each on five-point and N = 200, d = 3 unless
# the bug does not exist there (``applies``)
DIAGNOSES = [
    (gallery.MissingHalf, "exactly 2× the reference: a missing ½"),
    (gallery.LossOpWrong, "the loss is exactly 2× the reference: a missing ½"),
    (gallery.MeanLoss, "1/N of the reference (N = "), (gallery.GradientSignFlipped,
                                                       "sign flipped"),
    (gallery.GradientSwapped, "∂L/∂w_1 and ∂L/∂b are swapped"),
    (gallery.Float32Inside, "error at float32's resolution in a float64 run"),
    (gallery.NanPast30, "wrong only where |z| > 30:"),
    (gallery.OverflowingSigmoid, "wrong only where |z| > 709"),
    (gallery.BiasForgotten, "∂L/∂b exactly 0 where the reference is not"),
    (gallery.BiasSign, "those of z = x·w − b"), (gallery.CrossEntropy,
                                                 "the cross-entropy gradient"),
    (gallery.OnePointWrong, "data point 1's contribution: that point counted twice"),
    (gallery.scaled(0.1), "the reference times 1.1 in every component"),
    (gallery_calls.MutatesTheta, "θ was changed in place"),
    (gallery_calls.AccumulatingGradient, "the answer changed between two calls with the same θ"
     " (the second is 2× the first: gradients accumulate"),
    (gallery_calls.CachedGradient, "bit for bit the gradient returned at θ0"),
    (gallery_calls.StepWrongSign, "the step climbs"), (gallery_calls.StepWrongEta,
                                                       "η divided by N"),
    (gallery_calls.LossCurveShifted, "shifted by one"),
]


@pytest.fixture(scope="module")
def contexts():
    return {"five-point": prepare(five_point(), 60), "d = 3": prepare(synthetic(200, 3), 30)}


@pytest.mark.parametrize("program, words", DIAGNOSES, ids=[p.name for p, _ in DIAGNOSES])
@pytest.mark.parametrize("where", ["five-point", "d = 3"])
def test_each_diagnosis_is_produced_by_its_wrong_program(contexts, program, words, where):
    context = contexts[where]
    if not program.applies(context.problem):
        pytest.skip("the bug does not exist on this problem")
    result = check_one(program, context)
    assert result.status == "fail"
    assert any(words in f for f in result.details["all_failures"]), result.failures
    assert any(words in f for f in result.failures[:2]), result.failures  # shown, early


def test_the_float32_dtype_gets_the_z_threshold_of_its_own_exp():
    result = check_one(gallery.OverflowingSigmoid, prepare(five_point("float32"), 20))
    assert result.failures[0].startswith("wrong only where |z| > 88.")


@pytest.mark.parametrize("name", [n for n in AVAILABLE if n not in ("torch-compile",
                                                                    "sympy-symbolic")])
def test_no_diagnosis_and_no_failure_on_correct_code(contexts, name):
    for context in contexts.values():
        result = check_one(registry.get(name), context)
        assert result.status == "pass" and not result.details.get("all_failures"), \
            result.failures


def test_the_control_and_a_gradient_within_tolerance_get_no_diagnosis(contexts):
    for context in contexts.values():
        assert check_one(gallery.Correct, context).failures == []
    exact = np.array([0.25, -1.0])
    tol = np.array([1e-12, 1e-12])
    assert diagnose.factor_cause(exact * (1 + 1e-14), exact, tol, 5, "g") is None
    assert diagnose.common_factor_cause(exact * 1.5, exact, tol, "g") is not None
    assert "swapped" in diagnose.component_cause(exact[::-1].copy(), exact, tol, ["w_1", "b"])
    assert diagnose.component_cause(exact * 3, exact, tol, ["w_1", "b"]) is None


def test_values_print_with_digits_enough_to_differ():
    a, b = -0.016599213145, -0.016599208612
    assert f"{a:.6g}" == f"{b:.6g}"
    left, right = diagnose.distinct(a, b)
    assert left != right and float(left) != float(right)
    assert diagnose.distinct(1.5, 2.5) == ("1.5", "2.5")
    result = check_one(gallery.Float32Inside, prepare(five_point(), 20))
    shown = result.failures[0].split("(")[1].split(")")[0].split(" vs ")
    assert len(shown) == 2 and shown[0] != shown[1]


def test_the_self_test_gallery_holds_every_diagnosed_program():
    names = {cls.name for cls in selftest.GALLERY}
    assert {p.name for p, _ in DIAGNOSES} - {"scale-0.1"} <= names


def test_the_taylor_message_names_the_criterion_that_failed():
    test = {"min_order": 1.70, "min_order_between": [0.01, 0.005], "required_order": 1.8,
            "observed_order": 1.96}
    text = taylor.failure_message(test)
    assert "1.70 from h = 0.01 to h = 0.005, below the 1.80 every usable halving" in text
    assert "expected ≈ 2" not in text


class StillAttached(NumpyImplementation):
    """Returns objects with a graph (detach) and one NumPy cannot read at all."""

    name, method = "still-attached", "manual"

    def loss_native(self, theta):
        return 0.0

    def value_and_grad_native(self, theta):
        return 0.0, theta


class Graph:
    def __init__(self, value):
        self.value = value

    def detach(self):
        return np.asarray(self.value)


def test_to_numpy_detaches_a_graph_and_names_the_fix_for_the_rest():
    impl = StillAttached()
    assert impl.to_numpy(Graph([1.0, 2.0])).tolist() == [1.0, 2.0]
    assert impl.to_numpy([Graph(1.0), 2.0]).tolist() == [1.0, 2.0]
    with pytest.raises(TypeError, match="override to_numpy"):
        impl.to_numpy(object())


@pytest.mark.skipif("torch-autograd" not in AVAILABLE, reason="torch is not installed")
def test_a_torch_plugin_whose_tensors_require_grad_is_checked(capsys):
    from benchmarks.cli.main import main

    plugin = str(ROOT / "tests" / "plugins" / "torch_requires_grad.py")
    code = main(["check", "--plugin", plugin, "--impl", "torch-still-attached", "--steps", "5"])
    out = capsys.readouterr().out
    assert code == 0 and "numpy()" not in out, out
