"""The one interface every implementation follows.

Two layers keep timing honest (GradBench's pre/post split):
- native hooks (``loss_native``, ``value_and_grad_native``, ``step_native``, ``train_native``)
  take and return the framework's own arrays; the timing engine calls only these, through
  ``bind``, so no conversion happens inside a timed call;
- the boundary methods (``loss``, ``value_and_grad``, ``step``, ``train``) take and return
  NumPy float64, for checking.

A subclass usually writes ``asarray``, ``loss_native`` and ``value_and_grad_native``; the
update step and the training loop fall out of those unless the framework has a fused one.
"""

from __future__ import annotations

import importlib.util
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from enum import StrEnum
from typing import Any, ClassVar

import numpy as np

from impls.problem import Problem


class Op(StrEnum):
    """An operation the suite times; a ``str``, so ``op == "train"`` keeps working."""

    LOSS = "loss"
    VALUE_AND_GRAD = "value_and_grad"
    STEP = "step"
    TRAIN = "train"

    def calls(self, steps: int = 1) -> int:
        """Loss or gradient evaluations one run makes: ``steps`` for train, else one."""
        return steps if self is Op.TRAIN else 1

    def gradients(self, steps: int = 1) -> int:
        """Gradient evaluations one run makes: none for the loss."""
        return 0 if self is Op.LOSS else self.calls(steps)

    @classmethod
    def parse(cls, op: str) -> Op:
        """The operation named ``op``, or a ValueError that lists the choices."""
        try:
            return cls(op)
        except ValueError:
            raise ValueError(f"unknown operation {op!r}: choose one of {', '.join(OPS)}") from None


OPS = tuple(op.value for op in Op)  # the names, for code that wants plain strings
DEVICES = ("cpu", "cuda")


def value_twice(fn: Callable[..., Any]) -> Callable[..., tuple[Any, Any]]:
    """``fn`` returning its value twice: forward-mode ``jacfwd(..., has_aux=True)`` then hands
    back the primal it computes anyway, so value and gradient cost one pass."""

    def twice(*args: Any) -> tuple[Any, Any]:
        value = fn(*args)
        return value, value

    return twice


class Implementation(ABC):
    """One way of computing the gradient of L(θ) = Σ ½(σ(x·w + b) − y)² and stepping θ."""

    name: ClassVar[str]
    method: ClassVar[str]  # reverse-mode, forward-mode, manual, finite-difference, ...
    framework: ClassVar[str] = "numpy"
    requires: ClassVar[tuple[str, ...]] = ()  # importable modules it needs
    devices: ClassVar[tuple[str, ...]] = ("cpu",)
    dtypes: ClassVar[tuple[str, ...]] = ("float64", "float32")
    max_n: ClassVar[int | None] = None  # sizes beyond which it is impractical (None: any)
    # True: a synthetic problem reaches ``prepare`` as an ``impls.problem.LazyProblem`` (no
    # arrays; it makes the rows it needs from the seed), so no memory guard applies to it
    lazy_data: ClassVar[bool] = False
    # How far from the exact gradient it may be (see benchmarks.check.tolerance): "exact" (AD,
    # manual, complex step: round-off only), "central-difference" or "forward-difference".
    error_model: ClassVar[str] = "exact"

    def __init__(self, device: str = "cpu") -> None:
        self.device = device
        self.problem: Problem | None = None
        self.prepare_seconds = 0.0

    # ---- availability -------------------------------------------------------------------
    @classmethod
    def unavailable_reason(cls, device: str = "cpu") -> str | None:
        """Why this cannot run here (None when it can); never raises."""
        for module in cls.requires:
            if importlib.util.find_spec(module) is None:
                return f"{module} is not installed"
        if device not in cls.devices:
            return f"does not support device {device!r} (supports {', '.join(cls.devices)})"
        if device != "cpu":
            return cls.device_unavailable_reason(device)
        return None

    @classmethod
    def device_unavailable_reason(cls, device: str) -> str | None:
        return f"no {device} device here"

    # ---- framework hooks ----------------------------------------------------------------
    def prepare(self, problem: Problem) -> None:
        """Convert the data once and compile what compiles; never part of a timed call."""
        if problem.dtype not in self.dtypes:
            raise ValueError(f"{self.name} does not support {problem.dtype}")
        start = time.perf_counter()
        self.problem = problem
        self.x = self.asarray(problem.x)
        self.y = self.asarray(problem.y)
        self.eta = problem.eta
        self.compile(self.asarray(problem.theta0))
        self.prepare_seconds = time.perf_counter() - start

    def compile(self, theta: Any) -> None:
        """Ahead-of-time compilation for frameworks that compile; the default does nothing."""

    def compile_step(self, theta: Any) -> None:
        """Compile a fused update step ahead of its timed call (default: none)."""

    def compile_train(self, theta: Any, steps: int) -> None:
        """Compile a fused loop of ``steps`` updates ahead of its timed call (default: none)."""

    @abstractmethod
    def asarray(self, a: np.ndarray) -> Any:
        """A NumPy array (already in the problem's dtype) as this framework's array."""

    def to_numpy(self, a: Any) -> np.ndarray:
        """A result as float64 NumPy, after the timed call. An array that still carries an
        autodiff graph (a torch tensor that requires grad) is detached and brought to the
        host first; a sequence is converted item by item. What NumPy cannot read is refused
        with the fix: override ``to_numpy`` for the framework's arrays."""
        if isinstance(a, list | tuple):
            return np.asarray([self.to_numpy(item) for item in a], dtype=np.float64)
        if callable(getattr(a, "detach", None)):
            a = a.detach()
            a = a.cpu() if callable(getattr(a, "cpu", None)) else a
        try:
            return np.asarray(a, dtype=np.float64)
        except (TypeError, ValueError, RuntimeError) as error:
            why = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise TypeError(f"{type(self).__name__} returned a {type(a).__name__} that NumPy "
                            f"cannot read ({why}): override to_numpy (impls.base."
                            "Implementation.to_numpy) to turn this framework's arrays into "
                            "NumPy") from error

    def block(self, out: Any) -> Any:
        """Wait until ``out`` is computed (asynchronous frameworks and GPUs)."""
        return out

    # ---- what the run records beside the timings -----------------------------------------
    def parameters(self) -> dict[str, Any]:
        """Settings that shape this run beyond the configuration (devices, workers); recorded."""
        return {}

    def reset_device_peak(self) -> None:
        """Start a new peak of device memory (GPUs); host memory is the worker's peak RSS."""

    def device_peak_bytes(self) -> int | None:
        """Peak bytes allocated on the device since ``reset_device_peak`` (None: on the CPU)."""
        return None

    @abstractmethod
    def loss_native(self, theta: Any) -> Any: ...

    @abstractmethod
    def value_and_grad_native(self, theta: Any) -> tuple[Any, Any]: ...

    def descend(self, theta: Any, grad: Any) -> Any:
        """θ − η∇L: the update rule, in native arrays (a framework may need it spelled out)."""
        return theta - self.eta * grad

    def update_native(self, theta: Any) -> tuple[Any, Any]:
        """One update and the loss before it: (θ − η∇L(θ), L(θ)); fused where compiled."""
        value, grad = self.value_and_grad_native(theta)
        return self.descend(theta, grad), value

    def step_native(self, theta: Any) -> Any:
        return self.update_native(theta)[0]

    def train_native(self, theta: Any, steps: int) -> tuple[Any, list[Any]]:
        """``steps`` updates; returns θ_k and the losses L(θ_0) … L(θ_{k-1})."""
        losses = []
        for _ in range(steps):
            theta, value = self.update_native(theta)
            losses.append(value)
        return theta, losses

    # ---- boundary: NumPy float64 in and out ---------------------------------------------
    def _theta(self, theta: np.ndarray) -> Any:
        if self.problem is None:
            raise RuntimeError(f"{self.name}: call prepare(problem) first")
        theta = np.asarray(theta, dtype=self.problem.dtype)
        if theta.shape != (self.problem.d + 1,):
            raise ValueError(f"theta must have shape ({self.problem.d + 1},), got {theta.shape}")
        return self.asarray(theta)

    def loss(self, theta: np.ndarray) -> float:
        return float(self.to_numpy(self.block(self.loss_native(self._theta(theta)))))

    def value_and_grad(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = self.block(self.value_and_grad_native(self._theta(theta)))
        return float(self.to_numpy(value)), self.to_numpy(grad)

    def step(self, theta: np.ndarray) -> np.ndarray:
        native = self._theta(theta)
        self.compile_step(native)
        return self.to_numpy(self.block(self.step_native(native)))

    def train(self, theta: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
        native = self._theta(theta)
        self.compile_train(native, steps)
        final, losses = self.block(self.train_native(native, steps))
        if isinstance(losses, list | tuple):
            curve = np.array([self.to_numpy(v) for v in losses], dtype=np.float64).reshape(-1)
        else:  # a fused loop returns the curve as one array
            curve = self.to_numpy(losses).reshape(-1)
        return self.to_numpy(final), curve

    def bind(self, op: str, theta: np.ndarray, steps: int = 1) -> Callable[[], Any]:
        """A zero-argument call of ``op`` on native data that returns once the result exists."""
        op = Op.parse(op)
        native = self._theta(theta)
        block = self.block
        if op is Op.STEP:
            self.compile_step(native)
        elif op is Op.TRAIN:
            self.compile_train(native, steps)
            train = self.train_native
            return lambda: block(train(native, steps))
        fn = {Op.LOSS: self.loss_native, Op.VALUE_AND_GRAD: self.value_and_grad_native,
              Op.STEP: self.step_native}[op]
        return lambda: block(fn(native))


class NumpyImplementation(Implementation):
    """An implementation that computes on NumPy arrays: conversion is a contiguous view."""

    def asarray(self, a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(a)
