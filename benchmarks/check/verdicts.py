"""Gradient correctness: reference, agreement, Taylor test, descent, update step, training.

Every test compares against bounds from ``benchmarks.check.tolerance`` or against the exact
reference, never against another implementation alone, so a wrong gradient cannot pass by
agreeing with a wrong neighbour. Each verdict carries the numbers that produced it.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import traceback
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

from benchmarks.check import reference as ref
from benchmarks.check import tolerance
from impls import registry
from impls.base import Implementation
from impls.problem import Problem

TAYLOR_H0 = 1e-2
TAYLOR_HALVINGS = 8
TAYLOR_MIN_ORDER = 1.8
DATA_IN_JSON_LIMIT = 100_000  # values of x and y written into --json; larger: a recipe + hash


@dataclass
class ImplCheck:
    name: str
    method: str = ""
    status: str = "pass"  # pass, fail, error, unavailable
    failures: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def fail(self, why: str) -> None:
        self.status = "fail" if self.status == "pass" else self.status
        self.failures.append(why)


def probe_points(problem: Problem, seed: int) -> dict[str, np.ndarray]:
    """θ0 and a random point near it: at θ = 0 every f is ½, which hides f(1 − f) mistakes."""
    rng = np.random.default_rng([seed, 1])
    theta0 = problem.theta0.astype(np.float64)
    probe = (theta0 + rng.normal(0.0, 0.5, size=theta0.size)).astype(problem.dtype)
    return {"theta0": theta0, "probe": probe.astype(np.float64)}


def taylor_direction(problem: Problem, seed: int) -> np.ndarray:
    v = np.random.default_rng([seed, 2]).standard_normal(problem.d + 1)
    return v / np.abs(v).max()


def gradient_accuracy(impl: Implementation, problem: Problem, theta: np.ndarray,
                      reference: ref.Reference) -> dict[str, Any]:
    value, grad = impl.value_and_grad(theta)
    plain_loss = impl.loss(theta)
    grad_tol = tolerance.grad_tolerance(problem, theta, impl.error_model)
    loss_tol = tolerance.tau(problem) * reference.loss_scale
    grad_diff = np.abs(grad - reference.grad)
    exact = float(reference.loss)
    return {
        "theta": theta.tolist(),
        "loss": value,
        "loss_from_loss_op": plain_loss,
        "grad": grad.tolist(),
        "reference_loss": mpmath.nstr(reference.loss, 25),
        "reference_grad": reference.grad.tolist(),
        "reference_method": reference.method,
        "loss_error": abs(value - exact) / reference.loss_scale,
        "loss_op_error": abs(plain_loss - exact) / reference.loss_scale,
        "loss_tolerance": loss_tol / reference.loss_scale,
        "grad_error": float(np.max(grad_diff / reference.grad_scale)),
        "grad_tolerance": float(np.max(grad_tol / reference.grad_scale)),
        "grad_rho": float(np.max(grad_diff
                                 / np.maximum(1.0, np.abs(grad) + np.abs(reference.grad)))),
        "error_over_tolerance": float(max(np.max(grad_diff / grad_tol),
                                          abs(value - exact) / loss_tol,
                                          abs(plain_loss - exact) / loss_tol)),
    }


def taylor_test(problem: Problem, theta: np.ndarray, grad: np.ndarray, grad_tol: np.ndarray,
                direction: np.ndarray) -> dict[str, Any]:
    """Remainders r(h) = |L(θ + hv) − L(θ) − h vᵀg| with L exact; order = log2 r(h)/r(h/2).

    A point counts only where the gradient error the tolerance allows (h |v|ᵀtol) is under 5%
    of r(h), so legitimate round-off cannot fake order 1. Where fewer than three points count
    (float32 round-off, or the O(h) bias of forward differences, swamps r(h) at every h) the
    test is inconclusive: it neither passes nor fails, and the reference comparison stands
    alone. A wrong gradient is off by far more than the tolerance and fails that comparison.
    """
    scale = max(1.0, float(np.abs(theta).max()))
    hs = [TAYLOR_H0 * scale / 2**k for k in range(TAYLOR_HALVINGS)]
    with mpmath.workdps(ref.DIGITS):
        base = ref.reference_loss(problem, theta)
        remainders, usable = [], []
        for h in hs:
            moved = theta + h * direction
            step = [mpmath.mpf(float(a)) - mpmath.mpf(float(b)) for a, b in zip(moved, theta,
                                                                                 strict=True)]
            linear = mpmath.fsum(s * mpmath.mpf(float(g)) for s, g in zip(step, grad, strict=True))
            r = abs(ref.reference_loss(problem, moved) - base - linear)
            allowed = float(sum(abs(s) * t for s, t in zip(step, grad_tol, strict=True)))
            remainders.append(float(r))
            usable.append(bool(allowed < 0.05 * float(r)))
    orders = [math.log2(a / b) if a > 0 and b > 0 else float("nan")
              for a, b in itertools.pairwise(remainders)]
    counted = [o for o, ok_a, ok_b in zip(orders, usable, usable[1:], strict=False)
               if ok_a and ok_b]
    observed = float(np.median(counted)) if counted else float("nan")
    conclusive = len(counted) >= 2
    passed = not conclusive or min(counted) >= TAYLOR_MIN_ORDER
    return {"h": hs, "remainder": remainders, "usable": usable, "orders": orders,
            "observed_order": observed, "min_order": min(counted) if counted else None,
            "conclusive": conclusive, "passed": passed, "direction": direction.tolist()}


def descent_and_step(impl: Implementation, problem: Problem, theta: np.ndarray,
                     grad: np.ndarray, grad_tol: np.ndarray,
                     reference: ref.Reference) -> dict[str, Any]:
    """L(θ − εg) < L(θ) for a small ε, and impl.step(θ) == θ − η∇L(θ) within tolerance."""
    norm = float(np.abs(grad).max())
    out: dict[str, Any] = {}
    if norm == 0.0:
        out["descent"] = {"passed": float(np.abs(reference.grad).max()) == 0.0,
                          "note": "zero gradient"}
    else:
        small = 1e-4 * max(1.0, float(np.abs(theta).max())) / norm
        with mpmath.workdps(ref.DIGITS):
            decrease = float(reference.loss - ref.reference_loss(problem, theta - small * grad))
        predicted = small * float(grad @ grad)
        out["descent"] = {"eta": small, "decrease": decrease, "predicted": predicted,
                          "passed": decrease > 0.5 * predicted}
    stepped = impl.step(theta)
    expected = theta - problem.eta * reference.grad
    u = tolerance.unit_roundoff(problem.dtype)
    allowed = problem.eta * grad_tol + 4 * u * (np.abs(theta) + problem.eta * np.abs(grad))
    out["step"] = {"theta_next": stepped.tolist(), "expected": expected.tolist(),
                   "error_over_tolerance": float(np.max(np.abs(stepped - expected) / allowed)),
                   "passed": bool(np.all(np.abs(stepped - expected) <= allowed))}
    return out


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


def training(impl: Implementation, problem: Problem, steps: int,
             trajectory: tuple[np.ndarray, np.ndarray]) -> dict[str, Any]:
    """k steps from θ0: the same path as exact descent within propagated tolerance, loss falls.

    Error per step is at most η·tol(θ_t) from the gradient and u|θ_t| from storing θ in the
    dtype; for a non-expansive step (η below 2/λ_max) these add up over k steps.
    """
    final, losses = impl.train(problem.theta0, steps)
    thetas, ref_losses = trajectory
    u = tolerance.unit_roundoff(problem.dtype)
    per_step = np.max([problem.eta * tolerance.grad_tolerance(problem, t, impl.error_model)
                       + 4 * u * np.abs(t) for t in thetas[:: max(1, steps // 20)]], axis=0)
    theta_tol = 4 * steps * per_step
    theta_err = np.abs(final - thetas[-1])
    grad_bound = max(float(np.abs(ref.extended_value_and_grad(problem, t)[1]).max())
                     for t in thetas[:: max(1, steps // 20)])
    loss_tol = (tolerance.loss_tolerance(problem, thetas[0]) * 4
                + grad_bound * float(theta_tol.sum()))
    loss_err = float(np.max(np.abs(losses - ref_losses))) if len(losses) == steps else math.inf
    passed_path = bool(np.all(theta_err <= theta_tol)) and loss_err <= loss_tol
    falls = bool(len(losses) and losses[-1] < losses[0])
    return {
        "steps": steps,
        "final_theta": final.tolist(),
        "reference_final_theta": thetas[-1].tolist(),
        "theta_error_over_tolerance": float(np.max(theta_err / theta_tol)),
        "loss_error": loss_err,
        "loss_tolerance": loss_tol,
        "initial_loss": float(losses[0]) if len(losses) else None,
        "final_loss": float(losses[-1]) if len(losses) else None,
        "monotone_fraction": float(np.mean(np.diff(losses) <= 0)) if len(losses) > 1 else 1.0,
        "losses": losses.tolist(),
        "matches_reference": passed_path,
        "loss_decreases": falls,
        "passed": passed_path and falls,
    }


def check_one(name: str, problem: Problem, points: dict[str, np.ndarray],
              references: dict[str, ref.Reference], direction: np.ndarray, steps: int,
              trajectory: tuple[np.ndarray, np.ndarray], device: str) -> tuple[ImplCheck, dict]:
    cls = registry.get(name)
    result = ImplCheck(name, method=cls.method)
    grads: dict[str, list[float]] = {}
    if problem.dtype not in cls.dtypes:
        result.status = "unavailable"
        result.failures.append(f"does not support {problem.dtype}")
        return result, grads
    try:
        impl = cls(device=device)
        impl.prepare(problem)
        for label, theta in points.items():
            acc = gradient_accuracy(impl, problem, theta, references[label])
            result.details[f"gradient_at_{label}"] = acc
            grads[label] = acc["grad"]
            if not np.isfinite(acc["grad"]).all() or not math.isfinite(acc["loss"]):
                result.fail(f"non-finite loss or gradient at {label}")
            elif acc["error_over_tolerance"] > 1:
                result.fail(f"gradient or loss at {label} off the reference by "
                            f"{acc['error_over_tolerance']:.3g}× the tolerance "
                            f"(scaled error {acc['grad_error']:.2e})")
        probe = points["probe"]
        grad = np.asarray(grads["probe"])
        grad_tol = tolerance.grad_tolerance(problem, probe, impl.error_model)
        taylor = taylor_test(problem, probe, grad, grad_tol, direction)
        result.details["taylor"] = taylor
        if not taylor["passed"]:
            result.fail(f"Taylor test: observed order {taylor['observed_order']:.2f} "
                        f"(min {taylor['min_order']}), expected ≈ 2")
        moves = descent_and_step(impl, problem, probe, grad, grad_tol, references["probe"])
        result.details.update(moves)
        if not moves["descent"]["passed"]:
            result.fail("descent: a small step along −g does not decrease the loss")
        if not moves["step"]["passed"]:
            result.fail(f"update step differs from θ − η∇L by "
                        f"{moves['step']['error_over_tolerance']:.3g}× the tolerance")
        train = training(impl, problem, steps, trajectory)
        result.details["train"] = train
        if not train["matches_reference"]:
            result.fail(f"training path leaves exact descent (θ error "
                        f"{train['theta_error_over_tolerance']:.3g}× tolerance)")
        if not train["loss_decreases"]:
            result.fail("training does not decrease the loss")
    except Exception as error:  # an implementation may break in any way: record, go on
        result.status = "error"
        message = str(error).splitlines()[0] if str(error) else ""
        result.failures.append(f"{type(error).__name__}: {message}")
        result.details["traceback"] = traceback.format_exc()
    return result, grads


def agreement(grads: dict[str, dict[str, list[float]]], problem: Problem,
              theta: np.ndarray, label: str) -> dict[str, Any]:
    """Pairwise scaled differences max_j |g_a − g_b| / S_j; within tol_a + tol_b or not."""
    _, grad_scale = ref.scales(problem, theta)
    names = [n for n in grads if label in grads[n]]
    models = {n: registry.get(n).error_model for n in names}
    tols = {n: tolerance.grad_tolerance(problem, theta, models[n]) for n in names}
    matrix, within = [], []
    for a in names:
        row, ok_row = [], []
        for b in names:
            diff = np.abs(np.asarray(grads[a][label]) - np.asarray(grads[b][label]))
            row.append(float(np.max(diff / grad_scale)))
            ok_row.append(bool(np.all(diff <= tols[a] + tols[b])))
        matrix.append(row)
        within.append(ok_row)
    return {"names": names, "at": label, "scaled_difference": matrix, "within_tolerance": within}


def problem_record(problem: Problem) -> dict[str, Any]:
    record = problem.describe()
    digest = hashlib.sha256(problem.x.tobytes() + problem.y.tobytes()).hexdigest()
    record["data_sha256"] = digest
    if problem.x.size + problem.y.size <= DATA_IN_JSON_LIMIT:
        record["x"] = problem.x.astype(np.float64).tolist()
        record["y"] = problem.y.astype(np.float64).tolist()
    else:
        record["recipe"] = (f"impls.problem.synthetic(n={problem.n}, d={problem.d}, "
                            f"seed={problem.seed}, dtype='{problem.dtype}')")
    return record


def run_check(problem: Problem, names: list[str], unavailable: dict[str, str], steps: int,
              seed: int = 0, device: str = "cpu", progress=None) -> dict[str, Any]:
    """Everything ``updatebench check`` reports, as one JSON-ready dictionary."""
    points = probe_points(problem, seed)
    references = {label: ref.reference(problem, theta) for label, theta in points.items()}
    direction = taylor_direction(problem, seed)
    trajectory = reference_trajectory(problem, steps)
    results, grads = [], {}
    for name in names:
        if progress:
            progress(name)
        result, grads[name] = check_one(name, problem, points, references, direction, steps,
                                        trajectory, device)
        results.append(result)
    results += [ImplCheck(n, status="unavailable", failures=[why])
                for n, why in unavailable.items()]
    checked = [r for r in results if r.status in ("pass", "fail")]
    return {
        "problem": problem_record(problem),
        "seed": seed,
        "device": device,
        "steps": steps,
        "tolerance_rule": tolerance.__doc__,
        "tau": tolerance.tau(problem),
        "reference": {label: {"method": r.method, "loss": mpmath.nstr(r.loss, 30),
                              "grad": r.grad.tolist(), "loss_scale": r.loss_scale,
                              "grad_scale": r.grad_scale.tolist()}
                      for label, r in references.items()},
        "reference_trajectory": {"final_theta": trajectory[0][-1].tolist(),
                                 "losses": trajectory[1].tolist()},
        "implementations": [{"name": r.name, "method": r.method, "status": r.status,
                             "failures": r.failures, **r.details} for r in results],
        "agreement": {label: agreement({r.name: grads[r.name] for r in checked}, problem,
                                       theta, label) for label, theta in points.items()},
        "passed": all(r.status in ("pass", "unavailable") for r in results)
        and any(r.status == "pass" for r in results),
    }
