"""The check's gallery against the gradient checkers people reach for first.

Every program of the self-test gallery (``benchmarks.check.selftest.GALLERY``) goes through
``torch.autograd.gradcheck`` and ``jax.test_util.check_grads`` with their default tolerances,
as a user would wire an implementation to them: a function whose value is the
implementation's ``loss`` and whose backward pass is its ``value_and_grad``, at the
problem's θ0. Then, as the self-test does for ``updatebench check``, each tool's smallest
detectable relative gradient error δ (g scaled by 1 + δ) by bisection. float64 only: both
tools' finite differences are meant for it.

    python scripts/gradcheck_gallery.py --out results/reference-gradcheck
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.check import gallery, selftest  # noqa: E402
from benchmarks.check.context import prepare  # noqa: E402
from impls.problem import Problem, ProblemSpec, build  # noqa: E402

PROBLEMS = ((None, 1), (1000, 3))  # five-point, synthetic N = 1000, d = 3


def _numpy(theta) -> np.ndarray:
    return np.array(theta, dtype=np.float64)  # a copy: the implementation may write to it


def torch_rejects(impl, theta: np.ndarray) -> bool:
    import torch

    class Loss(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return torch.tensor(impl.loss(_numpy(t.detach().numpy())), dtype=torch.float64)

        @staticmethod
        def backward(ctx, g):
            (t,) = ctx.saved_tensors
            _, grad = impl.value_and_grad(_numpy(t.detach().numpy()))
            return g * torch.from_numpy(np.asarray(grad, dtype=np.float64))

    t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    try:
        return not torch.autograd.gradcheck(Loss.apply, (t,), raise_exception=False)
    except Exception:  # a crash inside the program is a rejection too
        return True


def jax_rejects(impl, theta: np.ndarray) -> bool:
    import jax

    jax.config.update("jax_enable_x64", True)  # before any array: float64 gradients
    import jax.numpy as jnp
    from jax.test_util import check_grads

    def value(t):
        return np.float64(impl.loss(_numpy(t)))

    def gradient(t):
        return np.asarray(impl.value_and_grad(_numpy(t))[1], dtype=np.float64)

    @jax.custom_vjp
    def loss(t):
        return jax.pure_callback(value, jax.ShapeDtypeStruct((), jnp.float64), t)

    def forward(t):
        return loss(t), t

    def backward(t, g):
        return (g * jax.pure_callback(gradient, jax.ShapeDtypeStruct(t.shape, jnp.float64), t),)

    loss.defvjp(forward, backward)
    try:
        check_grads(loss, (jnp.asarray(theta),), order=1, modes=("rev",))
        return False
    except Exception:  # AssertionError on a mismatch; anything else is a rejection too
        return True


TOOLS: dict[str, Callable[[object, np.ndarray], bool]] = {
    "torch.autograd.gradcheck": torch_rejects, "jax check_grads": jax_rejects}


def tool_rejects(tool: str, cls: type[gallery.Correct], problem: Problem) -> bool:
    impl = cls()
    impl.prepare(problem)
    return TOOLS[tool](impl, np.asarray(problem.theta0, dtype=np.float64))


def min_detectable(reject: Callable[[float], bool]) -> float:
    """Smallest δ in [1e-17, 1] that ``reject`` rejects, as the self-test bisects."""
    lo, hi = 1e-17, 1.0
    if not reject(hi):
        return math.inf
    for _ in range(selftest.BISECTIONS):
        mid = math.sqrt(lo * hi)
        lo, hi = (lo, mid) if reject(mid) else (mid, hi)
    return hi


def scaled_rejects(tool: str, problem: Problem, delta: float) -> bool:
    gallery.ScaleError.delta = delta
    try:
        return tool_rejects(tool, gallery.ScaleError, problem)
    finally:
        gallery.ScaleError.delta = 0.0


def measure(n: int | None, d: int) -> dict:
    kind = "five-point" if n is None else "synthetic"
    problem = build(ProblemSpec(kind=kind, n=n, d=d, dtype="float64"))
    context = prepare(problem, selftest.steps_for(problem))
    found = {v.bug: v for v in selftest.verdicts(context)}
    rows = []
    for cls in (gallery.Correct, *selftest.GALLERY):
        applies = cls.applies(problem)
        row = {"bug": cls.name, "what": cls.bug, "applies": applies}
        if applies:
            verdict = found.get(cls.name)
            row["updatebench check"] = (verdict.caught if verdict else
                                        selftest.rejects(context, 0.0))
            row.update({tool: tool_rejects(tool, cls, problem) for tool in TOOLS})
        rows.append(row)
    power = {"updatebench check": selftest.min_detectable(context).min_detectable}
    power.update({tool: min_detectable(lambda delta, t=tool: scaled_rejects(t, problem, delta))
                  for tool in TOOLS})
    return {"problem": problem.name, "dtype": "float64", "theta0": list(map(float,
            problem.theta0)), "rows": rows, "min_detectable": power}


def _mark(row: dict, tool: str) -> str:
    if not row["applies"]:
        return "–"
    caught = row[tool]
    return ("passes" if not caught else "**false alarm**") if row["bug"] == "gallery-correct" \
        else ("caught" if caught else "**missed**")


SHORT = {"updatebench check": "check", "torch.autograd.gradcheck": "gradcheck",
         "jax check_grads": "check_grads"}


def markdown(results: list[dict]) -> str:
    tools = ["updatebench check", *TOOLS]
    head = ["bug"] + [f"{SHORT[tool]}, {r['problem'].replace('synthetic-', '')}"
                      for r in results for tool in tools]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for i, row in enumerate(results[0]["rows"]):
        cells = [f"`{row['bug']}`"] + [_mark(r["rows"][i], tool) for r in results
                                      for tool in tools]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("| caught of those that exist | " + " | ".join(
        f"{sum(1 for x in r['rows'][1:] if x['applies'] and x[tool])} of "
        f"{sum(1 for x in r['rows'][1:] if x['applies'])}" for r in results for tool in tools)
        + " |")
    lines.append("| smallest detectable δ | " + " | ".join(
        f"{r['min_detectable'][tool]:.2g}" for r in results for tool in tools) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="Write gradcheck.json and gradcheck.md here.")
    parser.add_argument("--table-from", type=Path, metavar="JSON",
                        help="Only write the table of an earlier run's gradcheck.json.")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.table_from:
        results = json.loads(args.table_from.read_text())
        print(markdown(results), end="")
        return 0
    results = [measure(n, d) for n, d in PROBLEMS]
    table = markdown(results)
    print(table)
    import jax
    import torch

    print(f"{time.perf_counter() - start:.0f} s; torch {torch.__version__}, jax {jax.__version__}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "gradcheck.json").write_text(json.dumps(results, indent=1) + "\n")
        (args.out / "gradcheck.md").write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
