"""One worked example: every table and path of ``updatebench explain``, as one record."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmarks.explain import descent, taylor
from benchmarks.explain.calculus import ChainRule, chain_rule, gradient, hessian, loss
from impls import registry
from impls.problem import Problem
from impls.stepsize import StepBound, step_bound

JSON_ROWS = 10_000  # chain-rule rows written to JSON; the rest are summed into one row


@dataclass(frozen=True)
class ImplGradient:
    name: str
    loss: float | None = None
    grad: np.ndarray | None = None
    error: str = ""


@dataclass(frozen=True)
class Explanation:
    problem: Problem
    theta: np.ndarray
    loss: float
    gradient: np.ndarray
    hessian: np.ndarray
    chain: ChainRule
    implementations: list[ImplGradient]
    taylor: list[taylor.TaylorRow]
    angles: taylor.AngleSweep
    paths: list[descent.Path]
    impl_paths: list[descent.Path]
    surface: descent.Surface | None
    notes: list[str] = field(default_factory=list)
    bound: StepBound | None = None  # the curvature bound: which η descend before any run

    def to_json(self) -> dict[str, Any]:
        return jsonable(record(self))


def implementation_gradient(name: str, problem: Problem, theta: np.ndarray) -> ImplGradient:
    try:
        impl = registry.get(name)()
        impl.prepare(problem)
        value, grad = impl.value_and_grad(theta)
    except Exception as error:  # one broken implementation must not hide the others
        return ImplGradient(name=name, error=f"{type(error).__name__}: {error}".splitlines()[0])
    return ImplGradient(name=name, loss=value, grad=grad)


def explain(problem: Problem, names: list[str], theta: np.ndarray | None = None,
            steps: int = 200, etas: dict[str, float] | None = None) -> Explanation:
    """Everything at ``theta`` (default θ0); descent paths start at θ0."""
    x, y = problem.x.astype(np.float64), problem.y.astype(np.float64)
    theta0 = problem.theta0.astype(np.float64)
    theta = theta0 if theta is None else np.asarray(theta, dtype=np.float64)
    g = gradient(x, y, theta)
    notes = []
    etas = etas or descent.choose_etas(x, y, theta0, problem.eta, steps)
    paths = [descent.descend(x, y, theta0, eta, steps, label) for label, eta in etas.items()]
    impl_paths = []
    for name in names:
        for label, eta in etas.items():
            try:
                impl_paths.append(descent.implementation_path(name, problem, eta, steps, label))
            except Exception as error:  # reported, not fatal
                notes.append(f"{name} could not take the {label} path: {error}")
                break
    surface = None
    if problem.d == 1:
        w_range, b_range = descent.surface_window(paths, descent.minimum_estimate(x, y, paths))
        surface = descent.loss_surface(x, y, w_range, b_range)
        if surface is None:
            notes.append(f"no loss surface: N = {problem.n} makes the grid too costly")
    else:
        notes.append(f"no loss surface: it is drawn over (w, b) for d = 1, here d = {problem.d}")
    grad_norm = float(np.linalg.norm(g))
    step_length = problem.eta * grad_norm
    if not step_length > 0:
        notes.append("the gradient is zero here: no direction lowers the loss to first order")
    return Explanation(
        problem=problem, theta=theta, loss=loss(x, y, theta), gradient=g,
        hessian=hessian(x, y, theta), chain=chain_rule(x, y, theta),
        implementations=[implementation_gradient(n, problem, theta) for n in names],
        taylor=taylor.taylor_table(x, y, theta, taylor.default_etas(problem.eta, grad_norm)),
        angles=taylor.angle_sweep(x, y, theta, step_length if step_length > 0 else 1.0),
        paths=paths, impl_paths=impl_paths, surface=surface, notes=notes,
        bound=step_bound(x))


def chain_record(chain: ChainRule) -> dict[str, Any]:
    n = chain.z.size
    keep = slice(0, min(n, JSON_ROWS))
    out: dict[str, Any] = {"x": chain.x[keep], "y": chain.y[keep], "z": chain.z[keep],
                           "f": chain.f[keep], "f_minus_y": chain.residual[keep],
                           "f_times_1_minus_f": chain.slope[keep],
                           "contributions": chain.contributions[keep],
                           "sum": chain.total, "rows": n}
    if n > JSON_ROWS:
        out["rest_sum"] = chain.contributions[JSON_ROWS:].sum(axis=0)
    return out


def path_record(path: descent.Path, bound: StepBound | None) -> dict[str, Any]:
    return {"label": path.label, "eta": path.eta, "source": path.source,
            "against_bound": descent.against_bound(bound, path.eta),
            "thetas": path.thetas, "losses": path.losses}


def record(e: Explanation) -> dict[str, Any]:
    g = e.gradient
    rows = e.taylor
    return {
        "schema": "updatebench-explain/1",
        "problem": e.problem.describe(),
        "theta": e.theta, "loss": e.loss, "gradient": g, "gradient_norm": np.linalg.norm(g),
        "hessian": e.hessian,
        "chain_rule": chain_record(e.chain),
        "implementations": [{"name": i.name, "loss": i.loss, "grad": i.grad,
                             "max_abs_difference": None if i.grad is None
                             else np.max(np.abs(i.grad - g)), "error": i.error}
                            for i in e.implementations],
        "taylor": [{"eta": r.eta, "actual": r.actual, "first_order": r.first,
                    "second_order": r.second, "first_order_error": r.first_error,
                    "second_order_error": r.second_error} for r in rows],
        "taylor_error_ratios": taylor.order_ratios(rows),
        "angles": {"step_length": e.angles.step_length, "beta_deg": e.angles.betas_deg,
                   "actual": e.angles.actual, "first_order": e.angles.first,
                   "perpendicular": e.angles.perpendicular, "best_beta_deg":
                   e.angles.best_beta},
        "step_bound": None if e.bound is None else e.bound.describe(),
        "paths": [path_record(p, e.bound) for p in e.paths + e.impl_paths],
        "surface": None if e.surface is None else {"w": e.surface.w, "b": e.surface.b,
                                                    "loss": e.surface.loss},
        "notes": e.notes,
    }


def jsonable(value: Any) -> Any:
    """Plain lists and floats; NaN and ±inf (a diverging path) become null."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
