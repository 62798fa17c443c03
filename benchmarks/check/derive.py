"""``updatebench derive``: the SymPy derivation of the gradient, and its check against the seed.

Prints, for one point, each derivative as SymPy's diff returns it and rewritten in f = σ(z);
whether it simplifies to the seed's chain-rule formula (f − y) f (1 − f) x, resp.
(f − y) f (1 − f) for b; and the sum over points that is ∂L/∂θ, since L = Σ_i ℓ_i.
SymPy is imported only when the command runs, so the CLI works without it.
"""

from __future__ import annotations

import argparse
import sys
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


def features(text: str) -> int:
    try:
        d = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"d must be a whole number, got {text!r}") from None
    if d < 1:
        raise argparse.ArgumentTypeError(f"d must be at least 1, got {text!r}")
    return d


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options, on a parser the CLI made (benchmarks.cli.main's EXTENSIONS)."""
    parser.add_argument("--d", type=features, default=1, help="features (default 1)")


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The "derive" subcommand on an argparse subparsers object, for a CLI of one's own."""
    parser = commands.add_parser("derive", help="derive the gradient with SymPy and check it "
                                 "against the chain-rule formula")
    add_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Exit status 0 when every derivative simplifies to the seed's formula, else 1."""
    try:
        from impls.sympy_symbolic import derive, in_sigmoid, point_loss, pre_activation
    except ImportError:
        print("updatebench: error: derive needs SymPy (pip install 'updatebench[methods]')",
              file=sys.stderr)
        return 2
    d = args.d
    verdicts = simplifies_to_chain_rule(d)
    print(f"per-point loss: ℓ = {point_loss(d)}")
    print("f = σ(z) = 1/(1 + exp(-z)), fbar = σ(-z) = 1 - f, "
          f"z = {pre_activation(d)}; L = Σ_i ℓ_i")
    for key, expr in derive(d).items():
        rewritten = in_sigmoid(expr, d)
        print(f"\n∂ℓ/∂{key} = {expr}")
        print(f"        = {rewritten}")
        print("simplifies to the chain-rule formula: " + ("yes" if verdicts[key] else "no"))
        print(f"∂L/∂{key} = {sum_form(rewritten, d)}")
    return 0 if all(verdicts.values()) else 1
