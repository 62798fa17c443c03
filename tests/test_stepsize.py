"""The curvature bound behind the default step of a data file: c is the true maximum of
|ℓ″|, and descent with η ≤ 1/L (and any η < 2/L) lowers the loss at every step."""

from __future__ import annotations

from pathlib import Path

import mpmath
import numpy as np
import pytest

from benchmarks.check import reference as ref
from impls.problem import ProblemSpec, build
from impls.stepsize import C_NEGATIVE, CURVATURE, gram_lambda_max, step_bound

DATA = Path(__file__).resolve().parents[1] / "examples" / "data"
REAL = {"iris": ("iris.csv", "virginica", ("species",)),
        "breast-cancer": ("breast_cancer.csv", "malignant", None)}


def second_derivative(z: mpmath.mpf, y: mpmath.mpf) -> mpmath.mpf:
    """ℓ″ by mpmath's own differentiation of ℓ(z) = ½(σ(z) − y)², not by the formula."""
    return mpmath.diff(lambda t: (1 / (1 + mpmath.exp(-t)) - y) ** 2 / 2, z, 2)


def test_c_is_the_largest_curvature_of_the_point_loss():
    """A fine grid in z (and y over [0, 1]) at 30 digits: |ℓ″| never exceeds c, and its
    maximum and minimum are c and −C_NEGATIVE to the grid's resolution."""
    with mpmath.workdps(30):
        zs = [mpmath.mpf(z) for z in np.linspace(-12.0, 12.0, 2401)]
        values = {float(y): [second_derivative(z, mpmath.mpf(float(y))) for z in zs]
                  for y in np.linspace(0.0, 1.0, 5)}
    top = max(max(v) for v in values.values())
    bottom = min(min(v) for v in values.values())
    assert float(top) <= CURVATURE * (1 + 1e-12)
    assert float(top) == pytest.approx(CURVATURE, rel=1e-4)  # grid step 0.01 in z
    assert float(bottom) >= -C_NEGATIVE * (1 + 1e-12)
    assert float(bottom) == pytest.approx(-C_NEGATIVE, rel=1e-4)
    assert pytest.approx(0.0770292850606752, rel=1e-14) == CURVATURE
    # far out on the tails ℓ″ vanishes: the grid's ends are not where the maximum hides
    assert max(abs(v[0]) for v in values.values()) < 1e-4


def test_lambda_max_is_that_of_x_with_a_column_of_ones():
    x = np.random.default_rng(0).normal(3.0, 2.0, (40, 3))
    xt = np.column_stack([x, np.ones(40)])
    assert gram_lambda_max(x) == pytest.approx(np.linalg.eigvalsh(xt.T @ xt)[-1], rel=1e-12)


def exact_losses(problem, eta: float, steps: int) -> np.ndarray:
    theta, losses = problem.theta0.astype(np.float64), []
    for _ in range(steps):
        loss, grad = ref.extended_value_and_grad(problem, theta)
        losses.append(loss)
        theta = theta - eta * grad
    return np.array(losses)


@pytest.mark.parametrize("name", sorted(REAL))
def test_descent_with_eta_up_to_two_over_l_never_rises_on_real_data(name):
    file, target, drop = REAL[name]
    problem = build(ProblemSpec(kind="data", data_path=str(DATA / file), target=target,
                                drop=drop))
    bound = step_bound(problem.x)
    assert problem.eta == bound.eta_descent and problem.eta_rule == "1/L"
    for eta in (bound.eta_descent, 0.99 * bound.eta_stable):
        losses = exact_losses(problem, eta, 60)
        assert np.all(np.diff(losses) <= 1e-12 * losses[0]), eta
        assert losses[-1] < losses[0]
    assert not bound.too_large(0.99 * bound.eta_stable) and bound.too_large(
        1.01 * bound.eta_stable)


def test_the_old_default_four_over_n_rises_on_raw_iris():
    """Why a data file's default changed: 4/N is above 2/L there and exact descent rises."""
    problem = build(ProblemSpec(kind="data", data_path=str(DATA / "iris.csv"),
                                target="virginica", drop=("species",)))
    assert step_bound(problem.x).too_large(4 / problem.n)
    losses = exact_losses(problem, 4 / problem.n, 100)
    assert losses[-1] > losses[0]


def test_the_built_in_problems_keep_their_steps_and_are_below_two_over_l():
    for problem in (build(ProblemSpec()), build(ProblemSpec(kind="synthetic", n=1000, d=3))):
        assert not step_bound(problem.x).too_large(problem.eta)
    assert build(ProblemSpec()).eta == 1.0
    assert build(ProblemSpec(kind="synthetic", n=1000, d=3)).eta == 4 / 1000
