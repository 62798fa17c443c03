"""Gradient-descent paths for a too-small, a good and a too-large η, exact and per
implementation, and the loss surface over (w, b) they run on (d = 1)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from benchmarks.explain.calculus import augmented, gradient, hessian, sigmoid
from impls import registry
from impls.problem import Problem
from impls.stepsize import StepBound

SURFACE_POINTS = 121
WIDEST = 4.0
LARGE_TRIES = 6
SURFACE_MAX_WORK = 2 * 10**8  # grid points × data points evaluated for the contour


@dataclass(frozen=True)
class Path:
    label: str  # too small, good, too large
    eta: float
    thetas: np.ndarray  # (steps + 1, d + 1)
    losses: np.ndarray  # (steps + 1,)
    source: str = "exact"  # "exact" (float64 NumPy) or an implementation's name


def descend(x: np.ndarray, y: np.ndarray, theta0: np.ndarray, eta: float, steps: int,
            label: str) -> Path:
    xa = augmented(x)
    thetas = np.empty((steps + 1, theta0.size))
    losses = np.empty(steps + 1)
    theta = theta0.astype(np.float64)
    for k in range(steps + 1):
        f = sigmoid(xa @ theta)
        thetas[k], losses[k] = theta, 0.5 * np.sum((f - y) ** 2)
        theta = theta - eta * (xa.T @ ((f - y) * f * (1.0 - f)))
    return Path(label=label, eta=float(eta), thetas=thetas, losses=losses)


def choose_etas(x: np.ndarray, y: np.ndarray, theta0: np.ndarray, eta: float,
                steps: int) -> dict[str, float]:
    """η/10; η; and a too-large η: from 2.5/λ_max of the Hessian where the good run ends
    (past the 2/λ_max at which descent near a minimum overshoots), at least 4η, doubled until
    the run visibly oscillates or diverges (a sigmoid's flat tails can catch a large step)."""
    end = descend(x, y, theta0, eta, steps, "good").thetas[-1]
    top = float(np.max(np.linalg.eigvalsh(hessian(x, y, end))))
    large = max(2.5 / top, 4.0 * eta) if top > 0 else 4.0 * eta
    for _ in range(LARGE_TRIES):
        if behaviour(descend(x, y, theta0, large, steps, "too large")).startswith(
                ("oscillates", "diverges")):
            break
        large *= 2.0
    return {"too small": eta / 10.0, "good": eta, "too large": large}


def implementation_path(name: str, problem: Problem, eta: float, steps: int,
                        label: str) -> Path:
    """One implementation's own steps from θ0 (its dtype, its arithmetic)."""
    impl = registry.get(name)()
    impl.prepare(replace(problem, eta=eta))
    theta = problem.theta0.astype(np.float64)
    thetas = [theta]
    for _ in range(steps):
        theta = impl.step(theta)
        thetas.append(theta)
    _, curve = impl.train(problem.theta0, steps)
    last = impl.loss(theta)
    return Path(label=label, eta=float(eta), thetas=np.array(thetas),
                losses=np.append(curve, last), source=name)


@dataclass(frozen=True)
class Surface:
    w: np.ndarray  # grid axes
    b: np.ndarray
    loss: np.ndarray  # (len(b), len(w))


def surface_window(paths: list[Path], minimum: np.ndarray) -> tuple[tuple, tuple]:
    """A (w, b) window around the minimum and every path, with a margin; a path that flies
    more than WIDEST times as far as the others is left to leave the window."""
    base = np.vstack([minimum[None, :]] + [p.thetas for p in paths if p.label != "too large"])
    low, high = base.min(axis=0), base.max(axis=0)
    for p in paths:
        finite = p.thetas[np.all(np.isfinite(p.thetas), axis=1)]
        wide_low, wide_high = np.minimum(low, finite.min(axis=0)), np.maximum(high,
                                                                           finite.max(axis=0))
        if np.all(wide_high - wide_low <= WIDEST * np.maximum(high - low, 1.0)):
            low, high = wide_low, wide_high
    span = np.maximum(high - low, 1.0)
    low, high = low - 0.12 * span, high + 0.12 * span
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def loss_surface(x: np.ndarray, y: np.ndarray, w_range: tuple, b_range: tuple,
                 points: int = SURFACE_POINTS) -> Surface | None:
    """L over a (w, b) grid for d = 1; None when the data make it too costly."""
    if x.shape[1] != 1 or points * points * x.shape[0] > SURFACE_MAX_WORK:
        return None
    w = np.linspace(*w_range, points)
    b = np.linspace(*b_range, points)
    grid = np.empty((points, points))
    column = x[:, 0]
    for i, bi in enumerate(b):
        f = sigmoid(np.outer(w, column) + bi)
        grid[i] = 0.5 * np.sum((f - y) ** 2, axis=1)
    return Surface(w=w, b=b, loss=grid)


def minimum_estimate(x: np.ndarray, y: np.ndarray, paths: list[Path]) -> np.ndarray:
    """The lowest point any path reached: where the contour plot is centred."""
    best = min(paths, key=lambda p: float(np.nanmin(p.losses)))
    theta = best.thetas[int(np.nanargmin(best.losses))]
    return theta if np.all(np.isfinite(gradient(x, y, theta))) else paths[0].thetas[0]


def against_bound(bound: StepBound | None, eta: float) -> str:
    """Where η sits against the curvature bound: what it promises before the run."""
    if bound is None:
        return ""
    if eta <= bound.eta_descent * (1 + 1e-12):
        return "≤ 1/L: lowers L at every step"
    return "< 2/L: lowers L at every step" if eta < bound.eta_stable else \
        "> 2/L: no promise"


def behaviour(path: Path) -> str:
    """How the loss moved: settled, still falling, oscillating or diverging."""
    losses = path.losses
    if not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        return "diverges"
    rises = int(np.sum(np.diff(losses) > 1e-12 * max(float(losses[0]), 1e-300)))
    if rises > len(losses) // 10:
        return f"oscillates (the loss rose in {rises} of {len(losses) - 1} steps)"
    tail = losses[-max(len(losses) // 10, 2):]
    falling = tail[-1] < 0.9 * tail[0] and tail[-1] > 1e-10 * losses[0]
    if falling:
        return "still falling when the run ends" + (f" ({rises} rises)" if rises else "")
    return "settles" + (f" ({rises} rises on the way)" if rises else "")
