"""How an error made at one step of gradient descent grows over the steps after it.

Along exact descent θ_{t+1} = θ_t − η∇L(θ_t), a run that carries an error e_t obeys, to
first order in e (the errors are a few roundings), e_{t+1} = J_t e_t + δ_t with
J_t = I − ηH(θ_t) and δ_t the step's own error. Whatever η is, two bounds follow:
- in norm: ‖e_{t+1}‖ ≤ ‖J_t‖‖e_t‖ + ‖δ_t‖, with ‖J_t‖ = max |1 − ημ| over H(θ_t)'s
  eigenvalues μ;
- per component: |e_{t+1}| ≤ |e_t| + η‖H(θ_t)‖‖e_t‖ + |δ_t|;
each component of θ_k is held to the smaller. Where H ≈ 0 (the sigmoid's flat tails) both
are Σδ_t, the per-step errors added up. The loss is not convex (ℓ″ < 0 in places), so even a
small η can make ‖J_t‖ > 1, and a step above 2/L does so by design: errors then grow, and
the bound grows with them. ``informative_steps`` is how far the errors grow at most
AMPLIFICATION_LIMIT-fold; past it a tolerance would be mostly growth, and the check compares
the run over that many steps only, saying so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from benchmarks.check.terms import terms
from impls.problem import Problem

AMPLIFICATION_LIMIT = 1e3
HESSIAN_WORK = 2e8  # flops spent on Hessians along one trajectory; beyond, every s-th step


@dataclass(frozen=True)
class Growth:
    """Per step t of exact descent: ‖J_t‖ and η‖H(θ_t)‖, from H at every ``every``-th step."""

    norm: np.ndarray
    spread: np.ndarray
    every: int

    def describe(self) -> dict:
        worst = float(self.norm.max()) if self.norm.size else 1.0
        return {"max_step_jacobian_norm": worst, "hessian_every": self.every,
                "rule": "first order in the errors along exact descent: ‖e_t+1‖ ≤ ‖I − ηH_t‖"
                        "‖e_t‖ + ‖δ_t‖ and |e_t+1| ≤ |e_t| + η‖H_t‖‖e_t‖ + |δ_t|"}


def hessian(problem: Problem, theta: np.ndarray) -> np.ndarray:
    t = terms(problem, theta)
    return (t.xt * t.second()[:, None]).T @ t.xt


def growth(problem: Problem, thetas: np.ndarray) -> Growth:
    """‖J_t‖ and η‖H_t‖ for t = 0..k−1 of a trajectory; H is held across skipped steps at the
    larger of its two neighbours' values, so a sampled stretch is not made to look calm."""
    steps, size = len(thetas) - 1, problem.d + 1
    work = problem.n * size * size + size ** 3
    every = max(1, math.ceil(steps * work / HESSIAN_WORK))
    sampled = [*range(0, steps, every), steps]
    norms, spreads = [], []
    for t in sampled:
        mu = np.linalg.eigvalsh(hessian(problem, thetas[t]))
        norms.append(max(abs(1 - problem.eta * mu[0]), abs(1 - problem.eta * mu[-1])))
        spreads.append(problem.eta * float(np.abs(mu).max()))
    segment = np.minimum(np.arange(steps) // every, len(sampled) - 2)
    norm, spread = np.array(norms), np.array(spreads)
    return Growth(norm=np.maximum(norm[segment], norm[segment + 1]),
                  spread=np.maximum(spread[segment], spread[segment + 1]), every=every)


def bounds(g: Growth, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bound, plain) for t = 0..k: |e_t| per component, and Σ_{j<t} δ_j without growth,
    for the same error δ (per component) made at every step."""
    steps = g.norm.size
    bound = np.zeros((steps + 1, delta.size))
    plain = np.arange(steps + 1)[:, None] * delta[None, :]
    size, in_norm = float(np.linalg.norm(delta)), 0.0
    for t in range(steps):
        componentwise = bound[t] + g.spread[t] * in_norm + delta
        in_norm = min(g.norm[t] * in_norm + size, float(np.linalg.norm(componentwise)))
        bound[t + 1] = np.minimum(componentwise, in_norm)
    return bound, plain


def amplification(bound: np.ndarray, plain: np.ndarray) -> np.ndarray:
    """‖bound_t‖ / ‖plain_t‖ per step: how much the dynamics enlarge the added-up errors."""
    top, base = np.linalg.norm(bound, axis=1), np.linalg.norm(plain, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(base > 0, top / base, 1.0)


def informative_steps(bound: np.ndarray, plain: np.ndarray) -> int:
    """The most steps over which errors grow at most AMPLIFICATION_LIMIT-fold (at least 1)."""
    beyond = np.flatnonzero(amplification(bound, plain) > AMPLIFICATION_LIMIT)
    return max(1, int(beyond[0]) - 1) if beyond.size else len(bound) - 1
