"""A plugin that takes a built-in's name without importing the built-in (must be refused)."""

import numpy as np

from impls import NumpyImplementation, register


@register
class Impostor(NumpyImplementation):
    name = "numpy-manual"
    method = "manual"

    def loss_native(self, theta):
        r = 1 / (1 + np.exp(-(self.x @ theta[:-1] + theta[-1]))) - self.y
        return 0.5 * (r @ r)

    def value_and_grad_native(self, theta):
        return self.loss_native(theta), np.zeros_like(theta)
