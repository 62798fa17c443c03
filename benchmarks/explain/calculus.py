"""The sigmoid neuron's loss, gradient and exact Hessian, and the chain rule point by point.

L(θ) = Σ ½(f_i − y_i)² with f_i = σ(z_i), z_i = w·x_i + b. The chain rule gives each point's
share of the gradient, (f_i − y_i)·f_i(1 − f_i)·[x_i, 1]; the shares sum to ∇L.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


def augmented(x: np.ndarray) -> np.ndarray:
    """[x, 1]: the bias as one more feature, so θ = [w, b] multiplies it."""
    return np.column_stack([x, np.ones(x.shape[0])])


def loss(x: np.ndarray, y: np.ndarray, theta: np.ndarray) -> float:
    f = sigmoid(augmented(x) @ theta)
    return float(0.5 * np.sum((f - y) ** 2))


def loss_change(x: np.ndarray, y: np.ndarray, theta: np.ndarray, delta: np.ndarray) -> float:
    """L(θ + δ) − L(θ) as Σ ½(f₁ − f₀)(f₁ + f₀ − 2y): no cancellation between two losses."""
    xa = augmented(x)
    f0, f1 = sigmoid(xa @ theta), sigmoid(xa @ (theta + delta))
    return float(0.5 * np.sum((f1 - f0) * (f1 + f0 - 2.0 * y)))


def gradient(x: np.ndarray, y: np.ndarray, theta: np.ndarray) -> np.ndarray:
    xa = augmented(x)
    f = sigmoid(xa @ theta)
    return xa.T @ ((f - y) * f * (1.0 - f))


def hessian(x: np.ndarray, y: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Σ (f'² + (f − y) f'') [x,1][x,1]ᵀ with f' = f(1 − f), f'' = f'(1 − 2f)."""
    xa = augmented(x)
    f = sigmoid(xa @ theta)
    d1 = f * (1.0 - f)
    weight = d1 * d1 + (f - y) * d1 * (1.0 - 2.0 * f)
    return (xa * weight[:, None]).T @ xa


@dataclass(frozen=True)
class ChainRule:
    """Per point: z, f, f − y, f(1 − f) and the point's share of ∂L/∂w_k and ∂L/∂b."""

    x: np.ndarray  # (n, d)
    y: np.ndarray
    z: np.ndarray
    f: np.ndarray
    residual: np.ndarray  # f − y
    slope: np.ndarray  # f(1 − f) = σ'(z)
    contributions: np.ndarray  # (n, d + 1): residual · slope · [x, 1]

    @property
    def total(self) -> np.ndarray:
        """The column sums: the gradient, by the chain rule."""
        return self.contributions.sum(axis=0)

    @property
    def losses(self) -> np.ndarray:
        return 0.5 * self.residual ** 2


def chain_rule(x: np.ndarray, y: np.ndarray, theta: np.ndarray) -> ChainRule:
    xa = augmented(x)
    z = xa @ theta
    f = sigmoid(z)
    residual = f - y
    slope = f * (1.0 - f)
    return ChainRule(x=x, y=y, z=z, f=f, residual=residual, slope=slope,
                     contributions=xa * (residual * slope)[:, None])
