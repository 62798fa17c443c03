"""Finite differences of the NumPy loss: the method every AD tool is checked against.

All perturbed losses come from one pass over the data (``Blocked.shifted_losses``): each block
forms z = x·w + b once and moves it by h·x_j per perturbation, so the gradient costs the
2(d + 1) (central) or d + 1 (forward) sigmoids and sums it needs, plus the value's.
"""

from __future__ import annotations

import numpy as np

from impls.base import NumpyImplementation
from impls.numpy_manual import Blocked
from impls.registry import register

SCALE = {(scheme, np.dtype(name)): np.finfo(name).eps ** power  # in the dtype, as the check
         for scheme, power in (("central", 1.0 / 3.0), ("forward", 0.5))
         for name in ("float64", "float32")}  # ε^power, worked out once: not in every call


def steps(theta: np.ndarray, scheme: str) -> np.ndarray:
    """h_j = ε^(1/3)·max(1, |θ_j|) for central, ε^(1/2)·max(1, |θ_j|) for forward differences.

    These balance truncation (O(h²) resp. O(h)) against cancellation (O(ε/h)); the step is
    then rounded so that θ_j + h_j − θ_j == h_j exactly.
    """
    h = SCALE[scheme, theta.dtype] * np.maximum(1.0, np.abs(theta))
    return (theta + h) - theta


@register
class FiniteDiff(NumpyImplementation):
    """Central differences: 2·(d + 1) perturbed losses per gradient, plus the value."""

    name = "finite-diff"
    method = "finite-difference"
    scheme = "central"
    error_model = "central-difference"

    def compile(self, theta) -> None:
        self.blocked = Blocked(self.x, self.y)

    def loss_native(self, theta):
        return self.blocked.loss(theta)

    def value_and_grad_native(self, theta):
        h = steps(theta, self.scheme)
        shifts = np.array([h, -h]) if self.scheme == "central" else h[None, :]
        value, moved = self.blocked.shifted_losses(theta, shifts)
        if self.scheme == "central":
            grad = (moved[0] - moved[1]) / (2 * h)
        else:
            grad = (moved[0] - value) / h
        return theta.dtype.type(value), grad.astype(theta.dtype)


@register
class ForwardDiff(FiniteDiff):
    """Forward differences: d + 1 perturbed losses and the value, first-order accurate."""

    name = "finite-diff-forward"
    scheme = "forward"
    error_model = "forward-difference"
