"""What only the new methods claim: SymPy's derivation is the seed's, complex step is exact."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.check import reference
from impls import five_point, registry

sp = pytest.importorskip("sympy")


@pytest.mark.parametrize("d", [1, 3])
def test_symbolic_derivatives_are_the_seed_formulas(d):
    from impls.sympy_symbolic import derive

    w = sp.symbols(f"w_1:{d + 1}", real=True)
    x = sp.symbols(f"x_1:{d + 1}", real=True)
    b, y = sp.symbols("b y", real=True)
    f = 1 / (1 + sp.exp(-(sum(wk * xk for wk, xk in zip(w, x, strict=True)) + b)))
    delta = (f - y) * f * (1 - f)
    seed = {**{f"w_{k + 1}": delta * xk for k, xk in enumerate(x)}, "b": delta}
    derived = derive(d)
    assert derived.keys() == seed.keys()
    for key, expr in derived.items():
        assert sp.simplify(expr - seed[key]) == 0, key


def test_derive_command_prints_the_derivation_and_yes(capsys):
    from benchmarks.cli.main import main

    assert main(["derive", "--d", "2"]) == 0
    out = capsys.readouterr().out
    for key in ("w_1", "w_2", "b"):
        assert f"∂ℓ/∂{key} =" in out and f"∂L/∂{key} = Sum(" in out
    assert "exp(" in out  # the raw derivative, as SymPy's diff returns it
    assert out.count("simplifies to the chain-rule formula: yes") == 3
    assert "simplifies to the chain-rule formula: no" not in out


def test_complex_step_matches_the_mpmath_reference_to_round_off():
    """Relative to each component, away from the optimum where the sum's own cancellation,
    not the method, sets the error (there every method, numpy-manual too, is off 1e-13)."""
    problem = five_point()
    impl = registry.get("complex-step")()
    impl.prepare(problem)
    for theta in (problem.theta0, np.array([0.7, -1.3]), np.array([3.0, 1.0])):
        exact = reference.reference(problem, theta)
        assert exact.method.startswith("mpmath")
        _, grad = impl.value_and_grad(theta)
        assert np.all(np.abs(grad - exact.grad) <= 1e-15 * np.abs(exact.grad)), theta
