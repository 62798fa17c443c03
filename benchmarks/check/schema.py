"""check.json: the report of one ``updatebench check`` run, as strict JSON.

Schema (``schema_version`` 2; version 1 had no version field, no ``failed_checks``, no tail
probes and a-priori tolerances):
- ``schema_version``, ``problem`` (name, n, d, dtype, eta, seed, theta0, true_theta, and
  x, y or a ``recipe`` + ``data_sha256``), ``seed``, ``device``, ``steps``;
- ``tolerance_rule``: the derivation (``benchmarks.check.tolerance``), ``error_models``:
  name -> what its bound is made of; ``tau``: the a-priori training rule's τ;
- ``points``: label -> {theta, z_range [min z, max z], what} for θ0, probe, tail,
  tail-mirror, plateau and extreme;
- ``reference``: label -> {method, loss (30 digits), grad, loss_scale Σ½r², grad_scale
  S_j = Σ|δ_i x̃_ij|}; ``reference_trajectory``: {final_theta, losses};
- ``implementations``: one per implementation: name, method, status (pass, fail, error,
  unavailable), error_model, failures (messages), failed_checks (codes: gradient, loss, loss-op,
  nonfinite, shape, mutation, step, taylor, descent, train-theta, train-losses,
  train-decrease, error, isolation), gradient_at_<label> per point (theta, z_range, loss,
  loss_from_loss_op, grad, reference_*, loss_error, loss_op_error, loss_tolerance and
  grad_error, grad_tolerance scaled by the reference scales, grad_tolerance_abs,
  loss_tolerance_abs, grad_rho, error_over_tolerance, step), taylor, descent, step (at the
  probe), train (steps, final_theta, losses, theta_error_over_tolerance, loss_error,
  loss_tolerance, matches_reference, loss_decreases, passed), traceback on error;
- ``agreement``: label -> pairwise scaled gradient differences; ``passed``.
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
from impls.problem import Problem

SCHEMA_VERSION = 2
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
    if problem.x.size + problem.y.size <= DATA_IN_JSON_LIMIT:
        record["x"] = problem.x.astype(np.float64).tolist()
        record["y"] = problem.y.astype(np.float64).tolist()
    else:
        record["recipe"] = (f"impls.problem.synthetic(n={problem.n}, d={problem.d}, "
                            f"seed={problem.seed}, dtype='{problem.dtype}')")
    return record


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
    more = r.details.get("more_failures", 0)
    failures = r.failures + ([f"… and {more} more failures"] if more else [])
    return {"name": r.name, "method": r.method, "status": r.status, "failures": failures,
            "failed_checks": r.failed_checks, **r.details}


def report(context: Context, results: list[ImplCheck]) -> dict[str, Any]:
    problem = context.problem
    checked = [r for r in results if r.status in ("pass", "fail")]
    return strict({
        "schema_version": SCHEMA_VERSION,
        "problem": problem_record(problem),
        "seed": context.seed, "device": context.device, "steps": context.steps,
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
        "reference_trajectory": {"final_theta": context.trajectory[0][-1].tolist(),
                                 "losses": context.trajectory[1].tolist()},
        "implementations": [implementation(r) for r in results],
        "agreement": {label: agreement(checked, context, label) for label in context.points},
        "passed": all(r.status in ("pass", "unavailable") for r in results)
        and any(r.status == "pass" for r in results),
    })
