"""Complex-step differentiation: ∂L/∂θ_j = Im L(θ + i·h·e_j) / h, one complex loss per θ_j.

Unlike a finite difference there is no subtraction, so nothing cancels and h can be tiny:
the error is O(h²) relative, below round-off once h² ≪ u (Squire & Trapp 1998; Martins,
Sturdza & Alonso 2003). That makes it exact to round-off, at d + 1 loss evaluations.
"""

from __future__ import annotations

import numpy as np

from impls.base import NumpyImplementation
from impls.numpy_manual import BLOCK, Blocked, Piece
from impls.registry import register

# h² must sit far below the unit round-off (so the O(h²) term vanishes) and h·|∂L/∂θ_j| far
# above the smallest normal number (so the imaginary parts keep all their digits):
# float64: h² = 1e-40 ≪ 1.1e-16 and 1e-20·g ≫ 2.2e-308; float32 (complex64): h² = 1e-20 ≪ 6e-8
# and 1e-10·g ≫ 1.2e-38 for every g above 1e-28, far under any gradient the tolerance can see
# (h = 1e-20 would put h·g among float32's subnormals, with fewer digits, for g < 1e-18).
STEP = {"float64": 1e-20, "float32": 1e-10}
COMPLEX = {"float64": np.complex128, "float32": np.complex64}


def complex_sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) for complex z with tiny imaginary parts: exp only of arguments with Re ≤ 0.

    1/(1 + e^−z) for Re z ≥ 0 and e^z/(1 + e^z) otherwise, so e^1000 is never formed; both
    branches are holomorphic, which is all the complex step needs (abs() or conj() would not be).
    The reference form; ``ComplexStep`` runs the same arithmetic blocked, with one exp per point.
    """
    right = z.real >= 0
    e = np.exp(np.where(right, -z, z))
    return np.where(right, 1 / (1 + e), e / (1 + e))


def complex_loss(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.complexfloating:
    residual = complex_sigmoid(x @ theta[:-1] + theta[-1]) - y
    return 0.5 * (residual @ residual)  # @ does not conjugate, so this stays holomorphic


class ComplexBlocks(Blocked):
    """``Blocked`` with complex buffers: Im L(θ + i·h·e_j) for every j in one data pass, the
    steps of several j side by side (rows of one array), so a call pays each NumPy dispatch
    once per group of j, not once per j: at small N dispatch is the whole cost."""

    def __init__(self, x: np.ndarray, y: np.ndarray, complex_dtype: type) -> None:
        super().__init__(x, y)
        # rows per group: every θ_j at once while a group holds at most two blocks of points
        self.group = max(1, min(self.d + 1, 2 * BLOCK // self.block))
        self.zc, self.ec = np.empty((2, self.group, self.block), dtype=complex_dtype)

    def value_and_parts(self, theta: np.ndarray, h: float) -> tuple[float, np.ndarray]:
        """L(θ) and Im L(θ + i·h·e_j) for each j: z = x·w + b once per block, then z + i·h·x_j.

        L(θ) is the real part of L(θ + i·h·e_0): Re L(θ + ih) = L(θ) − h²L″/2 + …, and h² sits
        far below the round-off (``STEP``), so the value costs no second pass over the data.
        """
        out, total = np.zeros(theta.size), 0.0
        for piece in self.pieces:
            z = self.pre_activation(theta, piece)
            right, sign, left = piece.s, piece.p, piece.r
            np.greater_equal(z, 0, out=right)  # 1 where σ = 1/(1 + e^−z), 0 where e^z/(1 + e^z)
            np.multiply(right, -2, out=sign)
            sign += 1  # −1 where right, +1 where left: sign·z has Re ≤ 0
            np.subtract(1, right, out=left)
            for lo in range(0, theta.size, self.group):
                hi = min(theta.size, lo + self.group)
                sums = self.group_sums(piece, z, lo, hi, h)
                out[lo:hi] += 0.5 * sums.imag
                if lo == 0:  # the first row: θ + i·h·e_0
                    total += 0.5 * float(sums[0].real)
        return total, out

    def group_sums(self, piece: Piece, z: np.ndarray, lo: int, hi: int, h: float
                   ) -> np.ndarray:
        """Σ r² over the piece's points for θ_lo … θ_hi−1 moved by i·h, complex, one row each."""
        zc, e = self.zc[: hi - lo, : z.size], self.ec[: hi - lo, : z.size]
        right, sign, left = piece.s, piece.p, piece.r
        zc.real = z
        features = min(hi, self.d) - lo  # rows that move w_j (the rest move b)
        if features > 0:
            column = piece.x[:, None] if self.x1 is not None else piece.x
            zc.imag[:features] = column[:, lo:lo + features].T
        zc.imag[max(features, 0):] = 1
        zc.imag *= h
        np.multiply(zc, sign, out=e)
        np.exp(e, out=e)
        np.add(e, 1, out=zc)
        np.reciprocal(zc, out=zc)  # 1/(1 + e)
        np.multiply(e, left, out=e)
        np.add(e, right, out=e)  # 1 where right, e where left
        np.multiply(e, zc, out=e)  # σ(z + i·h·x_j), one exp
        np.subtract(e, piece.y, out=e)
        np.multiply(e, e, out=e)  # no conjugate: holomorphic
        return e.sum(axis=1)


@register
class ComplexStep(NumpyImplementation):
    name = "complex-step"
    method = "complex-step"

    def compile(self, theta) -> None:
        self._h = STEP[self.problem.dtype]
        self.blocks = ComplexBlocks(self.x, self.y, COMPLEX[self.problem.dtype])

    def loss_native(self, theta):
        return self.blocks.loss(theta)

    def value_and_grad_native(self, theta):
        value, parts = self.blocks.value_and_parts(theta, self._h)
        return theta.dtype.type(value), (parts / self._h).astype(theta.dtype)
