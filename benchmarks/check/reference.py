"""A high-precision reference for L(θ) and ∇L(θ), independent of every implementation.

Small problems (n·(d+1) ≤ MPMATH_LIMIT) are evaluated in mpmath at 40 significant digits;
larger ones per point in extended precision (np.longdouble) and summed with math.fsum over
the exact two-float split of each term (compensated summation), which is accurate to about
one float64 rounding of the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np

from benchmarks.check.terms import terms
from impls.problem import Problem

MPMATH_LIMIT = 20_000
DIGITS = 40


@dataclass(frozen=True)
class Reference:
    loss: mpmath.mpf
    grad: np.ndarray  # float64, correctly rounded from the high-precision value
    loss_scale: float  # Σ_i ½ r_i²: the size of the loss's terms
    grad_scale: np.ndarray  # S_j = Σ_i |δ_i x̃_ij|: the size of the terms of ∂L/∂θ_j
    method: str


def point_weights(problem: Problem, theta: np.ndarray) -> np.ndarray:
    """a_i = (1 + |y_i|)(1 + Σ_k |x_ik w_k| + |b|), for the a-priori training rule.

    The first factor bounds |σ − y|; the second bounds the magnitude of the terms summed into
    z, whose rounding error σ' ≤ 1/4 carries into the loss and the gradient.
    """
    x = problem.x.astype(np.float64)
    y = problem.y.astype(np.float64)
    return (1.0 + np.abs(y)) * (1.0 + np.abs(x) @ np.abs(theta[:-1]) + abs(theta[-1]))


def scales(problem: Problem, theta: np.ndarray) -> tuple[float, np.ndarray]:
    a = point_weights(problem, theta)
    x = np.abs(problem.x.astype(np.float64))
    grad_scale = np.append(x.T @ a, a.sum())
    return float(a.sum()), grad_scale


def _exact_sum(values: np.ndarray) -> mpmath.mpf:
    hi = values.astype(np.float64)
    lo = (values - hi.astype(values.dtype)).astype(np.float64)
    return mpmath.mpf(math.fsum(np.concatenate([hi, lo]).tolist()))


def _pairwise_sum(values: np.ndarray) -> mpmath.mpf:
    """NumPy's pairwise sum in the values' own (extended) precision: error at most
    (n − 1)·u_ld·Σ|values| (Higham's γ_{n−1}), far below what the dtypes allow."""
    return mpmath.mpf(float(np.sum(values)))


def _extended(problem: Problem, theta: np.ndarray, with_grad: bool, summed=_exact_sum):
    ld = np.longdouble
    x = problem.x.astype(ld)
    y = problem.y.astype(ld)
    th = np.asarray(theta, dtype=np.float64).astype(ld)
    z = x @ th[:-1] + th[-1]
    with np.errstate(over="ignore", invalid="ignore"):  # exp overflowing: f's limit 0
        e = np.exp(-z)  # one exp: σ(−z) = e·σ(z), without the cancellation of 1 − σ(z)
        f = 1 / (1 + e)
        fc = np.where(np.isinf(e), 1, e * f)
    residual = f - y
    loss = summed(residual * residual / 2)
    if not with_grad:
        return loss, None
    delta = residual * f * fc
    grad = [summed(delta * x[:, k]) for k in range(problem.d)] + [summed(delta)]
    return loss, grad


def _mp(problem: Problem, theta: np.ndarray, with_grad: bool):
    with mpmath.workdps(DIGITS):
        th = [mpmath.mpf(float(t)) for t in theta]
        xs = problem.x.astype(np.float64).tolist()
        ys = problem.y.astype(np.float64).tolist()
        loss = mpmath.mpf(0)
        grad = [mpmath.mpf(0)] * (problem.d + 1)
        for xi, yi in zip(xs, ys, strict=True):
            z = mpmath.fsum(mpmath.mpf(a) * w for a, w in zip(xi, th[:-1], strict=True)) + th[-1]
            f = 1 / (1 + mpmath.exp(-z))
            fc = 1 / (1 + mpmath.exp(z))  # 1 − f without cancellation
            residual = f - yi
            loss += residual * residual / 2
            if with_grad:
                delta = residual * f * fc
                grad = [g + delta * a for g, a in zip(grad, [*xi, 1.0], strict=True)]
        return +loss, (grad if with_grad else None)


def _evaluate(problem: Problem, theta: np.ndarray, with_grad: bool):
    if problem.n * (problem.d + 1) <= MPMATH_LIMIT:
        return (*_mp(problem, theta, with_grad), f"mpmath-{DIGITS}-digits")
    return (*_extended(problem, theta, with_grad), "longdouble-fsum")


def reference(problem: Problem, theta: np.ndarray) -> Reference:
    theta = np.asarray(theta, dtype=np.float64)
    loss, grad, method = _evaluate(problem, theta, with_grad=True)
    t = terms(problem, theta)
    floor = np.finfo(np.float64).tiny  # scaled errors stay finite where every term underflows
    return Reference(loss, np.array([float(g) for g in grad]),
                     max(float(t.loss_terms.sum()), floor),
                     np.maximum(t.grad_terms.sum(axis=0), floor), method)


def reference_loss(problem: Problem, theta: np.ndarray) -> mpmath.mpf:
    return _evaluate(problem, np.asarray(theta, dtype=np.float64), with_grad=False)[0]


def extended_value_and_grad(problem: Problem, theta: np.ndarray) -> tuple[float, np.ndarray]:
    """The extended-precision loss and gradient, for long trajectories where mpmath is slow."""
    loss, grad = _extended(problem, np.asarray(theta, dtype=np.float64), with_grad=True)
    return float(loss), np.array([float(g) for g in grad])


LONGDOUBLE_U = float(np.finfo(np.longdouble).eps) / 2  # unit round-off of the cheap reference


def longdouble_value_and_grad(problem: Problem, theta: np.ndarray) -> tuple[float, np.ndarray]:
    """L(θ) and ∇L(θ) per point in np.longdouble, pairwise-summed: one O(N) pass, cheap
    enough for every timed configuration of a sweep. Its error obeys the running bound of
    ``benchmarks.check.rounding`` with u = ``LONGDOUBLE_U`` (the bound is linear in u, so
    that is the dtype's bound × LONGDOUBLE_U / u); on a machine whose longdouble is float64
    it is as large as the float64 bound itself."""
    loss, grad = _extended(problem, np.asarray(theta, dtype=np.float64), with_grad=True,
                           summed=_pairwise_sum)
    return float(loss), np.array([float(g) for g in grad])
