"""The seed's per-point derivation as a plain Python loop: the readable reference, slow by design.

For each point: z = x·w + b, f = σ(z), δ = (f − y) f (1 − f); then ∂L/∂w_k += δ x_k and
∂L/∂b += δ. Python has only double floats: on a float32 problem the data are float32 values
but the arithmetic is double, and θ is rounded to float32 after each update, as it is stored
in that dtype everywhere else. So its float32 accuracy is float64's, not float32's.
"""

from __future__ import annotations

import math

import numpy as np

from impls.base import Implementation
from impls.registry import register


def sigmoid(z: float) -> float:
    """exp of a non-positive argument only: no OverflowError from math.exp for any z."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@register
class PythonLoop(Implementation):
    name = "python-loop"
    method = "manual"
    framework = "python"
    # A few µs per point (0.3 s a gradient at N = 10^5, d = 1): beyond, a sweep's repeats
    # would take minutes to say what is already clear.
    max_n = 100_000

    def asarray(self, a: np.ndarray) -> list:
        return a.tolist()  # native data: lists of Python floats, converted once in prepare

    def _points(self, theta):
        """(x_i, z_i, f_i, f_i − y_i) for each point, in order."""
        *w, b = theta
        for xi, yi in zip(self.x, self.y, strict=True):
            z = sum(a * c for a, c in zip(xi, w, strict=True)) + b
            f = sigmoid(z)
            yield xi, z, f, f - yi

    def compile(self, theta) -> None:
        single = self.problem.dtype == "float32"
        self._store = (lambda v: float(np.float32(v))) if single else float

    def descend(self, theta, grad):
        store = self._store
        return [store(t - self.eta * g) for t, g in zip(theta, grad, strict=True)]

    def loss_native(self, theta):
        return sum(0.5 * r * r for _, _, _, r in self._points(theta))

    def value_and_grad_native(self, theta):
        total = 0.0
        grad = [0.0] * len(theta)
        for xi, z, f, r in self._points(theta):
            total += 0.5 * r * r
            delta = r * f * sigmoid(-z)  # f (1 − f) as σ(z) σ(−z): keeps digits where f ≈ 1
            for k, a in enumerate(xi):
                grad[k] += delta * a
            grad[-1] += delta
        return total, grad
