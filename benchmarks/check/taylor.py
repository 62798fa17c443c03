"""The Taylor test (pyadjoint's ``taylor_test``): remainders fall as h² for a right gradient.

The exact losses it needs do not depend on the implementation, so the parent computes them
once (``prepare``) and each implementation's check only adds its own linear term. The
largest step moves no z by more than TAYLOR_MAX_DZ: on raw features h = 1e-2 moves z by
whole units, where the remainder is not yet O(h²) and a right gradient's order starts at 1.7.
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
TAYLOR_MAX_DZ = 0.1


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
    x = problem.x.astype(np.float64)
    dz = float(np.abs(x @ direction[:-1] + direction[-1]).max())
    h0 = min(TAYLOR_H0 * scale, TAYLOR_MAX_DZ / dz) if dz > 0 else TAYLOR_H0 * scale
    hs = [h0 / 2**k for k in range(TAYLOR_HALVINGS)]
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
    counted = [i for i, (o, ok_a, ok_b) in enumerate(zip(orders, usable, usable[1:],
                                                          strict=False))
               if ok_a and ok_b and o is not None]
    conclusive = len(counted) >= 2
    lowest = min(counted, key=lambda i: orders[i]) if counted else None
    return {"h": data.hs, "remainder": remainders, "usable": usable, "orders": orders,
            "observed_order": float(np.median([orders[i] for i in counted])) if counted
            else None,
            "min_order": orders[lowest] if lowest is not None else None,
            "min_order_between": None if lowest is None else data.hs[lowest:lowest + 2],
            "required_order": TAYLOR_MIN_ORDER, "conclusive": conclusive,
            "passed": not conclusive or orders[lowest] >= TAYLOR_MIN_ORDER,
            "direction": data.direction.tolist()}


def failure_message(test: dict[str, Any]) -> str:
    """What failed: the lowest order of one halving, against the order each must reach."""
    h_a, h_b = test["min_order_between"]
    return (f"Taylor test at the probe: the remainder's order is {test['min_order']:.2f} from "
            f"h = {h_a:.3g} to h = {h_b:.3g}, below the {test['required_order']:.2f} every "
            f"usable halving must reach (≈ 1 means a wrong gradient; median order "
            f"{test['observed_order']:.2f})")
