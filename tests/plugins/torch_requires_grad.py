"""A torch plugin as people first write one: autograd's outputs returned as they are, so the
value and the gradient are tensors that still require grad (or belong to a graph)."""

import torch

from impls import Implementation, register


@register
class TorchStillAttached(Implementation):
    name, method, framework = "torch-still-attached", "reverse-mode", "torch"

    def asarray(self, a):
        return torch.from_numpy(a.copy())

    def _loss(self, theta):
        z = self.x @ theta[:-1] + theta[-1]
        return 0.5 * ((torch.sigmoid(z) - self.y) ** 2).sum()

    def loss_native(self, theta):
        return self._loss(theta.detach().requires_grad_(True))  # requires grad

    def value_and_grad_native(self, theta):
        theta = theta.detach().requires_grad_(True)
        value = self._loss(theta)
        (grad,) = torch.autograd.grad(value, theta, create_graph=True)  # grad requires grad
        return value, grad

    def step_native(self, theta):
        return theta - self.eta * self.value_and_grad_native(theta)[1]

    def train_native(self, theta, steps):
        losses = []
        for _ in range(steps):
            value, grad = self.value_and_grad_native(theta)
            losses.append(value)
            theta = theta - self.eta * grad
        return theta, losses
