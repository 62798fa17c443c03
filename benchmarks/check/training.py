"""Do training runs from the same start end in the same place? A sweep's train results, judged.

Two correct implementations may differ per step by their gradient tolerances (see
``benchmarks.check.tolerance``) plus the rounding of θ in the dtype; where the steps do not
enlarge errors those add up, giving the bound 4·k·(η·(tol_a + tol_b) + 8u|θ|) per component
of θ_k. No trajectory is at hand here to say how much the steps do enlarge them (``check``
propagates along exact descent, ``benchmarks.check.propagation``), so each record says
whether its η is above 2/L (``impls.stepsize``), where that growth is certain and the bound
is no verdict: ``bound_valid`` is then false.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.check import tolerance
from benchmarks.store.record import Result
from impls import registry
from impls.builtins import BASELINE
from impls.problem import build
from impls.stepsize import step_bound


def error_model(name: str) -> str:
    try:
        return registry.get(name).error_model
    except registry.RegistryError:
        return "exact"


def agreement(results: list[Result]) -> list[dict[str, Any]]:
    """One record per training configuration: time per step, final loss, distance to baseline.

    Paths are compared per problem, dtype and step count across devices: a GPU's path is held
    against the baseline's on the CPU. Tolerances are computed once per distinct final θ and
    error model (each is a pass over the data: at N = 10⁷ this is most of a report's time).
    """
    runs = {r.key: r for r in results
            if r.config.op == "train" and r.output and "losses" in r.output}
    groups: dict[tuple, list[str]] = {}
    for key, result in runs.items():
        c = result.config
        groups.setdefault((c.problem, c.n, c.d, c.dtype, c.steps), []).append(key)
    out = []
    for (problem_name, n, d, dtype, steps), keys in groups.items():
        names = {(runs[k].config.impl, runs[k].config.device): k for k in keys}
        base = (BASELINE, "cpu") if (BASELINE, "cpu") in names else next(iter(names))
        base_theta = np.array(runs[names[base]].output["theta"])
        problem = build(runs[keys[0]].config.problem_at())
        valid = not step_bound(problem.x).too_large(problem.eta)
        u = tolerance.unit_roundoff(dtype)
        cache: dict[tuple[bytes, str], np.ndarray] = {}

        def tolerance_at(theta: np.ndarray, model: str, problem=problem, cache=cache
                         ) -> np.ndarray:
            key = (theta.tobytes(), model)
            if key not in cache:
                cache[key] = tolerance.apriori_grad_tolerance(problem, theta, model)
            return cache[key]

        for (name, device), key in names.items():
            theta = np.array(runs[key].output["theta"])
            tol = sum(tolerance_at(t, error_model(m))
                      for t in (theta, base_theta) for m in (name, base[0])) / 2
            bound = 4 * steps * (problem.eta * tol + 8 * u * np.maximum(abs(theta),
                                                                      abs(base_theta)))
            losses = runs[key].output["losses"]
            median = runs[key].median_s
            out.append({
                "impl": name, "problem": problem_name, "n": n, "d": d, "dtype": dtype,
                "device": device, "steps": steps, "baseline": base[0],
                "time_per_step_s": (median or float("nan")) / steps,
                "initial_loss": losses[0] if losses else None,
                "final_loss": losses[-1] if losses else None,
                "final_theta": theta.tolist(),
                "theta_distance_over_bound": float(np.max(np.abs(theta - base_theta) / bound)),
                "matches": bool(np.all(np.abs(theta - base_theta) <= bound)),
                "bound_valid": valid,
            })
    return out
