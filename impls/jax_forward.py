"""JAX forward mode: ``jax.jacfwd``, one JVP per parameter (vmapped), compiled with ``jax.jit``.

Forward mode costs d + 1 tangent passes where reverse mode costs one backward pass; the
benchmark shows where that costs little (small d) and where it dominates.
"""

from __future__ import annotations

import jax

from impls.base import value_twice
from impls.jax_grad import JaxBase
from impls.registry import register


def forward_value_and_grad(loss):
    """(θ, x, y) -> (value, gradient) by ``jacfwd``; the value is its aux, not another pass."""
    jacobian = jax.jacfwd(value_twice(loss), has_aux=True)

    def value_and_grad(theta, x, y):
        grad, value = jacobian(theta, x, y)
        return value, grad

    return value_and_grad


@register
class JaxForward(JaxBase):
    """JaxBase with the forward transform: devices, blocking and fused training are shared."""

    name = "jax-forward"
    method = "forward-mode"
    transform = staticmethod(forward_value_and_grad)
