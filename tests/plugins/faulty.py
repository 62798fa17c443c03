"""Implementations that misbehave the ways a sweep must survive: crash, hang, NaN."""

import os
import time

import numpy as np

from impls import NumpyImplementation, register
from impls.numpy_manual import loss, value_and_grad


class Faulty(NumpyImplementation):
    method = "manual"

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)


@register
class Crashing(Faulty):
    name = "crashing"

    def value_and_grad_native(self, theta):
        os._exit(3)


@register
class Hanging(Faulty):
    name = "hanging"

    def value_and_grad_native(self, theta):
        time.sleep(3600)


@register
class NanReturning(Faulty):
    name = "nan-returning"

    def value_and_grad_native(self, theta):
        value, grad = value_and_grad(theta, self.x, self.y)
        return value, grad * np.nan


@register
class Slow(Faulty):
    """Correct, but slow enough that a sweep can be killed in the middle of it."""

    name = "slow"

    def value_and_grad_native(self, theta):
        time.sleep(0.05)
        return value_and_grad(theta, self.x, self.y)
