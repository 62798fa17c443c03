"""A complete plugin: the chain rule in NumPy with the textbook sigmoid 1 / (1 + exp(−z)).

    updatebench check --plugin examples/plugin_numpy_float.py --impl numpy-textbook
"""

import numpy as np

from impls import Implementation, register


@register
class NumpyTextbook(Implementation):
    name = "numpy-textbook"
    method = "manual"

    def asarray(self, a):
        return np.ascontiguousarray(a)

    def _forward(self, theta):
        z = self.x @ theta[:-1] + theta[-1]
        with np.errstate(over="ignore"):  # exp(1000) = inf gives the right limit f = 0
            f = 1.0 / (1.0 + np.exp(-z))
        return f, f - self.y

    def loss_native(self, theta):
        _, r = self._forward(theta)
        return 0.5 * (r @ r)

    def value_and_grad_native(self, theta):
        f, r = self._forward(theta)
        delta = r * f * (1.0 - f)
        return 0.5 * (r @ r), np.append(self.x.T @ delta, delta.sum())
