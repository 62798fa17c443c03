"""The checker checked: every gallery bug rejected, the power goals met, no false alarm."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.check import errormodel, gallery, probes, selftest, tolerance
from benchmarks.check import reference as ref
from benchmarks.check.accuracy import accuracy
from benchmarks.check.calls import Caller, private_copy
from benchmarks.check.context import prepare
from benchmarks.check.single import check_one
from benchmarks.cli.main import main
from impls import finite_diff, registry, synthetic
from impls.problem import five_point
from tests.conftest import AVAILABLE

ROOT = Path(__file__).resolve().parents[1]
# torch-compile builds C++ kernels for every new shape (~2 s each) and sympy-symbolic
# differentiates symbolically per shape: the conformance tests cover both on fixed shapes;
# this property-based test draws a new shape per example.
QUICK_TO_PREPARE = [n for n in AVAILABLE if n not in ("torch-compile", "sympy-symbolic")]


def test_self_test_rejects_every_bug_and_meets_the_power_goals():
    verdicts, powers = selftest.run()
    assert len({v.bug for v in verdicts}) >= 15
    missed = [(v.bug, v.problem, v.dtype) for v in verdicts if v.applies and not v.caught]
    assert not missed
    for v in verdicts:  # each bug exists on at least the five-point float64 problem or d = 3
        assert v.applies or v.bug in ("x-transposed", "float32-inside", "scale-1e-08")
    assert {(p.problem, p.dtype) for p in powers} == {
        (name, dtype) for name in ("five-point", "synthetic-n1000-d3")
        for dtype in ("float64", "float32")}
    for p in powers:
        assert p.control_passes
        assert p.min_detectable <= selftest.GOALS[p.dtype], p


def test_the_control_passes_and_a_missed_bug_fails_the_self_test(capsys, monkeypatch):
    monkeypatch.setattr(selftest, "GALLERY", (gallery.Correct, gallery.OnePointWrong))
    monkeypatch.setattr(selftest, "POWER_PROBLEMS", ())
    code = main(["check", "--self-test"])
    out = capsys.readouterr().out
    assert code == 1 and "MISSED" in out and "self-test FAILED" in out
    row = next(line for line in out.splitlines() if "one-point-wrong" in line)
    assert "gradient" in row and "MISSED" not in row


def test_min_detectable_is_what_a_scale_error_needs():
    context = prepare(five_point(), 20)
    power = selftest.min_detectable(context)
    assert power.control_passes
    assert selftest.rejects(context, power.min_detectable)
    assert not selftest.rejects(context, power.min_detectable / 1.01)


def test_messages_name_operation_component_point_and_size():
    context = prepare(synthetic(50, 3, seed=1), 5)
    result = check_one(gallery.BiasForgotten, context)
    assert any(f.startswith("value_and_grad at θ0: ∂L/∂b off the reference by")
               and "× its tolerance" in f for f in result.failures), result.failures
    result = check_one(gallery.NanPast30, context)
    assert any("at tail probe returns NaN in the gradient" in f for f in result.failures)


def test_tail_probes_cover_both_tails_and_record_their_z_range():
    problem = synthetic(30, 3, seed=2)
    points = probes.probe_points(problem, 0)
    for label, (lo, hi) in (("tail", (-40, 40)), ("tail-mirror", (-40, 40)),
                            ("extreme", (-1000, 1000))):
        z_lo, z_hi = probes.z_range(problem, points[label])
        assert z_lo == pytest.approx(lo, rel=1e-6) and z_hi == pytest.approx(hi, rel=1e-6)
    z = problem.x @ points["tail"][:-1] + points["tail"][-1]
    assert (np.abs(z) < 10).any()  # the middle too
    single = synthetic(1, 1, seed=0)
    assert probes.z_range(single, probes.probe_points(single, 0)["tail"]) == [40.0, 40.0]


def test_error_models_are_objects_and_the_step_rule_lives_in_check():
    assert isinstance(errormodel.model_for("central-difference"), errormodel.CentralDifference)
    with pytest.raises(errormodel.UnknownErrorModel):
        errormodel.model_for("exact-ish")
    theta = np.array([0.3, -7.0, 1e-3], dtype=np.float32)
    for scheme in ("central", "forward"):
        assert np.array_equal(errormodel.fd_steps(theta, "float32", scheme),
                              finite_diff.steps(theta, scheme).astype(np.float64))
    imported = {node.module for node in ast.walk(ast.parse(
        (ROOT / "benchmarks" / "check" / "tolerance.py").read_text()))
        if isinstance(node, ast.ImportFrom)}
    assert "impls.finite_diff" not in imported


def test_forward_difference_bound_is_tight_where_the_old_one_was_loose():
    problem = five_point()
    theta = problem.theta0.astype(float)
    exact = ref.reference(problem, theta)
    tol = tolerance.grad_tolerance(problem, theta, "forward-difference")
    assert np.all(tol < 1e-5 * np.abs(exact.grad))  # the old a-priori bound allowed ~1e-2


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 2000), d=st.integers(1, 8), seed=st.integers(0, 2**16),
       dtype=st.sampled_from(["float64", "float32"]), reach=st.floats(1.0, 50.0))
def test_no_false_alarm_on_generated_problems(n, d, seed, dtype, reach):
    problem = synthetic(n, d, seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed)
    theta = probes.spread(problem, rng.standard_normal(d), reach).astype(dtype).astype(float)
    exact = ref.reference(problem, theta)
    for name in QUICK_TO_PREPARE:
        cls = registry.get(name)
        if dtype not in cls.dtypes:
            continue
        mine = private_copy(problem)
        impl = cls()
        impl.prepare(mine)
        _, failures = accuracy(Caller(impl, mine, problem), problem, "probe", theta, exact,
                               errormodel.model_for(cls.error_model), cls)
        assert not failures, (name, failures)
