"""SymPy: the gradient derived symbolically from the loss formula, then compiled with lambdify.

The raw derivative of ℓ = ½(1/(1 + e^−z) − y)² is x (1/(1 + e^−z) − y) e^−z / (1 + e^−z)²;
evaluated as written it overflows (e^1000) and returns nan for z ≪ 0. So before lambdify the
identity e^−z = (1 − f)/f, f = σ(z), rewrites it as a polynomial in f, SymPy factors it, and
the factor (1 − f) becomes a separate symbol f̄ = σ(−z): x (f − y) f f̄. NumPy then evaluates
f and f̄ with the overflow-free impls.numpy_manual.sigmoid, and the tail where f rounds to 1
keeps its digits, as in the hand-written chain rule.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from impls import numpy_manual
from impls.base import NumpyImplementation
from impls.registry import register

F, FBAR = sp.symbols("f fbar", positive=True)  # σ(z) and σ(−z) = 1 − σ(z)


def symbols(d: int) -> tuple[tuple[sp.Symbol, ...], tuple[sp.Symbol, ...], sp.Symbol, sp.Symbol]:
    """Weights w_1..w_d, one point's features x_1..x_d, the bias b and its target y."""
    w = sp.symbols(f"w_1:{d + 1}", real=True)
    x = sp.symbols(f"x_1:{d + 1}", real=True)
    b, y = sp.symbols("b y", real=True)
    return w, x, b, y


def pre_activation(d: int) -> sp.Expr:
    w, x, b, _ = symbols(d)
    return sp.Add(*(wk * xk for wk, xk in zip(w, x, strict=True))) + b


def point_loss(d: int = 1) -> sp.Expr:
    """ℓ = ½(1/(1 + exp(−(Σ w_k x_k + b))) − y)², the loss of one point."""
    *_, y = symbols(d)
    return sp.Rational(1, 2) * (1 / (1 + sp.exp(-pre_activation(d))) - y) ** 2


def derive(d: int = 1) -> dict[str, sp.Expr]:
    """∂ℓ/∂w_1 … ∂ℓ/∂w_d and ∂ℓ/∂b, keyed "w_1" … "b", exactly as SymPy's diff returns them."""
    w, _, b, _ = symbols(d)
    ell = point_loss(d)
    return {str(p): sp.diff(ell, p) for p in (*w, b)}


def in_sigmoid(expr: sp.Expr, d: int) -> sp.Expr:
    """``expr`` with e^−z = (1 − f)/f substituted, factored, and 1 − f written as f̄."""
    coeff, factors = sp.factor_list(expr.subs(sp.exp(-pre_activation(d)), (1 - F) / F))
    out = coeff
    for factor, power in factors:
        if factor.coeff(F).is_negative:  # y − f as −(f − y), 1 − f as −(f − 1)
            factor, out = -factor, out * (-1) ** power
        out *= (-FBAR if factor == F - 1 else factor) ** power
    w, _, b, _ = symbols(d)
    if out.free_symbols & {*w, b} or out.has(sp.exp):
        raise ValueError(f"could not write {expr} in terms of σ(z): got {out}")
    return out


@functools.cache
def kernels() -> tuple:
    """NumPy functions ℓ(f, y), ∂ℓ/∂w(f, f̄, y, x), ∂ℓ/∂b(f, f̄, y), derived once per process.

    Every ∂ℓ/∂w_k has the same form with x_k in place of x_1: it depends on the other weights
    only through z (derive(d) shows it for any d). Deriving each of them, as derive(d) does,
    costs O(d²) in SymPy (20 s at d = 400), so the d = 1 derivation serves every k, and the
    kernels broadcast over points and features.
    """
    _, (x,), _, y = symbols(1)
    derived = derive(1)
    ell = in_sigmoid(point_loss(1), 1)
    dw, db = (in_sigmoid(derived[key], 1) for key in ("w_1", "b"))
    return (sp.lambdify([F, y], ell, "numpy"), sp.lambdify([F, FBAR, y, x], dw, "numpy"),
            sp.lambdify([F, FBAR, y], db, "numpy"))


@register
class SympySymbolic(NumpyImplementation):
    name = "sympy-symbolic"
    method = "symbolic"
    framework = "sympy"
    requires = ("sympy",)

    def compile(self, theta) -> None:
        self._loss, self._dw, self._db = kernels()

    def loss_native(self, theta):
        f = numpy_manual.sigmoid(self.x @ theta[:-1] + theta[-1])
        return self._loss(f, self.y).sum()

    def value_and_grad_native(self, theta):
        z = self.x @ theta[:-1] + theta[-1]
        f, fbar = numpy_manual.sigmoid(z), numpy_manual.sigmoid(-z)
        grad = np.empty_like(theta)
        grad[:-1] = self._dw(f[:, None], fbar[:, None], self.y[:, None], self.x).sum(axis=0)
        grad[-1] = self._db(f, fbar, self.y).sum()
        return self._loss(f, self.y).sum(), grad
