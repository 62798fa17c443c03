"""The fast paths compute what the plain ones do: d = 1 against the matrix path, blocks against
one piece, and both against the mpmath reference; Op counts its calls."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.check import reference, tolerance
from impls import Op, Problem, registry, synthetic
from impls.numpy_manual import Blocked, sigmoid


def widened(problem: Problem) -> Problem:
    """The same problem with a second, all-zero feature: the d > 1 code path, same answer."""
    x = np.column_stack([problem.x, np.zeros_like(problem.x)])
    return Problem("widened", x=x, y=problem.y, theta0=np.zeros(3, problem.x.dtype),
                   eta=problem.eta)


def against_reference(problem, theta, value, grad, model="exact"):
    exact = reference.reference(problem, theta)
    assert abs(value - float(exact.loss)) <= tolerance.loss_tolerance(problem, theta) + 1e-300
    assert np.all(np.abs(grad - exact.grad) <= tolerance.grad_tolerance(problem, theta, model))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("block", [7, 64, 100_000])
def test_numpy_blocks_and_paths_agree_with_the_reference(dtype, block):
    problem = synthetic(1000, 1, seed=3, dtype=dtype)
    theta = np.array([1.3, -0.4], dtype=dtype)
    one = Blocked(problem.x, problem.y, block=block)
    assert one.x1 is not None  # d = 1 takes the vector path
    wide = widened(problem)
    matrix = Blocked(wide.x, wide.y, block=block)
    assert matrix.x1 is None
    value, grad = one.value_and_grad(theta)
    wide_value, wide_grad = matrix.value_and_grad(np.array([1.3, 0.0, -0.4], dtype=dtype))
    assert wide_value == pytest.approx(value, rel=10 * float(np.finfo(dtype).eps))
    np.testing.assert_allclose(wide_grad[[0, 2]], grad, rtol=50 * float(np.finfo(dtype).eps))
    assert wide_grad[1] == 0
    assert one.loss(theta) == value
    against_reference(problem, theta.astype(float), float(value), grad.astype(float))


def test_numpy_sigmoid_keeps_its_digits_in_both_tails():
    """σ(z) and σ(z)σ(−z) from one exp: relative accuracy in both tails, no overflow."""
    z = np.array([-1000.0, -690.0, -40.0, -0.5, -0.0, 0.0, 0.5, 40.0, 1000.0])
    blocked = Blocked(np.ones((z.size, 1)), np.zeros(z.size))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        f = blocked.residual(-z, blocked.pieces[0], True, True).copy()
    exact = [1 / (1 + np.exp(-v)) if v > -700 else 0.0 for v in z]
    slope = [np.exp(-abs(v)) / (1 + np.exp(-abs(v))) ** 2 for v in z]
    tiny = np.finfo(float).tiny  # beyond the clip (z < −709) σ is returned as at most this
    np.testing.assert_allclose(f[1:], exact[1:], rtol=2e-16, atol=0)
    np.testing.assert_allclose(blocked.pieces[0].p[1:], slope[1:], rtol=4e-16, atol=0)
    assert 0 <= f[0] <= tiny and 0 <= blocked.pieces[0].p[0] <= tiny
    assert f[1] > 0 and blocked.pieces[0].p[1] > 0  # 1e-300: kept, not flushed by a cancellation


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_numpy_clips_only_where_the_data_can_overflow(dtype):
    """Far tails (|z| up to 1000) give finite values, no warnings; near ones skip the clip."""
    x = np.linspace(-1.0, 1.0, 101, dtype=dtype)[:, None]
    blocked = Blocked(x, np.full(101, 0.5, dtype=dtype), block=16)
    assert blocked.reach == 1.0
    assert not blocked.negated(np.array([2.0, -0.5], dtype=dtype))[2]
    far = np.array([1000.0, -3.0], dtype=dtype)
    assert blocked.negated(far)[2]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = blocked.value_and_grad(far)
        moved = blocked.shifted_losses(far, np.array([[1.0, 1.0]]))[1]
    assert np.isfinite(value) and np.all(np.isfinite(grad)) and np.all(np.isfinite(moved))
    exact = 0.5 * np.sum((sigmoid(1000.0 * x[:, 0].astype(float) - 3.0) - 0.5) ** 2)
    assert float(value) == pytest.approx(exact, rel=1e-6)


@pytest.mark.parametrize("d", [1, 3])
def test_jax_blocks_agree_with_the_unblocked_gradient_and_the_reference(monkeypatch, d):
    jax_grad = pytest.importorskip("impls.jax_grad")
    monkeypatch.setattr(jax_grad, "BLOCK", 64)  # 15 blocks and a rest of 40 points
    problem = synthetic(1000, d, seed=5)
    theta = np.linspace(-0.8, 0.9, d + 1)
    blocked, plain = registry.get("jax-jit")(), registry.get("jax-eager")()
    blocked.prepare(problem)
    plain.prepare(problem)
    assert blocked.data[0].shape[:2] == (15, 64) and len(plain.data) == 2
    value, grad = blocked.value_and_grad(theta)
    plain_value, plain_grad = plain.value_and_grad(theta)
    assert value == pytest.approx(plain_value, rel=1e-14)
    np.testing.assert_allclose(grad, plain_grad, rtol=1e-13)
    assert blocked.loss(theta) == pytest.approx(plain.loss(theta), rel=1e-14)
    against_reference(problem, theta, value, grad)


@pytest.mark.parametrize("name", ["finite-diff", "finite-diff-forward", "complex-step"])
def test_one_pass_perturbations_match_one_loss_per_perturbation(name):
    """The batched perturbed losses are the ones separate loss calls give."""
    problem = synthetic(3000, 2, seed=9)
    impl = registry.get(name)()
    impl.prepare(problem)
    theta = np.array([0.4, -1.1, 0.3])
    value, grad = impl.value_and_grad(theta)
    assert value == pytest.approx(impl.loss(theta), rel=1e-15)
    model = registry.get(name).error_model
    against_reference(problem, theta, value, grad, model)


@pytest.mark.parametrize("d", [1, 2])
def test_numba_threads_split_the_sum_without_changing_it(d):
    numba_fused = pytest.importorskip("impls.numba_fused")
    problem = synthetic(5001, d, seed=11)
    theta = np.linspace(0.4, -1.1, d + 1)
    args = (problem.x, problem.x.reshape(-1), problem.y, theta[:-1], theta[-1], True)
    serial = numba_fused.serial(*args)
    np.testing.assert_allclose(numba_fused.parallel(*args, 4), serial, rtol=1e-13)
    impl = registry.get("numba-fused")()
    impl.prepare(problem)
    impl.threads = 3  # the prange path, whatever this machine has
    value, grad = impl.value_and_grad(theta)
    np.testing.assert_allclose(grad, serial[1:], rtol=1e-13)
    against_reference(problem, theta, value, grad)


def test_numba_runs_the_serial_kernel_below_two_chunks_worth(monkeypatch):
    numba_fused = pytest.importorskip("impls.numba_fused")
    chunk = numba_fused.MIN_CHUNK
    assert numba_fused.chunks_for(2 * chunk - 1, 4) == 1
    assert numba_fused.chunks_for(2 * chunk, 4) == 2
    assert numba_fused.chunks_for(100 * chunk, 4) == 4
    assert numba_fused.chunks_for(100 * chunk, 1) == 1
    ran = []
    kernels = {name: getattr(numba_fused, name) for name in ("serial", "parallel")}
    for name, kernel in kernels.items():
        monkeypatch.setattr(numba_fused, name, lambda *a, _k=kernel, _n=name: (
            ran.append(_n), _k(*a))[1])
    monkeypatch.setattr(numba_fused.numba, "get_num_threads", lambda: 4)
    theta = np.array([0.4, -1.1])
    results = {}
    for n in (5, 1000, 2 * chunk - 1, 3 * chunk + 7):
        impl = registry.get("numba-fused")()
        impl.prepare(synthetic(n, 1, seed=11))
        ran.clear()
        results[n] = impl.value_and_grad(theta)
        expected = "serial" if n < 2 * chunk else "parallel"
        assert ran == [expected], n
        assert impl.parameters() == {"threads_used": 1 if n < 2 * chunk else 3,
                                     "min_chunk": chunk}
        # the other path gives the same gradient to round-off
        impl.threads = 3 if expected == "serial" else 1
        value, grad = impl.value_and_grad(theta)
        assert value == pytest.approx(results[n][0], rel=1e-13)
        np.testing.assert_allclose(grad, results[n][1], rtol=1e-12)


def test_numba_exp_is_within_an_ulp_down_to_the_subnormals():
    numba_fused = pytest.importorskip("impls.numba_fused")
    exp = numba_fused.numba.njit(lambda a: numba_fused.exp_nonpositive(a))
    for a in [0.0, -0.0, -1e-300, -0.3465, -1.0, -20.5, -700.0, -708.5, -740.0, -745.1, -1000.0]:
        assert exp(a) == pytest.approx(np.exp(a), rel=2.3e-16, abs=5e-324), a
    grid = -np.abs(np.random.default_rng(1).standard_normal(2000)) * 30
    got = np.array([exp(a) for a in grid])
    np.testing.assert_allclose(got, np.exp(grid), rtol=2.3e-16, atol=0)


def test_numba_float32_exp_is_within_one_and_a_half_ulps_down_to_the_subnormals():
    numba_fused = pytest.importorskip("impls.numba_fused")
    exp = numba_fused.numba.njit(lambda a: numba_fused.exp_nonpositive_32(a))
    grid = np.concatenate([-np.abs(np.random.default_rng(2).standard_normal(3000)) * 25,
                           [0.0, -0.0, -1e-30, -0.3466, -87.0, -88.7, -100.0, -103.5, -110.0,
                            -1000.0]]).astype(np.float32)
    got = np.array([exp(a) for a in grid], dtype=np.float64)
    exact = np.exp(grid.astype(np.float64))
    ulps = np.abs(got - exact) / np.spacing(exact.astype(np.float32)).astype(np.float64)
    assert ulps.max() <= 1.5  # spacing(0) is float32's smallest subnormal: exact underflow


def test_op_counts_its_calls_and_keeps_string_equality():
    assert Op("train") == "train" and Op.parse("loss") is Op.LOSS
    assert [Op.parse(op).calls(10) for op in ("loss", "value_and_grad", "step", "train")] \
        == [1, 1, 1, 10]
    assert Op.LOSS.gradients(10) == 0 and Op.TRAIN.gradients(10) == 10
    with pytest.raises(ValueError, match="unknown operation 'hessian'"):
        Op.parse("hessian")
