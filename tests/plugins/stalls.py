"""Correct, but stalls while the file named by UPDATEBENCH_TEST_STALL exists (kill tests)."""

import os
import time
from pathlib import Path

from impls import NumpyImplementation, register
from impls.numpy_manual import loss, value_and_grad


@register
class Stalling(NumpyImplementation):
    name = "stalling"
    method = "manual"

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        flag = os.environ.get("UPDATEBENCH_TEST_STALL")
        while flag and Path(flag).exists():
            time.sleep(0.05)
        return value_and_grad(theta, self.x, self.y)
