"""Loss and gradient at one point against the exact reference, in units of the tolerance.

Each failure names the operation, the component (w_3, b), the point (θ0, tail probe, ...),
by how many tolerances it is off, both values with digits enough to differ, and where a
known signature fits, its likely cause (``diagnose``); a non-finite value fails whatever
the tolerance. A second call with the same θ must give the same answer.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np

from benchmarks.check import diagnose, probes
from benchmarks.check import reference as ref
from benchmarks.check.calls import Caller
from benchmarks.check.errormodel import ErrorModel
from benchmarks.check.tolerance import loss_tolerance
from impls.problem import Problem

Failure = tuple[str, str]  # (which check, message)
SECOND = " (second call with the same θ)"


def component_names(d: int) -> list[str]:
    return [f"w_{k + 1}" for k in range(d)] + ["b"]


def nonfinite(values: np.ndarray) -> str:
    bad = values[~np.isfinite(values)]
    return "NaN" if np.isnan(bad).any() else "inf"


def finite_failures(op: str, where: str, value: float | None, vector: np.ndarray | None,
                    what: str = "the gradient") -> list[Failure]:
    out: list[Failure] = []
    if value is not None and not math.isfinite(value):
        out.append(("nonfinite", f"{op} at {where} returns a loss of {value}"))
    if vector is not None and not np.isfinite(vector).all():
        bad = np.flatnonzero(~np.isfinite(vector))
        if what == "the loss curve":
            place = f"first at step {bad[0]}"
        else:
            names = component_names(vector.size - 1)
            place = ", ".join(names[j] for j in bad)
        out.append(("nonfinite", f"{op} at {where} returns {nonfinite(vector)} in {what} "
                    f"({place})"))
    return out


def over(error: float, tol: float) -> float:
    if not math.isfinite(error):
        return math.inf
    return error / tol if tol > 0 else (0.0 if error == 0 else math.inf)


def with_cause(message: str, cause: str | None) -> str:
    return f"{message} — {cause}" if cause else message


def gradient_failures(problem: Problem, op: str, where: str, theta: np.ndarray,
                      grad: np.ndarray, exact: np.ndarray, tol: np.ndarray
                      ) -> tuple[float, list[Failure]]:
    ratios = np.array([over(abs(g - e), t) for g, e, t in zip(grad, exact, tol, strict=True)])
    worst = int(np.argmax(ratios))
    if ratios[worst] <= 1:
        return float(ratios[worst]), []
    names = component_names(grad.size - 1)
    mine, theirs = diagnose.distinct(float(grad[worst]), float(exact[worst]))
    cause = diagnose.gradient_cause(problem, theta, grad, exact, tol, names)
    return float(ratios[worst]), [("gradient", with_cause(
        f"{op} at {where}: ∂L/∂{names[worst]} off the reference by {ratios[worst]:.3g}× its "
        f"tolerance ({mine} vs {theirs})", cause))]


def loss_failure(problem: Problem, op: str, where: str, theta: np.ndarray, check: str,
                 loss: float, exact: float, tol: float) -> tuple[float, list[Failure]]:
    r = over(abs(loss - exact), tol)
    if r <= 1:
        return r, []
    mine, theirs = diagnose.distinct(loss, exact, least=10)
    return r, [(check, with_cause(f"{op} at {where}: the loss off the reference by {r:.3g}× "
                                  f"its tolerance ({mine} vs {theirs})",
                                  diagnose.loss_cause(problem, theta, loss, exact, tol)))]


def repeat_failures(where: str, first: np.ndarray, second: np.ndarray, exact: np.ndarray,
                    tol: np.ndarray) -> list[Failure]:
    """The second call with the same θ is held to the reference too (first: loss, the loss
    op's loss, then the gradient); where it fails, the two calls disagreed."""
    off = np.abs(second - exact) / np.maximum(tol, 1e-300)
    if np.all(off <= 1):
        return []
    j = int(np.argmax(off))
    what = ("the loss", "the loss op's loss")[j] if j < 2 else \
        f"∂L/∂{component_names(first.size - 3)[j - 2]}"
    a, b = diagnose.distinct(float(first[j]), float(second[j]))
    return [("repeat", f"value_and_grad and loss at {where}: "
             f"{diagnose.repeat_cause(first[2:], second[2:])} ({what}: {a}, then {b}, "
             f"{off[j]:.3g}× its tolerance off the reference)")]


def accuracy(caller: Caller, problem: Problem, label: str, theta: np.ndarray,
             exact: ref.Reference, model: ErrorModel, impl_class: type
             ) -> tuple[dict[str, Any], list[Failure]]:
    where = probes.LABELS.get(label, label)
    (value, grad), (value2, grad2) = caller("value_and_grad", theta, where)
    plain, plain2 = caller("loss", theta, where)
    grad_tol = model.grad_tolerance(problem, theta, impl_class)
    loss_tol = loss_tolerance(problem, theta)
    exact_loss = float(exact.loss)
    failures = (finite_failures("value_and_grad", where, value, grad)
                + finite_failures("loss", where, plain, None))
    ratios = [0.0]
    if not failures:
        ratio, found = gradient_failures(problem, "value_and_grad", where, theta, grad,
                                         exact.grad, grad_tol)
        ratios.append(ratio)
        for op, loss, check in (("value_and_grad", value, "loss"), ("loss", plain, "loss-op")):
            r, more = loss_failure(problem, op, where, theta, check, loss, exact_loss, loss_tol)
            ratios.append(r)
            found += more
        failures += found
    if not failures:
        first = np.array([value, plain, *grad])
        again = np.array([value2, plain2, *grad2])
        failures += finite_failures("value_and_grad", where + SECOND, value2, grad2) \
            or repeat_failures(where, first, again, np.array([exact_loss, exact_loss,
                                                              *exact.grad]),
                               np.array([loss_tol, loss_tol, *grad_tol]))
    # NaN compares false everywhere: a non-finite result is infinitely wrong, not unknown
    diff = np.nan_to_num(np.abs(grad - exact.grad), nan=np.inf)
    loss_error, op_error = (float(np.nan_to_num(abs(v - exact_loss), nan=np.inf))
                            for v in (value, plain))
    return {
        "theta": theta.tolist(), "z_range": probes.z_range(problem, theta),
        "loss": value, "loss_from_loss_op": plain, "grad": grad.tolist(),
        "reference_loss": mpmath.nstr(exact.loss, 25),
        "reference_grad": exact.grad.tolist(), "reference_method": exact.method,
        "loss_error": loss_error / exact.loss_scale,
        "loss_op_error": op_error / exact.loss_scale,
        "loss_tolerance": loss_tol / exact.loss_scale,
        "loss_tolerance_abs": loss_tol,
        "grad_error": float(np.max(diff / exact.grad_scale)),
        "grad_tolerance": float(np.max(grad_tol / exact.grad_scale)),
        "grad_tolerance_abs": grad_tol.tolist(),
        "grad_rho": float(np.nan_to_num(np.max(diff / np.maximum(
            1.0, np.abs(grad) + np.abs(exact.grad))), nan=np.inf)),
        "error_over_tolerance": math.inf if failures and failures[0][0] == "nonfinite"
        else float(max(ratios)),
    }, failures
