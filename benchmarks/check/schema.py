"""check.json: the report of one ``updatebench check`` run, as strict JSON.

Schema (``schema_version`` 3; version 2 had no step size, warnings or trajectory record and
embedded a data file's x and y; version 1 had no version field, no ``failed_checks``, no
tail probes and a-priori tolerances):
- ``schema_version``, ``problem`` (name, kind, n, d, dtype, eta, eta_rule, seed, theta0,
  true_theta, spec; ``data_sha256`` of x and y as used; x and y themselves when small and
  not from a file, else a ``recipe``; a data file's data_path, file_sha256, shape, target,
  features, delimiter, standardize: the data are rebuilt from the file, never stored),
  ``seed``, ``device``, ``steps``;
- ``step_size``: the curvature bound (curvature_c, lambda_max, L, eta_descent = 1/L,
  eta_stable = 2/L, rule), the problem's eta and eta_rule, too_large (η > 2/L), and
  exact descent's initial_loss, final_loss, rises;
- ``problem_warnings``: one line each, about the problem, never about an implementation
  (today: η above 2/L); ``notes``: what the check did instead where it could not do all;
- ``trajectory``: steps, compared_steps (the training run is compared with exact descent
  over these), the error growth rule and the largest ‖I − ηH‖ along exact descent;
- ``tolerance_rule``: the derivation (``benchmarks.check.tolerance``), ``error_models``:
  name -> what its bound is made of; ``tau``: the a-priori training rule's τ;
- ``points``: label -> {theta, z_range [min z, max z], what} for θ0, probe, tail,
  tail-mirror, plateau and extreme;
- ``reference``: label -> {method, loss (30 digits), grad, loss_scale Σ½r², grad_scale
  S_j = Σ|δ_i x̃_ij|}; ``reference_trajectory``: {final_theta, losses};
- ``implementations``: one per implementation: name, method, status (pass, fail, error,
  unavailable), error_model, failures (the first messages), all_failures (every message),
  more_failures (how many are not in failures), failed_checks (codes: gradient, loss, loss-op,
  nonfinite, shape, mutation, step, taylor, descent, train-theta, train-losses,
  train-decrease, after-training, error, isolation), gradient_at_<label> per point (theta,
  z_range, loss, loss_from_loss_op, grad, reference_*, loss_error, loss_op_error, loss_tolerance and
  grad_error, grad_tolerance scaled by the reference scales, grad_tolerance_abs,
  loss_tolerance_abs, grad_rho, error_over_tolerance, step), taylor, descent, step (at the
  probe), train (steps, compared_steps, error_growth, final_theta, losses,
  theta_error_over_tolerance, theta_tolerance, loss_error, loss_tolerance, matches_reference,
  loss_decreases, exact_descent_decreases, passed), after_training (θ0 called once more
  after the training run: passed, error_over_tolerance), traceback on error;
- ``agreement``: label -> pairwise scaled gradient differences; ``passed``: every
  implementation passed (problem warnings do not change it).
Non-finite numbers are written as null (NaN) or ±1.7976931348623157e308 (±inf): no bare NaN.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from typing import Any

import mpmath
import numpy as np

from benchmarks.check import probes, tolerance
from benchmarks.check.context import Context, ImplCheck
from benchmarks.check.errormodel import MODELS
from benchmarks.check.propagation import AMPLIFICATION_LIMIT
from impls.problem import Problem

SCHEMA_VERSION = 3
DATA_IN_JSON_LIMIT = 100_000  # values of x and y written into --json; larger: a recipe + hash


def strict(value: Any) -> Any:
    """``value`` with every NaN as None and ±inf as ±max float, NumPy types as Python ones."""
    if isinstance(value, dict):
        return {str(k): strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict(v) for v in value]
    if isinstance(value, np.ndarray):
        return strict(value.tolist())
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value):
            return None
        return math.copysign(sys.float_info.max, value) if math.isinf(value) else value
    return value


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(strict(report), indent=1, allow_nan=False)


def problem_record(problem: Problem) -> dict[str, Any]:
    record = problem.describe()
    record["data_sha256"] = hashlib.sha256(problem.x.tobytes() + problem.y.tobytes()).hexdigest()
    if problem.kind == "data":
        record["recipe"] = "impls.problem.build(impls.problem.ProblemSpec.from_json(spec))"
    elif problem.x.size + problem.y.size <= DATA_IN_JSON_LIMIT:
        record["x"] = problem.x.astype(np.float64).tolist()
        record["y"] = problem.y.astype(np.float64).tolist()
    else:
        record["recipe"] = (f"impls.problem.synthetic(n={problem.n}, d={problem.d}, "
                            f"seed={problem.seed}, dtype='{problem.dtype}')")
    return record


def step_size(context: Context) -> dict[str, Any]:
    problem, bound, losses = context.problem, context.bound, context.trajectory.losses
    return {**bound.describe(), "eta": problem.eta, "eta_rule": problem.eta_rule,
            "too_large": bound.too_large(problem.eta), "initial_loss": float(losses[0]),
            "final_loss": float(losses[-1]), "rises": bool(losses[-1] > losses[0])}


def problem_warnings(context: Context) -> list[str]:
    """One line per property of the problem that the verdicts must not be blamed for."""
    problem, bound, losses = context.problem, context.bound, context.trajectory.losses
    if not bound.too_large(problem.eta):
        return []
    went = (f"it rose from {losses[0]:.6g} to {losses[-1]:.6g} here" if losses[-1] > losses[0]
            else f"here it went from {losses[0]:.6g} to {losses[-1]:.6g}")
    data = problem.kind == "data"
    scaled = problem.spec is not None and problem.spec.standardize
    fix = (f"--eta {bound.eta_descent:.3g} (1/L) or less"
           + (", or no --eta (a data file's default is 1/L)" if data else "")
           + (", and --standardize for larger steps" if data and not scaled else ""))
    return [f"step size too large for this problem: η = {problem.eta:.4g} is above 2/L = "
            f"{bound.eta_stable:.4g} (L = c·λ_max([X 1]ᵀ[X 1]) = {bound.curvature:.4f} × "
            f"{bound.lambda_max:.4g} bounds the loss's curvature), so exact descent may rise "
            f"or oscillate ({went}); use {fix}"]


def notes(context: Context) -> list[str]:
    k, steps = context.compared_steps, context.steps
    if k >= steps:
        return []
    return [f"training compared with exact descent over its first {k} of {steps} steps: "
            f"beyond, exact descent with η = {context.problem.eta:.4g} enlarges any error "
            f"more than {AMPLIFICATION_LIMIT:g}-fold, so no tolerance tells rounding from a "
            "wrong implementation; the gradient, loss and step are also checked at exact "
            "descent's last θ (path-end)"]


def agreement(results: list[ImplCheck], context: Context, label: str) -> dict[str, Any]:
    """Pairwise scaled differences max_j |g_a − g_b| / S_j; within tol_a + tol_b or not."""
    problem, theta = context.problem, context.points[label]
    scale = context.references[label].grad_scale
    models = {r.name: r.details.get("error_model", "exact") for r in results}
    grads = {r.name: np.asarray(r.grads[label]) for r in results
             if label in r.grads and np.isfinite(r.grads[label]).all()}
    tols = {n: tolerance.grad_tolerance(problem, theta, models[n]) for n in grads}
    names = list(grads)
    diffs = [[np.abs(grads[a] - grads[b]) for b in names] for a in names]
    return {"names": names, "at": label,
            "scaled_difference": [[float(np.max(d / scale)) for d in row] for row in diffs],
            "within_tolerance": [[bool(np.all(d <= tols[a] + tols[b]))
                                  for d, b in zip(row, names, strict=True)]
                                 for row, a in zip(diffs, names, strict=True)]}


def implementation(r: ImplCheck) -> dict[str, Any]:
    return {"name": r.name, "method": r.method, "status": r.status, "failures": r.failures,
            "failed_checks": r.failed_checks, **r.details}


def report(context: Context, results: list[ImplCheck]) -> dict[str, Any]:
    problem = context.problem
    checked = [r for r in results if r.status in ("pass", "fail")]
    return strict({
        "schema_version": SCHEMA_VERSION,
        "problem": problem_record(problem),
        "seed": context.seed, "device": context.device, "steps": context.steps,
        "step_size": step_size(context), "problem_warnings": problem_warnings(context),
        "notes": notes(context),
        "trajectory": {"steps": context.steps, "compared_steps": context.compared_steps,
                       **context.trajectory.growth.describe()},
        "tolerance_rule": tolerance.__doc__,
        "error_models": {name: m.describe() for name, m in MODELS.items()},
        "tau": tolerance.tau(problem),
        "points": {label: {"theta": theta.tolist(), "what": probes.LABELS[label],
                           "z_range": probes.z_range(problem, theta)}
                   for label, theta in context.points.items()},
        "reference": {label: {"method": r.method, "loss": mpmath.nstr(r.loss, 30),
                              "grad": r.grad.tolist(), "loss_scale": r.loss_scale,
                              "grad_scale": r.grad_scale.tolist()}
                      for label, r in context.references.items()},
        "reference_trajectory": {"final_theta": context.trajectory.thetas[-1].tolist(),
                                 "losses": context.trajectory.losses.tolist()},
        "implementations": [implementation(r) for r in results],
        "agreement": {label: agreement(checked, context, label) for label in context.points},
        "passed": all(r.status in ("pass", "unavailable") for r in results)
        and any(r.status == "pass" for r in results),
    })
