"""The Taylor expansion at work, and the angle argument that picks −∇L as the direction.

L(θ + ηu) ≈ L(θ) + η uᵀ∇L + ½η² uᵀHu. For the descent step u = −∇L the first-order change is
−η‖∇L‖² and its error shrinks as η²; adding the exact Hessian term leaves an error of order
η³. For a unit direction at angle β to ∇L, the first-order change s‖∇L‖cos β is smallest at
β = 180°.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from benchmarks.explain.calculus import gradient, hessian, loss_change

OCTAVES_BELOW, OCTAVES_ABOVE = 10, 3  # η from η/1024 to at least 8η
BREAKDOWN_STEP = 2.0  # go on up to a step this long in θ, where first order surely fails
MAX_OCTAVES_ABOVE = 16


@dataclass(frozen=True)
class TaylorRow:
    eta: float
    actual: float  # L(θ − η∇L) − L(θ)
    first: float  # −η‖∇L‖²
    second: float  # −η‖∇L‖² + ½η² ∇Lᵀ H ∇L

    @property
    def first_error(self) -> float:
        return abs(self.actual - self.first)

    @property
    def second_error(self) -> float:
        return abs(self.actual - self.second)


def default_etas(eta: float, grad_norm: float) -> np.ndarray:
    """η/1024 … 8η, and on (doubling) until the step η‖∇L‖ is about BREAKDOWN_STEP long."""
    above = OCTAVES_ABOVE
    if grad_norm > 0:
        needed = math.ceil(math.log2(max(BREAKDOWN_STEP / (eta * grad_norm), 1.0)))
        above = min(max(above, needed), MAX_OCTAVES_ABOVE)
    return eta * 2.0 ** np.arange(-OCTAVES_BELOW, above + 1, dtype=float)


def taylor_table(x: np.ndarray, y: np.ndarray, theta: np.ndarray,
                 etas: np.ndarray) -> list[TaylorRow]:
    g = gradient(x, y, theta)
    curvature = float(g @ hessian(x, y, theta) @ g)
    slope = float(g @ g)
    return [TaylorRow(eta=float(eta), actual=loss_change(x, y, theta, -eta * g),
                      first=-eta * slope, second=-eta * slope + 0.5 * eta**2 * curvature)
            for eta in etas]


def order_ratios(rows: list[TaylorRow]) -> list[dict[str, float]]:
    """Error ratios between successive η (each twice the last): 4 means η², 8 means η³."""
    out = []
    for small, large in itertools.pairwise(rows):
        if small.first_error > 0 and small.second_error > 0:
            out.append({"eta": large.eta, "first": large.first_error / small.first_error,
                        "second": large.second_error / small.second_error})
    return out


@dataclass(frozen=True)
class AngleSweep:
    """Loss change after a step of fixed length at angle β to ∇L (in the plane of ∇L and a
    fixed perpendicular direction)."""

    step_length: float
    betas_deg: np.ndarray
    actual: np.ndarray
    first: np.ndarray  # s‖∇L‖ cos β
    perpendicular: np.ndarray

    @property
    def best_beta(self) -> float:
        return float(self.betas_deg[int(np.argmin(self.actual))])


def perpendicular(g: np.ndarray, seed: int = 0) -> np.ndarray:
    """A unit vector orthogonal to g: g turned by 90° in 2-D, else a seeded draw made so."""
    if g.size == 2:
        p = np.array([-g[1], g[0]])
    else:
        p = np.random.default_rng(seed).standard_normal(g.size)
        p -= (p @ g) / (g @ g) * g
    return p / np.linalg.norm(p)


def angle_sweep(x: np.ndarray, y: np.ndarray, theta: np.ndarray, step_length: float,
                step_deg: float = 1.0) -> AngleSweep:
    g = gradient(x, y, theta)
    unit = g / np.linalg.norm(g)
    p = perpendicular(g)
    betas = np.arange(0.0, 360.0 + step_deg / 2, step_deg)
    radians = np.deg2rad(betas)
    actual = np.array([loss_change(x, y, theta, step_length * (np.cos(r) * unit + np.sin(r) * p))
                       for r in radians])
    first = step_length * float(np.linalg.norm(g)) * np.cos(radians)
    return AngleSweep(step_length=step_length, betas_deg=betas, actual=actual, first=first,
                      perpendicular=p)
