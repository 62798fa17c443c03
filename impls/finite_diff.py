"""Finite differences of the NumPy loss: the method every AD tool is checked against."""

from __future__ import annotations

import numpy as np

from impls import numpy_manual
from impls.base import NumpyImplementation
from impls.registry import register


def steps(theta: np.ndarray, scheme: str) -> np.ndarray:
    """h_j = ε^(1/3)·max(1, |θ_j|) for central, ε^(1/2)·max(1, |θ_j|) for forward differences.

    These balance truncation (O(h²) resp. O(h)) against cancellation (O(ε/h)); the step is
    then rounded so that θ_j + h_j − θ_j == h_j exactly.
    """
    eps = np.finfo(theta.dtype).eps
    power = 1.0 / 3.0 if scheme == "central" else 0.5
    h = eps**power * np.maximum(1.0, np.abs(theta))
    return (theta + h) - theta


@register
class FiniteDiff(NumpyImplementation):
    """Central differences: 2·(d + 1) loss evaluations per gradient."""

    name = "finite-diff"
    method = "finite-difference"
    scheme = "central"
    error_model = "central-difference"

    def loss_native(self, theta):
        return numpy_manual.loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        h = steps(theta, self.scheme)
        value = self.loss_native(theta)
        grad = np.empty_like(theta)
        for j in range(theta.size):
            up = theta.copy()
            up[j] += h[j]
            if self.scheme == "central":
                down = theta.copy()
                down[j] -= h[j]
                grad[j] = (self.loss_native(up) - self.loss_native(down)) / (2 * h[j])
            else:
                grad[j] = (self.loss_native(up) - value) / h[j]
        return value, grad


@register
class ForwardDiff(FiniteDiff):
    """Forward differences: d + 2 loss evaluations, first-order accurate."""

    name = "finite-diff-forward"
    scheme = "forward"
    error_model = "forward-difference"
