"""``updatebench derive``: the gradient derived by SymPy (``benchmarks.check.derive``), printed,
with whether each derivative is the seed's chain-rule formula."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from benchmarks.cli.command import EXIT_FAILED, EXIT_OK, EXIT_USAGE, load_plugins
from benchmarks.cli.values import count
from benchmarks.errors import UsageError

NAME = "derive"
HELP = "Derive the gradient with SymPy and check it against the chain-rule formula."
MAX_DERIVE_D = 64  # SymPy's cost grows fast with d; the formula is the same for every d


@dataclass(frozen=True)
class DeriveOptions:
    d: int = 1

    def __post_init__(self) -> None:
        if self.d > MAX_DERIVE_D:
            raise UsageError(f"--d must be at most {MAX_DERIVE_D} for derive, got {self.d}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--d", type=count("d"), default=1,
                        help="Derive for this many features (default 1).")


def options_from(namespace: argparse.Namespace) -> DeriveOptions:
    load_plugins(namespace.plugin)
    return DeriveOptions(d=namespace.d)


def run(options: DeriveOptions) -> int:
    """Exit status 0 when every derivative simplifies to the seed's formula, else 1."""
    try:
        from benchmarks.check.derive import derivatives
        from impls.sympy_symbolic import point_loss, pre_activation
    except ImportError:
        print("updatebench: error: derive needs SymPy (pip install 'updatebench[methods]')",
              file=sys.stderr)
        return EXIT_USAGE
    d = options.d
    found = derivatives(d)
    print(f"per-point loss: ℓ = {point_loss(d)}")
    print("f = σ(z) = 1/(1 + exp(-z)), fbar = σ(-z) = 1 - f, "
          f"z = {pre_activation(d)}; L = Σ_i ℓ_i")
    for each in found:
        print(f"\n∂ℓ/∂{each.parameter} = {each.diffed}")
        print(f"        = {each.in_sigmoid}")
        print("simplifies to the chain-rule formula: " + ("yes" if each.is_chain_rule else "no"))
        print(f"∂L/∂{each.parameter} = {each.summed}")
    return EXIT_OK if all(each.is_chain_rule for each in found) else EXIT_FAILED
