import numpy as np
import pytest

from impls.problem import ProblemError, estimate_bytes, five_point, synthetic


def test_five_point_is_the_documented_problem():
    p = five_point()
    assert p.x.shape == (5, 1) and p.y.shape == (5,)
    assert p.theta0.tolist() == [-2.0, -2.0] and p.eta == 1.0


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_synthetic_is_bit_identical_for_a_seed(dtype):
    a, b = synthetic(1000, 4, seed=3, dtype=dtype), synthetic(1000, 4, seed=3, dtype=dtype)
    assert a.x.tobytes() == b.x.tobytes() and a.y.tobytes() == b.y.tobytes()
    assert a.x.dtype == np.dtype(dtype) and a.theta0.dtype == np.dtype(dtype)
    c = synthetic(1000, 4, seed=4, dtype=dtype)
    assert a.x.tobytes() != c.x.tobytes()


def test_synthetic_targets_come_from_the_true_theta():
    p = synthetic(20_000, 2, seed=1, noise=0.0)
    z = p.x @ p.true_theta[:-1] + p.true_theta[-1]
    assert np.allclose(p.y, 1 / (1 + np.exp(-z)))


@pytest.mark.parametrize("n,d", [(0, 1), (1, 0), (-5, 2), (2.5, 1), ("3", 1), (True, 1)])
def test_synthetic_refuses_bad_sizes(n, d):
    with pytest.raises(ProblemError):
        synthetic(n, d)


def test_unsupported_dtype():
    with pytest.raises(ProblemError, match="float16"):
        synthetic(10, 1, dtype="float16")


def test_memory_estimate_grows_with_size():
    assert estimate_bytes(10**7, 1) > estimate_bytes(10**6, 1) > 10**6 * 2 * 8
