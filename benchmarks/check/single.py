"""One implementation's whole check, in whatever process it runs: every point, every operation."""

from __future__ import annotations

import traceback

import numpy as np

from benchmarks.check import diagnose, localise, moves, probes, taylor, trajectory
from benchmarks.check.accuracy import accuracy
from benchmarks.check.calls import Caller, CheckFailure, private_copy
from benchmarks.check.context import Context, ImplCheck
from benchmarks.check.errormodel import model_for
from impls.base import Implementation


def run_points(result: ImplCheck, caller: Caller, context: Context,
               cls: type[Implementation], model) -> None:
    problem = context.problem
    failed: dict[str, bool] = {}
    for label, theta in context.points.items():
        exact = context.references[label]
        acc, failures = accuracy(caller, problem, label, theta, exact, model, cls)
        result.details[f"gradient_at_{label}"] = acc
        result.grads[label] = acc["grad"]
        grad_tol = np.array(acc["grad_tolerance_abs"])
        stepped, step_failures = moves.step(caller, problem, theta, probes.LABELS[label],
                                            exact, grad_tol)
        acc["step"] = stepped
        if label == "probe":
            result.details["step"] = stepped
        failed[label] = bool(failures or step_failures)
        earlier = {probes.LABELS[k]: np.asarray(g) for k, g in result.grads.items() if k != label}
        stale = diagnose.stale_cause(np.asarray(acc["grad"]), earlier) if failures else None
        if stale:  # more telling than any signature of the value itself
            failures[0] = (failures[0][0], f"{failures[0][1].split(' — ')[0]} — {stale}")
        for check, why in failures + step_failures:
            result.fail(check, why)
    try:
        cause = localise.z_cause(caller, problem, context.points, failed, model, cls)
    except Exception:  # a diagnosis is a courtesy: the failures above stand without it
        cause = None
    if cause:
        result.lead(cause)


def run_moves(result: ImplCheck, caller: Caller, context: Context,
              cls: type[Implementation], model) -> None:
    problem, theta = context.problem, context.points["probe"]
    grad = np.asarray(result.grads["probe"])
    if np.isfinite(grad).all():
        tol = np.array(result.details["gradient_at_probe"]["grad_tolerance_abs"])
        result.details["taylor"] = test = taylor.taylor_test(context.taylor, grad, tol)
        if not test["passed"]:
            result.fail("taylor", taylor.failure_message(test))
        result.details["descent"] = down = moves.descent(
            problem, theta, grad, context.references["probe"], tol,
            0.5 * context.bound.eta_descent)
        if not down["passed"]:
            result.fail("descent", "descent at the probe: a small step along −g does not "
                        "decrease the loss")
    result.details["train"], failures = trajectory.training(
        caller, problem, context.steps, cls.error_model, context.trajectory,
        context.references["theta0"])
    for check, why in failures:
        result.fail(check, why)
    again(result, caller, context, cls, model)


AFTER_TRAINING = "θ0 after training"


def again(result: ImplCheck, caller: Caller, context: Context, cls: type[Implementation],
          model) -> None:
    """θ0 once more after every other call: the same answer, within the tolerance, or the
    implementation keeps state that drifts (a cache, a counter, a buffer updated in place)."""
    problem = context.problem
    acc, failures = accuracy(caller, problem, AFTER_TRAINING, context.points["theta0"],
                             context.references["theta0"], model, cls)
    result.details["after_training"] = {"passed": not failures,
                                        "error_over_tolerance": acc["error_over_tolerance"]}
    for _, why in failures:
        result.fail("after-training", why)


def check_one(cls: type[Implementation], context: Context) -> ImplCheck:
    """Every check on one implementation class; it breaks in any way, the verdict says how."""
    result = ImplCheck(cls.name, method=cls.method)
    result.details["error_model"] = getattr(cls, "error_model", "exact")
    problem = context.problem
    if problem.dtype not in cls.dtypes:
        result.status = "unavailable"
        result.failures.append(f"does not support {problem.dtype}")
        return result
    try:
        model = model_for(cls.error_model)
        mine = private_copy(problem)
        impl = cls(device=context.device)
        impl.prepare(mine)
        caller = Caller(impl, mine, problem)
        run_points(result, caller, context, cls, model)
        run_moves(result, caller, context, cls, model)
    except CheckFailure as failure:
        result.fail(failure.check, str(failure))
    except Exception as error:  # an implementation may break in any way: record, go on
        message = str(error).splitlines()[0] if str(error) else ""
        result.error("error", f"{type(error).__name__}: {message}")
        result.details["traceback"] = traceback.format_exc()
    return result
