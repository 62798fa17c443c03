"""Complex-step differentiation: ∂L/∂θ_j = Im L(θ + i·h·e_j) / h, one complex loss per θ_j.

Unlike a finite difference there is no subtraction, so nothing cancels and h can be tiny:
the error is O(h²) relative, below round-off once h² ≪ u (Squire & Trapp 1998; Martins,
Sturdza & Alonso 2003). That makes it exact to round-off, at d + 1 loss evaluations.
"""

from __future__ import annotations

import numpy as np

from impls import numpy_manual
from impls.base import NumpyImplementation
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
    """
    right = z.real >= 0
    e = np.exp(np.where(right, -z, z))
    return np.where(right, 1 / (1 + e), e / (1 + e))


def complex_loss(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.complexfloating:
    residual = complex_sigmoid(x @ theta[:-1] + theta[-1]) - y
    return 0.5 * (residual @ residual)  # @ does not conjugate, so this stays holomorphic


@register
class ComplexStep(NumpyImplementation):
    name = "complex-step"
    method = "complex-step"

    def compile(self, theta) -> None:
        self._h = STEP[self.problem.dtype]
        self._complex = COMPLEX[self.problem.dtype]

    def loss_native(self, theta):
        return numpy_manual.loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        grad = np.empty_like(theta)
        moved = theta.astype(self._complex)
        for j in range(theta.size):
            moved[j] += 1j * self._h
            grad[j] = complex_loss(moved, self.x, self.y).imag / self._h
            moved[j] = theta[j]
        return self.loss_native(theta), grad
