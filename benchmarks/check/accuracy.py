"""Loss and gradient at one point against the exact reference, in units of the tolerance.

Each failure names the operation, the component (w_3, b), the point (θ0, tail probe, ...)
and by how many tolerances it is off; a non-finite value fails whatever the tolerance.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np

from benchmarks.check import probes
from benchmarks.check import reference as ref
from benchmarks.check.calls import Caller
from benchmarks.check.errormodel import ErrorModel
from benchmarks.check.tolerance import loss_tolerance
from impls.problem import Problem

Failure = tuple[str, str]  # (which check, message)
SECOND = " (second call of the same bound call: does it change its own input?)"


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


def gradient_failures(op: str, where: str, grad: np.ndarray, exact: np.ndarray,
                      tol: np.ndarray, call: str) -> tuple[float, list[Failure]]:
    ratios = np.array([over(abs(g - e), t) for g, e, t in zip(grad, exact, tol, strict=True)])
    worst = int(np.argmax(ratios))
    if ratios[worst] <= 1:
        return float(ratios[worst]), []
    name = component_names(grad.size - 1)[worst]
    return float(ratios[worst]), [("gradient", f"{op} at {where}{call}: ∂L/∂{name} off the "
                                   f"reference by {ratios[worst]:.3g}× its tolerance "
                                   f"({grad[worst]:.6g} vs {exact[worst]:.6g})")]


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
    for call, (v, g, p) in (("", (value, grad, plain)), (SECOND, (value2, grad2, plain2))):
        if failures:
            break
        ratio, found = gradient_failures("value_and_grad", where, g, exact.grad, grad_tol, call)
        ratios.append(ratio)
        for op, loss, check in (("value_and_grad", v, "loss"), ("loss", p, "loss-op")):
            r = over(abs(loss - exact_loss), loss_tol)
            ratios.append(r)
            if r > 1:
                found.append((check, f"{op} at {where}{call}: the loss off the reference by "
                              f"{r:.3g}× its tolerance ({loss:.10g} vs {exact_loss:.10g})"))
        failures += found
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
