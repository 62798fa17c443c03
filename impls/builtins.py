"""The built-in implementations: one row each, in listing order, the baseline first.

A plain table, so listing what exists (and what is missing, and why) imports no framework:
only ``registry.get`` imports the one module that defines a name. ``tests/test_builtins.py``
holds the table against the classes themselves, so a row cannot drift from its class.
"""

from __future__ import annotations

from dataclasses import dataclass

BASELINE = "numpy-manual"  # the implementation every speed-up is relative to; listed first


@dataclass(frozen=True)
class Builtin:
    """What a built-in class says about itself, without importing it."""

    name: str
    module: str
    method: str
    framework: str
    requires: tuple[str, ...] = ()
    checks_itself: bool = False  # overrides unavailable_reason: only importing it can tell


JAX = ("jax", "jaxlib")
BUILTINS = (
    Builtin(BASELINE, "impls.numpy_manual", "manual", "numpy"),
    Builtin("autograd", "impls.autograd_hips", "reverse-mode", "autograd", ("autograd",)),
    Builtin("complex-step", "impls.complex_step", "complex-step", "numpy"),
    Builtin("dask-manual", "impls.dask_manual", "manual", "dask", ("dask", "distributed")),
    Builtin("finite-diff", "impls.finite_diff", "finite-difference", "numpy"),
    Builtin("finite-diff-forward", "impls.finite_diff", "finite-difference", "numpy"),
    Builtin("jax-forward", "impls.jax_forward", "forward-mode", "jax", JAX),
    Builtin("jax-jit", "impls.jax_grad", "reverse-mode", "jax", JAX),
    Builtin("jax-eager", "impls.jax_grad", "reverse-mode", "jax", JAX),
    Builtin("jax-sharded", "impls.jax_sharded", "reverse-mode", "jax", JAX),
    Builtin("numba-fused", "impls.numba_fused", "manual", "numba", ("numba",)),
    Builtin("python-loop", "impls.python_loop", "manual", "python"),
    Builtin("sympy-symbolic", "impls.sympy_symbolic", "symbolic", "sympy", ("sympy",)),
    Builtin("torch-autograd", "impls.torch_autograd", "reverse-mode", "torch", ("torch",)),
    Builtin("torch-compile", "impls.torch_compile", "reverse-mode", "torch", ("torch",),
            checks_itself=True),
    Builtin("torch-forward", "impls.torch_forward", "forward-mode", "torch", ("torch",)),
    Builtin("torch-func", "impls.torch_func", "reverse-mode", "torch", ("torch",)),
)


def builtin(name: str) -> Builtin | None:
    return next((b for b in BUILTINS if b.name == name), None)


def builtin_modules() -> dict[str, tuple[str, ...]]:
    """module -> the names it registers, in listing order."""
    out: dict[str, tuple[str, ...]] = {}
    for item in BUILTINS:
        out[item.module] = (*out.get(item.module, ()), item.name)
    return out
