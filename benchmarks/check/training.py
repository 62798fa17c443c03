"""Do training runs from the same start end in the same place? Sweep's training.json, judged.

Two correct implementations may differ per step by their gradient tolerances (see
``benchmarks.check.tolerance``) plus the rounding of θ in the dtype; where the steps do not
enlarge errors those add up, giving the bound 4·k·(η·(tol_a + tol_b) + 8u|θ|) per component
of θ_k. No trajectory is at hand here to say how much the steps do enlarge them (``check``
propagates along exact descent, ``benchmarks.check.propagation``), so each record says
whether its η is above 2/L (``impls.stepsize``), where that growth is certain and the bound
is no verdict: ``bound_valid`` is then false.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.check import tolerance
from benchmarks.store.results import TRAINING
from impls import registry
from impls.builtins import BASELINE
from impls.problem import Problem, ProblemSpec, build
from impls.stepsize import step_bound


def problem_for(row: dict[str, Any], seed: int, spec: str = "") -> Problem:
    """The row's problem; ``spec`` is the sweep's ProblemSpec JSON (data file, eta, theta0)."""
    n = None if row["problem"] == "five-point" else int(row["n"])
    template = ProblemSpec.from_json(spec) if spec else ProblemSpec()
    return build(template.at_size(n, int(row["d"]), seed, row["dtype"]))


def sweep_spec(folder: Path) -> str:
    path = folder / "metadata.json"
    metadata = json.loads(path.read_text()) if path.is_file() else {}
    return metadata.get("options", {}).get("problem_spec", "")


def error_model(name: str) -> str:
    try:
        return registry.get(name).error_model
    except registry.RegistryError:
        return "exact"


def agreement(folder: Path, rows: list[dict[str, Any]], seed: int = 0) -> list[dict[str, Any]]:
    """One record per training configuration: time per step, final loss, distance to baseline.

    Paths are compared per problem, dtype and step count across devices: a GPU's path is held
    against the baseline's on the CPU. Tolerances are computed once per distinct final θ and
    error model (each is a pass over the data: at N = 10⁷ this is most of a report's time).
    """
    path = folder / TRAINING
    if not path.is_file():
        return []
    runs = json.loads(path.read_text())
    by_key = {row["key"]: row for row in rows}
    groups: dict[tuple, list[str]] = {}
    for key in runs:
        row = by_key.get(key)
        if row is None:
            continue
        group = (row["problem"], int(row["n"]), int(row["d"]), row["dtype"], int(row["steps"]))
        groups.setdefault(group, []).append(key)
    out = []
    for (problem_name, n, d, dtype, steps), keys in groups.items():
        names = {(by_key[k]["impl"], by_key[k]["device"]): k for k in keys}
        base = (BASELINE, "cpu") if (BASELINE, "cpu") in names else next(iter(names))
        base_theta = np.array(runs[names[base]]["final_theta"])
        problem = problem_for(by_key[keys[0]], seed, sweep_spec(folder))
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
            theta = np.array(runs[key]["final_theta"])
            tol = sum(tolerance_at(t, error_model(m))
                      for t in (theta, base_theta) for m in (name, base[0])) / 2
            bound = 4 * steps * (problem.eta * tol + 8 * u * np.maximum(abs(theta),
                                                                      abs(base_theta)))
            losses = runs[key]["losses"]
            out.append({
                "impl": name, "problem": problem_name, "n": n, "d": d, "dtype": dtype,
                "device": device, "steps": steps, "baseline": base[0],
                "time_per_step_s": (runs[key]["median_s"] or float("nan")) / steps,
                "initial_loss": losses[0] if losses else None,
                "final_loss": losses[-1] if losses else None,
                "final_theta": theta.tolist(),
                "theta_distance_over_bound": float(np.max(np.abs(theta - base_theta) / bound)),
                "matches": bool(np.all(np.abs(theta - base_theta) <= bound)),
                "bound_valid": valid,
            })
    return out
