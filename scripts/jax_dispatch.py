"""What a second CPU costs jax.jit calls: async dispatch, then XLA's thread pool.

    python scripts/jax_dispatch.py CPUS [sync]

pins itself to CPUS (e.g. ``1`` or ``0,1``), turns JAX's CPU async dispatch off when
``sync`` is given (``jax_cpu_enable_async_dispatch``), and prints the best of 30 trials of
100 blocked calls of the loss and value_and_grad at N = 10³ and 10⁴ (d = 1, float64). Set
``XLA_FLAGS=--xla_cpu_multi_thread_eigen=false`` for what the sweep's ``--threads 1`` sets.
"""

from __future__ import annotations

import os
import sys
import time

os.sched_setaffinity(0, {int(c) for c in sys.argv[1].split(",")})

import jax  # noqa: E402  (after the pinning, so its thread pools see it)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

jax.config.update("jax_enable_x64", True)
if "sync" in sys.argv[2:]:
    jax.config.update("jax_cpu_enable_async_dispatch", False)


def best_call(f, theta) -> float:
    jax.block_until_ready(f(theta))
    best = float("inf")
    for _ in range(30):
        start = time.perf_counter()
        for _ in range(100):
            jax.block_until_ready(f(theta))
        best = min(best, (time.perf_counter() - start) / 100)
    return best


def main() -> None:
    rng = np.random.default_rng(0)
    mode = "sync" if "sync" in sys.argv[2:] else "async"
    for n in (1000, 10000):
        x, y = jnp.asarray(rng.standard_normal(n)), jnp.asarray(rng.random(n))

        def loss(t, x=x, y=y):
            return 0.5 * jnp.sum((jax.nn.sigmoid(x * t[0] + t[1]) - y) ** 2)

        theta = jnp.array([0.3, 0.1])
        for name, f in (("loss", jax.jit(loss)), ("value_and_grad",
                                                  jax.jit(jax.value_and_grad(loss)))):
            print(f"cpus {sys.argv[1]} {mode} XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r} "
                  f"N={n} {name}: {best_call(f, theta) * 1e6:.1f} µs", flush=True)


if __name__ == "__main__":
    main()
