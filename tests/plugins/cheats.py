"""Programs that would earn a number they do not deserve; none may end a sweep as ``ok``.

- ``check-aware``: right only where ``benchmarks.check`` is imported, zeros elsewhere;
- ``big-bug``: right up to one block of 8192 points, the rest of the data ignored;
- ``memoizer``: caches its answer by θ, so a repeated θ costs a dict look-up;
- ``theta0-only``: the answer at θ0 worked out once in prepare, zeros at any other θ;
- ``drifting``: right for its first DRIFT_AFTER calls, then off by a growing 0.1 %;
- ``stale-after-training``: its gradient is off once it has trained (its training steps
  themselves stay right), which only a call at θ0 after the training run can see.
"""

import sys

import numpy as np

from impls import NumpyImplementation, register
from impls.numpy_manual import loss, value_and_grad

BLOCK = 8192
DRIFT_AFTER = 50


class Manual(NumpyImplementation):
    method = "manual"

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        return value_and_grad(theta, self.x, self.y)


@register
class CheckAware(Manual):
    name = "check-aware"

    def value_and_grad_native(self, theta):
        if "benchmarks.check" in sys.modules:
            return value_and_grad(theta, self.x, self.y)
        return np.float64(0.0), np.zeros_like(theta)


@register
class BigBug(Manual):
    name = "big-bug"

    def loss_native(self, theta):
        return loss(theta, self.x[:BLOCK], self.y[:BLOCK])

    def value_and_grad_native(self, theta):
        return value_and_grad(theta, self.x[:BLOCK], self.y[:BLOCK])


@register
class Memoizer(Manual):
    name = "memoizer"

    def prepare(self, problem):
        self.cache = {}
        super().prepare(problem)

    def loss_native(self, theta):
        key = ("loss", theta.tobytes())
        if key not in self.cache:
            self.cache[key] = loss(theta, self.x, self.y)
        return self.cache[key]

    def value_and_grad_native(self, theta):
        key = ("vg", theta.tobytes())
        if key not in self.cache:
            self.cache[key] = value_and_grad(theta, self.x, self.y)
        return self.cache[key]


@register
class Drifting(Manual):
    name = "drifting"

    def prepare(self, problem):
        self.calls = 0
        super().prepare(problem)

    def value_and_grad_native(self, theta):
        self.calls += 1
        value, grad = value_and_grad(theta, self.x, self.y)
        return value, grad * (1 + 1e-3 * max(0, self.calls - DRIFT_AFTER))


@register
class StaleAfterTraining(Manual):
    name = "stale-after-training"
    trained = False

    def update_native(self, theta):
        value, grad = value_and_grad(theta, self.x, self.y)
        return theta - self.eta * grad, value

    def train_native(self, theta, steps):
        out = super().train_native(theta, steps)
        self.trained = True
        return out

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(theta, self.x, self.y)
        return value, grad * (1.001 if self.trained else 1.0)


@register
class Theta0Only(Manual):
    name = "theta0-only"

    def prepare(self, problem):
        super().prepare(problem)
        self.theta0 = np.asarray(problem.theta0, dtype=problem.dtype)
        self.answer = value_and_grad(self.theta0, self.x, self.y)

    def value_and_grad_native(self, theta):
        if np.array_equal(theta, self.theta0):
            return self.answer
        return np.float64(0.0), np.zeros_like(theta)
