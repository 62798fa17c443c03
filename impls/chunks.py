"""Synthetic data chunk by chunk, each chunk from the seed alone.

Chunk k (rows ``k·CHUNK`` to ``(k + 1)·CHUNK``) draws from its own stream,
``SeedSequence(seed, spawn_key=(k,))`` (the k-th child ``SeedSequence(seed).spawn`` would
give), so any process can make any rows without the others: a Dask worker generates its own
chunks and no client ever holds the data. ``impls.problem.synthetic`` builds its arrays from
the same chunks, so the in-memory problem and the chunked one are the same bits. The true θ
comes from ``default_rng(seed)`` itself (the root stream), as it always has.
"""

from __future__ import annotations

import numpy as np

CHUNK = 1 << 18  # points per generation chunk: 2 MiB of float64 draws for d = 1, small
# enough that Dask chunks of whole generation chunks still split evenly among workers
NOISE = 0.02  # standard deviation of the noise added to σ(x·w* + b*)


def true_theta(d: int, seed: int) -> np.ndarray:
    """θ* = [w* ~ U(−2, 2)^d, b* ~ U(−1, 1)], from the seed's root stream."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.uniform(-2.0, 2.0, size=d), rng.uniform(-1.0, 1.0, size=1)])


def chunk_count(n: int) -> int:
    return -(-n // CHUNK)


def chunk(n: int, d: int, seed: int, k: int, theta: np.ndarray,
          noise: float = NOISE) -> tuple[np.ndarray, np.ndarray]:
    """Chunk k of the data set of ``n`` points, in float64: x (m, d) and y (m,).

    x ~ N(0, 1/d) keeps w·x of order one for any d; y = σ(x·w* + b*) + noise, clipped to
    [0, 1].
    """
    lo = k * CHUNK
    if not 0 <= lo < n:
        raise ValueError(f"chunk {k} is outside a data set of {n} points")
    m = min(CHUNK, n - lo)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(k,)))
    x = rng.standard_normal((m, d))
    x /= np.sqrt(d)
    z = x @ theta[:-1] if d > 1 else x[:, 0] * theta[0]
    z += theta[-1]
    y = np.exp(-np.logaddexp(0.0, -z))
    y += noise * rng.standard_normal(m)
    np.clip(y, 0.0, 1.0, out=y)
    return x, y


def rows(n: int, d: int, seed: int, lo: int, hi: int, dtype: str = "float64",
         noise: float = NOISE) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``lo:hi`` of the data set, in ``dtype``: made from the chunks that cover them."""
    if not 0 <= lo < hi <= n:
        raise ValueError(f"rows {lo}:{hi} are outside a data set of {n} points")
    theta = true_theta(d, seed)
    x = np.empty((hi - lo, d), dtype=dtype)
    y = np.empty(hi - lo, dtype=dtype)
    for k in range(lo // CHUNK, chunk_count(hi)):
        start = k * CHUNK
        cx, cy = chunk(n, d, seed, k, theta, noise)
        a, b = max(lo, start), min(hi, start + len(cy))  # the overlap, in data-set rows
        x[a - lo:b - lo] = cx[a - start:b - start]
        y[a - lo:b - lo] = cy[a - start:b - start]
    return x, y


def generate(n: int, d: int, seed: int, dtype: str = "float64",
             noise: float = NOISE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The whole data set in memory: (x, y, θ*), chunk by chunk into preallocated arrays."""
    x, y = rows(n, d, seed, 0, n, dtype, noise)
    return x, y, true_theta(d, seed)
