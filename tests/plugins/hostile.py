"""Implementations that attack the checker's process: segfault, os._exit, sys.exit, in-place θ."""

import ctypes
import os
import sys

import numpy as np

from impls import NumpyImplementation, register
from impls.numpy_manual import loss, value_and_grad


class Hostile(NumpyImplementation):
    method = "manual"

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        return value_and_grad(theta, self.x, self.y)


@register
class Segfaulting(Hostile):
    name = "segfaulting"

    def value_and_grad_native(self, theta):
        ctypes.string_at(0)


@register
class HardExit(Hostile):
    name = "hard-exit"

    def value_and_grad_native(self, theta):
        os._exit(1)


@register
class PoliteExit(Hostile):
    name = "polite-exit"

    def value_and_grad_native(self, theta):
        sys.exit(0)


@register
class InPlaceStep(Hostile):
    """The update written in place: the caller's θ changes under it."""

    name = "in-place-step"

    def step_native(self, theta):
        theta -= self.eta * value_and_grad(theta, self.x, self.y)[1]
        return theta


@register
class NanLossOnly(Hostile):
    """value_and_grad is right; only the plain loss operation returns NaN."""

    name = "nan-loss-only"

    def loss_native(self, theta):
        return np.float64(np.nan)


@register
class CentresX(Hostile):
    """Centres x in place on first use: every later call (and caller) sees other data."""

    name = "centres-x"

    def value_and_grad_native(self, theta):
        self.x -= self.x.mean(axis=0)
        return value_and_grad(theta, self.x, self.y)
