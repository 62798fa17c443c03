"""The check at a size no process holds: every chunk against the same sums made in one process.

A ``LazyProblem`` is never built, so the exact reference of the full check (which holds x and
y) cannot be taken. What can be checked is what a data-parallel implementation adds to the
one-process gradient: its chunks and its reduction. At each point θ the implementation
returns every chunk's [L, ∂L/∂θ] (``chunk_sums``) and its tree's total; here each chunk is
made again from the seed, one at a time, and summed by numpy-manual's code (``Blocked``,
unrounded), the one-process sums. A chunk passes when both are the same bits, or else when
they differ by no more than that chunk's running round-off bound
(``benchmarks.check.tolerance``, computed only then: it costs more than the sums). The
tree's total passes when it is within the reordering bound of the chunks added one by one:
adding m numbers in two orders differs by at most 2(m − 1)u Σ|p_k| (Higham, §4.2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.check.rounding import unit_roundoff
from benchmarks.check.tolerance import grad_tolerance, loss_tolerance
from impls.numpy_manual import Blocked
from impls.problem import LazyProblem, Problem

MAX_FAILURES = 5  # chunk failures spelled out per point; the count says the rest


def points(problem: LazyProblem) -> dict[str, np.ndarray]:
    """θ0 and a probe halfway to the true θ (a gradient far from zero), in float64."""
    theta0 = np.asarray(problem.theta0, dtype=np.float64)
    return {"theta0": theta0, "probe": theta0 + 0.5 * (problem.true_theta - theta0)}


def one_chunk(problem: LazyProblem, lo: int, hi: int, theta: np.ndarray,
              found: np.ndarray) -> tuple[np.ndarray, bool, str]:
    """The one-process sums of rows lo:hi, whether ``found`` is them bit for bit, and why
    not where it is also outside the chunk's running bound ("" when it passes)."""
    x, y = problem.rows(lo, hi)
    packed = np.empty((problem.d + 1, hi - lo), dtype=x.dtype)  # the workers' layout:
    packed[:-1], packed[-1] = x.T, y  # rows x_1..x_d, then y (``impls.dask_manual.pack``)
    value, grad = Blocked(packed[:-1].T, packed[-1]).value_and_grad(
        theta.astype(problem.dtype), unrounded=True)
    mine = np.array([value, *grad], dtype=np.float64)
    if np.array_equal(mine, found):
        return mine, True, ""
    block = Problem("chunk", x, y, theta0=problem.theta0, eta=problem.eta)
    bound = np.array([loss_tolerance(block, theta), *grad_tolerance(block, theta, "exact")])
    off = np.abs(found - mine)
    if np.all(off <= bound):
        return mine, False, ""
    worst = int(np.argmax(off / np.maximum(bound, 1e-300)))
    return mine, False, (f"chunk of rows {lo}:{hi}: component {worst} is {found[worst]!r}, "
                         f"one process gives {mine[worst]!r} (bound {bound[worst]:.3g})")


def check_point(problem: LazyProblem, impl: Any, theta: np.ndarray,
                progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Every chunk of ``impl`` at θ against the one-process sums, and its tree's total."""
    parts, tree = impl.chunk_sums(theta)
    bounds = impl.bounds()
    count = len(bounds) - 1
    sequential, magnitude = np.zeros(parts.shape[0]), np.zeros(parts.shape[0])
    identical, failures = 0, []
    for k in range(count):
        if progress is not None and k % 64 == 0:
            progress(f"chunk {k + 1} of {count}")
        mine, same, why = one_chunk(problem, int(bounds[k]), int(bounds[k + 1]), theta,
                                    parts[:, k])
        identical += same
        if why:
            failures.append(why)
        sequential += mine
        magnitude += np.abs(mine)
    tree_bound = 2 * max(count - 1, 1) * unit_roundoff("float64") * magnitude
    tree_off = np.abs(tree - sequential)
    tree_ok = bool(np.all(tree_off <= tree_bound))
    if not tree_ok:
        failures.append(f"the tree's total {tree.tolist()} is {tree_off.max():.3g} from the "
                        f"chunks added one by one (bound {tree_bound.max():.3g})")
    return {"theta": theta.tolist(), "chunks": count, "chunks_compared": count,
            "chunks_bit_identical": identical, "failed_chunks": len(failures) - (not tree_ok),
            "tree_total": tree.tolist(), "one_process_total": sequential.tolist(),
            "tree_difference": tree_off.tolist(), "tree_bound": tree_bound.tolist(),
            "tree_within_bound": tree_ok, "failures": failures[:MAX_FAILURES],
            "passed": not failures}


def check_chunked(problem: LazyProblem, names: list[str], make: Callable[[str], Any],
                  progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The chunk-by-chunk check of each implementation ``make(name)`` builds, as one
    JSON-ready report; an implementation without ``chunk_sums`` is an error."""
    entries = []
    for name in names:
        impl = make(name)
        entry: dict[str, Any] = {"name": name, "method": getattr(impl, "method", ""),
                                 "points": {}, "failures": []}
        if not callable(getattr(impl, "chunk_sums", None)):
            entry.update(status="error", failures=[f"{name} has no chunk_sums: it cannot be "
                                                   "checked chunk by chunk"])
            entries.append(entry)
            continue
        impl.prepare(problem)
        for label, theta in points(problem).items():
            say = None if progress is None else (lambda text, at=f"{name} at {label}":
                                                 progress(f"{at}: {text}"))
            found = entry["points"][label] = check_point(problem, impl, theta, say)
            entry["failures"] += [f"at {label}: {why}" for why in found["failures"]]
        entry["parameters"] = impl.parameters()
        entry["status"] = "pass" if not entry["failures"] else "fail"
        entries.append(entry)
    return {"kind": "chunked", "problem": problem.describe(), "implementations": entries,
            "passed": bool(entries) and all(e["status"] == "pass" for e in entries)}
