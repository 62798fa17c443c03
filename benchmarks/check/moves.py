"""Moving θ: a descent direction, the update step, and training against exact descent."""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np

from benchmarks.check import reference as ref
from benchmarks.check import tolerance
from benchmarks.check.accuracy import SECOND, Failure, component_names, finite_failures
from benchmarks.check.calls import Caller
from impls.problem import Problem


def descent(problem: Problem, theta: np.ndarray, grad: np.ndarray,
            exact: ref.Reference) -> dict[str, Any]:
    """L(θ − εg) < L(θ) for a small ε, with L exact."""
    norm = float(np.abs(grad).max())
    if norm == 0.0:
        return {"passed": float(np.abs(exact.grad).max()) == 0.0, "note": "zero gradient"}
    small = 1e-4 * max(1.0, float(np.abs(theta).max())) / norm
    with mpmath.workdps(ref.DIGITS):
        decrease = float(exact.loss - ref.reference_loss(problem, theta - small * grad))
    predicted = small * float(grad @ grad)
    return {"eta": small, "decrease": decrease, "predicted": predicted,
            "passed": decrease > 0.5 * predicted}


def step(caller: Caller, problem: Problem, theta: np.ndarray, where: str,
         exact: ref.Reference, grad_tol: np.ndarray) -> tuple[dict[str, Any], list[Failure]]:
    """impl.step(θ) == θ − η∇L(θ) within η·tol + 4u(|θ| + η|∇L|)."""
    stepped, again = caller("step", theta, where)
    failures = finite_failures("step", where, None, stepped, "θ_next")
    expected = theta - problem.eta * exact.grad
    u = tolerance.unit_roundoff(problem.dtype)
    allowed = problem.eta * grad_tol + 4 * u * (np.abs(theta) + problem.eta * np.abs(exact.grad))
    ratio = np.abs(np.stack([stepped, again]) - expected) / np.maximum(allowed, 1e-300)
    worst = float(np.nan_to_num(ratio, nan=np.inf).max())
    if not failures and worst > 1:
        row, j = np.unravel_index(int(np.argmax(np.nan_to_num(ratio, nan=np.inf))), ratio.shape)
        call = SECOND if row else ""
        failures.append(("step", f"step at {where}{call}: {component_names(problem.d)[j]} of "
                         f"θ − η∇L off by {worst:.3g}× its tolerance"))
    return {"theta_next": stepped.tolist(), "expected": expected.tolist(),
            "error_over_tolerance": worst, "passed": not failures}, failures


def reference_trajectory(problem: Problem, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """θ_t and L(θ_t) of exact-gradient descent in float64, for the trajectory comparison."""
    theta = problem.theta0.astype(np.float64)
    thetas, losses = [theta], []
    for _ in range(steps):
        loss, grad = ref.extended_value_and_grad(problem, theta)
        losses.append(loss)
        theta = theta - problem.eta * grad
        thetas.append(theta)
    return np.array(thetas), np.array(losses)


def training(caller: Caller, problem: Problem, steps: int, model: str,
             trajectory: tuple[np.ndarray, np.ndarray], start: ref.Reference
             ) -> tuple[dict[str, Any], list[Failure]]:
    """k steps from θ0 on the path of exact descent within the propagated tolerance.

    Error per step is at most η·tol(θ_t) (the a-priori rule) plus u|θ_t| from storing θ in
    the dtype; for a non-expansive step (η below 2/λ_max) these add up over k steps. The
    curve's first value is L(θ0) itself, held to the tight point tolerance (an off-by-one
    curve that records L(θ_1) first hides inside the propagated one).
    """
    (final, losses), (final2, losses2) = caller("train", problem.theta0, "θ0", steps)
    thetas, ref_losses = trajectory
    u = tolerance.unit_roundoff(problem.dtype)
    sample = thetas[:: max(1, steps // 20)]
    per_step = np.max([problem.eta * tolerance.apriori_grad_tolerance(problem, t, model)
                       + 4 * u * np.abs(t) for t in sample], axis=0)
    theta_tol = 4 * steps * per_step
    grad_bound = max(float(np.abs(ref.extended_value_and_grad(problem, t)[1]).max())
                     for t in sample)
    loss_tol = (tolerance.loss_tolerance(problem, thetas[0]) * 4
                + tolerance.tau(problem) * ref.scales(problem, thetas[0])[0] * 4
                + grad_bound * float(theta_tol.sum()))
    failures = (finite_failures("train", "θ0", None, final, "θ_k")
                + finite_failures("train", "θ0", None, losses, "the loss curve"))
    theta_over = float(np.nan_to_num(np.max(np.abs(np.stack([final, final2]) - thetas[-1])
                                            / theta_tol), nan=np.inf))
    loss_err = float(np.nan_to_num(np.max(np.abs(np.stack([losses, losses2]) - ref_losses)),
                                   nan=np.inf))
    if not failures and theta_over > 1:
        failures.append(("train-theta", f"train from θ0: θ_{steps} leaves exact descent by "
                         f"{theta_over:.3g}× its tolerance"))
    if not failures and loss_err > loss_tol:
        at = int(np.argmax(np.abs(losses - ref_losses)))
        failures.append(("train-losses", f"train from θ0: the loss curve leaves exact descent "
                         f"by {loss_err / loss_tol:.3g}× its tolerance (worst at step {at})"))
    first_over = abs(losses[0] - float(start.loss)) / tolerance.loss_tolerance(problem, thetas[0])
    if not failures and first_over > 1:
        failures.append(("train-losses", f"train from θ0: the loss curve's first value is "
                         f"not L(θ0) (off by {first_over:.3g}× its tolerance)"))
    falls = bool(losses[-1] < losses[0])
    if not failures and not falls:
        failures.append(("train-decrease", "train from θ0: the loss does not decrease"))
    return {
        "steps": steps, "final_theta": final.tolist(),
        "reference_final_theta": thetas[-1].tolist(), "theta_error_over_tolerance": theta_over,
        "loss_error": loss_err, "loss_tolerance": loss_tol,
        "initial_loss": float(losses[0]), "final_loss": float(losses[-1]),
        "monotone_fraction": float(np.mean(np.diff(losses) <= 0)) if steps > 1 else 1.0,
        "losses": losses.tolist(),
        "matches_reference": theta_over <= 1 and loss_err <= loss_tol,
        "loss_decreases": falls, "passed": not failures,
    }, failures
