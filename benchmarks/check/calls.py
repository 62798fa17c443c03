"""Every operation evaluated through the bound native call the sweep times, and defended.

``impl.bind(op, θ)`` is the exact zero-argument call the timing engine repeats; the checker
calls it twice and converts the results only afterwards, so no other code path (an
overridden boundary method, say) can be checked in its place. The implementation gets its
own copies of θ, x and y; after each call the checker compares them with pristine ones, so
one that writes into its input is caught ("mutates its input θ") and cannot touch another
implementation's data or the checker's θ0. The second call of the same bound call must
agree with the first: a call that updates its own native θ in place drifts between calls.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from impls.base import Implementation
from impls.problem import Problem


class CheckFailure(Exception):
    """An operation that cannot be judged at all: what went wrong, and which check says so."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check


def private_copy(problem: Problem) -> Problem:
    """The problem with arrays of its own, for one implementation to prepare on."""
    return dataclasses.replace(problem, x=problem.x.copy(), y=problem.y.copy(),
                               theta0=problem.theta0.copy())


def _vector(impl: Implementation, value: Any, size: int, what: str, op: str) -> np.ndarray:
    out = np.asarray(impl.to_numpy(value), dtype=np.float64)
    if out.shape != (size,):
        raise CheckFailure("shape", f"{op} returns {what} of shape {out.shape}, "
                           f"expected ({size},)")
    return out


def _scalar(impl: Implementation, value: Any, what: str, op: str) -> float:
    out = np.asarray(impl.to_numpy(value), dtype=np.float64)
    if out.size != 1:
        raise CheckFailure("shape", f"{op} returns {what} of shape {out.shape}, not a number")
    return float(out.reshape(()))


def convert(impl: Implementation, op: str, out: Any, size: int, steps: int) -> Any:
    """The native result of ``op`` as float64 NumPy, after the call."""
    if op == "loss":
        return _scalar(impl, out, "a loss", op)
    if op == "value_and_grad":
        value, grad = out
        return _scalar(impl, value, "a loss", op), _vector(impl, grad, size, "a gradient", op)
    if op == "step":
        return _vector(impl, out, size, "θ", op)
    final, losses = out
    if isinstance(losses, list | tuple):
        curve = np.array([_scalar(impl, v, "a loss", op) for v in losses])
    else:
        curve = np.asarray(impl.to_numpy(losses), dtype=np.float64).reshape(-1)
    if curve.shape != (steps,):
        raise CheckFailure("shape", f"train returns {curve.size} losses for {steps} steps")
    return _vector(impl, final, size, "θ_k", op), curve


class Caller:
    """Calls ``op`` on an implementation the way the sweep does, and guards its inputs."""

    def __init__(self, impl: Implementation, problem: Problem, pristine: Problem) -> None:
        self.impl, self.problem, self.pristine = impl, problem, pristine

    def inputs_intact(self, theta: np.ndarray, kept: np.ndarray, op: str, where: str) -> None:
        for what, mine, clean in (("θ", theta, kept), ("x", self.problem.x, self.pristine.x),
                                  ("y", self.problem.y, self.pristine.y)):
            if not np.array_equal(mine, clean, equal_nan=True):
                raise CheckFailure("mutation", f"{op} at {where} mutates its input {what}: "
                                   f"{what} was changed in place (an in-place update such as "
                                   f"{what} -= …; compute into a new array)")

    def __call__(self, op: str, theta: np.ndarray, where: str, steps: int = 1
                 ) -> tuple[Any, Any]:
        """(first result, second result) of the same bound call, converted."""
        argument = np.array(theta, dtype=np.float64)
        kept = argument.copy()
        bound = self.impl.bind(op, argument, steps)
        size = self.problem.d + 1
        first = convert(self.impl, op, bound(), size, steps)
        self.inputs_intact(argument, kept, op, where)
        second = convert(self.impl, op, bound(), size, steps)
        self.inputs_intact(argument, kept, op, where)
        return first, second
