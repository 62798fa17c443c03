"""A deliberately wrong gradient (the f (1 − f) factor dropped): ``check`` must fail it."""

import numpy as np

from impls import NumpyImplementation, register
from impls.numpy_manual import loss, sigmoid


@register
class WrongGradient(NumpyImplementation):
    name = "wrong-gradient"
    method = "manual"

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        residual = sigmoid(self.x @ theta[:-1] + theta[-1]) - self.y
        return 0.5 * (residual @ residual), np.append(self.x.T @ residual, residual.sum())
