"""Every registered implementation, through the same tests: no per-implementation copies."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from benchmarks.check import reference, tolerance
from impls import OPS, Implementation, registry, synthetic
from impls.problem import Problem


def analytic(problem, theta):
    """The seed's formulas, written out once more in the plainest NumPy."""
    x, y = problem.x.astype(float), problem.y.astype(float)
    f = 1 / (1 + np.exp(-(x @ theta[:-1] + theta[-1])))
    t = (f - y) * f * (1 - f)
    return 0.5 * np.sum((f - y) ** 2), np.append(x.T @ t, t.sum())


def prepared(name, problem):
    impl = registry.get(name)()
    impl.prepare(problem)
    return impl


def test_follows_the_interface(impl_name, five):
    cls = registry.get(impl_name)
    assert issubclass(cls, Implementation) and cls.name == impl_name
    impl = prepared(impl_name, five)
    value, grad = impl.value_and_grad(five.theta0)
    assert isinstance(value, float) and grad.dtype == np.float64 and grad.shape == (2,)
    assert isinstance(impl.loss(five.theta0), float)
    assert impl.step(five.theta0).shape == (2,)
    final, losses = impl.train(five.theta0, 3)
    assert final.shape == (2,) and losses.shape == (3,)
    for op in OPS:
        impl.bind(op, five.theta0, steps=2)()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_matches_the_analytic_gradient(impl_name, small, dtype):
    problem = synthetic(200, 3, seed=7, dtype=dtype)
    impl = prepared(impl_name, problem)
    theta = np.array([0.3, -0.7, 1.1, 0.2])
    value, grad = impl.value_and_grad(theta)
    exact_value, exact_grad = analytic(problem, theta.astype(dtype).astype(float))
    tol = tolerance.grad_tolerance(problem, theta, impl.error_model)
    assert np.all(np.abs(grad - exact_grad) <= tol + 1e-12)
    assert abs(value - exact_value) <= tolerance.loss_tolerance(problem, theta) + 1e-12


def test_step_is_theta_minus_eta_grad(impl_name, five):
    impl = prepared(impl_name, five)
    theta = np.array([0.5, -1.0])
    _, grad = impl.value_and_grad(theta)
    assert np.allclose(impl.step(theta), theta - five.eta * grad, rtol=0, atol=1e-14)


def test_train_fits_the_five_point_problem(impl_name, five):
    impl = prepared(impl_name, five)
    final, losses = impl.train(five.theta0, 1000)
    assert losses[0] == pytest.approx(0.8071116807756207, rel=1e-12)
    assert losses[-1] < 1e-6
    assert np.allclose(final, [1.9909, -2.9864], atol=2e-3)


@pytest.mark.parametrize("d", [1, 2])
@pytest.mark.parametrize("z", [1000.0, -1000.0])
def test_extreme_inputs_give_finite_correct_gradients(impl_name, z, d):
    """|z| = 1000 through the d = 1 path and the matrix path (a zero second feature)."""
    x = np.array([[1.0], [2.0]]) if d == 1 else np.array([[1.0, 0.0], [2.0, 0.0]])
    problem = Problem("extreme", x=x, y=np.array([0.3, 0.9]),
                      theta0=np.array([0.0] * d + [z]), eta=0.1)
    impl = prepared(impl_name, problem)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # raised by PyTorch itself on its first jacfwd (as in pyproject's filterwarnings)
        warnings.filterwarnings("ignore", "`torch.jit.script", DeprecationWarning)
        value, grad = impl.value_and_grad(problem.theta0)
        impl.step(problem.theta0)
    exact = reference.reference(problem, problem.theta0)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert abs(value - float(exact.loss)) <= 1e-12
    assert np.all(np.abs(grad - exact.grad) <= 1e-12)


def _numpy(impl, out):
    """A native result (value, array, or a pair of them) as float64 NumPy, flattened."""
    if isinstance(out, tuple):
        return np.concatenate([_numpy(impl, part) for part in out])
    if isinstance(out, list):
        return np.array([impl.to_numpy(v) for v in out], dtype=np.float64).reshape(-1)
    return impl.to_numpy(out).reshape(-1)


def test_prepare_keeps_conversion_out_of_the_bound_call(impl_name, five, monkeypatch):
    """After bind, the call neither converts data nor θ, and gives value_and_grad's result."""
    impl = prepared(impl_name, five)
    theta = np.array([0.5, -1.0])
    value, grad = impl.value_and_grad(theta)
    call = impl.bind("value_and_grad", theta)

    def refuse(*_args, **_kwargs):
        raise AssertionError("conversion inside the timed call")

    monkeypatch.setattr(impl, "asarray", refuse)
    monkeypatch.setattr(impl, "_theta", refuse)
    for _ in range(2):  # repeatable: no state carried over from one call to the next
        bound_value, bound_grad = call()
        assert float(impl.to_numpy(bound_value)) == pytest.approx(value, rel=1e-13, abs=0)
        np.testing.assert_allclose(impl.to_numpy(bound_grad), grad, rtol=1e-13, atol=0)


def test_bound_calls_give_the_boundary_results(impl_name, five):
    """bind(op) computes what the boundary method of op returns, for every operation."""
    impl = prepared(impl_name, five)
    theta, steps = np.array([0.5, -1.0]), 3
    expected = {
        "loss": np.array([impl.loss(theta)]),
        "value_and_grad": np.concatenate([[impl.value_and_grad(theta)[0]],
                                          impl.value_and_grad(theta)[1]]),
        "step": impl.step(theta),
        "train": np.concatenate(impl.train(theta, steps)),
    }
    assert set(expected) == set(OPS)
    for op in OPS:
        got = _numpy(impl, impl.bind(op, theta, steps=steps)())
        np.testing.assert_allclose(got, expected[op], rtol=1e-13, atol=0, err_msg=op)


def test_unknown_operation_is_refused(five):
    impl = prepared("numpy-manual", five)
    with pytest.raises(ValueError, match="unknown operation"):
        impl.bind("hessian", five.theta0)
