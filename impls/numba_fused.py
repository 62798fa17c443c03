"""Numba: loss and gradient in one pass over the data, compiled to machine code.

Each point is read once: z = x·w + b, e = exp(−|z|), s = e/(1 + e) = σ(−|z|), σ(z) = 1 − s
for z ≥ 0 and s otherwise, and σ(z)σ(−z) = s(1 − s), so no exp overflows at |z| = 1000 and
the tail keeps its digits. Arithmetic stays in the data's dtype (float32 calls ``expf``); the
sums are float64. With more than one Numba thread the points are cut into one chunk per thread
and ``prange`` runs the chunks, each writing its own partial sums (a race-free reduction).
Numba's thread count follows the CPUs the process may use (``NUMBA_NUM_THREADS`` overrides),
and ``numba.set_num_threads`` lowers it; ``prepare`` reads ``numba.get_num_threads()``.
This is what the hardware allows without AD: the distance to it is what the frameworks cost.
"""

from __future__ import annotations

import math
import time

import numba
import numpy as np

from impls.base import NumpyImplementation
from impls.registry import register


@numba.njit(cache=False, nogil=True, inline="always")
def _point(z, y, one):  # pragma: no cover - compiled
    """(r, σ(z)σ(−z)) at one point with one exp of a non-positive argument."""
    e = math.exp(-abs(z))
    s = e / (one + e)
    f = one - s if z >= 0 else s
    return f - y, s * (one - s)


@numba.njit(cache=False, nogil=True)
def _chunk(x, y, w, b, one, lo, hi, out, slope):  # pragma: no cover - compiled
    """Sums over points lo..hi into out: out[0] = Σr², out[1 + k] = Σδx_k, out[-1] = Σδ.

    Accumulators are locals (scalars for d = 1), so the loop keeps them in registers.
    """
    d = x.shape[1]
    total = 0.0
    if d == 1:
        w0 = w[0]
        gw = 0.0
        gb = 0.0
        for i in range(lo, hi):
            r, p = _point(x[i, 0] * w0 + b, y[i], one)
            total += r * r
            if slope:
                delta = r * p
                gw += delta * x[i, 0]
                gb += delta
        out[1] += gw
        out[2] += gb
    else:
        acc = np.zeros(d + 1)
        for i in range(lo, hi):
            z = b
            for k in range(d):
                z += x[i, k] * w[k]
            r, p = _point(z, y[i], one)
            total += r * r
            if slope:
                delta = r * p
                for k in range(d):
                    acc[k] += delta * x[i, k]
                acc[d] += delta
        out[1:] += acc
    out[0] += total


@numba.njit(cache=False, nogil=True)
def serial(x, y, w, b, one, slope):  # pragma: no cover - compiled
    out = np.zeros(x.shape[1] + 2)
    _chunk(x, y, w, b, one, 0, x.shape[0], out, slope)
    return out


@numba.njit(cache=False, nogil=True, parallel=True)
def parallel(x, y, w, b, one, slope, chunks):  # pragma: no cover - compiled
    n = x.shape[0]
    partial = np.zeros((chunks, x.shape[1] + 2))
    size = (n + chunks - 1) // chunks
    for c in numba.prange(chunks):
        _chunk(x, y, w, b, one, c * size, min(n, (c + 1) * size), partial[c], slope)
    return partial.sum(axis=0)


@register
class NumbaFused(NumpyImplementation):
    name = "numba-fused"
    method = "manual"
    framework = "numba"
    requires = ("numba",)

    def compile(self, theta) -> None:
        """Compile both kernels for this dtype now, so no timed call pays for it."""
        self.threads = numba.get_num_threads()
        self.one = self.x.dtype.type(1)
        self.zero = theta.dtype.type(0)
        start = time.perf_counter()
        self.sums(theta, True)
        self.sums(theta, False)
        self.compile_seconds = time.perf_counter() - start

    def sums(self, theta, slope: bool) -> np.ndarray:
        b = theta[-1] + self.zero
        if self.threads > 1:
            return parallel(self.x, self.y, theta[:-1], b, self.one, slope, self.threads)
        return serial(self.x, self.y, theta[:-1], b, self.one, slope)

    def loss_native(self, theta):
        return theta.dtype.type(0.5 * self.sums(theta, False)[0])

    def value_and_grad_native(self, theta):
        out = self.sums(theta, True)
        return theta.dtype.type(0.5 * out[0]), out[1:].astype(theta.dtype)
