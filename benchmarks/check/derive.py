"""The SymPy derivation of the gradient, and its check against the seed (``updatebench derive``).

For one point, each derivative as SymPy's diff returns it and rewritten in f = σ(z); whether
it simplifies to the seed's chain-rule formula (f − y) f (1 − f) x, resp. (f − y) f (1 − f)
for b; and the sum over points that is ∂L/∂θ, since L = Σ_i ℓ_i. SymPy is imported only when
a function runs, so the CLI works without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sympy as sp


def chain_rule(d: int) -> dict[str, sp.Expr]:
    """The seed's formulas, with f = 1/(1 + exp(−z)) written out."""
    import sympy as sp

    from impls.sympy_symbolic import pre_activation, symbols

    _, x, _, y = symbols(d)
    f = 1 / (1 + sp.exp(-pre_activation(d)))
    delta = (f - y) * f * (1 - f)
    return {**{f"w_{k + 1}": delta * xk for k, xk in enumerate(x)}, "b": delta}


def simplifies_to_chain_rule(d: int) -> dict[str, bool]:
    import sympy as sp

    from impls.sympy_symbolic import derive

    seed = chain_rule(d)
    return {key: sp.simplify(expr - seed[key]) == 0 for key, expr in derive(d).items()}


def sum_form(per_point: sp.Expr, d: int) -> sp.Sum:
    """Σ_{i=1}^{n} of a per-point expression: x_k → x[i, k], y → y[i], f → f[i]."""
    import sympy as sp

    from impls.sympy_symbolic import FBAR, F, symbols

    _, x, _, y = symbols(d)
    i, n = sp.symbols("i n", integer=True, positive=True)
    xs, ys, fs, fbars = (sp.IndexedBase(name) for name in ("x", "y", "f", "fbar"))
    indexed = {**{xk: xs[i, k + 1] for k, xk in enumerate(x)}, y: ys[i], F: fs[i],
               FBAR: fbars[i]}
    return sp.Sum(per_point.subs(indexed), (i, 1, n))


@dataclass(frozen=True)
class Derivative:
    """One partial derivative of the per-point loss, in the forms the derivation shows."""

    parameter: str  # w_1, ..., w_d or b
    diffed: sp.Expr  # as SymPy's diff returns it
    in_sigmoid: sp.Expr  # rewritten in f = σ(z)
    is_chain_rule: bool  # simplifies to the seed's chain-rule formula
    summed: sp.Sum  # Σ_i over the points: the derivative of L


def derivatives(d: int) -> list[Derivative]:
    """Every ∂ℓ/∂θ_k for ``d`` features (SymPy needed: ImportError without it)."""
    from impls.sympy_symbolic import derive, in_sigmoid

    verdicts = simplifies_to_chain_rule(d)
    out = []
    for key, expr in derive(d).items():
        rewritten = in_sigmoid(expr, d)
        out.append(Derivative(key, expr, rewritten, verdicts[key], sum_form(rewritten, d)))
    return out
