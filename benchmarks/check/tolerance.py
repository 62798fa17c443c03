"""How far a correct implementation may be from the exact gradient: the rule and its reasons.

Running (a-posteriori) error analysis (Wilkinson; Higham, Accuracy and Stability of Numerical
Algorithms, §3.3): the bound is built from the actual terms at θ, not from worst-case scales.
u is the dtype's unit round-off (2^-53, 2^-24), η its smallest normal number. Per point i
(``benchmarks.check.terms``): z, σ = σ(z), σ̄ = σ(−z), s = σ′ = σσ̄, q = σ″, r = σ − y,
δ = r s, a = Σ_k |x_k w_k| + |b|, x̃ = (x, 1).

Exact methods (reverse and forward mode, the manual chain rule, the complex step):
- z is a (d + 1)-term dot product: |Δz| ≤ e_z = (d + 2) u a.
- σ costs K = 8 roundings at most and inherits Δz through σ′, and its condition number is
  |z| σ̄ (exp(−log(1 + e^−z)) loses u|z| for z ≪ 0): |Δσ| ≤ K u σ (1 + |z| σ̄) + s e_z + K η;
  |Δr| ≤ |Δσ| + u|r|.
- σ′, as σ(z)σ(−z) or as f(1 − f) (which loses everything where f rounds to 1, as torch's
  sigmoid backward does: an absolute error u σ²): |Δs| ≤ K u (s (2 + |z|) + σ²) + |q| e_z + K η.
- δ = r s: |Δδ| ≤ s |Δr| + |r| |Δs| + |Δr||Δs| + 2u|δ| + K η.
- the sum over the n points, in any order (pairwise, blocked, vector lanes or one by one):
  ≤ (n − 1) u Σ_i |δ_i x̃_ij| (Higham's γ_{n−1}, from the actual term magnitudes).
  tol_j = 2 · (Σ_i |x̃_ij| (|Δδ_i| + u|δ_i|) + (n − 1) u Σ_i |δ_i x̃_ij|) + n η.
  The loss the same way:
  tol_L = 2 · (Σ_i (|r_i||Δr_i| + |Δr_i|²/2 + u r_i²) + (n − 1) u Σ_i r_i²/2) + n η.
On the flat tail δ_i is tiny, and so is point i's allowance. ``updatebench check --self-test``
measures the smallest relative gradient error the whole check then rejects: 2e-14 (five-point)
and 3e-13 (N = 1000, d = 3) in float64, 1e-5 and 1.4e-4 in float32.

Finite differences with the documented steps (``benchmarks.check.errormodel.fd_steps``):
  central: |g_j − ∂_j L| ≤ 2·(h_j²/6 · M_3j + arg_j)
                          + (tol_L(θ + h_j e_j) + tol_L(θ − h_j e_j)) / 2h_j
    M_3j = Σ_i |x̃_ij|³ (|ℓ‴(z_i)| + h_j |x̃_ij| · 0.3 (1 + |y_i|)) bounds |∂³L/∂θ_j³| on
    [θ − h_j, θ + h_j] (ℓ‴ = 3 s q + r σ‴ at θ, plus the step times max|ℓ⁗| ≤ 0.3 (1 + |y|));
  forward: |g_j − ∂_j L| ≤ 2·(h_j/2 · M_2j + arg_j) + (tol_L(θ + h_j e_j) + tol_L(θ)) / h_j
    M_2j = Σ_i |x̃_ij|² (|ℓ″(z_i)| + h_j |x̃_ij| · 0.2 (1 + |y_i|)), ℓ″ = s² + r q;
  arg_j = |g_j| u (|θ_j ∓ h_j| / (2)h_j + 4): rounding of the moved argument and the quotient.
The truncation comes from the derivatives along coordinate j at θ itself, so a forward
difference on the five-point problem is allowed its real 1e-7, not 1e-2.

Training keeps the a-priori per-step rule ``apriori_grad_tolerance`` (τ·S_j, below): a
propagated bound over hundreds of steps, where a loose bound costs nothing the probes need.
"""

from __future__ import annotations

import math

import numpy as np

from benchmarks.check import rounding
from benchmarks.check.errormodel import ErrorModel, model_for
from benchmarks.check.reference import scales
from benchmarks.check.terms import terms
from impls.problem import Problem

unit_roundoff = rounding.unit_roundoff
SAFETY = 8.0
ROUNDINGS_PER_POINT = 16


def loss_tolerance(problem: Problem, theta: np.ndarray) -> float:
    """Absolute tolerance on L(θ) computed in the problem's dtype."""
    return rounding.loss_bound(problem, terms(problem, theta))


def grad_tolerance(problem: Problem, theta: np.ndarray, error_model: str | ErrorModel,
                   impl_class: type | None = None) -> np.ndarray:
    """Per-component absolute tolerance on ∇L(θ) for an implementation of ``error_model``."""
    return model_for(error_model).grad_tolerance(problem, np.asarray(theta, dtype=np.float64),
                                                 impl_class)


def tau(problem: Problem) -> float:
    """The a-priori relative bound τ = 8u(d + 16 + √n) of the per-step training rule."""
    u = unit_roundoff(problem.dtype)
    return SAFETY * u * (problem.d + ROUNDINGS_PER_POINT + math.sqrt(problem.n))


def apriori_grad_tolerance(problem: Problem, theta: np.ndarray,
                           error_model: str | ErrorModel) -> np.ndarray:
    """τ·S_j (S_j from ``reference.scales``), never below the running bound."""
    _, grad_scale = scales(problem, np.asarray(theta, dtype=np.float64))
    return np.maximum(tau(problem) * grad_scale, grad_tolerance(problem, theta, error_model))
