"""``torch.compile`` (TorchDynamo + Inductor) of ``torch.func.grad_and_value``: fused C++ kernels.

Compiled once per problem shape and dtype (kernels specialised to the sizes, as a benchmark of
the best case should be: ``automatic_dynamic_shapes`` is off while it compiles, so a second
size in one process gets its own static kernels, not dynamic ones), by one call in
``compile``, so the compile time lands in ``prepare_seconds`` and never in a timed call.
``torch.compile`` takes no options: ``dynamic=False`` or ``fullgraph=True`` wrap every call
in a configuration patch, which at small N costs more than the kernel itself.
"""

from __future__ import annotations

import os
import sysconfig

import torch
import torch._dynamo
import torch.func

from impls.registry import register
from impls.torch_common import TorchBase, loss

# Dynamo keeps its compiled versions on the function's code object and, past 8 of them, runs
# it eagerly without saying so: a worker timing many sizes would then time eager PyTorch under
# this name. So allow one version per shape, and fail loudly beyond that.
SHAPES_PER_PROCESS = 256


def value_and_grad(theta: torch.Tensor, x: torch.Tensor, y: torch.Tensor):
    grad, value = torch.func.grad_and_value(loss)(theta, x, y)
    return value, grad


def recompile_limits() -> dict[str, object]:
    """Dynamo's settings while this compiles: one static version per shape, loud past the
    limit."""
    config = torch._dynamo.config
    static = {"automatic_dynamic_shapes": False}
    if hasattr(config, "recompile_limit"):  # torch ≥ 2.6
        return {"recompile_limit": SHAPES_PER_PROCESS, "fail_on_recompile_limit_hit": True,
                "accumulated_recompile_limit": SHAPES_PER_PROCESS, **static}
    return {"cache_size_limit": SHAPES_PER_PROCESS,
            "accumulated_cache_size_limit": SHAPES_PER_PROCESS, **static}


@register
class TorchCompile(TorchBase):
    name = "torch-compile"
    method = "reverse-mode"

    @classmethod
    def unavailable_reason(cls, device: str = "cpu") -> str | None:
        """Without a C++ compiler and Python's headers Inductor cannot build CPU kernels."""
        reason = super().unavailable_reason(device)
        if reason is not None:
            return reason
        try:
            torch._dynamo.eval_frame.check_if_dynamo_supported()
        except Exception as error:  # e.g. a Python newer than this torch supports
            return f"torch.compile does not run here: {error}"
        if device != "cpu":
            return None
        if not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")):
            return "Inductor needs the Python headers (Python.h), which are not installed"
        try:
            from torch._inductor.cpp_builder import get_cpp_compiler

            get_cpp_compiler()
        except Exception as error:  # any failure here means Inductor cannot build kernels
            return f"Inductor finds no C++ compiler: {str(error).splitlines()[0]}"
        return None

    def compile(self, theta) -> None:
        eta = self.eta

        def update(theta: torch.Tensor, x: torch.Tensor, y: torch.Tensor):
            """One fused step: the loss at θ and θ − η∇L(θ), a single compiled graph."""
            value, grad = value_and_grad(theta, x, y)
            return theta - eta * grad, value

        self._value_and_grad = torch.compile(value_and_grad)
        self._loss = torch.compile(loss)
        self._update = torch.compile(update)
        self._update_ready = False
        with torch._dynamo.config.patch(recompile_limits()):
            self._value_and_grad(theta, self.x, self.y)  # compiles now, not in a timed call
            self.loss_native(theta)

    def compile_step(self, theta) -> None:
        """The fused step compiles only where a step is asked for (not for loss or gradient)."""
        if not self._update_ready:
            with torch._dynamo.config.patch(recompile_limits()):
                self._update(theta, self.x, self.y)
            self._update_ready = True

    def compile_train(self, theta, steps: int) -> None:
        self.compile_step(theta)

    def loss_native(self, theta):
        """The compiled loss: one fused kernel, where eager PyTorch makes four passes."""
        with torch.no_grad():
            return self._loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        return self._value_and_grad(theta, self.x, self.y)

    def update_native(self, theta):
        """The compiled fused step; PyTorch has no fused loop like lax.scan, the step is the
        unit, and the base class's loop calls it ``steps`` times."""
        return self._update(theta, self.x, self.y)
