"""Every timed configuration, verified in the parent: a time counts only for a right answer.

The worker keeps the result of the last timed call (on θ0, ``benchmarks.measure.calls``);
here it is held against a reference for that very configuration (problem, N, d, dtype, op)
within the check's own tolerance rule (``benchmarks.check.tolerance``), plus the
reference's own error bound:

- the reference is ``check.reference.longdouble_value_and_grad``: one pass in np.longdouble,
  pairwise-summed; its error obeys the same running bound with the longdouble's unit
  round-off (the dtype's bound × u_ld / u), plus one float64 rounding of the result;
- loss and gradient against it; the step against θ − η∇L within ``moves.step_allowance``;
  a training run's θ_k and loss curve against exact descent within ``trajectory.allowance``.

A result off by more gets status ``wrong``; one faster than the machine allows, or whose
calls on unseen θs are far slower than its median (answers cached by θ), ``implausible``.
References are computed once per (problem, θ) and shared by every implementation and
operation; ``seconds`` is what verifying cost.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from benchmarks.check import moves, rounding, tolerance, trajectory
from benchmarks.check.accuracy import component_names
from benchmarks.check.reference import LONGDOUBLE_U, longdouble_value_and_grad
from benchmarks.check.terms import terms
from benchmarks.measure.calls import MEMO_FACTOR
from benchmarks.measure.limits import PLAUSIBLE_SHARE
from benchmarks.store.config import Config
from benchmarks.store.record import Result
from impls import registry
from impls.errors import ProblemError
from impls.fits import check_fits
from impls.problem import Problem, build

PROBLEMS_KEPT = 2  # problems held at once: consecutive groups share one
# The result on an unseen θ is verified up to this many data values (N·(d + 1)); above it,
# where a second reference would cost a pass over much data, the floor catches skipped work.
FRESH_VERIFIED = 2 * 10**5
FLOAT64_U = 2.0**-53


@dataclass(frozen=True)
class Expected:
    """A correct call's answer at θ and how far it may be off (tolerance + reference bound)."""

    theta: np.ndarray
    loss: float
    grad: np.ndarray
    loss_tol: float
    exact_grad_tol: np.ndarray  # for error model "exact"
    reference_grad_error: np.ndarray


def expected_at(problem: Problem, theta: np.ndarray) -> Expected:
    loss, grad = longdouble_value_and_grad(problem, theta)
    t = terms(problem, theta)
    scale = LONGDOUBLE_U / rounding.unit_roundoff(problem.dtype)
    loss_bound, grad_bound = rounding.loss_bound(problem, t), rounding.grad_bound(problem, t)
    return Expected(theta, loss, grad,
                    loss_bound * (1 + scale) + FLOAT64_U * abs(loss), grad_bound,
                    grad_bound * scale + FLOAT64_U * np.abs(grad))


def over(error: np.ndarray, allowed: np.ndarray) -> tuple[float, int]:
    """The worst error in units of its allowance, and where."""
    ratio = np.nan_to_num(np.abs(error) / np.maximum(allowed, 1e-300), nan=np.inf)
    ratio = np.atleast_1d(ratio)
    at = int(np.argmax(ratio))
    return float(ratio[at]), at


def off(what: str, ratio: float, got: float, want: float) -> str:
    return f"{what} off by {ratio:.3g}× its tolerance ({got!r} vs {want!r})"


class Verifier:
    """Holds each measured result against its reference; shared across a whole sweep."""

    def __init__(self, plausible: Callable[[Config], float | None] | None = None) -> None:
        self.plausible = plausible
        self.problems: OrderedDict[tuple, Problem] = OrderedDict()
        self.expected: dict[tuple, Any] = {}
        self.seconds = 0.0  # wall-clock seconds spent verifying
        self.cpu_seconds = 0.0  # of this process's CPU: the share a busy machine inflates less

    def __call__(self, result: Result) -> Result:
        if result.status != "ok" or not result.measured:
            return result
        start, cpu = time.perf_counter(), time.process_time()
        try:
            verdict = self.verdict(result)
        except Exception as error:  # unverified is not ok; the sweep goes on
            why = str(error).splitlines()[0] if str(error) else ""
            verdict = "wrong", f"could not be verified ({type(error).__name__}: {why})"
        finally:
            self.seconds += time.perf_counter() - start
            self.cpu_seconds += time.process_time() - cpu
        if verdict is None:
            return result
        return replace(result, status=verdict[0], message=verdict[1])

    def verdict(self, result: Result) -> tuple[str, str] | None:
        beyond = beyond_memory(result.config)
        if beyond:  # a lazy problem's run: the floor still holds it, the check verifies it
            return implausible(result, self.plausible) or ("ok", beyond)
        wrong = self.wrong(result)
        if wrong:
            return "wrong", f"wrong result of the last timed call: {wrong}"
        return implausible(result, self.plausible)

    # ---- shared, slow parts, once each --------------------------------------------------
    def problem(self, config: Config) -> tuple[tuple, Problem]:
        key = (config.problem, config.n, config.d, config.dtype, config.seed,
               config.problem_spec)
        if key not in self.problems:
            self.problems[key] = build(config.problem_at())
            while len(self.problems) > PROBLEMS_KEPT:
                self.problems.popitem(last=False)
        self.problems.move_to_end(key)
        return key, self.problems[key]

    def once(self, key: tuple, make: Callable[[], Any]) -> Any:
        if key not in self.expected:
            self.expected[key] = make()
        return self.expected[key]

    # ---- the rule per operation ---------------------------------------------------------
    def wrong(self, result: Result) -> str:
        """Why the stored output is no correct answer ("" when it is)."""
        config, output = result.config, result.output
        if not output:
            return "no output was kept to verify"
        key, problem = self.problem(config)
        cls = registry.get(config.impl)
        model = getattr(cls, "error_model", "exact")
        if config.op == "train":
            return self.wrong_training(key, problem, output, model, config.steps)
        why = self.wrong_at(key, problem, cls, model, config.op, output)
        fresh = output.get("fresh")
        if not why and fresh and problem.n * (problem.d + 1) <= FRESH_VERIFIED:
            why = fresh.get("wrong") or self.wrong_at(key, problem, cls, model, config.op, fresh)
            why = why and f"{why}, on a θ it had not seen before (right at θ0 alone)"
        return why

    def wrong_at(self, key: tuple, problem: Problem, cls: type, model: str, op: str,
                 output: dict[str, Any]) -> str:
        """Why one output of ``op`` at its θ (``at``) is no correct answer ("" when it is)."""
        theta = np.asarray(output.get("at", problem.theta0), dtype=np.float64)
        exp = self.once((key, theta.tobytes()), lambda: expected_at(problem, theta))
        grad_tol = exp.exact_grad_tol if model == "exact" else self.once(
            (key, theta.tobytes(), model, cls.name),
            lambda: tolerance.grad_tolerance(problem, theta, model, cls))
        grad_allowed = grad_tol + exp.reference_grad_error
        names = component_names(problem.d)
        if op in ("loss", "value_and_grad"):
            ratio, _ = over(np.array(output["value"] - exp.loss), np.array(exp.loss_tol))
            if ratio > 1:
                return off("the loss", ratio, output["value"], exp.loss)
        if op == "value_and_grad":
            grad = np.asarray(output["grad"])
            ratio, j = over(grad - exp.grad, grad_allowed)
            if ratio > 1:
                return off(f"gradient {names[j]}", ratio, float(grad[j]), float(exp.grad[j]))
        if op == "step":
            stepped = np.asarray(output["theta"])
            want = theta - problem.eta * exp.grad
            allowed = moves.step_allowance(problem, theta, exp.grad, grad_allowed)
            ratio, j = over(stepped - want, allowed)
            if ratio > 1:
                return off(f"θ − η∇L, {names[j]},", ratio, float(stepped[j]), float(want[j]))
        return ""

    def wrong_training(self, key: tuple, problem: Problem, output: dict[str, Any],
                       model: str, steps: int) -> str:
        """θ_k and the loss curve against exact descent from θ0 (the check's rule)."""
        path = self.once((key, "train", steps),
                         lambda: trajectory.reference_trajectory(problem, steps))
        allowed = self.once((key, "train", steps, model),
                            lambda: trajectory.allowance(problem, path, model))
        k = allowed.compared
        losses, final = np.asarray(output["losses"]), np.asarray(output["theta"])
        ratio, at = over(losses[:k] - path.losses[:k], np.full(k, allowed.loss))
        if ratio > 1:
            return off(f"the loss curve at step {at}", ratio, float(losses[at]),
                       float(path.losses[at]))
        if k == steps:
            ratio, j = over(final - path.thetas[k], allowed.theta)
            if ratio > 1:
                return off(f"θ_{k}, {component_names(problem.d)[j]},", ratio,
                           float(final[j]), float(path.thetas[k][j]))
        return ""


def beyond_memory(config: Config) -> str:
    """Why the parent cannot hold this configuration's problem to verify it ("" if it can)."""
    if config.problem != "synthetic":
        return ""
    try:
        check_fits(config.n, config.d, config.dtype, copies=0)
    except ProblemError:
        return (f"not verified in the sweep: N={config.n} does not fit in this machine's "
                "memory; `updatebench check --chunked` verifies it chunk by chunk")
    return ""


def implausible(result: Result, plausible: Callable[[Config], float | None] | None
                ) -> tuple[str, str] | None:
    """Faster than the machine allows, or fast only on θs it has seen: no measurement."""
    median = result.median_s
    least = plausible(result.config) if plausible else None
    if median is not None and least is not None and median < least:
        return "implausible", (
            f"faster than this machine can read the data: cached, skipped or not waited for "
            f"(median {median:.3g} s, below {least:.3g} s, {PLAUSIBLE_SHARE:g}× the time to "
            "take one exp per point and read x and y once where they exceed the cache)")
    fresh = result.fresh_call_s
    if median is not None and fresh is not None and fresh > MEMO_FACTOR * median:
        return "implausible", (
            f"answers cached by θ: a call on a θ it has not seen takes {fresh:.3g} s, "
            f"{fresh / median:.3g}× the median {median:.3g} s")
    return None
