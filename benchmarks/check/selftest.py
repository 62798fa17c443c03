"""The checker checked: which check catches each gallery bug, and the smallest error it sees.

Power, as mutation testing measures it: every program in ``GALLERY`` must fail the
check on every problem where its bug exists, the control (``gallery.Correct``) must pass,
and ``min_detectable`` bisects (in log space) on the relative error δ of a gradient scaled
by 1 + δ for the smallest δ the whole check rejects. The gallery runs in this process: its
programs are ours and cannot hang, and the checker's guards still keep them apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.check import gallery, gallery_calls
from benchmarks.check.context import Context, prepare
from benchmarks.check.single import check_one
from impls.problem import Problem, ProblemSpec, build

GALLERY: tuple[type[gallery.Correct], ...] = (*gallery.VALUE_BUGS, *gallery_calls.CALL_BUGS)
GOALS = {"float64": 1e-9, "float32": 1e-3}
BISECTIONS = 14
POWER_PROBLEMS = ((None, 1), (1000, 3))  # five-point, synthetic N = 1000, d = 3


@dataclass(frozen=True)
class Verdict:
    bug: str
    what: str
    problem: str
    dtype: str
    applies: bool
    caught: bool
    checks: tuple[str, ...]
    first_failure: str


@dataclass(frozen=True)
class Power:
    problem: str
    dtype: str
    min_detectable: float
    goal: float
    control_passes: bool

    @property
    def meets_goal(self) -> bool:
        return self.control_passes and self.min_detectable <= self.goal


def steps_for(problem: Problem) -> int:
    return 1000 if problem.name == "five-point" else 100


def verdicts(context: Context, bugs: tuple[type[gallery.Correct], ...] | None = None
             ) -> list[Verdict]:
    out = []
    problem = context.problem
    for cls in GALLERY if bugs is None else bugs:
        applies = cls.applies(problem)
        result = check_one(cls, context) if applies else None
        caught = result is not None and result.status in ("fail", "error")
        out.append(Verdict(cls.name, cls.bug, problem.name, problem.dtype, applies, caught,
                           tuple(result.failed_checks) if result else (),
                           result.failures[0] if result and result.failures else ""))
    return out


def rejects(context: Context, delta: float) -> bool:
    gallery.ScaleError.delta = delta
    try:
        return check_one(gallery.ScaleError, context).status != "pass"
    finally:
        gallery.ScaleError.delta = 0.0


def min_detectable(context: Context) -> Power:
    """Smallest δ in [1e-17, 1] whose g·(1 + δ) the check rejects (to a factor of 1.003)."""
    problem = context.problem
    control = not rejects(context, 0.0)
    lo, hi = 1e-17, 1.0
    if rejects(context, lo):
        hi = lo
    else:
        for _ in range(BISECTIONS):
            mid = math.sqrt(lo * hi)
            lo, hi = (lo, mid) if rejects(context, mid) else (mid, hi)
    return Power(problem.name, problem.dtype, hi, GOALS[problem.dtype], control)


def run(progress: Callable[[str], None] | None = None, synthetic_n: int = 1000,
        power: bool = True) -> tuple[list[Verdict], list[Power]]:
    """The gallery on five-point and synthetic N × d = 3, both dtypes; then the power."""
    found: list[Verdict] = []
    powers: list[Power] = []
    for n, d in ((None, 1), (synthetic_n, 3)):
        for dtype in ("float64", "float32"):
            kind = "five-point" if n is None else "synthetic"
            problem = build(ProblemSpec(kind=kind, n=n, d=d, dtype=dtype))
            if progress:
                progress(f"{problem.name} {dtype}")
            context = prepare(problem, steps_for(problem))
            found += verdicts(context)
            if power and (n, d) in POWER_PROBLEMS:
                powers.append(min_detectable(context))
    return found, powers
