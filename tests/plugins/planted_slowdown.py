"""numpy-manual under another name; with UPDATEBENCH_PLANTED_SLOWDOWN=1, 1.5× slower.

The slow version repeats the whole computation on every other call, so a round of an even
number of calls (the sweep's loops are powers of two) does 1.5× the work of numpy-manual.
Compare's tests plant it to check that a real sweep finds the slowdown, and leave it out
to check that two runs of the same code raise no false alarm.
"""

import os

from impls.numpy_manual import NumpyManual
from impls.registry import register

SLOW = os.environ.get("UPDATEBENCH_PLANTED_SLOWDOWN") == "1"


@register
class PlantedSlowdown(NumpyManual):
    name = "planted-slowdown"
    calls = 0

    def _again(self) -> bool:
        self.calls += 1
        return SLOW and self.calls % 2 == 0

    def loss_native(self, theta):
        if self._again():
            super().loss_native(theta)
        return super().loss_native(theta)

    def value_and_grad_native(self, theta):
        if self._again():
            super().value_and_grad_native(theta)
        return super().value_and_grad_native(theta)
