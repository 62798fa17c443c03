"""PyTorch eager autograd: a leaf tensor with ``requires_grad`` and ``backward()``."""

from __future__ import annotations

from impls.registry import register
from impls.torch_common import TorchBase, loss


@register
class TorchAutograd(TorchBase):
    name = "torch-autograd"
    method = "reverse-mode"

    def value_and_grad_native(self, theta):
        # A fresh leaf per call: no gradient accumulates across calls, nothing to zero.
        leaf = theta.detach().requires_grad_(True)
        value = loss(leaf, self.x, self.y)
        value.backward()
        return value.detach(), leaf.grad
