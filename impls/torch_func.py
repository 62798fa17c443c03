"""PyTorch's functional transforms: ``torch.func.grad_and_value``."""

from __future__ import annotations

import torch.func

from impls.registry import register
from impls.torch_common import TorchBase, loss


@register
class TorchFunc(TorchBase):
    name = "torch-func"
    method = "reverse-mode"

    def compile(self, theta) -> None:
        self._grad_and_value = torch.func.grad_and_value(loss)

    def value_and_grad_native(self, theta):
        grad, value = self._grad_and_value(theta, self.x, self.y)
        return value, grad
