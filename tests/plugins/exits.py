"""Implementations that end the process in the middle of a gradient: sys.exit and os._exit."""

import os
import sys

from impls import NumpyImplementation, register
from impls.numpy_manual import loss


class Exiting(NumpyImplementation):
    method = "manual"

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)


@register
class SysExit(Exiting):
    name = "sys-exit"

    def value_and_grad_native(self, theta):
        sys.exit(1)


@register
class HardExit(Exiting):
    name = "os-exit"

    def value_and_grad_native(self, theta):
        os._exit(1)
