"""JAX data parallel: ``jax.jit`` over data sharded across every device of the platform.

The points are split into k equal parts, one per device (a ``NamedSharding`` over the leading
axis of a one-axis ``Mesh``); θ and the N mod k points left over are replicated. Each device
runs ``jax-jit``'s program on its own part under ``shard_map`` (cut into cache-sized blocks on
a CPU; a ``vmap`` over the device axis instead made XLA's loop 2.6× slower at N = 10⁷ on one
device), and one ``psum`` is the reduction across devices; the leftover points are added on
every device, so any N gives the exact gradient. The same code runs on one CPU, on several
host devices (``--xla_force_host_platform_device_count``) and on several GPUs. Padding
instead would need a mask: a zero row still adds ½(σ(b) − y)².
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


def across(fn, mesh: Mesh, combine):
    """``fn(θ, data)`` on each device's own part (``shard_map``: the per-device program is
    ``jax-jit``'s, blocks and all), ``combine``d over the devices, plus the rest."""

    def local(theta, parts):
        mine = jax.tree.map(lambda a: a[0], parts)  # this device's part: leading axis of one
        return jax.tree.map(combine, fn(theta, mine))

    on_devices = jax.shard_map(local, mesh=mesh, in_specs=(PartitionSpec(), PartitionSpec(AXIS)),
                               out_specs=PartitionSpec(), check_vma=False)

    def run(theta, data):
        parts, rest = data
        return jax.tree.map(jnp.add, on_devices(theta, parts), fn(theta, rest))

    return run


@register
class JaxSharded(JaxBase):
    """``jax-jit``'s gradient with the data split over all devices and reduced by XLA."""

    name = "jax-sharded"
    method = "reverse-mode"
    # how the per-device results are reduced: one all-reduce (psum) over the mesh's axis
    combine = staticmethod(partial(jax.lax.psum, axis_name=AXIS))

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
        return (across(total, self.mesh, self.combine),
                across(value_and_grad, self.mesh, self.combine))
