"""The plain versions a competent user writes first, for scripts/fair_baselines.py.

Each maker returns {key: zero-argument call}, with the data converted before any timing.
"""

from __future__ import annotations

import time

import numpy as np

BLOCK = 16_384


def np_loss(t, x, y):
    return 0.5 * np.sum((1 / (1 + np.exp(-(t[0] * x + t[1]))) - y) ** 2)


def np_vg(t, x, y):
    f = 1 / (1 + np.exp(-(t[0] * x + t[1])))
    r = f - y
    delta = r * f * (1 - f)
    return 0.5 * (r @ r), np.array([delta @ x, delta.sum()])


def np_blocked(x, y, block=BLOCK):
    """The issue's 'plain NumPy in 16 k-element (or other) blocks with out= buffers': (loss, vg)."""
    z, f, r = np.empty((3, min(block, x.size)))

    def loss(t):
        total = 0.0
        for lo in range(0, x.size, block):
            xb, yb = x[lo:lo + block], y[lo:lo + block]
            m = xb.size
            zb, rb = z[:m], r[:m]
            np.multiply(xb, -t[0], out=zb)
            zb -= t[1]
            np.exp(zb, out=zb)
            zb += 1
            np.reciprocal(zb, out=rb)
            rb -= yb
            total += rb @ rb
        return 0.5 * total

    def vg(t):
        total, gw, gb = 0.0, 0.0, 0.0
        for lo in range(0, x.size, block):
            xb, yb = x[lo:lo + block], y[lo:lo + block]
            m = xb.size
            zb, fb, rb = z[:m], f[:m], r[:m]
            np.multiply(xb, -t[0], out=zb)
            zb -= t[1]
            np.exp(zb, out=zb)
            zb += 1
            np.reciprocal(zb, out=fb)
            np.subtract(fb, yb, out=rb)
            total += rb @ rb
            np.subtract(1, fb, out=zb)
            zb *= fb
            zb *= rb
            gw += zb @ xb
            gb += zb.sum()
        return 0.5 * total, np.array([gw, gb])

    return loss, vg


def np_central(t, x, y):
    h = np.finfo(float).eps ** (1 / 3) * np.maximum(1, np.abs(t))
    grad = np.empty(2)
    for j in range(2):
        e = np.zeros(2)
        e[j] = h[j]
        grad[j] = (np_loss(t + e, x, y) - np_loss(t - e, x, y)) / (2 * h[j])
    return np_loss(t, x, y), grad


def np_complex(t, x, y):
    grad = np.empty(2)
    for j in range(2):
        moved = t.astype(complex)
        moved[j] += 1e-20j
        r = 1 / (1 + np.exp(-(moved[0] * x + moved[1]))) - y
        grad[j] = (0.5 * np.sum(r * r)).imag / 1e-20
    return np_loss(t, x, y), grad


def numpy_calls(problem, theta) -> dict:
    x, y = problem.x.reshape(-1).copy(), problem.y
    blocked_loss, blocked = np_blocked(x, y)
    loss_8k, vg_8k = np_blocked(x, y, 8_192)
    with np.errstate(over="ignore"):
        return {"np:loss": lambda: np_loss(theta, x, y), "np:vg": lambda: np_vg(theta, x, y),
                "np-blocked:loss": lambda: blocked_loss(theta),
                "np-blocked:vg": lambda: blocked(theta),
                "np-blocked-8k:loss": lambda: loss_8k(theta),
                "np-blocked-8k:vg": lambda: vg_8k(theta),
                "np-central:vg": lambda: np_central(theta, x, y),
                "np-complex:vg": lambda: np_complex(theta, x, y)}


def jax_calls(problem, theta) -> dict:
    import jax
    import jax.numpy as jnp

    def loss(t, x, y):
        return 0.5 * jnp.sum((jax.nn.sigmoid(t[0] * x + t[1]) - y) ** 2)

    x, y, t = (jnp.asarray(a) for a in (problem.x.reshape(-1), problem.y, theta))
    jl, jvg = jax.jit(loss), jax.jit(jax.value_and_grad(loss))
    return {"jax:loss": lambda: jax.block_until_ready(jl(t, x, y)),
            "jax:vg": lambda: jax.block_until_ready(jvg(t, x, y))}


def torch_calls(problem, theta) -> dict:
    import torch

    torch.set_num_threads(1)

    def loss(t, x, y):
        return 0.5 * ((torch.sigmoid(t[0] * x + t[1]) - y) ** 2).sum()

    x, y, t = (torch.from_numpy(np.ascontiguousarray(a)) for a in
               (problem.x.reshape(-1), problem.y, theta))

    def eager_loss():
        with torch.no_grad():
            return loss(t, x, y)

    def eager_vg():
        leaf = t.clone().requires_grad_(True)
        value = loss(leaf, x, y)
        value.backward()
        return value.detach(), leaf.grad

    functional = torch.func.grad_and_value(loss)
    compiled_loss = torch.compile(loss)
    compiled_vg = torch.compile(functional)

    def compiled_no_grad():
        with torch.no_grad():
            return compiled_loss(t, x, y)

    def compiled_backward():
        leaf = t.clone().requires_grad_(True)
        value = compiled_loss(leaf, x, y)
        value.backward()
        return value.detach(), leaf.grad

    calls = {"torch:loss": eager_loss, "torch:vg": eager_vg,
             "torch-func-plain:vg": lambda: functional(t, x, y),
             "torch-compile-plain:loss": compiled_no_grad,
             "torch-compile-plain:vg": lambda: compiled_vg(t, x, y),
             "torch-compile-backward:vg": compiled_backward}
    for call in calls.values():  # compile outside any timing
        call()
    return calls


def floor_call(problem):
    """One pass at the machine's floor, max(bytes ÷ read bandwidth, N × exp cost): the call
    reads x and y once (a sum) and runs one exp per point over a cached block, and returns
    the larger of the two times, which the caller records instead of its own clock."""
    x, y = problem.x.reshape(-1), problem.y
    rng = np.random.default_rng(0)
    block = -np.abs(rng.standard_normal(min(BLOCK, x.size))).astype(x.dtype)
    out = np.empty_like(block)
    blocks = -(-x.size // block.size)

    def floor() -> float:
        start = time.perf_counter()
        np.add.reduce(x)
        np.add.reduce(y)
        read = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(blocks):
            np.exp(block, out=out)
        exp = (time.perf_counter() - start) * x.size / (blocks * block.size)
        return max(read, exp)

    return floor
