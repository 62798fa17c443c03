"""JAX data parallel: ``jax.jit`` over data sharded across every device of the platform.

The points are split into k equal parts, one per device (a ``NamedSharding`` over the leading
axis of a one-axis ``Mesh``); θ and the N mod k points left over are replicated. Each device
computes its part's loss and gradient (cut into cache-sized blocks on a CPU, as ``jax-jit``
does), and the sum over the sharded axis is the one reduction XLA makes across devices; the
leftover points are added on every device, so any N gives the exact gradient. The same code
runs on one CPU, on several host devices (``--xla_force_host_platform_device_count``) and on
several GPUs. Padding instead would need a mask: a zero row still adds ½(σ(b) − y)².
"""

from __future__ import annotations

from functools import cached_property, partial

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from impls.jax_grad import JaxBase, split
from impls.registry import register

AXIS = "points"


def per_device(x: np.ndarray, y: np.ndarray, k: int, block: int | None) -> tuple[tuple, tuple]:
    """(the first N − N mod k points as k equal parts, each cut as ``split`` cuts it and
    stacked on a leading device axis; the remaining N mod k points, as ``split`` leaves them)."""
    cut = len(y) - len(y) % k
    parts = [split(xs, ys, block) for xs, ys in zip(np.split(x[:cut], k), np.split(y[:cut], k),
                                                    strict=True)]
    return tuple(np.stack(a) for a in zip(*parts, strict=True)), split(x[cut:], y[cut:], None)


def across(fn, combine):
    """``fn(θ, data)`` on each device's part, combined over the device axis, plus the rest."""
    each = jax.vmap(fn, in_axes=(None, 0))

    def run(theta, data):
        parts, rest = data
        return jax.tree.map(lambda a, b: combine(a) + b, each(theta, parts), fn(theta, rest))

    return run


@register
class JaxSharded(JaxBase):
    """``jax-jit``'s gradient with the data split over all devices and reduced by XLA."""

    name = "jax-sharded"
    method = "reverse-mode"
    # how the per-device results are reduced; XLA makes the sum over a sharded axis an all-reduce
    combine = staticmethod(partial(jnp.sum, axis=0))

    @cached_property
    def mesh(self) -> Mesh:
        return Mesh(np.array(jax.devices(self.platform)), (AXIS,))

    def parameters(self) -> dict[str, object]:
        """How many devices the data are sharded over, and of which platform."""
        return {"devices": self.mesh.size, "platform": self.platform}

    def asarray(self, a: np.ndarray):
        if self.problem is not None and (a is self.problem.x or a is self.problem.y):
            return a  # the data go to the devices part by part in layout, never whole to each
        return jax.device_put(a, NamedSharding(self.mesh, PartitionSpec()))

    def layout(self):
        parts, rest = per_device(self.problem.x, self.problem.y, self.mesh.size, self.block_size)
        sharded = NamedSharding(self.mesh, PartitionSpec(AXIS))
        return (tuple(jax.device_put(a, sharded) for a in parts),
                tuple(self.asarray(a) for a in rest))

    def functions(self):
        total, value_and_grad = super().functions()
        return across(total, self.combine), across(value_and_grad, self.combine)
