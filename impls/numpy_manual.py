"""The seed's chain-rule gradient in plain NumPy, written as fast as good NumPy gets.

The textbook sigmoid, f = 1/(1 + e) with e = exp(u) and u = −z, and its slope written as
f(1 − f) = e·f·f: as many elementwise passes as the textbook's f(1 − f), but exact in both
tails, since e·f·f keeps e's digits where f rounds to 1 (1 − f would be 0) and 1/(1 + e)
keeps them where f is tiny. Where some u could pass ``LIMIT[dtype]`` (|w|·max‖x‖₁ + |b|, from
the data's reach measured once) u is first clipped there (one pass, rarely taken) so that e
stays finite and e·f·f never becomes ∞·0: beyond the clip σ(z) is under the smallest normal
number, and is returned as at most that. The data are walked in blocks of ``BLOCK`` points through
preallocated buffers that stay in cache, so each elementwise pass reads cache, not memory,
and no length-N temporary is ever made. d = 1 takes a 1-D path (``w * x + b``), d > 1 one
matrix-vector product per block. The first version (σ through ``logaddexp``, two sigmoids
per point) is ``examples/plugin_numpy_manual_v1.py``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from impls.base import NumpyImplementation
from impls.registry import register

BLOCK = 8_192  # points per block: five float64 buffers of 64 KiB stay in L2 (16 k was slower)
# the largest u whose exp, and 1 + exp, stay finite: floor(log(largest float))
LIMIT = {np.dtype("float64"): 709.0, np.dtype("float32"): 88.0}


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
    pq: np.ndarray  # rows p and moved as one (2, m) matrix: both slope sums in one product


class Blocked:
    """Loss and gradient of one data set, block by block, in preallocated buffers.

    Every block's slices and buffer views are made once, here, so a call costs the arithmetic
    and little Python. Not re-entrant: the buffers are shared by every call on one instance.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, block: int = BLOCK,
                 bounded: bool = True) -> None:
        """``bounded``: measure the data's reach max‖x_i‖₁ now (one pass), so that calls skip
        the clip when |w|·reach + |b| stays under the limit; without it every call clips."""
        self.x, self.y = x, y
        self.n, self.d = x.shape
        self.dtype = x.dtype
        self.limit = LIMIT.get(self.dtype, 709.0)
        self.x1 = x.reshape(-1) if self.d == 1 else None  # (n, 1) C-order: a 1-D view
        self.reach = np.inf if not bounded else (
            max(float(self.x1.max()), -float(self.x1.min())) if self.x1 is not None
            else float(np.abs(x).sum(axis=1).max()))
        size = max(1, min(block, self.n))
        self.block = size
        buffers = np.empty((5, size), dtype=x.dtype)
        features = x if self.x1 is None else self.x1
        self.pieces = []
        for lo in range(0, self.n, size):
            m = min(size, self.n - lo)
            z, s, r, p, moved = views = buffers if m == size else buffers[:, :m]
            self.pieces.append(Piece(lo, features[lo:lo + m], y[lo:lo + m], z, s, p, r, moved,
                                     views[3:5]))

    def pre_activation(self, theta: np.ndarray, piece: Piece) -> np.ndarray:
        """z = x·w + b for the piece's points, in its buffer."""
        z = piece.z
        if self.x1 is not None:
            np.multiply(piece.x, theta[0], out=z)
        else:
            np.matmul(piece.x, theta[:-1], out=z)
        z += theta[-1]
        return z

    def negated(self, theta: np.ndarray, margin: float = 0.0) -> tuple[object, float, bool]:
        """(−w, −b, clip) for u = −z: −w a Python float for d = 1 (cheaper to pass than an
        array), and whether some |z| could pass the limit for θ moved by up to ``margin``."""
        b = -float(theta[-1])
        if self.x1 is not None:
            w = -float(theta[0])
            top = abs(w)
        else:
            w = -theta[:-1]
            top = float(np.abs(w).max())
        return w, b, (top + margin) * self.reach + abs(b) + margin > self.limit

    def negated_activation(self, w, b: float, piece: Piece) -> np.ndarray:
        """u = −(x·w + b) = x·(−w) + (−b) for the piece's points, in its buffer."""
        u = piece.z
        if self.x1 is not None:
            np.multiply(piece.x, w, out=u)
        else:
            np.matmul(piece.x, w, out=u)
        u += b
        return u

    def residual(self, u: np.ndarray, piece: Piece, slope: bool, clip: bool) -> np.ndarray:
        """r = σ(z) − y from u = −z (with ``clip``, clipped in place first), and with
        ``slope`` also p = σ(z)σ(−z) = e·f·f in ``piece.p``: one exp a point."""
        e, f, r = piece.s, piece.p, piece.r
        if clip:
            np.minimum(u, self.limit, out=u)
        np.exp(u, out=e)  # e = exp(−z) ≤ exp(LIMIT): finite
        np.add(e, 1, out=f)
        np.divide(1, f, out=f)  # f = 1/(1 + e) = σ(z); faster than np.reciprocal
        np.subtract(f, piece.y, out=r)
        if slope:
            e *= f  # e·f = σ(−z), with e's digits where f rounds to 1
            np.multiply(e, f, out=f)
        return r

    def loss(self, theta: np.ndarray, unrounded: bool = False):
        """L(θ) in the data's dtype; ``unrounded``: the float64 sum itself, for callers that
        add the losses of several blocks (Dask chunks) before rounding once."""
        total = 0.0
        w, b, clip = self.negated(theta)
        for piece in self.pieces:
            r = self.residual(self.negated_activation(w, b, piece), piece, False, clip)
            total += float(np.dot(r, r))
        return 0.5 * total if unrounded else self.dtype.type(0.5 * total)

    def value_and_grad(self, theta: np.ndarray, unrounded: bool = False):
        """Sums in float64 (Python floats for d = 1: less per-call overhead at small N);
        ``unrounded``: those sums as a float and a list, not rounded to the data's dtype."""
        total, slope_w, slope_b = 0.0, 0.0, 0.0
        matrix = np.zeros(self.d) if self.x1 is None else None
        w, b, clip = self.negated(theta)
        for piece in self.pieces:
            r = self.residual(self.negated_activation(w, b, piece), piece, True, clip)
            total += float(np.dot(r, r))
            if matrix is None:  # Σ p·r and Σ (p·x)·r: one matrix-vector product
                np.multiply(piece.p, piece.x, out=piece.moved)
                b_sum, w_sum = (piece.pq @ r).tolist()
                slope_w += w_sum
                slope_b += b_sum
            else:
                matrix += np.multiply(piece.p, r, out=piece.moved) @ piece.x
                slope_b += float(np.dot(piece.p, r))
        grad = [slope_w, slope_b] if matrix is None else [*matrix, slope_b]
        if unrounded:
            return 0.5 * total, grad
        return self.dtype.type(0.5 * total), np.array(grad, dtype=self.dtype)

    def shifted_losses(self, theta: np.ndarray, shifts: np.ndarray) -> tuple[float, np.ndarray]:
        """L(θ) and L(θ + shifts[k, j]·e_j) for every k, j, in one pass over the data.

        u = −(x·w + b) is formed once per block; a shift of w_j moves it by −shift·x_j, of b
        by −shift, so each perturbed loss costs the sigmoid and one sum, not another x·w.
        """
        down = (-shifts).tolist()  # Python floats: cheaper to pass than array scalars
        w, b, clip = self.negated(theta, max(abs(v) for row in down for v in row))
        sums = [[0.0] * len(row) for row in down]
        total = 0.0
        for piece in self.pieces:
            u, uk = self.negated_activation(w, b, piece), piece.moved
            column = piece.x[:, None] if self.x1 is not None else piece.x
            for row, out in zip(down, sums, strict=True):
                for j, shift in enumerate(row):
                    if j < self.d:
                        np.multiply(column[:, j], shift, out=uk)
                        uk += u
                    else:
                        np.add(u, shift, out=uk)
                    r = self.residual(uk, piece, False, clip)
                    out[j] += float(np.dot(r, r))
            r = self.residual(u, piece, False, clip)
            total += float(np.dot(r, r))
        return 0.5 * total, 0.5 * np.array(sums)


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
