"""Moving θ: a descent direction and the update step (training: ``trajectory``)."""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np

from benchmarks.check import diagnose, tolerance
from benchmarks.check import reference as ref
from benchmarks.check.accuracy import SECOND, Failure, component_names, finite_failures
from benchmarks.check.calls import Caller
from impls.problem import Problem


def descent(problem: Problem, theta: np.ndarray, grad: np.ndarray, exact: ref.Reference,
            grad_tol: np.ndarray, eta_cap: float) -> dict[str, Any]:
    """L(θ − εg) < L(θ) for a small ε, with L exact.

    ε is at most ``eta_cap`` (half of 1/L): for such a step the curvature bound promises a
    decrease of at least ¾ε‖∇L‖² along the exact gradient, so a decrease under half the
    first-order prediction means g is no descent direction. A zero g passes where the exact
    gradient is within the tolerance of zero.
    """
    norm = float(np.abs(grad).max())
    if norm == 0.0:
        return {"passed": bool(np.all(np.abs(exact.grad) <= grad_tol)), "note": "zero gradient"}
    small = min(1e-4 * max(1.0, float(np.abs(theta).max())) / norm, eta_cap)
    with mpmath.workdps(ref.DIGITS):
        decrease = float(exact.loss - ref.reference_loss(problem, theta - small * grad))
    predicted = small * float(grad @ grad)
    return {"eta": small, "decrease": decrease, "predicted": predicted,
            "passed": decrease > 0.5 * predicted}


def step_allowance(problem: Problem, theta: np.ndarray, grad: np.ndarray,
                   grad_tol: np.ndarray) -> np.ndarray:
    """How far a correct θ − η∇L may be from the exact one: η·tol + 4u(|θ| + η|∇L|)."""
    u = tolerance.unit_roundoff(problem.dtype)
    return problem.eta * grad_tol + 4 * u * (np.abs(theta) + problem.eta * np.abs(grad))


def step(caller: Caller, problem: Problem, theta: np.ndarray, where: str,
         exact: ref.Reference, grad_tol: np.ndarray) -> tuple[dict[str, Any], list[Failure]]:
    """impl.step(θ) == θ − η∇L(θ) within η·tol + 4u(|θ| + η|∇L|)."""
    stepped, again = caller("step", theta, where)
    failures = finite_failures("step", where, None, stepped, "θ_next")
    expected = theta - problem.eta * exact.grad
    allowed = step_allowance(problem, theta, exact.grad, grad_tol)
    ratio = np.abs(np.stack([stepped, again]) - expected) / np.maximum(allowed, 1e-300)
    worst = float(np.nan_to_num(ratio, nan=np.inf).max())
    if not failures and worst > 1:
        row, j = np.unravel_index(int(np.argmax(np.nan_to_num(ratio, nan=np.inf))), ratio.shape)
        call = SECOND if row else ""
        got = np.stack([stepped, again])[row]
        mine, theirs = diagnose.distinct(float(got[j]), float(expected[j]))
        cause = diagnose.step_cause(problem, theta, got, exact.grad, allowed)
        if row and np.all(np.abs(stepped - expected) <= allowed):
            cause = diagnose.repeat_cause(stepped, again, "θ changed in place by the first "
                                          "call?")
        failures.append(("step", f"step at {where}{call}: {component_names(problem.d)[j]} of "
                         f"θ − η∇L off by {worst:.3g}× its tolerance ({mine} vs {theirs})"
                         + (f" — {cause}" if cause else "")))
    return {"theta_next": stepped.tolist(), "expected": expected.tolist(),
            "error_over_tolerance": worst, "passed": not failures}, failures
