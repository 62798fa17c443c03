"""Running error bounds for L(θ) and ∇L(θ) computed in a dtype, from the actual terms at θ.

The derivation is in ``benchmarks.check.tolerance``; this module evaluates it. Every bound is
a sum over the data points of what rounding can do to that point's term, plus what the sum
over the points can do, so points on the sigmoid's flat tail (tiny σ′) add tiny allowances.
"""

from __future__ import annotations

import numpy as np

from benchmarks.check.terms import Terms
from impls.problem import Problem

K = 8  # roundings allowed per evaluation of σ, of σ′ and of the residual (exp, log1p, /, ...)
SAFETY = 2.0  # on the whole bound, for what the count of roundings leaves out


def unit_roundoff(dtype: str) -> float:
    return float(np.finfo(np.dtype(dtype)).eps) / 2


def tiny(dtype: str) -> float:
    """Absolute error one operation can make near underflow (flush-to-zero included)."""
    return float(np.finfo(np.dtype(dtype)).tiny)


def point_errors(problem: Problem, t: Terms) -> tuple[np.ndarray, np.ndarray]:
    """(bound on the error of r_i, bound on the error of σ′(z_i)), per point."""
    u, eta = unit_roundoff(problem.dtype), tiny(problem.dtype)
    ez = (problem.d + 2) * u * t.a
    az = np.abs(t.z)
    e_sigma = K * u * t.sigma * (1 + az * t.sigma_bar) + t.s * ez + K * eta
    e_r = e_sigma + u * np.abs(t.r)
    e_s = K * u * (t.s * (2 + az) + t.sigma**2) + np.abs(t.q) * ez + K * eta
    return e_r, e_s


def loss_bound(problem: Problem, t: Terms) -> float:
    u, eta = unit_roundoff(problem.dtype), tiny(problem.dtype)
    e_r, _ = point_errors(problem, t)
    lt = t.loss_terms
    per_point = np.abs(t.r) * e_r + e_r**2 / 2 + 2 * u * lt
    summed = u * (problem.n - 1) * lt.sum()
    return float(SAFETY * (per_point.sum() + summed) + problem.n * eta)


def grad_bound(problem: Problem, t: Terms) -> np.ndarray:
    """Per component of θ: what rounding can do to Σ_i δ_i x̃_ij, for exact methods."""
    u, eta = unit_roundoff(problem.dtype), tiny(problem.dtype)
    e_r, e_s = point_errors(problem, t)
    delta = np.abs(t.delta)
    e_delta = t.s * e_r + np.abs(t.r) * e_s + e_r * e_s + 2 * u * delta + K * eta
    xa = np.abs(t.xt)
    per_point = xa.T @ (e_delta + u * delta)
    summed = u * (problem.n - 1) * (xa.T @ delta)
    return SAFETY * (per_point + summed) + problem.n * eta
