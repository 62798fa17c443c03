"""A gradient one entry short: the sweep must not call it "ok" (issue 12, item 11)."""

from impls import NumpyImplementation, register
from impls.numpy_manual import loss, value_and_grad


@register
class WrongShape(NumpyImplementation):
    name = "wrong-shape"
    method = "manual"

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(theta, self.x, self.y)
        return value, grad[:-1]
