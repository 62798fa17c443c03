"""The seed's chain-rule gradient in plain NumPy, written as fast as good NumPy gets.

One ``exp`` per point: with e = exp(−|z|), s = e/(1 + e) = σ(−|z|) is the small side of the
sigmoid, σ(z) = 1 − s for z ≥ 0 and s otherwise, and f(1 − f) = σ(z)σ(−z) = s(1 − s) for every
z, so nothing overflows at |z| = 1000 and the tail keeps its digits. The data are walked in
blocks of ``BLOCK`` points through preallocated buffers that stay in cache, so each of the
dozen elementwise passes reads cache, not memory, and no length-N temporary is ever made.
d = 1 takes a 1-D path (``w * x + b``), d > 1 one matrix-vector product per block.
The first version (σ through ``logaddexp``, two sigmoids per point) is
``examples/plugin_numpy_manual_v1.py``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from impls.base import NumpyImplementation
from impls.registry import register

BLOCK = 8_192  # points per block: five float64 buffers of 64 KiB stay in L2


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = exp(−log(1 + e^−z)): no overflow for any z (a reference form, not the fast one)."""
    return np.exp(-np.logaddexp(0, -z))


class Piece(NamedTuple):
    """One block: its points (x a vector for d = 1) and the buffer views of its length."""

    lo: int
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    s: np.ndarray
    p: np.ndarray
    r: np.ndarray
    moved: np.ndarray


class Blocked:
    """Loss and gradient of one data set, block by block, in preallocated buffers.

    Every block's slices and buffer views are made once, here, so a call costs the arithmetic
    and little Python. Not re-entrant: the buffers are shared by every call on one instance.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, block: int = BLOCK) -> None:
        self.x, self.y = x, y
        self.n, self.d = x.shape
        self.dtype = x.dtype
        self.x1 = x.reshape(-1) if self.d == 1 else None  # (n, 1) C-order: a 1-D view
        size = max(1, min(block, self.n))
        self.block = size
        buffers = np.empty((5, size), dtype=x.dtype)
        features = x if self.x1 is None else self.x1
        self.pieces = []
        for lo in range(0, self.n, size):
            m = min(size, self.n - lo)
            views = buffers if m == size else buffers[:, :m]
            self.pieces.append(Piece(lo, features[lo:lo + m], y[lo:lo + m], *views))

    def pre_activation(self, theta: np.ndarray, piece: Piece) -> np.ndarray:
        """z = x·w + b for the piece's points, in its buffer."""
        z = piece.z
        if self.x1 is not None:
            np.multiply(piece.x, theta[0], out=z)
        else:
            np.matmul(piece.x, theta[:-1], out=z)
        z += theta[-1]
        return z

    @staticmethod
    def residual(z: np.ndarray, piece: Piece, slope: bool) -> np.ndarray:
        """r = σ(z) − y, and with ``slope`` also p = σ(z)σ(−z) in ``piece.p``: one exp a point."""
        s, p, r = piece.s, piece.p, piece.r
        np.abs(z, out=s)
        np.negative(s, out=s)
        np.exp(s, out=s)  # e = exp(−|z|) ∈ (0, 1]: never overflows
        np.add(s, 1, out=p)
        np.divide(s, p, out=s)  # s = e/(1 + e) = σ(−|z|) ∈ (0, ½]
        if slope:
            np.divide(s, p, out=p)  # e/(1 + e)² = σ(|z|)σ(−|z|) = σ(z)σ(−z)
        np.greater_equal(z, 0, out=r)  # h = 1 where σ(z) = 1 − s, 0 where σ(z) = s
        np.subtract(r, s, out=r)
        np.abs(r, out=r)  # |h − s| = σ(z), exactly s in the left tail (and ½ at z = −0)
        np.subtract(r, piece.y, out=r)
        return r

    def loss(self, theta: np.ndarray, unrounded: bool = False):
        """L(θ) in the data's dtype; ``unrounded``: the float64 sum itself, for callers that
        add the losses of several blocks (Dask chunks) before rounding once."""
        total = 0.0
        for piece in self.pieces:
            r = self.residual(self.pre_activation(theta, piece), piece, False)
            total += float(np.dot(r, r))
        return 0.5 * total if unrounded else self.dtype.type(0.5 * total)

    def value_and_grad(self, theta: np.ndarray, unrounded: bool = False):
        """Sums in float64 (Python floats for d = 1: less per-call overhead at small N);
        ``unrounded``: those sums as a float and a list, not rounded to the data's dtype."""
        total, slope_w, slope_b = 0.0, 0.0, 0.0
        matrix = np.zeros(self.d) if self.x1 is None else None
        for piece in self.pieces:
            r = self.residual(self.pre_activation(theta, piece), piece, True)
            total += float(np.dot(r, r))
            delta = np.multiply(piece.p, r, out=piece.p)
            if matrix is None:
                slope_w += float(np.dot(piece.x, delta))
            else:
                matrix += delta @ piece.x
            slope_b += float(delta.sum())
        grad = [slope_w, slope_b] if matrix is None else [*matrix, slope_b]
        if unrounded:
            return 0.5 * total, grad
        return self.dtype.type(0.5 * total), np.array(grad, dtype=self.dtype)

    def shifted_losses(self, theta: np.ndarray, shifts: np.ndarray) -> tuple[float, np.ndarray]:
        """L(θ) and L(θ + shifts[k, j]·e_j) for every k, j, in one pass over the data.

        z = x·w + b is formed once per block; a shift of w_j moves it by shift·x_j, of b by the
        shift, so each perturbed loss costs the sigmoid and one sum, not another x·w.
        """
        total = 0.0
        moved = np.zeros(shifts.shape)
        for piece in self.pieces:
            z, zk = self.pre_activation(theta, piece), piece.moved
            column = piece.x[:, None] if self.x1 is not None else piece.x
            for (k, j), shift in np.ndenumerate(shifts):
                if j < self.d:
                    np.multiply(column[:, j], shift, out=zk)
                    np.add(zk, z, out=zk)
                else:
                    np.add(z, shift, out=zk)
                r = self.residual(zk, piece, False)
                moved[k, j] += float(np.dot(r, r))
            r = self.residual(z, piece, False)
            total += float(np.dot(r, r))
        return 0.5 * total, 0.5 * moved


def loss(theta: np.ndarray, x: np.ndarray, y: np.ndarray):
    """L(θ) for a one-off call (allocates its buffers; implementations keep a ``Blocked``)."""
    return Blocked(x, y).loss(theta)


def value_and_grad(theta: np.ndarray, x: np.ndarray, y: np.ndarray):
    return Blocked(x, y).value_and_grad(theta)


@register
class NumpyManual(NumpyImplementation):
    name = "numpy-manual"
    method = "manual"
    framework = "numpy"

    def compile(self, theta) -> None:
        self.blocked = Blocked(self.x, self.y)

    def loss_native(self, theta):
        return self.blocked.loss(theta)

    def value_and_grad_native(self, theta):
        return self.blocked.value_and_grad(theta)
