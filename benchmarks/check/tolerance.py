"""How far a correct implementation may be from the exact gradient: the rule and its reasons.

Let u be the unit round-off of the problem's dtype (2^-53 for float64, 2^-24 for float32),
a_i the point weight of ``reference.point_weights`` and S_L = Σ a_i, S_j = Σ |x̃_ij| a_i the
scales (x̃ = (x, 1), so the bias is the last column).

Exact methods (reverse and forward mode, the manual chain rule, the complex step):
    |g_j − ∇_j L| ≤ τ · S_j   and   |ℓ − L| ≤ τ · S_L,   τ = C · u · (d + K + √n)
- each point's z = x·w + b is a (d + 1)-term dot product: error ≤ (d + 1) u Σ|x_k w_k| + |b|,
  carried into the term by |∂t/∂z| ≤ 1 + |y| (σ' ≤ 1/4, σ'' ≤ 0.1);
- the sigmoid, residual and products add K = 16 roundings at most, each relative to a term
  bounded by (1 + |y|) |x̃|;
- the sum over n points: the frameworks' reductions (pairwise, blocked or vector-lane order)
  behave like a random walk, √n · u relative to Σ|terms| (Higham, Accuracy and Stability of
  Numerical Algorithms, §4.2);
- C = 8 is the safety factor. In float64 τ ≈ 1e-13 at n = 10^4; a wrong gradient is off by a
  fraction of |g| itself, many orders of magnitude more.

Central differences with h_j = ε^(1/3) max(1, |θ_j|) (ε = 2u):
    |g_j − ∇_j L| ≤ C_fd · (h_j² / 6 · M3_j + τ S_L / h_j)
- truncation: |ℓ'''(z)| ≤ 3 σ'σ'' + |σ − y| σ''' ≤ 0.2 (1 + |y|), so M3_j = 0.2 Σ|x̃_ij|³(1 + |y_i|);
- cancellation: each loss carries τ S_L of error, the difference of two over 2h gives τ S_L / h.
Forward differences with h_j = ε^(1/2) max(1, |θ_j|):
    |g_j − ∇_j L| ≤ C_fd · (h_j / 2 · M2_j + 2 τ S_L / h_j),  |ℓ''| ≤ 0.16 (1 + |y|),
    M2_j = 0.16 Σ|x̃_ij|² (1 + |y_i|).
C_fd = 4. These are bounds, not estimates: a method that meets them is as accurate as its
arithmetic allows, and anything else (a missing factor, a sign) misses them by far.
"""

from __future__ import annotations

import math

import numpy as np

from benchmarks.check.reference import scales
from impls.finite_diff import steps
from impls.problem import Problem

SAFETY = 8.0
ROUNDINGS_PER_POINT = 16
FD_SAFETY = 4.0
ERROR_MODELS = ("exact", "central-difference", "forward-difference")


def unit_roundoff(dtype: str) -> float:
    return float(np.finfo(np.dtype(dtype)).eps) / 2


def tau(problem: Problem) -> float:
    """The relative rounding bound τ for a loss or gradient computed in the problem's dtype."""
    u = unit_roundoff(problem.dtype)
    return SAFETY * u * (problem.d + ROUNDINGS_PER_POINT + math.sqrt(problem.n))


def loss_tolerance(problem: Problem, theta: np.ndarray) -> float:
    loss_scale, _ = scales(problem, theta)
    return tau(problem) * loss_scale


def grad_tolerance(problem: Problem, theta: np.ndarray, error_model: str) -> np.ndarray:
    """Per-component absolute tolerance on ∇L(θ) for an implementation of ``error_model``."""
    if error_model not in ERROR_MODELS:
        raise ValueError(f"unknown error model {error_model!r}")
    theta = np.asarray(theta, dtype=np.float64)
    loss_scale, grad_scale = scales(problem, theta)
    rounding = tau(problem)
    if error_model == "exact":
        return rounding * grad_scale
    x = np.abs(np.column_stack([problem.x.astype(np.float64), np.ones(problem.n)]))
    weight = 1.0 + np.abs(problem.y.astype(np.float64))
    h = steps(np.asarray(theta, dtype=problem.dtype), error_model.split("-")[0]).astype(float)
    if error_model == "central-difference":
        truncation = h**2 / 6 * 0.2 * ((x**3).T @ weight)
        cancellation = rounding * loss_scale / h
    else:
        truncation = h / 2 * 0.16 * ((x**2).T @ weight)
        cancellation = 2 * rounding * loss_scale / h
    return FD_SAFETY * (truncation + cancellation)
