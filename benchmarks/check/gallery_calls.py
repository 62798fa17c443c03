"""Deliberately wrong steps, training runs and calls: the checker's targets beyond values.

Like ``gallery``'s programs they are the manual chain rule changed in one place; these
change what happens around the gradient: the update, the loss curve, state kept between
calls (a cache, gradients that accumulate, θ updated in place).
"""

from __future__ import annotations

from benchmarks.check.gallery import Correct
from impls.numpy_manual import loss, value_and_grad


class StepWrongSign(Correct):
    name, bug = "step-wrong-sign", "θ + η∇L: the step climbs"

    def step_native(self, theta):
        return theta + self.eta * self.value_and_grad_native(theta)[1]


class StepWrongEta(Correct):
    name, bug = "step-eta-over-n", "η/N in the step (the mean-loss habit)"

    def step_native(self, theta):
        return theta - self.eta / self.x.shape[0] * self.value_and_grad_native(theta)[1]


class MutatesTheta(Correct):
    name, bug = "mutates-theta", "the step updates θ in place (theta -= η g)"

    def step_native(self, theta):
        theta -= self.eta * self.value_and_grad_native(theta)[1]
        return theta


class CachedGradient(Correct):
    name, bug = "cached-gradient", "the gradient of the first call, returned ever after"

    def value_and_grad_native(self, theta):
        if not hasattr(self, "_cache"):
            self._cache = value_and_grad(theta, self.x, self.y)[1]
        return loss(theta, self.x, self.y), self._cache.copy()


class LossCurveShifted(Correct):
    name, bug = "loss-curve-off-by-one", "training records L(θ_t+1) instead of L(θ_t)"

    def train_native(self, theta, steps):
        losses = []
        for _ in range(steps):
            theta = theta - self.eta * self.value_and_grad_native(theta)[1]
            losses.append(self.loss_native(theta))
        return theta, losses


class AccumulatingGradient(Correct):
    name, bug = "accumulating-gradient", "each call adds to the last gradient (.grad not zeroed)"

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(theta, self.x, self.y)
        self._sum = grad if not hasattr(self, "_sum") else self._sum + grad
        return value, self._sum.copy()


CALL_BUGS: tuple[type[Correct], ...] = (
    StepWrongSign, StepWrongEta, MutatesTheta, CachedGradient, LossCurveShifted,
    AccumulatingGradient)
