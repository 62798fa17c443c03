"""Numba: loss and gradient in one pass over the data, compiled to machine code.

Each point is read once: z = x·w + b, e = exp(−|z|), s = e/(1 + e) = σ(−|z|), σ(z) = 1 − s
for z ≥ 0 and s otherwise, and σ(z)σ(−z) = e/(1 + e)², so no exp overflows at |z| = 1000 and
the tail keeps its digits. libm's ``exp`` is a call LLVM cannot vectorise and costs most of
the time, so ``exp_nonpositive`` computes e^a (a ≤ 0) in plain arithmetic to 1 ulp; the
residuals of a small piece of points are formed first (vectorised, no sums), from views of
the piece, so that no index needs a negative-index check (one would keep LLVM scalar), then
the sums. z and the sigmoid are formed in the data's dtype (float32 data get a float32 exp,
``exp_nonpositive_32``, with twice the vector lanes), the sums in float64 for both dtypes.
The residual loop may contract a·b + c into FMAs (one rounding) and is never reassociated;
the sums over a piece are (``SUMS``), so they run in vector lanes of partial sums, which
only changes the order of a few hundred additions.
With more than one Numba thread the points are cut into chunks of at least ``MIN_CHUNK``
points, at most one per thread, and ``prange`` runs the chunks, each writing its own partial
sums (a race-free reduction); when N is too small for two such chunks the serial kernel runs
whatever the thread count, and ``parameters()`` records how many threads really ran.

Why ``MIN_CHUNK`` = 8192: a ``prange`` call pays a fork-join, the serial kernel a few ns a
point, so below two chunks of that size a second core costs more than it gives, and with the
second core taken by another job a parallel call is slower still. ``scripts/numba_chunks.py``
measures it; the measurements are in docs/measuring.md. (Chunks are counted in points,
whatever d: a larger d only makes a chunk dearer, so the rule errs towards the serial kernel.)

This is what the hardware allows without AD: the distance to it is what the frameworks cost.
"""

from __future__ import annotations

import time
from typing import Any

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload

from impls.base import NumpyImplementation
from impls.registry import register

PIECE = 512  # points per vectorised piece: three float64 buffers of 4 KiB
MIN_CHUNK = 8192  # fewest points per parallel chunk: below, the fork-join costs more (above)
FMA = {"contract"}  # fused multiply-add in the polynomial and the sigmoid; no reassociation
SUMS = {"contract", "reassoc"}  # the sums only: lanes of partial sums, so they vectorise
LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01  # ln 2 in two parts, so k·LN2_HI is exact
LN2_LO = 1.90821492927058770002e-10
# e^r on |r| ≤ ½ ln 2, degree 11, highest first, then r¹ and r⁰ (both 1): Chebyshev
# interpolation (near minimax) by mpmath.chebyfit(mpmath.exp, [−h, h], 12) with h 1.0001 ×
# ½ ln 2, max error 3.2e-18; two multiply-adds fewer than Taylor to r¹³ for the same accuracy
EXP_POLY = (2.5110049204818658e-08, 2.763265472252779e-07, 2.755724088722987e-06,
            2.4801485441561313e-05, 0.00019841269890076403, 0.0013888888952352863,
            0.008333333333319589, 0.04166666666648795, 0.1666666666666668, 0.5000000000000019)


# per float type: integer width, exponent bias and mantissa bits of its IEEE format
EXPONENT_BITS = {types.float64: (64, 1023, 52, ir.DoubleType),
                 types.float32: (32, 127, 23, ir.FloatType)}


@intrinsic
def _two_to(typingctx, k):  # pragma: no cover - compiled
    """2^k for an integral float k in its type's normal range, as the float whose bits are
    (k + bias) << mantissa bits, in integer lanes of the float's own width: Numba's own int32
    arithmetic widens to int64, which would halve the vector lanes of the float32 kernel."""
    width, bias, shift, kind = EXPONENT_BITS[k]

    def codegen(context, builder, signature, args):
        integer = ir.IntType(width)
        bits = builder.fptosi(args[0], integer)
        bits = builder.shl(builder.add(bits, ir.Constant(integer, bias)),
                           ir.Constant(integer, shift))
        return builder.bitcast(bits, kind())

    return k(k), codegen


@numba.njit(cache=False, nogil=True, error_model="numpy", inline="always", fastmath=FMA)
def exp_nonpositive(a):  # pragma: no cover - compiled
    """e^a for a ≤ 0 to 1 ulp, in arithmetic LLVM can vectorise (libm's exp is a call it cannot).

    Cody–Waite reduction a = k·ln 2 + r, |r| ≤ ½ ln 2, ``EXP_POLY`` of degree 11 (error
    < 1e-17), and 2^k as two factors so that results below 2^−1022 round into the subnormals
    correctly.
    """
    a = max(a, -746.0)
    k = np.floor(a * LOG2E + 0.5)  # np.floor stays float64; math.floor gives int64
    r = (a - k * LN2_HI) - k * LN2_LO
    p = EXP_POLY[0]  # Horner, written out: a loop over a tuple would not vectorise
    p = p * r + EXP_POLY[1]
    p = p * r + EXP_POLY[2]
    p = p * r + EXP_POLY[3]
    p = p * r + EXP_POLY[4]
    p = p * r + EXP_POLY[5]
    p = p * r + EXP_POLY[6]
    p = p * r + EXP_POLY[7]
    p = p * r + EXP_POLY[8]
    p = p * r + EXP_POLY[9]
    p = p * r + 1.0
    p = p * r + 1.0
    half = np.floor(k * 0.5)
    return p * _two_to(half) * _two_to(k - half)


F32 = np.float32  # float32 constants: a bare literal would make float32 arithmetic float64
LOG2E_32, LN2_HI_32, LN2_LO_32 = F32(LOG2E), F32(0.693359375), F32(-2.12194440e-4)
ONE_32, HALF_32, FLOOR_32 = F32(1.0), F32(0.5), F32(-104.0)
C2_32, C3_32, C4_32 = F32(1 / 2), F32(1 / 6), F32(1 / 24)  # Taylor coefficients 1/k!
C5_32, C6_32, C7_32 = F32(1 / 120), F32(1 / 720), F32(1 / 5040)


@numba.njit(cache=False, nogil=True, error_model="numpy", inline="always", fastmath=FMA)
def exp_nonpositive_32(a):  # pragma: no cover - compiled
    """e^a for a float32 a ≤ 0 within 1.5 ulp of float32, in float32 (twice the vector lanes):
    the same reduction as ``exp_nonpositive``, Taylor to r⁷ (error < 1e-9)."""
    a = max(a, FLOOR_32)
    k = np.floor(a * LOG2E_32 + HALF_32)  # np.floor keeps float32; math.floor gives int64
    r = (a - k * LN2_HI_32) - k * LN2_LO_32
    p = (((((C7_32 * r + C6_32) * r + C5_32) * r + C4_32) * r + C3_32) * r + C2_32) * r
    p = (p + ONE_32) * r + ONE_32
    half = np.floor(k * HALF_32)
    return p * _two_to(half) * _two_to(k - half)


@numba.njit(cache=False, nogil=True, error_model="numpy", inline="always", fastmath=FMA)
def _residual_64(zi, yi):  # pragma: no cover - compiled
    """(r, q) = (σ(z) − y, r·σ(z)σ(−z)): scalars, so the caller's loop vectorises."""
    e = exp_nonpositive(-abs(zi))
    t = 1.0 / (1.0 + e)
    s = e * t  # σ(−|z|)
    r = (1.0 - s if zi >= 0 else s) - yi
    return r, r * (s * t)  # σ(z)σ(−z) = e/(1 + e)²


@numba.njit(cache=False, nogil=True, error_model="numpy", inline="always", fastmath=FMA)
def _residual_32(zi, yi):  # pragma: no cover - compiled
    """``_residual_64`` in float32, for float32 data (the sums stay float64)."""
    e = exp_nonpositive_32(-abs(zi))
    t = ONE_32 / (ONE_32 + e)
    s = e * t
    r = (ONE_32 - s if zi >= 0 else s) - yi
    return r, r * (s * t)


def _residual(zi, yi):  # pragma: no cover - only its overload runs, compiled
    """(σ(z) − y, (σ(z) − y)·σ(z)σ(−z)) in z's precision."""


@overload(_residual, jit_options={"fastmath": FMA, "error_model": "numpy"})
def _residual_typed(zi, yi):  # pragma: no cover - compiled
    if zi == types.float32:
        return lambda zi, yi: _residual_32(zi, yi)
    return lambda zi, yi: _residual_64(zi, yi)


@numba.njit(cache=False, nogil=True, error_model="numpy", fastmath=FMA)
def _residuals(xs, x1s, ys, w, b, r, q):  # pragma: no cover - compiled
    """r and q of a piece's points, from views, so every index is known non-negative and the
    loop vectorises; no sums here, so nothing is reassociated."""
    if xs.shape[1] == 1:
        w0 = w[0]
        for i in range(ys.shape[0]):
            r[i], q[i] = _residual(x1s[i] * w0 + b, ys[i])
    else:
        for i in range(ys.shape[0]):
            zi = b
            for k in range(xs.shape[1]):
                zi += xs[i, k] * w[k]
            r[i], q[i] = _residual(zi, ys[i])


@numba.njit(cache=False, nogil=True, error_model="numpy", fastmath=SUMS)
def _sums(xs, x1s, r, q, acc, slope):  # pragma: no cover - compiled
    """acc[0] += Σr², acc[1 + k] += Σq·x_k, acc[-1] += Σq over a piece, in vector lanes."""
    total, gw, gb = 0.0, 0.0, 0.0
    d = xs.shape[1]
    for i in range(r.shape[0]):
        ri = np.float64(r[i])
        total += ri * ri
    if slope:
        for i in range(r.shape[0]):
            gb += np.float64(q[i])
        if d == 1:
            for i in range(r.shape[0]):
                gw += np.float64(q[i]) * np.float64(x1s[i])
            acc[1] += gw
        else:
            for i in range(r.shape[0]):
                for k in range(d):
                    acc[1 + k] += np.float64(q[i]) * np.float64(xs[i, k])
    acc[0] += total
    acc[1 + d] += gb


@numba.njit(cache=False, nogil=True, error_model="numpy")
def _chunk(x, x1, y, w, b, lo, hi, out, slope):  # pragma: no cover - compiled
    """Sums over points lo..hi into out: out[0] = Σr², out[1 + k] = Σδx_k, out[-1] = Σδ.

    In pieces of ``PIECE`` points: the residuals of a piece (vectorised) into small buffers
    that stay in L1, then the sums over it (vectorised too: its lanes are partial sums).
    """
    r, q = np.empty(PIECE, y.dtype), np.empty(PIECE, y.dtype)  # in the data's dtype: a
    # float32 residual stored to float64 would keep LLVM from vectorising its loop
    acc = np.zeros(x.shape[1] + 2)
    for start in range(lo, hi, PIECE):
        stop = min(start + PIECE, hi)
        m = stop - start
        xs, x1s = x[start:stop], x1[start:stop]
        _residuals(xs, x1s, y[start:stop], w, b, r[:m], q[:m])
        _sums(xs, x1s, r[:m], q[:m], acc, slope)
    out += acc


@numba.njit(cache=False, nogil=True, error_model="numpy")
def serial(x, x1, y, w, b, slope):  # pragma: no cover - compiled
    out = np.zeros(x.shape[1] + 2)
    _chunk(x, x1, y, w, b, 0, x.shape[0], out, slope)
    return out


@numba.njit(cache=False, nogil=True, error_model="numpy", parallel=True)
def parallel(x, x1, y, w, b, slope, chunks):  # pragma: no cover - compiled
    n = x.shape[0]
    partial = np.zeros((chunks, x.shape[1] + 2))
    size = (n + chunks - 1) // chunks
    for c in numba.prange(chunks):
        _chunk(x, x1, y, w, b, c * size, min(n, (c + 1) * size), partial[c], slope)
    return partial.sum(axis=0)


def chunks_for(n: int, threads: int) -> int:
    """Parallel chunks worth running: one per thread, each at least ``MIN_CHUNK`` points;
    1 means the serial kernel."""
    return max(1, min(threads, n // MIN_CHUNK))


@register
class NumbaFused(NumpyImplementation):
    name = "numba-fused"
    method = "manual"
    framework = "numba"
    requires = ("numba",)

    def compile(self, theta) -> None:
        """Compile the kernel this size runs for this dtype now, so no timed call pays for it."""
        self.threads = chunks_for(self.x.shape[0], numba.get_num_threads())
        self.x1 = self.x.reshape(-1)  # for d = 1 a contiguous vector (for d > 1 unused)
        self.zero = theta.dtype.type(0)
        start = time.perf_counter()
        self.sums(theta, True)
        self.sums(theta, False)
        self.compile_seconds = time.perf_counter() - start

    def sums(self, theta, slope: bool) -> np.ndarray:
        b = theta[-1] + self.zero
        if self.threads > 1:
            return parallel(self.x, self.x1, self.y, theta[:-1], b, slope, self.threads)
        return serial(self.x, self.x1, self.y, theta[:-1], b, slope)

    def parameters(self) -> dict[str, Any]:
        return {"threads_used": self.threads, "min_chunk": MIN_CHUNK}

    def loss_native(self, theta):
        return theta.dtype.type(0.5 * self.sums(theta, False)[0])

    def value_and_grad_native(self, theta):
        out = self.sums(theta, True)
        return theta.dtype.type(0.5 * out[0]), out[1:].astype(theta.dtype)
