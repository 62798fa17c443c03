"""Training from θ0 against exact descent, with tolerances propagated for the η used.

The reference run is exact-gradient descent in extended precision; an implementation's
``train`` must stay within the errors its steps may make, grown as exact descent grows
them (``benchmarks.check.propagation``). Where that growth passes its limit the run is
compared over the informative steps only, and the verdict says so; the check then also
probes the gradient, loss and step at exact descent's last θ (the point ``path-end``).
An implementation that follows exact descent passes even where exact descent itself rises:
that is the problem's step size, reported once for the problem, not per implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.check import diagnose, propagation, tolerance
from benchmarks.check import reference as ref
from benchmarks.check.accuracy import Failure, finite_failures
from benchmarks.check.calls import Caller
from impls.problem import Problem

SAFETY = 4.0  # the per-step rule is a-priori; the margin covers the first-order propagation
SAMPLES = 20  # points of the trajectory whose tolerances bound every step's error


@dataclass(frozen=True)
class Trajectory:
    """θ_0..θ_k of exact descent, L(θ_t) and ∇L(θ_t) for t < k, and how errors grow along it."""

    thetas: np.ndarray
    losses: np.ndarray
    grads: np.ndarray
    growth: propagation.Growth

    @property
    def steps(self) -> int:
        return len(self.losses)

    def sample(self) -> np.ndarray:
        return self.thetas[:: max(1, self.steps // SAMPLES)]


def reference_trajectory(problem: Problem, steps: int) -> Trajectory:
    """Exact-gradient descent in float64 with extended-precision gradients."""
    theta = problem.theta0.astype(np.float64)
    thetas, losses, grads = [theta], [], []
    for _ in range(steps):
        loss, grad = ref.extended_value_and_grad(problem, theta)
        losses.append(loss)
        grads.append(grad)
        theta = theta - problem.eta * grad
        thetas.append(theta)
    path = np.array(thetas)
    return Trajectory(path, np.array(losses), np.array(grads),
                      propagation.growth(problem, path))


@dataclass(frozen=True)
class Allowance:
    """What a run of ``compared`` steps may deviate by: in θ_compared and in the loss curve."""

    compared: int
    theta: np.ndarray
    loss: float
    growth: float  # how much larger than the plain sum of per-step errors the bound is


def per_step_error(problem: Problem, trajectory: Trajectory, model: str) -> np.ndarray:
    """η·tol(θ_t) + 4u|θ_t| per component, the largest over the sampled θ_t."""
    u = tolerance.unit_roundoff(problem.dtype)
    return np.max([problem.eta * tolerance.apriori_grad_tolerance(problem, t, model)
                   + 4 * u * np.abs(t) for t in trajectory.sample()], axis=0)


def allowance(problem: Problem, trajectory: Trajectory, model: str) -> Allowance:
    bound, plain = propagation.bounds(trajectory.growth,
                                      per_step_error(problem, trajectory, model))
    k = propagation.informative_steps(bound, plain)
    theta_tol = SAFETY * bound[1:k + 1]
    rounding = max(tolerance.loss_tolerance(problem, t) + tolerance.tau(problem)
                   * ref.scales(problem, t)[0] for t in trajectory.sample())
    moved = float(np.max(np.sum(np.abs(trajectory.grads[1:k]) * theta_tol[:k - 1], axis=1),
                         initial=0.0))
    grew = float(propagation.amplification(bound, plain)[k])
    return Allowance(k, theta_tol[-1], SAFETY * rounding + moved, grew)


def informative_steps(problem: Problem, trajectory: Trajectory) -> int:
    """How many steps the exact-arithmetic error model compares (the same for every model:
    the growth factor does not depend on the size of the per-step error)."""
    return allowance(problem, trajectory, "exact").compared


def worst(values: np.ndarray) -> float:
    return float(np.nan_to_num(np.max(values), nan=np.inf))


def training(caller: Caller, problem: Problem, steps: int, model: str,
             trajectory: Trajectory, start: ref.Reference
             ) -> tuple[dict[str, Any], list[Failure]]:
    """k steps from θ0 on the path of exact descent within the propagated tolerance.

    The curve's first value is L(θ0) itself, held to the tight point tolerance (an off-by-one
    curve that records L(θ_1) first hides inside the propagated one).
    """
    (final, losses), (final2, losses2) = caller("train", problem.theta0, "θ0", steps)
    allowed = allowance(problem, trajectory, model)
    k = allowed.compared
    ends = np.stack([final, final2])
    if k < steps:  # θ_k of a run of k steps: the end of the informative part
        (end_k, _), (end_k2, _) = caller("train", problem.theta0, "θ0", k)
        ends = np.stack([end_k, end_k2])
    failures = (finite_failures("train", "θ0", None, final, "θ_k")
                + finite_failures("train", "θ0", None, losses, "the loss curve"))
    theta_over = worst(np.abs(ends - trajectory.thetas[k]) / allowed.theta)
    curve_error = np.abs(np.stack([losses, losses2])[:, :k] - trajectory.losses[:k])
    loss_err = worst(curve_error)
    if not failures and theta_over > 1:
        failures.append(("train-theta", f"train from θ0: θ_{k} leaves exact descent by "
                         f"{theta_over:.3g}× its tolerance"))
    cause = diagnose.curve_cause(losses[:k], trajectory.losses[:k], allowed.loss)
    if not failures and loss_err > allowed.loss:
        at = int(np.argmax(np.nan_to_num(curve_error.max(axis=0), nan=np.inf)))
        failures.append(("train-losses", f"train from θ0: the loss curve leaves exact descent "
                         f"by {loss_err / allowed.loss:.3g}× its tolerance (worst at step {at})"
                         + (f" — {cause}" if cause else "")))
    first_over = abs(losses[0] - float(start.loss)) / tolerance.loss_tolerance(problem,
                                                                             trajectory.thetas[0])
    if not failures and first_over > 1:
        failures.append(("train-losses", "train from θ0: the loss curve's first value is "
                         f"not L(θ0) (off by {first_over:.3g}× its tolerance)"
                         + (f" — {cause}" if cause else "")))
    exact_falls = bool(trajectory.losses[-1] < trajectory.losses[0] - allowed.loss)
    falls = bool(losses[-1] < losses[0])
    if not failures and k == steps and exact_falls and not falls:
        failures.append(("train-decrease", "train from θ0: the loss does not decrease, though "
                         "exact descent's does"))
    return {
        "steps": steps, "compared_steps": k, "error_growth": allowed.growth,
        "final_theta": final.tolist(), "reference_final_theta": trajectory.thetas[-1].tolist(),
        "theta_error_over_tolerance": theta_over, "theta_tolerance": allowed.theta.tolist(),
        "loss_error": loss_err, "loss_tolerance": allowed.loss,
        "initial_loss": float(losses[0]), "final_loss": float(losses[-1]),
        "monotone_fraction": float(np.mean(np.diff(losses) <= 0)) if steps > 1 else 1.0,
        "losses": losses.tolist(),
        "matches_reference": theta_over <= 1 and loss_err <= allowed.loss,
        "loss_decreases": falls, "exact_descent_decreases": exact_falls,
        "passed": not failures,
    }, failures
