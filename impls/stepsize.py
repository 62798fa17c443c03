"""Which learning rates descend: the curvature bound L of L(θ) and the steps 1/L and 2/L.

Per point ℓ(z) = ½(σ(z) − y)², with s = σ(z):
    ℓ″(z) = σ′² + (σ − y)σ″ = s(1 − s)·[s(1 − s) + (s − y)(1 − 2s)].
It is linear in y, so over y ∈ [0, 1] its extremes sit at y = 0 or y = 1, and the two are
mirror images (s → 1 − s, y → 1 − y). At y = 0 it is h(s) = s²(1 − s)(2 − 3s), whose
stationary points are s = (15 ∓ √33)/24; hence for every z and every y ∈ [0, 1]
    −C_NEGATIVE ≤ ℓ″(z) ≤ CURVATURE,  CURVATURE = h((15 − √33)/24) ≈ 0.0770,
                                      C_NEGATIVE = −h((15 + √33)/24) ≈ 0.0601.
The Hessian is H(θ) = X̃ᵀ diag(ℓ″(z_i)) X̃ with X̃ = [X 1], so ‖H(θ)‖₂ ≤ L = CURVATURE ·
λ_max(X̃ᵀX̃) everywhere. Taylor's theorem with the second-order remainder then gives, for the
step θ' = θ − η∇L(θ),
    L(θ') ≤ L(θ) − η(1 − ηL/2)‖∇L(θ)‖²,
so η ≤ 1/L lowers the loss by at least η/2‖∇L‖² at every step, and any η < 2/L still lowers
it at every step (it never diverges). Above 2/L nothing is promised: descent may oscillate
or rise. The bound is for exact arithmetic; it holds for any θ, so it needs no training run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


def _h(s: float) -> float:
    return s * s * (1.0 - s) * (2.0 - 3.0 * s)


CURVATURE = _h((15.0 - math.sqrt(33.0)) / 24.0)  # max ℓ″ over z and y ∈ [0, 1]
C_NEGATIVE = -_h((15.0 + math.sqrt(33.0)) / 24.0)  # −min ℓ″: the loss is not convex


def gram_lambda_max(x: np.ndarray) -> float:
    """λ_max of X̃ᵀX̃, X̃ = [x 1], without forming X̃ (one pass over x)."""
    x = np.asarray(x, dtype=np.float64)
    gram = np.empty((x.shape[1] + 1, x.shape[1] + 1))
    gram[:-1, :-1] = x.T @ x
    gram[:-1, -1] = gram[-1, :-1] = x.sum(axis=0)
    gram[-1, -1] = x.shape[0]
    return float(np.linalg.eigvalsh(gram)[-1])


@dataclass(frozen=True)
class StepBound:
    """L = c·λ_max(X̃ᵀX̃) and the learning rates it guarantees to descend (1/L) or not rise (2/L)."""

    lambda_max: float
    curvature: float = CURVATURE

    @property
    def smoothness(self) -> float:
        return self.curvature * self.lambda_max

    @property
    def eta_descent(self) -> float:
        """1/L: every step lowers the loss by at least η/2·‖∇L‖²."""
        return 1.0 / self.smoothness

    @property
    def eta_stable(self) -> float:
        """2/L: every η below it lowers the loss at every step."""
        return 2.0 / self.smoothness

    def too_large(self, eta: float) -> bool:
        return eta > self.eta_stable

    def text(self) -> str:
        return (f"L = c·λ_max([X 1]ᵀ[X 1]) = {self.curvature:.4f} × {self.lambda_max:.6g} = "
                f"{self.smoothness:.6g}: η ≤ 1/L = {self.eta_descent:.4g} lowers the loss at "
                f"every step, η < 2/L = {self.eta_stable:.4g} never lets it rise")

    def describe(self) -> dict[str, Any]:
        return {"curvature_c": self.curvature, "lambda_max": self.lambda_max,
                "L": self.smoothness, "eta_descent": self.eta_descent,
                "eta_stable": self.eta_stable,
                "rule": "L = c·λ_max([X 1]ᵀ[X 1]) bounds ‖∇²L(θ)‖ for every θ (c = max ℓ″ "
                        "over z and y ∈ [0, 1]); η ≤ 1/L lowers L at every step, η < 2/L "
                        "never raises it (impls.stepsize)"}


def step_bound(x: np.ndarray) -> StepBound:
    return StepBound(lambda_max=gram_lambda_max(x))  # > 0: the trace of X̃ᵀX̃ is at least n
