"""A plugin that registers a built-in's name without importing the built-in."""

from impls import NumpyImplementation, register
from impls.numpy_manual import loss, value_and_grad


@register
class Impostor(NumpyImplementation):
    name = "numpy-manual"
    method = "manual"

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        return 2 * value_and_grad(theta, self.x, self.y)[1]
