"""Per-point quantities at θ that the running error bounds are built from.

For each data point i: z_i = x_i·w + b, σ_i = σ(z_i), σ̄_i = σ(−z_i) = 1 − σ_i, the
derivatives s_i = σ′ = σ_i σ̄_i, q_i = σ″ = s_i (1 − 2σ_i), c_i = σ‴ = s_i (1 − 6 s_i), the
residual r_i = σ_i − y_i, δ_i = r_i s_i (so ∂L/∂θ_j = Σ_i δ_i x̃_ij) and a_i = Σ_k |x_ik w_k| + |b|,
the magnitude of what is summed into z_i. Only magnitudes are used, so float64 with the
overflow-free forms below is accurate enough (1e-13 relative at |z| = 1000).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from impls.problem import Problem


def sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


@dataclass(frozen=True)
class Terms:
    xt: np.ndarray  # (n, d + 1): x with a column of ones for the bias
    y: np.ndarray
    z: np.ndarray
    sigma: np.ndarray
    sigma_bar: np.ndarray
    s: np.ndarray
    q: np.ndarray
    c: np.ndarray
    r: np.ndarray
    a: np.ndarray

    @property
    def delta(self) -> np.ndarray:
        return self.r * self.s

    @property
    def loss_terms(self) -> np.ndarray:
        return 0.5 * self.r * self.r

    @property
    def grad_terms(self) -> np.ndarray:
        """|δ_i x̃_ij|: the magnitudes summed into each gradient component."""
        return np.abs(self.delta)[:, None] * np.abs(self.xt)

    def second(self) -> np.ndarray:
        """ℓ″(z_i) for ℓ = ½(σ − y)²: s² + r q."""
        return self.s * self.s + self.r * self.q

    def third(self) -> np.ndarray:
        """ℓ‴(z_i) = 3 s q + r c."""
        return 3 * self.s * self.q + self.r * self.c


def terms(problem: Problem, theta: np.ndarray) -> Terms:
    x = problem.x.astype(np.float64)
    y = problem.y.astype(np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    z = x @ theta[:-1] + theta[-1]
    sigma, sigma_bar = sigmoid(z), sigmoid(-z)
    s = sigma * sigma_bar
    xt = np.column_stack([x, np.ones(problem.n)])
    return Terms(xt=xt, y=y, z=z, sigma=sigma, sigma_bar=sigma_bar, s=s,
                 q=s * (1 - 2 * sigma), c=s * (1 - 6 * s), r=sigma - y,
                 a=np.abs(x) @ np.abs(theta[:-1]) + abs(theta[-1]))
