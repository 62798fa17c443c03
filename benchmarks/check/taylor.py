"""The Taylor test (pyadjoint's ``taylor_test``): remainders fall as h² for a right gradient.

The exact losses it needs do not depend on the implementation, so the parent computes them
once (``prepare``) and each implementation's check only adds its own linear term.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

from benchmarks.check import reference as ref
from impls.problem import Problem

TAYLOR_H0 = 1e-2
TAYLOR_HALVINGS = 8
TAYLOR_MIN_ORDER = 1.8


@dataclass(frozen=True)
class TaylorData:
    theta: np.ndarray
    direction: np.ndarray
    hs: list[float]
    steps: list[list[mpmath.mpf]]  # θ + h v − θ, exactly, per h
    base: mpmath.mpf  # L(θ)
    moved: list[mpmath.mpf]  # L(θ + h v) per h


def prepare(problem: Problem, theta: np.ndarray, direction: np.ndarray) -> TaylorData:
    scale = max(1.0, float(np.abs(theta).max()))
    hs = [TAYLOR_H0 * scale / 2**k for k in range(TAYLOR_HALVINGS)]
    with mpmath.workdps(ref.DIGITS):
        steps, moved = [], []
        for h in hs:
            point = theta + h * direction
            steps.append([mpmath.mpf(float(a)) - mpmath.mpf(float(b))
                          for a, b in zip(point, theta, strict=True)])
            moved.append(ref.reference_loss(problem, point))
        base = ref.reference_loss(problem, theta)
    return TaylorData(theta, direction, hs, steps, base, moved)


def taylor_test(data: TaylorData, grad: np.ndarray, grad_tol: np.ndarray) -> dict[str, Any]:
    """Remainders r(h) = |L(θ + hv) − L(θ) − h vᵀg| with L exact; order = log2 r(h)/r(h/2).

    A point counts only where the gradient error the tolerance allows (h |v|ᵀtol) is under 5%
    of r(h), so legitimate round-off cannot fake order 1. Where fewer than three points count
    the test is inconclusive: it neither passes nor fails, and the reference comparison
    stands alone.
    """
    remainders, usable = [], []
    with mpmath.workdps(ref.DIGITS):
        for step, moved in zip(data.steps, data.moved, strict=True):
            linear = mpmath.fsum(s * mpmath.mpf(float(g)) for s, g in zip(step, grad,
                                                                          strict=True))
            r = abs(moved - data.base - linear)
            allowed = float(sum(abs(s) * t for s, t in zip(step, grad_tol, strict=True)))
            remainders.append(float(r))
            usable.append(bool(allowed < 0.05 * float(r)))
    orders = [math.log2(a / b) if a > 0 and b > 0 else None
              for a, b in itertools.pairwise(remainders)]
    counted = [o for o, ok_a, ok_b in zip(orders, usable, usable[1:], strict=False)
               if ok_a and ok_b and o is not None]
    conclusive = len(counted) >= 2
    return {"h": data.hs, "remainder": remainders, "usable": usable, "orders": orders,
            "observed_order": float(np.median(counted)) if counted else None,
            "min_order": min(counted) if counted else None, "conclusive": conclusive,
            "passed": not conclusive or min(counted) >= TAYLOR_MIN_ORDER,
            "direction": data.direction.tolist()}
