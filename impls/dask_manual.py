"""The manual gradient as a sum of per-chunk gradients over a Dask array: data-parallel.

Each chunk's loss and gradient are numpy-manual's (``Blocked.value_and_grad`` unrounded: the
same one-exp, overflow-safe formulas, summed in float64), and a tree reduction adds the chunks'
(``sum(split_every=...)``), so no task ever holds more than one chunk or a few partial sums.
The data live on the workers as one array of shape (d + 1, N) (rows x_1..x_d, then y), so a
chunk's x and y are views of one block. A synthetic problem is generated there chunk by chunk
from its seed (``impls.chunks``, the same bits as the in-memory problem) and kept in the
workers' memory when it fits, else generated again inside every call: N is then bounded by
time, not memory. Other data are scattered in chunks from the client once, in prepare.
"""

from __future__ import annotations

import itertools
import time
from concurrent.futures import CancelledError
from typing import Any

import dask.array as da
import numpy as np

from impls import chunks, dask_cluster
from impls.base import Implementation
from impls.numpy_manual import Blocked
from impls.problem import LazyProblem, Problem
from impls.registry import register

CHUNK_POINTS = 1 << 22  # at most this many points a Dask chunk: 64 MiB of float64 for d = 1
MIN_CHUNK_POINTS = 1 << 16  # fewer points are one chunk: splitting them costs more than it saves
SPLIT_EVERY = 8  # partial sums added by one task of the tree reduction
PERSIST_FRACTION = 0.5  # keep generated data on the workers up to this share of their memory


def chunk_sizes(n: int, workers: int, most: int | None = None,
                least: int | None = None) -> tuple[int, ...]:
    """Points per Dask chunk: as many chunks as workers or a multiple of them (an even
    share each), at least ``least`` and at most ``most`` points each, and whole generation
    chunks once they are larger than one (none made twice)."""
    most = CHUNK_POINTS if most is None else most
    least = MIN_CHUNK_POINTS if least is None else least
    workers = max(1, workers)
    count = max(1, min(n // least, max(workers, -(-n // most))))
    if count >= workers:
        count = -(-count // workers) * workers
    size = -(-n // count)
    if size > chunks.CHUNK:
        size = -(-size // chunks.CHUNK) * chunks.CHUNK
    full, rest = divmod(n, size)
    return (size,) * full + ((rest,) if rest else ())


def pack(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x (m, d) and y (m,) as one (d + 1, m) block: x is its first d rows transposed."""
    d = x.shape[1]
    block = np.empty((d + 1, len(y)), dtype=x.dtype)
    block[:d] = x.T
    block[d] = y
    return block


def _generated(n: int, d: int, seed: int, dtype: str, block_info: Any = None) -> np.ndarray:
    lo, hi = block_info[None]["array-location"][1]
    return pack(*chunks.rows(n, d, seed, lo, hi, dtype))


def synthetic_blocks(n: int, d: int, seed: int, dtype: str, sizes: tuple[int, ...]
                     ) -> da.Array:
    """The synthetic data set as a lazy (d + 1, N) array: each task makes its own chunk."""
    return da.map_blocks(_generated, n, d, seed, dtype, chunks=((d + 1,), sizes),
                         dtype=np.dtype(dtype), meta=np.empty((0, 0), dtype=dtype))


def scattered_blocks(client: Any, x: np.ndarray, y: np.ndarray, sizes: tuple[int, ...]
                     ) -> da.Array:
    """Data held by the client, sent to the workers once, chunk by chunk."""
    bounds = np.cumsum((0, *sizes))
    pieces = [pack(x[lo:hi], y[lo:hi]) for lo, hi in itertools.pairwise(bounds)]
    futures = client.scatter(pieces)
    return da.concatenate([da.from_delayed(f, shape=p.shape, dtype=p.dtype)
                           for f, p in zip(futures, pieces, strict=True)], axis=1)


def _block_sums(block: np.ndarray, theta: np.ndarray, with_grad: bool) -> np.ndarray:
    """[L, ∂L/∂w_j..., ∂L/∂b] of one chunk in float64, as a column (loss only: [L])."""
    d = block.shape[0] - 1
    blocked = Blocked(block[:d].T, block[d])
    if not with_grad:
        return np.array([[blocked.loss(theta, unrounded=True)]])
    value, grad = blocked.value_and_grad(theta, unrounded=True)
    return np.array([value, *grad], dtype=np.float64)[:, None]


def per_chunk(data: da.Array, theta: np.ndarray, with_grad: bool = True) -> da.Array:
    """Each chunk's sums, a lazy float64 (d + 2 (or 1), chunks) array: column k is chunk k's."""
    rows = data.shape[0] + 1 if with_grad else 1
    return data.map_blocks(_block_sums, theta, with_grad, dtype=np.float64,
                           chunks=((rows,), (1,) * data.numblocks[1]), meta=np.empty((0, 0)))


def summed(data: da.Array, theta: np.ndarray, with_grad: bool = True) -> da.Array:
    """The chunks' sums added by a tree reduction: a lazy float64 vector of d + 2 (or 1)."""
    return per_chunk(data, theta, with_grad).sum(axis=1, split_every=SPLIT_EVERY)


def _train_block(block: np.ndarray, theta: np.ndarray, steps: int, eta: float) -> np.ndarray:
    """``steps`` updates on one chunk, on its worker: [θ_k..., L(θ_0), ..., L(θ_{k−1})].

    The same arithmetic as the per-step path: the gradient rounded to the data's dtype,
    then θ − η∇L in that dtype.
    """
    d = block.shape[0] - 1
    blocked = Blocked(block[:d].T, block[d])
    dtype = block.dtype
    losses = np.empty(steps, dtype=dtype)
    for k in range(steps):
        losses[k], grad = blocked.value_and_grad(theta, unrounded=True)
        theta = theta - eta * np.array(grad, dtype=dtype)
    return np.concatenate([theta, losses]).astype(np.float64)[:, None]


def trained(data: da.Array, theta: np.ndarray, steps: int, eta: float) -> da.Array:
    """A training loop run where a one-chunk data set lives: no reduction between steps."""
    if data.numblocks[1] != 1:
        raise ValueError("a fused training loop needs the data in one chunk")
    rows = theta.size + steps
    return data.map_blocks(_train_block, theta, steps, eta, dtype=np.float64,
                           chunks=((rows,), (1,)), meta=np.empty((0, 0)))[:, 0]


def fits_in_memory(client: Any, nbytes: int) -> bool:
    """Whether ``nbytes`` stays within PERSIST_FRACTION of the workers' memory limits."""
    limits = [w.get("memory_limit") or 0 for w in client.scheduler_info()["workers"].values()]
    return 0 < nbytes <= PERSIST_FRACTION * sum(limits)


def seeded(problem: Problem | LazyProblem) -> bool:
    """A synthetic problem that its spec rebuilds exactly: workers can make it themselves."""
    if isinstance(problem, LazyProblem):
        return True
    spec = problem.spec
    return (spec is not None and spec.kind == "synthetic" and spec.n == problem.n
            and spec.d == problem.d and spec.dtype == problem.dtype)


@register
class DaskManual(Implementation):
    name = "dask-manual"
    method = "manual"
    framework = "dask"
    requires = ("dask", "distributed")
    lazy_data = True  # the workers make the chunks: the driving process never holds them

    def prepare(self, problem: Problem | LazyProblem) -> None:
        """Connect (or start the local cluster) and put the data on the workers."""
        if problem.dtype not in self.dtypes:
            raise ValueError(f"{self.name} does not support {problem.dtype}")
        start = time.perf_counter()
        self.settings = dask_cluster.Settings.from_environment()
        self.client = dask_cluster.client_for(self.settings)
        dask_cluster.reset_worker_memory(self.client)  # each configuration its own peaks
        self.problem, self.eta, self.dtype = problem, problem.eta, np.dtype(problem.dtype)
        self.workers = dask_cluster.worker_count(self.client)
        self.sizes = chunk_sizes(problem.n, self.workers)
        self.place(problem)
        self.prepare_seconds = time.perf_counter() - start

    def place(self, problem: Problem | LazyProblem) -> None:
        """Put the data on the workers: made there from the seed, or scattered to them."""
        if seeded(problem):
            spec = problem.spec
            assert spec is not None and spec.n is not None
            data = synthetic_blocks(spec.n, spec.d, spec.seed, spec.dtype, self.sizes)
            self.placement = "generated on the workers"
            if fits_in_memory(self.client, data.nbytes):
                data = self.client.persist(data)
            else:
                self.placement = "generated on the workers in every call"
        else:
            data = scattered_blocks(self.client, problem.x, problem.y, self.sizes)
            self.placement = "scattered from the client"
        self.data = data
        from distributed import wait

        with self.client.as_current():
            wait(data)  # persisted or scattered: on the workers before anything is timed

    def parameters(self) -> dict[str, Any]:
        return {"workers": self.workers,
                "scheduler": self.settings.scheduler or "local",
                "cpus": dask_cluster.available_cpus() if self.settings.scheduler is None
                else None,
                "chunks": len(self.sizes), "chunk_points": self.sizes[0],
                "data": self.placement,
                "worker_peak_rss_bytes": sorted(dask_cluster.worker_memory(self.client)
                                                .values())}

    def chunk_sums(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every Dask chunk's [L, ∂L/∂θ...] in float64 (column k: chunk k, rows
        ``bounds()[k]:bounds()[k + 1]``) and the tree's total, from one graph: what a check
        compares chunk by chunk with the same sums made in one process."""
        parts = per_chunk(self.data, np.asarray(theta, dtype=self.dtype))
        total = parts.sum(axis=1, split_every=SPLIT_EVERY)
        found, added = self.client.compute([parts, total], sync=True)
        return np.asarray(found), np.asarray(added)

    def bounds(self) -> np.ndarray:
        """The first row of every Dask chunk, and N."""
        return np.cumsum((0, *self.sizes))

    def close(self) -> None:
        """Release the data held on the workers (the cluster stays for the next problem)."""
        self.data = None

    def asarray(self, a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(a)  # θ stays on the client; the data are on the workers

    def _sums(self, theta: np.ndarray, with_grad: bool) -> np.ndarray:
        try:
            return self.client.compute(summed(self.data, theta, with_grad)).result()
        except CancelledError:
            # a dead worker took scattered chunks with it (generated ones Dask remakes):
            # this call fails, and the data are placed again for the next one
            assert self.problem is not None
            self.place(self.problem)
            raise RuntimeError("a Dask worker holding data scattered from the client was "
                               "lost during the call; the data were scattered again") from None

    def train_native(self, theta: np.ndarray, steps: int):
        """One chunk: the whole loop in one task on its worker (the workers need not meet
        between steps); more chunks: one tree reduction a step."""
        if self.data.numblocks[1] != 1:
            return super().train_native(theta, steps)
        out = self.client.compute(trained(self.data, theta, steps, self.eta)).result()
        d = theta.size
        return out[:d].astype(self.dtype), out[d:].astype(self.dtype)

    def loss_native(self, theta: np.ndarray):
        return self.dtype.type(self._sums(theta, False)[0])

    def value_and_grad_native(self, theta: np.ndarray):
        total = self._sums(theta, True)
        return self.dtype.type(total[0]), total[1:].astype(self.dtype)
