"""JAX reverse mode: ``jax.value_and_grad``, compiled with ``jax.jit`` or run op by op.

The loss is written the way its users write it: ``w * x + b`` on a vector x when d = 1 (an
(N, 1) matrix product there makes XLA's CPU loss 16× slower), ``x @ w + b`` otherwise.

Why the plain ``jit(value_and_grad(loss))`` costs 4× its loss on a CPU: XLA's CPU backend does
not fuse the backward pass's reductions (Σδ·x and Σδ) with the elementwise work that feeds
them, so σ, the residual and δ are written to length-N arrays and read back once per
reduction. Compiled for the CPU, the data are therefore cut in prepare into blocks of
``BLOCK`` points and the same ``value_and_grad`` runs over them in a ``lax.scan``: every
intermediate then lives in cache, and the gradient costs about 1.2× the loss at N = 10⁷
(measured in results/reference-fair/README.md). Blocks are cut once, in prepare, not inside the
compiled function, where slicing x would copy it on every call.
"""

from __future__ import annotations

import os

# On a GPU, XLA would otherwise take 75% of the device's memory at start-up: two JAX workers
# could not share it, and the recorded peak would be the pool, not what the gradient needs.
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

import jax

jax.config.update("jax_enable_x64", True)  # float64 problems need it; float32 stays float32

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from impls.base import Implementation  # noqa: E402
from impls.registry import register  # noqa: E402

BLOCK = 16_384  # points per block of the compiled CPU gradient


def loss(theta, x, y):
    """½ Σ (σ(x·w + b) − y)²; x is a vector for d = 1 and a matrix otherwise."""
    # "highest": float32 products in float32 on a GPU, where XLA would otherwise use TF32 (10
    # mantissa bits) and a float32 gradient would carry bf16-sized errors; no effect on a CPU
    z = (theta[0] * x + theta[1] if x.ndim == 1
         else jnp.matmul(x, theta[:-1], precision="highest") + theta[-1])
    return 0.5 * jnp.sum((jax.nn.sigmoid(z) - y) ** 2)


def split(x: np.ndarray, y: np.ndarray, block: int | None) -> tuple[np.ndarray, ...]:
    """(blocks of x, blocks of y, the rest of x, the rest of y); x a vector when d = 1.

    Without a whole block (``block`` None or larger than N) just (x, y): fewer arguments
    make a cheaper call at small N.
    """
    n, d = x.shape
    features = x.reshape(n) if d == 1 else x
    if block is None or n < block:
        return features, y
    cut = n - n % block
    rows = (cut // block, block)
    return (features[:cut].reshape(*rows, *features.shape[1:]), y[:cut].reshape(rows),
            features[cut:], y[cut:])


def total_loss(theta, data):
    *blocks, xt, yt = data
    value = loss(theta, xt, yt)
    if blocks:  # static: known when the function is traced
        xb, yb = blocks
        value += loss(theta, xb.reshape(-1, *xt.shape[1:]), yb.reshape(-1))
    return value


def over_blocks(value_and_grad):
    """``value_and_grad(theta, x, y)`` summed over the rest and then the blocks, in a scan."""

    def run(theta, data):
        *blocks, xt, yt = data
        value, grad = value_and_grad(theta, xt, yt)
        if blocks:
            def body(carry, block):
                v, g = value_and_grad(theta, *block)
                return (carry[0] + v, carry[1] + g), None

            (value, grad), _ = jax.lax.scan(body, (value, grad), tuple(blocks))
        return value, grad

    return run


class JaxBase(Implementation):
    """A JAX implementation is its derivative transform; compilation and blocking are shared."""

    method = "reverse-mode"
    framework = "jax"
    requires = ("jax", "jaxlib")
    devices = ("cpu", "cuda")
    jit = True
    transform = staticmethod(jax.value_and_grad)  # loss -> (θ, x, y) -> (value, gradient)

    @classmethod
    def device_unavailable_reason(cls, device: str) -> str | None:
        try:
            jax.devices("gpu")
        except RuntimeError:
            return "JAX sees no GPU (install a CUDA build of jaxlib)"
        return None

    @property
    def platform(self) -> str:
        """JAX's name for the device's platform."""
        return "gpu" if self.device == "cuda" else "cpu"

    def asarray(self, a: np.ndarray):
        return jax.device_put(a, jax.devices(self.platform)[0])

    def to_numpy(self, a) -> np.ndarray:
        return np.asarray(a, dtype=np.float64)

    def block(self, out):
        return jax.block_until_ready(out)

    def device_peak_bytes(self) -> int | None:
        """XLA's ``peak_bytes_in_use`` on the GPU: since the process started (JAX has no reset),
        so a worker's later, smaller configurations report its earlier peak."""
        if self.platform == "cpu":
            return None
        peaks = [(d.memory_stats() or {}).get("peak_bytes_in_use")
                 for d in jax.devices(self.platform)]
        known = [int(p) for p in peaks if p is not None]
        return sum(known) if known else None  # summed over GPUs: jax-sharded uses them all

    @property
    def block_size(self) -> int | None:
        """Blocks pay on a CPU (see the module docstring); a GPU fuses the plain form itself."""
        return BLOCK if self.jit and self.device == "cpu" else None

    def layout(self):
        """The data as the compiled functions take them (a pytree of native arrays)."""
        return tuple(self.asarray(a) for a in split(self.problem.x, self.problem.y,
                                                    self.block_size))

    def functions(self):
        """(θ, data) -> loss and (θ, data) -> (loss, gradient), over ``layout``'s data."""
        return total_loss, over_blocks(self.transform(loss))

    def compile(self, theta) -> None:
        eta = self.eta
        self.data = self.layout()
        del self.x, self.y  # the layout replaces them: one copy of the data, not two
        total, value_and_grad = self.functions()

        def step(theta, data):
            return theta - eta * value_and_grad(theta, data)[1]

        def train(theta, data, steps):
            def body(theta, _):
                value, grad = value_and_grad(theta, data)
                return theta - eta * grad, value

            return jax.lax.scan(body, theta, None, length=steps)

        self._train_fn = train
        self._trains: dict[int, object] = {}
        args = (theta, self.data)
        if self.jit:
            # jit's own dispatch (a C++ fast path; an AOT ``Compiled`` call is slower Python),
            # compiled here by one call each, so the first timed call is not a compile
            self._loss, self._vg, self._step = (jax.jit(f) for f in (total, value_and_grad, step))
            for fn in (self._loss, self._vg, self._step):
                self.block(fn(*args))
        else:
            self._loss, self._vg, self._step = total, value_and_grad, step

    def compile_train(self, theta, steps: int) -> None:
        if self.jit and steps not in self._trains:
            fused = jax.jit(self._train_fn, static_argnums=2)
            self._trains[steps] = fused.lower(theta, self.data, steps).compile()

    def loss_native(self, theta):
        return self._loss(theta, self.data)

    def value_and_grad_native(self, theta):
        return self._vg(theta, self.data)

    def step_native(self, theta):
        return self._step(theta, self.data)

    def train_native(self, theta, steps):
        if not self.jit:
            return super().train_native(theta, steps)
        return self._trains[steps](theta, self.data)


@register
class JaxJit(JaxBase):
    """Compiled by XLA; the training loop is one ``lax.scan``."""

    name = "jax-jit"


@register
class JaxEager(JaxBase):
    """The same functions dispatched op by op: what jit saves."""

    name = "jax-eager"
    jit = False
