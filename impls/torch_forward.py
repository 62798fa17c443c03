"""PyTorch forward mode: ``torch.func.jacfwd``, a vmapped JVP per parameter (dual numbers)."""

from __future__ import annotations

import torch.func

from impls.base import value_twice
from impls.registry import register
from impls.torch_common import TorchBase, loss


@register
class TorchForward(TorchBase):
    name = "torch-forward"
    method = "forward-mode"

    def compile(self, theta) -> None:
        self._jacfwd = torch.func.jacfwd(value_twice(loss), has_aux=True)

    def value_and_grad_native(self, theta):
        grad, value = self._jacfwd(theta, self.x, self.y)
        # Forward AD promotes a 0-d float32 tangent times a Python float (loss's ½) to float64
        # (pytorch/pytorch#160513, #90065); scaling by ½ is exact, so casting back loses nothing.
        return value, grad.to(theta.dtype)
