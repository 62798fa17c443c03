"""What every implementation's check shares, computed once by the parent: points, references.

A ``Context`` is plain data (NumPy arrays and mpmath numbers) so it crosses into a child
process by pickle; the exact losses of the Taylor test and the exact-descent trajectory are
in it, so a child never repeats the slow high-precision work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmarks.check import probes, taylor
from benchmarks.check import reference as ref
from benchmarks.check.trajectory import Trajectory, informative_steps, reference_trajectory
from impls.problem import Problem
from impls.stepsize import StepBound, step_bound


@dataclass(frozen=True)
class Context:
    problem: Problem
    seed: int
    device: str
    steps: int
    points: dict[str, np.ndarray]
    references: dict[str, ref.Reference]
    taylor: taylor.TaylorData
    trajectory: Trajectory
    bound: StepBound
    compared_steps: int  # of the training run, against exact descent (``trajectory``)


def prepare(problem: Problem, steps: int, seed: int = 0, device: str = "cpu") -> Context:
    """Points, references, Taylor data, exact descent; where errors grow too fast along
    exact descent to compare a whole run, its last θ becomes one more point (path-end)."""
    points = probes.probe_points(problem, seed)
    trajectory = reference_trajectory(problem, steps)
    compared = informative_steps(problem, trajectory)
    if compared < steps:
        points[probes.PATH_END] = probes.in_dtype(problem, trajectory.thetas[-1])
    references = {label: ref.reference(problem, theta) for label, theta in points.items()}
    data = taylor.prepare(problem, points["probe"], probes.taylor_direction(problem, seed))
    return Context(problem, seed, device, steps, points, references, data, trajectory,
                   step_bound(problem.x), compared)


MAX_MESSAGES = 4


@dataclass
class ImplCheck:
    """One implementation's verdict, the checks that failed, and the numbers behind it."""

    name: str
    method: str = ""
    status: str = "pass"  # pass, fail, error, unavailable
    failures: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    grads: dict[str, list[float]] = field(default_factory=dict)

    def note(self, why: str) -> None:
        """Show the first few messages, count the rest; every one is kept in all_failures."""
        self.details.setdefault("all_failures", []).append(why)
        if len(self.failures) < MAX_MESSAGES:
            self.failures.append(why)
        else:
            self.details["more_failures"] = self.details.get("more_failures", 0) + 1

    def lead(self, why: str) -> None:
        """A diagnosis of the failures below it: shown first, whatever else is shown."""
        self.details.setdefault("all_failures", []).insert(0, why)
        self.failures.insert(0, why)
        if len(self.failures) > MAX_MESSAGES:
            self.failures.pop()
            self.details["more_failures"] = self.details.get("more_failures", 0) + 1

    def fail(self, check: str, why: str) -> None:
        self.status = "fail" if self.status == "pass" else self.status
        self.note(why)
        if check not in self.failed_checks:
            self.failed_checks.append(check)

    def error(self, check: str, why: str) -> None:
        self.status = "error"
        self.note(why)
        if check not in self.failed_checks:
            self.failed_checks.append(check)
