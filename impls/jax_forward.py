"""JAX forward mode: ``jax.jacfwd``, one JVP per parameter (vmapped), compiled with ``jax.jit``.

Forward mode costs d + 1 tangent passes where reverse mode costs one backward pass; the
benchmark shows where that costs little (small d) and where it dominates.
"""

from __future__ import annotations

import jax

from impls.jax_grad import JaxBase, loss
from impls.registry import register


def _loss_twice(theta, x, y):
    value = loss(theta, x, y)
    return value, value  # the second is jacfwd's aux: the primal it computes anyway


def value_and_grad(theta, x, y):
    grad, value = jax.jacfwd(_loss_twice, has_aux=True)(theta, x, y)
    return value, grad


@register
class JaxForward(JaxBase):
    """Reuses JaxBase's devices, blocking and fused training; only the derivatives differ."""

    name = "jax-forward"
    method = "forward-mode"

    def compile(self, theta) -> None:
        eta = self.eta

        def step(theta, x, y):
            return theta - eta * value_and_grad(theta, x, y)[1]

        def train(theta, x, y, steps):
            def body(theta, _):
                value, grad = value_and_grad(theta, x, y)
                return theta - eta * grad, value

            return jax.lax.scan(body, theta, None, length=steps)

        self._train_fn = train  # what JaxBase.compile_train compiles per step count
        self._trains: dict[int, object] = {}
        args = (theta, self.x, self.y)
        self._loss = jax.jit(loss).lower(*args).compile()
        self._vg = jax.jit(value_and_grad).lower(*args).compile()
        self._step = jax.jit(step).lower(*args).compile()
