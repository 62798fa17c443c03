"""JAX written the natural way: ``jax.jit(jax.value_and_grad(loss))`` and no ``block``.

JAX dispatches asynchronously, so each call returns before its result exists; the worker,
not the implementation, must wait for it (``benchmarks.measure.calls``).
"""

import jax
import jax.numpy as jnp

from impls import Implementation, register

jax.config.update("jax_enable_x64", True)


def loss(theta, x, y):
    return 0.5 * jnp.sum((jax.nn.sigmoid(x @ theta[:-1] + theta[-1]) - y) ** 2)


@register
class NaturalJax(Implementation):
    name = "natural-jax"
    method = "reverse-mode"
    framework = "jax"
    requires = ("jax",)

    def asarray(self, a):
        return jnp.asarray(a)

    def compile(self, theta):
        self._loss = jax.jit(loss)
        self._vg = jax.jit(jax.value_and_grad(loss))

    def loss_native(self, theta):
        return self._loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        return self._vg(theta, self.x, self.y)
