"""The first ``numpy-manual``, kept for one before-and-after comparison in the same run.

σ through ``logaddexp`` (two transcendental calls per sigmoid), two sigmoids per point and an
(N, 1) matrix product for d = 1, with every intermediate a fresh length-N array:

    updatebench sweep --plugin examples/plugin_numpy_manual_v1.py \\
        --impl numpy-manual-v1 numpy-manual
"""

from __future__ import annotations

import numpy as np

from impls import NumpyImplementation, register


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = exp(−log(1 + e^−z)): no overflow for any z, and σ(−z) is exact for the tail."""
    return np.exp(-np.logaddexp(0, -z))


def loss(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    residual = sigmoid(x @ theta[:-1] + theta[-1]) - y
    return 0.5 * (residual @ residual)


def value_and_grad(theta: np.ndarray, x: np.ndarray, y: np.ndarray):
    z = x @ theta[:-1] + theta[-1]
    f = sigmoid(z)
    residual = f - y
    # f (1 − f) written as σ(z) σ(−z), so the tail where f rounds to 1 keeps its digits.
    delta = residual * f * sigmoid(-z)
    grad = np.empty_like(theta)
    grad[:-1] = x.T @ delta
    grad[-1] = delta.sum()
    return 0.5 * (residual @ residual), grad


@register
class NumpyManualV1(NumpyImplementation):
    name = "numpy-manual-v1"
    method = "manual"
    framework = "numpy"

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        return value_and_grad(theta, self.x, self.y)
