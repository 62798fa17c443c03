"""HIPS autograd: ``autograd.value_and_grad`` tracing ``autograd.numpy`` operations (reverse mode).

The library that introduced NumPy-transparent reverse mode; its per-operation tracing in
Python is the overhead JAX's jit removes.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp

from impls.base import NumpyImplementation
from impls.registry import register


def sigmoid(z):
    """exp(−log(1 + e^−z)), as impls.numpy_manual: logaddexp's own gradient, e^(−z − log(1 +
    e^−z)), only exponentiates non-positive numbers, so neither pass overflows at |z| = 1000."""
    return anp.exp(-anp.logaddexp(0, -z))


def loss(theta, x, y):
    residual = sigmoid(anp.dot(x, theta[:-1]) + theta[-1]) - y
    return 0.5 * anp.dot(residual, residual)


@register
class AutogradHips(NumpyImplementation):
    name = "autograd"
    method = "reverse-mode"
    framework = "autograd"
    requires = ("autograd",)

    def compile(self, theta) -> None:
        self._value_and_grad = autograd.value_and_grad(loss)

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        return self._value_and_grad(theta, self.x, self.y)
