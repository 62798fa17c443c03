"""JAX reverse mode: ``jax.value_and_grad``, compiled with ``jax.jit`` or run op by op."""

from __future__ import annotations

import jax

jax.config.update("jax_enable_x64", True)  # float64 problems need it; float32 stays float32

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from impls.base import Implementation  # noqa: E402
from impls.registry import register  # noqa: E402


def loss(theta, x, y):
    residual = jax.nn.sigmoid(x @ theta[:-1] + theta[-1]) - y
    return 0.5 * jnp.vdot(residual, residual)


class JaxBase(Implementation):
    method = "reverse-mode"
    framework = "jax"
    requires = ("jax", "jaxlib")
    devices = ("cpu", "cuda")
    jit = True

    @classmethod
    def device_unavailable_reason(cls, device: str) -> str | None:
        try:
            jax.devices("gpu")
        except RuntimeError:
            return "JAX sees no GPU (install a CUDA build of jaxlib)"
        return None

    def asarray(self, a: np.ndarray):
        platform = "gpu" if self.device == "cuda" else "cpu"
        return jax.device_put(a, jax.devices(platform)[0])

    def to_numpy(self, a) -> np.ndarray:
        return np.asarray(a, dtype=np.float64)

    def block(self, out):
        return jax.block_until_ready(out)

    def compile(self, theta) -> None:
        eta = self.eta

        def value_and_grad(theta, x, y):
            return jax.value_and_grad(loss)(theta, x, y)

        def step(theta, x, y):
            return theta - eta * jax.grad(loss)(theta, x, y)

        def train(theta, x, y, steps):
            def body(theta, _):
                value, grad = value_and_grad(theta, x, y)
                return theta - eta * grad, value

            return jax.lax.scan(body, theta, None, length=steps)

        self._train_fn = train
        self._trains: dict[int, object] = {}
        args = (theta, self.x, self.y)
        if self.jit:  # ahead of time, so the first timed call is not a compile
            self._loss = jax.jit(loss).lower(*args).compile()
            self._vg = jax.jit(value_and_grad).lower(*args).compile()
            self._step = jax.jit(step).lower(*args).compile()
        else:
            self._loss, self._vg, self._step = loss, value_and_grad, step

    def compile_train(self, theta, steps: int) -> None:
        if self.jit and steps not in self._trains:
            fused = jax.jit(self._train_fn, static_argnums=3)
            self._trains[steps] = fused.lower(theta, self.x, self.y, steps).compile()

    def loss_native(self, theta):
        return self._loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        return self._vg(theta, self.x, self.y)

    def step_native(self, theta):
        return self._step(theta, self.x, self.y)

    def train_native(self, theta, steps):
        if not self.jit:
            return super().train_native(theta, steps)
        return self._trains[steps](theta, self.x, self.y)


@register
class JaxJit(JaxBase):
    """Compiled by XLA; the training loop is one ``lax.scan``."""

    name = "jax-jit"


@register
class JaxEager(JaxBase):
    """The same functions dispatched op by op: what jit saves."""

    name = "jax-eager"
    jit = False
