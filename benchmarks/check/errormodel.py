"""How far an implementation's gradient may be from the exact one: one object per error model.

An implementation declares ``error_model`` as a string ("exact", "central-difference",
"forward-difference"); ``model_for`` maps it to the object here, which the checker owns.
Finite-difference steps follow the rule ``impls.finite_diff`` documents (and every FD code in
ADBench and GradBench uses): h_j = ε^(1/3)·max(1, |θ_j|) central, ε^(1/2)·max(1, |θ_j|)
forward, rounded so that θ_j + h_j is exact; a class may supply its own with a ``fd_steps``
classmethod ``(theta_in_dtype, scheme) -> h``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks.check import rounding
from benchmarks.check.terms import Terms, terms
from impls.problem import Problem

M3 = 0.2  # max |ℓ‴| ≤ 3·max|σ′σ″| + |r|·max|σ‴| ≤ 0.054 + 0.125 |r| ≤ 0.2 (1 + |y|)
M4 = 0.3  # max |ℓ⁗| ≤ 3·max σ″² + 4·max|σ′σ‴| + |r|·max|σ⁗| ≤ 0.16 + 0.13 |r| ≤ 0.3 (1 + |y|)


def fd_steps(theta: np.ndarray, dtype: str, scheme: str, impl_class: type | None = None
             ) -> np.ndarray:
    th = np.asarray(theta, dtype=dtype)
    custom = getattr(impl_class, "fd_steps", None)
    if callable(custom):
        return np.asarray(custom(th, scheme), dtype=np.float64)
    eps = np.finfo(th.dtype).eps
    h = eps ** (1.0 / 3.0 if scheme == "central" else 0.5) * np.maximum(1.0, np.abs(th))
    return ((th + h) - th).astype(np.float64)


@dataclass(frozen=True)
class ErrorModel:
    """Exact methods (AD, manual chain rule, complex step): round-off only."""

    name: str = "exact"

    def grad_tolerance(self, problem: Problem, theta: np.ndarray,
                       impl_class: type | None = None) -> np.ndarray:
        return rounding.grad_bound(problem, terms(problem, theta))

    def describe(self) -> str:
        return "running round-off bound of Σ δ_i x̃_ij from the actual terms"


def remainder(t: Terms, derivative: np.ndarray, next_bound: float, h: np.ndarray, order: int,
              factor: np.ndarray) -> np.ndarray:
    """factor · Σ_i |x̃_ij|^order (|ℓ⁽ᵒʳᵈᵉʳ⁾_i| + |x̃_ij| h · next_bound · (1 + |y_i|)): the
    Taylor remainder along coordinate j, from the per-point derivative at θ plus a bound on
    the next one (its magnitude per unit residual) over the step."""
    xa = np.abs(t.xt)
    inner = np.abs(derivative)[:, None] + xa * h * next_bound * (1 + np.abs(t.y))[:, None]
    return factor * np.sum(xa**order * inner, axis=0)


@dataclass(frozen=True)
class CentralDifference(ErrorModel):
    name: str = "central-difference"
    scheme: str = "central"

    def truncation(self, t: Terms, h: np.ndarray) -> np.ndarray:
        """h²/6 · max |∂³L/∂θ_j³| on [θ − h, θ + h], from ℓ‴ at θ plus h·max|ℓ⁗|."""
        return remainder(t, t.third(), M4, h, order=3, factor=h**2 / 6)

    def moved(self, problem: Problem, theta: np.ndarray, h: np.ndarray) -> list[np.ndarray]:
        eye = np.eye(theta.size)
        return [np.stack([theta + h[j] * eye[j], theta - h[j] * eye[j]]) for j in
                range(theta.size)]

    def grad_tolerance(self, problem: Problem, theta: np.ndarray,
                       impl_class: type | None = None) -> np.ndarray:
        theta = np.asarray(theta, dtype=np.float64)
        t = terms(problem, theta)
        u = rounding.unit_roundoff(problem.dtype)
        h = np.maximum(fd_steps(theta, problem.dtype, self.scheme, impl_class), 1e-300)
        losses = np.array([[rounding.loss_bound(problem, terms(problem, p)) for p in pair]
                           for pair in self.moved(problem, theta, h)])
        divisor = 2 * h if self.scheme == "central" else h
        cancellation = losses.sum(axis=1) / divisor
        truncation = self.truncation(t, h)
        size = np.abs(t.xt.T @ t.delta) + truncation + cancellation
        shifted = np.abs(theta - h) if self.scheme == "central" else np.abs(theta + h)
        argument = size * u * (shifted / divisor + 4)
        return rounding.SAFETY * (truncation + argument) + cancellation

    def describe(self) -> str:
        return ("truncation h²/6·|∂³L/∂θ_j³| on [θ−h, θ+h] from the actual ℓ‴ at θ, plus the "
                "running loss bounds at θ ± h_j over 2h_j")


@dataclass(frozen=True)
class ForwardDifference(CentralDifference):
    name: str = "forward-difference"
    scheme: str = "forward"

    def truncation(self, t: Terms, h: np.ndarray) -> np.ndarray:
        """h/2 · max |∂²L/∂θ_j²| on [θ, θ + h], from ℓ″ at θ plus h·max|ℓ‴|."""
        return remainder(t, t.second(), M3, h, order=2, factor=h / 2)

    def moved(self, problem: Problem, theta: np.ndarray, h: np.ndarray) -> list[np.ndarray]:
        eye = np.eye(theta.size)
        return [np.stack([theta + h[j] * eye[j], theta]) for j in range(theta.size)]

    def describe(self) -> str:
        return ("truncation h/2·|∂²L/∂θ_j²| on [θ, θ+h] from the actual ℓ″ at θ, plus the "
                "running loss bounds at θ + h_j and θ over h_j")


MODELS: dict[str, ErrorModel] = {m.name: m for m in (ErrorModel(), CentralDifference(),
                                                      ForwardDifference())}


class UnknownErrorModel(ValueError):
    pass


def model_for(spec: str | ErrorModel) -> ErrorModel:
    """The model object for an implementation's declared ``error_model``."""
    if isinstance(spec, ErrorModel):
        return spec
    try:
        return MODELS[spec]
    except (KeyError, TypeError):
        raise UnknownErrorModel(f"unknown error model {spec!r}: choose one of "
                                f"{', '.join(MODELS)}") from None
