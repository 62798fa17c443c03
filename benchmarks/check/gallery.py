"""Deliberately wrong implementations, each a bug people really write: the checker's targets.

They subclass ``impls.base.NumpyImplementation`` but are not registered, so they never
appear among the built-ins; ``benchmarks.check.selftest`` checks each and expects a
failure. Here: wrong values and gradients; ``gallery_calls``: wrong steps, training runs
and calls that keep state. ``applies(problem)`` says where the bug exists at all (x
transposed is no bug when d = 1; float32 arithmetic inside is no bug in float32; a 1e-8
error is beneath float32).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from impls.base import NumpyImplementation
from impls.numpy_manual import loss, sigmoid, value_and_grad
from impls.problem import Problem


class Correct(NumpyImplementation):
    """The manual chain rule: the base every bug below changes in one place."""

    name = "gallery-correct"
    method = "manual"
    bug: ClassVar[str] = "none: the control"

    @classmethod
    def applies(cls, problem: Problem) -> bool:
        return True

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        return value_and_grad(theta, self.x, self.y)


class ScaleError(Correct):
    """g·(1 + δ): the probe ``selftest.min_detectable`` bisects on."""

    name = "scale-error"
    delta: ClassVar[float] = 0.0
    bug = "gradient scaled by 1 + δ"

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(theta, self.x, self.y)
        return value, grad * (1 + self.delta)


def scaled(delta: float, float64_only: bool = False) -> type[Correct]:
    class Scaled(ScaleError):
        name = f"scale-{delta:g}"
        bug = f"gradient {delta:.0e} too large (relative)"

        @classmethod
        def applies(cls, problem: Problem) -> bool:
            return problem.dtype == "float64" or not float64_only

    Scaled.delta = delta
    return Scaled


def _parts(impl, theta, sig=sigmoid):
    z = impl.x @ theta[:-1] + theta[-1]
    f = sig(z)
    return z, f, f - impl.y


class OnePointWrong(Correct):
    name, bug = "one-point-wrong", "the first point's contribution counted twice"

    def value_and_grad_native(self, theta):
        z, f, r = _parts(self, theta)
        delta = r * f * sigmoid(-z)
        delta[0] *= 2
        return 0.5 * (r @ r), np.append(self.x.T @ delta, delta.sum())


class BiasForgotten(Correct):
    name, bug = "bias-gradient-forgotten", "∂L/∂b left at zero"

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(theta, self.x, self.y)
        grad[-1] = 0.0
        return value, grad


class BiasSign(Correct):
    name, bug = "bias-wrong-sign", "z = x·w − b (loss and gradient of the wrong model)"

    def _flip(self, theta):
        return np.append(theta[:-1], -theta[-1])

    def loss_native(self, theta):
        return loss(self._flip(theta), self.x, self.y)

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(self._flip(theta), self.x, self.y)
        return value, np.append(grad[:-1], -grad[-1])


class CrossEntropy(Correct):
    name, bug = "cross-entropy-gradient", "Σ(f − y)x̃, the cross-entropy gradient"

    def value_and_grad_native(self, theta):
        _, _, r = _parts(self, theta)
        return 0.5 * (r @ r), np.append(self.x.T @ r, r.sum())


class MissingHalf(Correct):
    name, bug = "missing-half", "L = Σ(f − y)² without the ½ (gradient to match)"

    def loss_native(self, theta):
        return 2 * loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(theta, self.x, self.y)
        return 2 * value, 2 * grad


class SwappedWB(Correct):
    name, bug = "w-b-swapped", "θ read as [b, w] (and the gradient written so)"

    def _swap(self, theta):
        return np.append(theta[1:], theta[0])

    def loss_native(self, theta):
        return loss(self._swap(theta), self.x, self.y)

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(self._swap(theta), self.x, self.y)
        return value, np.append(grad[-1], grad[:-1])


class TransposedX(Correct):
    name, bug = "x-transposed", "x read in the wrong memory order (d > 1)"

    @classmethod
    def applies(cls, problem: Problem) -> bool:
        return problem.d > 1

    def compile(self, theta) -> None:
        self.x = np.ascontiguousarray(self.x.reshape(self.x.shape[1], -1).T)


class PositiveZBug(Correct):
    name, bug = "bug-for-z-positive", "δ halved where z > 0"

    def value_and_grad_native(self, theta):
        z, f, r = _parts(self, theta)
        delta = r * f * sigmoid(-z)
        delta = np.where(z > 0, delta / 2, delta)
        return 0.5 * (r @ r), np.append(self.x.T @ delta, delta.sum())


class OverflowingSigmoid(Correct):
    name, bug = "overflowing-sigmoid", "σ′ = e^−z / (1 + e^−z)², inf/inf where e^−z overflows"

    def value_and_grad_native(self, theta):
        z, _, r = _parts(self, theta)
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(-z)
            delta = r * e / (1 + e) ** 2
        return 0.5 * (r @ r), np.append(self.x.T @ delta, delta.sum())


def nan_sigmoid(z):
    return np.where(np.abs(z) > 30, np.nan, sigmoid(z))


class NanPast30(Correct):
    name, bug = "nan-past-30", "a sigmoid that returns NaN once |z| > 30"

    def loss_native(self, theta):
        _, _, r = _parts(self, theta, nan_sigmoid)
        return 0.5 * (r @ r)

    def value_and_grad_native(self, theta):
        z, f, r = _parts(self, theta, nan_sigmoid)
        delta = r * f * nan_sigmoid(-z)
        return 0.5 * (r @ r), np.append(self.x.T @ delta, delta.sum())


class Float32Inside(Correct):
    name, bug = "float32-inside", "float32 arithmetic inside a float64 implementation"

    @classmethod
    def applies(cls, problem: Problem) -> bool:
        return problem.dtype == "float64"

    def value_and_grad_native(self, theta):
        single = [a.astype(np.float32) for a in (theta, self.x, self.y)]
        value, grad = value_and_grad(*single)
        return np.float64(value), grad.astype(np.float64)


class LossOpWrong(Correct):
    name, bug = "loss-op-wrong", "the loss operation without ½ (value_and_grad right)"

    def loss_native(self, theta):
        return 2 * loss(theta, self.x, self.y)


class NativePathDiffers(Correct):
    name, bug = "native-path-differs", "boundary method right, timed native hook wrong"

    def value_and_grad(self, theta):
        value, grad = value_and_grad(np.asarray(theta, dtype=self.problem.dtype), self.x,
                                     self.y)
        return float(value), grad.astype(np.float64)

    def value_and_grad_native(self, theta):
        return CrossEntropy.value_and_grad_native(self, theta)


class GradientSignFlipped(Correct):
    name, bug = "gradient-sign-flipped", "∇L with the wrong sign (y − f for f − y)"

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(theta, self.x, self.y)
        return value, -grad


class MeanLoss(Correct):
    name, bug = "mean-not-sum", "L and ∇L divided by N: a mean where the rule sums"

    def loss_native(self, theta):
        return loss(theta, self.x, self.y) / self.x.shape[0]

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(theta, self.x, self.y)
        return value / self.x.shape[0], grad / self.x.shape[0]


class GradientSwapped(Correct):
    name, bug = "gradient-components-swapped", "∂L/∂w_1 and ∂L/∂b written in each other's place"

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(theta, self.x, self.y)
        grad[[0, -1]] = grad[[-1, 0]]
        return value, grad


VALUE_BUGS: tuple[type[Correct], ...] = (
    scaled(0.1), scaled(3e-3), scaled(1e-8, float64_only=True), OnePointWrong, BiasForgotten,
    BiasSign, CrossEntropy, MissingHalf, SwappedWB, TransposedX, PositiveZBug,
    OverflowingSigmoid, NanPast30, Float32Inside, LossOpWrong, NativePathDiffers,
    GradientSignFlipped, MeanLoss, GradientSwapped)
