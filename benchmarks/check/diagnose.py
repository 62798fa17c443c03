"""Known signatures of wrong results, named in plain words beside the failure they explain.

Each function looks at one wrong value against the exact one and returns the likely cause,
or None where no signature fits; it is only asked about values that already failed, so a
correct implementation never gets a diagnosis. Factors are judged within the tolerance the
value failed against (scaled by the factor): an exact 2 is a missing ½, an exact 1/N is a
mean, −1 a sign, two swapped components a layout mix-up. ``gallery`` has a wrong program
for every signature, and tests/test_check_diagnoses.py holds each to its words.
"""

from __future__ import annotations

import numpy as np

from benchmarks.check.terms import terms
from benchmarks.check.tolerance import unit_roundoff
from impls.problem import Problem

SIGNAL = 10.0  # a factor is only judged where the exact value is this many tolerances away


def distinct(a: float, b: float, least: int = 6) -> tuple[str, str]:
    """``a`` and ``b`` with the fewest significant digits (at least ``least``) that differ."""
    for digits in range(least, 18):
        left, right = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if left != right:
            return left, right
    return f"{a!r}", f"{b!r}"


def factors(n: int) -> list[tuple[float, str]]:
    return [(2.0, "exactly 2× the reference: a missing ½ (Σ(f − y)² instead of ½Σ(f − y)²)?"),
            (0.5, "exactly ½ the reference: a ½ too many?"),
            (-1.0, "the reference with its sign flipped: y − f for f − y, or the gradient of "
                   "−L?"),
            (1.0 / n, f"exactly 1/N of the reference (N = {n}): a mean instead of a sum?"),
            (2.0 / n, f"exactly 2/N of the reference (N = {n}): a mean of (f − y)² without "
                      "the ½?")]


def fits(value: np.ndarray, exact: np.ndarray, tol: np.ndarray, factor: float) -> bool:
    signal = np.abs(exact) > SIGNAL * tol
    close = np.abs(value - factor * exact) <= (1.0 + abs(factor)) * tol
    return bool(signal.any() and close.all())


def factor_cause(value: np.ndarray, exact: np.ndarray, tol: np.ndarray, n: int,
                 what: str) -> str | None:
    """``what`` is a known factor of the reference (2, ½, −1, 1/N, 2/N)."""
    for factor, words in factors(n):
        if factor == 1.0:  # 1/N or 2/N with N = 1 or 2: no signature
            continue
        if fits(value, exact, tol, factor):
            return f"{what} is {words}"
    return None


def common_factor_cause(value: np.ndarray, exact: np.ndarray, tol: np.ndarray,
                        what: str) -> str | None:
    """Every component of ``what`` the reference's times one factor."""
    signal = np.abs(exact) > SIGNAL * tol
    if value.size > 1 and signal.sum() >= 2:
        factor = float(value[signal] @ exact[signal] / (exact[signal] @ exact[signal]))
        if abs(factor - 1.0) > 1e-12 and fits(value, exact, tol, factor):
            shown = f"{factor:.6g}" if abs(factor - 1) >= 1e-4 else \
                f"(1 {'+' if factor > 1 else '−'} {abs(factor - 1):.3g})"
            return (f"{what} is the reference times {shown} in every component: a constant "
                    "factor (a scaled loss, or a learning rate inside the gradient)?")
    return None


def component_cause(grad: np.ndarray, exact: np.ndarray, tol: np.ndarray,
                    names: list[str]) -> str | None:
    """A few components wrong: exactly two exchanged, or some left at exactly zero."""
    wrong = [int(k) for k in np.flatnonzero(np.abs(grad - exact) > tol)]
    if len(wrong) == 2:
        swapped = grad.copy()
        swapped[wrong] = swapped[wrong[::-1]]
        if np.all(np.abs(swapped - exact) <= tol):
            first, second = (names[k] for k in wrong)
            return (f"∂L/∂{first} and ∂L/∂{second} are swapped: θ is laid out "
                    "[w_1, ..., w_d, b]")
    if wrong and np.all(grad[wrong] == 0.0):
        listed = ", ".join(f"∂L/∂{names[k]}" for k in wrong)
        return f"{listed} exactly 0 where the reference is not: a component never computed?"
    return None


def formula_cause(problem: Problem, theta: np.ndarray, grad: np.ndarray, exact: np.ndarray,
                  tol: np.ndarray) -> str | None:
    """The gradient of a known wrong formula: cross-entropy's, or one point counted twice
    or left out."""
    t = terms(problem, theta)
    slack = 8 * unit_roundoff(problem.dtype) * (problem.n + 16)
    cross = t.xt.T @ t.r
    if np.all(np.abs(grad - cross) <= tol + slack * (np.abs(t.r)[:, None] * np.abs(t.xt)).sum(0)):
        return ("it is Σ(f − y)·x̃, the cross-entropy gradient: the factor σ′(z) = f(1 − f) "
                "of the squared error is missing")
    share = t.delta[:, None] * t.xt  # point i's contribution to each component
    for sign, words in ((1.0, "counted twice"), (-1.0, "left out")):
        gap = np.max(np.abs(grad - exact - sign * share) / (2 * tol + 1e-300), axis=1)
        i = int(np.argmin(gap))
        if gap[i] <= 1.0 and np.abs(share[i]).max() > SIGNAL * tol.max():
            return (f"it is off by exactly data point {i + 1}'s contribution: that point "
                    f"{words} (a loop bound off by one?)")
    return None


def float32_cause(problem: Problem, values: np.ndarray, error: float, scale: float
                  ) -> str | None:
    """Every value a float32 number, and the error float32-sized, in a float64 run."""
    if problem.dtype != "float64":
        return None
    nonzero = values[values != 0]
    single = nonzero.astype(np.float32).astype(np.float64)
    if nonzero.size >= 2 and np.array_equal(single, nonzero) and error <= 1e-4 * scale:
        return ("error at float32's resolution in a float64 run: every value is a float32 "
                "number (float32 arithmetic inside, or a float32 array on the way?)")
    return None


def layouts(d: int) -> list[tuple[np.ndarray, str]]:
    """Matrices P of θ read wrongly: the implementation computes L(Pθ) and Pᵀ∇L(Pθ)."""
    flip = np.eye(d + 1)
    flip[-1, -1] = -1.0
    first = np.roll(np.eye(d + 1), -1, axis=0)  # the bias read from θ[0], w from θ[1:]
    return [(flip, "z = x·w − b: the bias enters with the wrong sign"),
            (first, "θ read as [b, w_1, …, w_d]: the bias taken first")]


def model_values(problem: Problem, theta: np.ndarray) -> tuple[float, np.ndarray]:
    t = terms(problem, theta)
    return float(np.sum(t.loss_terms)), t.xt.T @ t.delta


def layout_cause(problem: Problem, theta: np.ndarray, loss: float | None,
                 grad: np.ndarray | None, loss_tol: float, grad_tol: np.ndarray
                 ) -> str | None:
    """The loss (or gradient) of the model with θ laid out wrongly."""
    for matrix, words in layouts(problem.d):
        value, moved = model_values(problem, matrix @ theta)
        if grad is not None and np.all(np.abs(grad - matrix.T @ moved) <= 2 * grad_tol):
            return f"the loss and gradient are those of {words}"
        if loss is not None and abs(loss - value) <= 2 * loss_tol:
            return f"the loss is that of {words}"
    return None


def gradient_cause(problem: Problem, theta: np.ndarray, grad: np.ndarray, exact: np.ndarray,
                   tol: np.ndarray, names: list[str]) -> str | None:
    """The likely cause of a gradient that failed at θ, or None (most specific first)."""
    return (factor_cause(grad, exact, tol, problem.n, "the gradient")
            or component_cause(grad, exact, tol, names)
            or formula_cause(problem, theta, grad, exact, tol)
            or layout_cause(problem, theta, None, grad, 0.0, tol)
            or common_factor_cause(grad, exact, tol, "the gradient")
            or float32_cause(problem, grad, float(np.max(np.abs(grad - exact))),
                             float(np.max(np.abs(exact)))))


def loss_cause(problem: Problem, theta: np.ndarray, value: float, exact: float,
               tol: float) -> str | None:
    one, ref, bound = np.array([value]), np.array([exact]), np.array([tol])
    return (factor_cause(one, ref, bound, problem.n, "the loss")
            or layout_cause(problem, theta, value, None, tol, np.zeros(problem.d + 1))
            or float32_cause(problem, np.array([value, value]), abs(value - exact),
                             abs(exact)))


def stale_cause(grad: np.ndarray, earlier: dict[str, np.ndarray]) -> str | None:
    """The very gradient returned at an earlier point, bit for bit."""
    for where, before in earlier.items():
        if before.shape == grad.shape and np.array_equal(before, grad):
            return (f"it is bit for bit the gradient returned at {where}: a cached or stale "
                    "result (computed once, not for each θ)?")
    return None


def step_cause(problem: Problem, theta: np.ndarray, stepped: np.ndarray, grad: np.ndarray,
               allowed: np.ndarray) -> str | None:
    """θ_next − θ against −η∇L: the wrong sign, η/N, or no move at all."""
    moved, expected = stepped - theta, -problem.eta * grad
    if fits(moved, expected, allowed, -1.0):
        return "it moved θ by +η∇L: the step climbs (θ + η∇L for θ − η∇L)"
    if problem.n > 2 and fits(moved, expected, allowed, 1.0 / problem.n):
        return f"it moved θ by η/N·∇L (N = {problem.n}): η divided by N, a mean-loss habit?"
    if np.all(moved == 0) and np.any(np.abs(expected) > allowed):
        return "θ did not move: the update is computed but not applied?"
    return factor_cause(moved, expected, allowed, problem.n, "the move θ_next − θ")


def repeat_cause(first: np.ndarray, second: np.ndarray, hint: str = "state kept between "
                 "calls?") -> str:
    """Two calls with the same θ disagreed: say how."""
    text = "the answer changed between two calls with the same θ"
    signal = np.abs(first) > 0
    if signal.any() and np.allclose(second[signal], 2 * first[signal], rtol=1e-9, atol=0):
        return text + " (the second is 2× the first: gradients accumulate, a .grad not zeroed?)"
    return f"{text} ({hint})"


def curve_cause(losses: np.ndarray, exact: np.ndarray, tol: float) -> str | None:
    """The loss curve is exact descent's shifted by one step."""
    if exact.size > 1 and np.all(np.abs(losses[:-1] - exact[1:]) <= tol):
        return ("it is exact descent's curve shifted by one: L(θ_t+1) recorded for L(θ_t) "
                "(the loss taken after the step)")
    return None
