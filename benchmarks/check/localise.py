"""Where in z an implementation goes wrong, when its failures follow z across the points.

If the failing points are exactly those with some z > 0 (or z < 0), that is said. Else, if
every failing point reaches a larger |z| than every passing one, the failing point with
the smallest reach is walked back towards θ = 0 along its own direction (z(sθ) = s·z(θ)),
bisecting on s for the |z| at which the answer turns wrong: "only where |z| > 30".
"""

from __future__ import annotations

import numpy as np

from benchmarks.check import probes
from benchmarks.check import reference as ref
from benchmarks.check.calls import Caller
from benchmarks.check.tolerance import loss_tolerance
from impls.problem import Problem

BISECTIONS = 12
MIN_REACH = 1.0  # passing points must reach this |z| before a |z| threshold means anything


def reach(problem: Problem, theta: np.ndarray) -> float:
    lo, hi = probes.z_range(problem, theta)
    return max(abs(lo), abs(hi))


def wrong_at(caller: Caller, problem: Problem, theta: np.ndarray, model, cls) -> bool:
    """Does value_and_grad at θ miss the reference (or return a non-finite number)?"""
    (value, grad), _ = caller("value_and_grad", theta, "a point between the probes")
    if not (np.isfinite(value) and np.isfinite(grad).all()):
        return True
    exact = ref.reference(problem, theta)
    tol = model.grad_tolerance(problem, theta, cls)
    return bool(np.any(np.abs(grad - exact.grad) > tol)
                or abs(value - float(exact.loss)) > loss_tolerance(problem, theta))


def threshold(caller: Caller, problem: Problem, theta: np.ndarray, low: float, model,
              cls) -> tuple[float, float] | None:
    """(largest |z| found right, smallest |z| found wrong) along s·θ, from |z| = ``low``."""
    top = reach(problem, theta)
    lo, hi = low / top, 1.0
    if wrong_at(caller, problem, probes.in_dtype(problem, lo * theta), model, cls):
        return None  # not a threshold in |z|: wrong already where other points pass
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        point = probes.in_dtype(problem, mid * theta)
        lo, hi = (lo, mid) if wrong_at(caller, problem, point, model, cls) else (mid, hi)
    return lo * top, hi * top


def z_cause(caller: Caller, problem: Problem, points: dict[str, np.ndarray],
            failed: dict[str, bool], model, cls) -> str | None:
    """The z pattern of the failures, in words, or None."""
    bad = [label for label, f in failed.items() if f]
    good = [label for label, f in failed.items() if not f]
    if not bad or not good:
        return None
    reaches = {label: reach(problem, points[label]) for label in points}
    passed = ", ".join(probes.LABELS[g] for g in good)
    ranges = {label: probes.z_range(problem, points[label]) for label in points}
    for side, index, sign in (("z > 0", 1, 1.0), ("z < 0", 0, -1.0)):
        if all(sign * ranges[b][index] > 0 for b in bad) and \
                all(sign * ranges[g][index] <= 0 for g in good) and \
                any(sign * ranges[g][1 - index] <= -MIN_REACH for g in good):
            return (f"wrong only at points where some {side}: right at {passed}, where no "
                    f"{side}; a branch taken only for {side}?")
    reached = max(reaches[g] for g in good)
    if min(reaches[b] for b in bad) > reached >= MIN_REACH:
        nearest = min(bad, key=reaches.__getitem__)
        found = threshold(caller, problem, points[nearest], reached, model, cls)
        if found is not None:
            right, wrong = found
            return (f"wrong only where |z| > {0.5 * (right + wrong):.4g}: right while every "
                    f"|z| ≤ {right:.4g} (along the {probes.LABELS[nearest]}), wrong from "
                    f"|z| = {wrong:.4g} on ({passed} pass): a sigmoid or σ′ that breaks "
                    "past some |z| (exp overflowing, a cut-off, a NaN)?")
    return None
