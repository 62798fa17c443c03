"""The points θ at which every operation is checked, chosen where bugs hide.

- θ0, the problem's start (at θ = 0 every σ is ½, which hides σ(1 − σ) mistakes: hence)
- probe: θ0 plus N(0, ½²) noise (the Taylor test and the descent test run here);
- tail, tail-mirror: z = x·w + b spread over [−40, 40] along a random direction, then
  mirrored, so that every point visits both tails and some sit in the middle (a bug only
  for z > 0, a sigmoid that overflows or returns NaN past |z| = 30, lost digits);
- plateau: w = 0, b = 3: every residual has one sign, so nothing cancels in ∂L/∂b and the
  smallest relative error the checker detects is as small as the arithmetic allows;
- extreme: z spread over [−1000, 1000] (exp overflows in float64 beyond 709);
- path-end, only where a training run cannot be compared over all its steps: exact
  descent's last θ, so what the run reaches is still checked point by point.
The probe's noise is shrunk where raw features would carry z beyond ±PROBE_Z (a probe on
the flat tails tells nothing). Every point is rounded to the problem's dtype, so an
implementation never rounds θ itself.
"""

from __future__ import annotations

import numpy as np

from impls.problem import Problem

TAIL_Z = 40.0
EXTREME_Z = 1000.0
PLATEAU_B = 3.0
PROBE_Z = 5.0
PATH_END = "path-end"
LABELS = {"theta0": "θ0", "probe": "probe", "tail": "tail probe",
          "tail-mirror": "mirrored tail probe", "plateau": "plateau probe",
          "extreme": "extreme probe", PATH_END: "exact descent's last θ"}


def spread(problem: Problem, direction: np.ndarray, half_width: float) -> np.ndarray:
    """θ with z = x·w + b covering [−half_width, half_width] along ``direction``."""
    x = problem.x.astype(np.float64)
    base = x @ direction
    lo, hi = float(base.min()), float(base.max())
    if hi - lo <= 1e-9 * (1.0 + abs(hi)):  # one point, or all alike: push them to one tail
        return np.append(np.zeros(problem.d), half_width)
    scale = 2 * half_width / (hi - lo)
    return np.append(scale * direction, -half_width - scale * lo)


def augmented_x(problem: Problem) -> np.ndarray:
    return np.column_stack([problem.x.astype(np.float64), np.ones(problem.n)])


def near(problem: Problem, theta0: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """θ0 + noise, the noise shrunk so that no z moves by more than PROBE_Z."""
    moved = float(np.abs(augmented_x(problem) @ noise).max())
    return theta0 + noise * min(1.0, PROBE_Z / moved) if moved > 0 else theta0 + noise


def in_dtype(problem: Problem, theta: np.ndarray) -> np.ndarray:
    return np.asarray(theta, dtype=np.float64).astype(problem.dtype).astype(np.float64)


def probe_points(problem: Problem, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng([seed, 1])
    theta0 = problem.theta0.astype(np.float64)
    close = near(problem, theta0, rng.normal(0.0, 0.5, size=theta0.size))
    direction = rng.standard_normal(problem.d)
    far = rng.standard_normal(problem.d)
    points = {"theta0": theta0, "probe": close,
              "tail": spread(problem, direction, TAIL_Z),
              "tail-mirror": spread(problem, -direction, TAIL_Z),
              "plateau": np.append(np.zeros(problem.d), PLATEAU_B),
              "extreme": spread(problem, far, EXTREME_Z)}
    return {k: in_dtype(problem, v) for k, v in points.items()}


def z_range(problem: Problem, theta: np.ndarray) -> list[float]:
    """[min z, max z] over the data points at θ."""
    z = problem.x.astype(np.float64) @ theta[:-1] + theta[-1]
    return [float(z.min()), float(z.max())]


def taylor_direction(problem: Problem, seed: int) -> np.ndarray:
    v = np.random.default_rng([seed, 2]).standard_normal(problem.d + 1)
    return v / np.abs(v).max()
